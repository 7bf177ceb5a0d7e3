import Foundation
import Testing
import Commands

/// Session 21's hostile-input probes (docs/hostile-input.md "Session 21").
@Suite("Hostile input: session 21")
struct HostileInputSessionTwentyOneTests {
    static func lines(_ dir: String, _ file: String) throws -> [String] {
        try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    @Test("reshape --long keeps a stub column whose suffix is not a time (phq_total) instead of making it a time point")
    func reshapeLongLeavesNonTimeSuffixes() throws {
        let dir = try Hostile.write(["w.csv": "id,phq_1,phq_2,phq_total,phqx\n1,3,4,7,9\n2,5,6,11,8\n"])
        let outcome = Hostile.run(["reshape", "w.csv", "--long", "--id", "id", "--time", "t", "--stub", "phq",
                                   "--out", "l.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("phq_total, phqx were not gathered"), "\(outcome.message)")
        // Session 20 wrote times "_1", "_2", "_total", "x" (text) with the total as a fake time point.
        #expect(try Self.lines(dir, "l.csv") == ["id,phq_total,phqx,t,phq", "1,7,9,1,3", "1,7,9,2,4", "2,11,8,1,5", "2,11,8,2,6"])
    }

    @Test("reshape --long refuses two columns of one stub at the same time (phq1 and phq_1)")
    func reshapeLongRefusesTwoSpellingsOfOneTime() throws {
        let dir = try Hostile.write(["w.csv": "id,phq1,phq2,phq10,phq_1\n1,3,4,5,6\n",
                                     "z.csv": "id,phq_1,phq_01\n1,3,4\n"])
        for file in ["w.csv", "z.csv"] {
            let outcome = Hostile.run(["reshape", file, "--long", "--id", "id", "--time", "t", "--stub", "phq",
                                       "--out", "l.csv"], in: dir)
            #expect(outcome.status == 65, "\(outcome.message)")
            #expect(outcome.message.contains("both give time"), "\(outcome.message)")
        }
        // Text times of one kind are still gathered as before (pre/post).
        let text = try Hostile.write(["p.csv": "id,phq_pre,phq_post\n1,10,4\n"])
        let outcome = Hostile.run(["reshape", "p.csv", "--long", "--id", "id", "--time", "t", "--stub", "phq",
                                   "--out", "l.csv"], in: text)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(try Self.lines(text, "l.csv") == ["id,t,phq", "1,pre,10", "1,post,4"])
    }

    /// 60 rows with a 0/1 moderator and an interaction.
    static let binaryModerator: String = {
        var text = "x,w,y\n"
        for i in 0..<60 {
            let x = Double((i * 17) % 23) / 4 - 2.5, w = Double(i % 2)
            text += "\(x),\(Int(w)),\(0.2 * x + 0.5 * w + 0.7 * x * w + Double((i * 7) % 11) / 10 - 0.5)\n"
        }
        return text
    }()

    @Test("moderate with a 0/1 moderator probes 0 and 1 under mean-sd and gives no Johnson-Neyman region")
    func dichotomousModerator() throws {
        let dir = try Hostile.write(["m.csv": Self.binaryModerator])
        let outcome = Hostile.run(["moderate", "m.csv", "--x", "x", "--w", "w", "--y", "y", "--jn", "--probes", "mean-sd",
                                   "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        // Session 20 probed w = mean ± SD (−0.00 and 1.00 here; −0.10 on the prober's file) and reported a boundary at 0.34.
        let doc = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let probes = (doc?["probes"] as? [String: Any])?["values"] as? [Double]
        #expect(probes == [0, 1], "\(outcome.standardOutput)")
        #expect(doc?["johnson_neyman"] == nil)
        #expect(outcome.message.contains("takes only two values, so there is no Johnson–Neyman region"), "\(outcome.message)")
    }

    @Test("describe shortens a long text level in the human table (JSON keeps it whole)")
    func describeShortensLongLevels() throws {
        let long = String(repeating: "the client said a great deal about the week ", count: 9)
        var text = "note,score\n"
        for i in 0..<20 { text += "\(i % 2 == 0 ? long : "short"),\(i)\n" }
        let dir = try Hostile.write(["d.csv": text])
        let outcome = Hostile.run(["describe", "d.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(!outcome.standardOutput.contains(long), "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains(String(long.prefix(59)) + "…"), "\(outcome.standardOutput)")
        let json = Hostile.run(["describe", "d.csv", "--format", "json"], in: dir)
        #expect(json.standardOutput.contains(long.trimmingCharacters(in: .whitespaces)))
    }

    @Test("fit lmm refuses an outcome constant within every client (residual variance at zero) instead of row-level SEs")
    func lmmResidualCollapse() throws {
        var text = "client,session,wai,yc,y\n"
        for c in 0..<30 {
            let mean = 8 + Double((c * 7) % 13)
            for s in 1...4 {
                let noise = Double((c * 5 + s * 3) % 7) / 7 - 0.4
                text += "c\(c),\(s),\(40 + (c + s) % 9),\(mean),\(mean + noise)\n"
            }
        }
        let dir = try Hostile.write(["l.csv": text])
        for formula in ["yc ~ 1 + (1 | client)", "yc ~ wai + (1 | client)"] {
            let outcome = Hostile.run(["fit", "lmm", "l.csv", "--formula", formula], in: dir)
            #expect(outcome.status == 65, "\(formula): \(outcome.message)")
            #expect(outcome.message.contains("yc does not vary within client"), "\(outcome.message)")
        }
        // An outcome that varies within clients still fits.
        let fine = Hostile.run(["fit", "lmm", "l.csv", "--formula", "y ~ wai + (1 | client)"], in: dir)
        #expect(fine.status == 0, "\(fine.message)")
    }

    @Test("survival reads an event column of yes/Yes/no/NO, and shows a median's one known confidence limit")
    func survivalMixedCaseEventsAndOneSidedMedianLimit() throws {
        let dir = try Hostile.write(["yn.csv": "t,e\n1,yes\n2,no\n3,Yes\n4,NO\n5,yes\n6,no\n7,no\n"])
        let outcome = Hostile.run(["survival", "yn.csv", "--time", "t", "--event", "e", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let doc = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let group = (doc?["groups"] as? [[String: Any]])?.first
        #expect(group?["events"] as? Int == 3, "\(outcome.standardOutput)")
        // The median 5 with lower limit 3 and no upper limit (R: quantile(survfit(...), 0.5) gives 3, NA).
        let text = Hostile.run(["survival", "yn.csv", "--time", "t", "--event", "e"], in: dir)
        #expect(text.standardOutput.contains("[3.00, —]"), "\(text.standardOutput)")
    }

    /// Session 20's test key (6 items 1–5, total 6–30) with severity bands spliced in by `edit`.
    static func bandKey(_ bands: String) -> String {
        HostileInputSessionTwentyTests.key {
            $0.replacingOccurrences(of: #""total":"sum","#, with: #""total":"sum","severity_bands":["# + bands + "],")
        }
    }

    @Test("a scoring key whose severity bands leave totals unlabelled, overlap or lack a label is refused; a fractional item count is named",
          arguments: [
            (bandKey(#"{"label":"mild","min":10,"max":19},{"label":"severe","min":20,"max":30}"#), "starts at 10.0, but totals can be as low as 6.0"),
            (bandKey(#"{"label":"low","min":6,"max":19},{"label":"high","min":15,"max":30}"#), "overlap"),
            (bandKey(#"{"label":" ","min":6,"max":19},{"label":"high","min":20,"max":30}"#), "empty label"),
            (bandKey(#"{"label":"low","min":6,"max":5},{"label":"high","min":20,"max":30}"#), "needs min ≤ max"),
            (HostileInputSessionTwentyTests.key { $0.replacingOccurrences(of: #""items":6"#, with: #""items":6.5"#) },
             "'items' must be a whole number (got 6.5)"),
            (HostileInputSessionTwentyTests.key { $0.replacingOccurrences(of: #""reverse_items":[2,5]"#, with: #""reverse_items":[2,5.5]"#) },
             "'reverse_items[1]' must be a whole number"),
          ])
    func severityBandsAndWholeNumbers(key: String, expected: String) throws {
        var data = "id,q1,q2,q3,q4,q5,q6\n"
        for i in 0..<12 { data += "c\(i),\((0..<6).map { String(1 + (i + $0) % 5) }.joined(separator: ","))\n" }
        let dir = try Hostile.write(["d.csv": data, "k.json": key,
                                     "good.json": Self.bandKey(#"{"label":"low","min":6,"max":19},{"label":"high","min":20,"max":30}"#)])
        let good = Hostile.run(["score", "d.csv", "--key", "good.json", "--prefix", "q"], in: dir)
        #expect(good.status == 0, "\(good.message)")
        let outcome = Hostile.run(["score", "d.csv", "--key", "k.json", "--prefix", "q"], in: dir)
        #expect(outcome.status != 0, "\(outcome.message)")
        #expect(outcome.message.contains(expected), "\(outcome.message)")
    }

    /// 60 rows: sex coded 1/2 (57 and 3), site a/b and arm x/y (30 each, but site a with arm x only 3 times).
    static let exportRows: String = {
        var text = "y,sex12,x,site,arm,flag\n"
        for i in 0..<60 {
            let site = i < 30 ? "a" : "b"
            let arm = (i < 3 || i >= 33) ? "x" : "y"
            text += "\(10 + Double((i * 7) % 11) / 2),\(i % 20 == 0 ? 2 : 1),\(Double((i * 13) % 17) / 3),\(site),\(arm),\(i % 2)\n"
        }
        return text
    }()

    @Test("fit --export-summary refuses small counts behind a 1/2-coded column and behind the cross-table of two factors",
          arguments: [("y ~ sex12 + x", "sex12 = 2"), ("y ~ I(flag * 2) + sex12", "sex12 = 2"),
                      ("y ~ site + arm", "site[b] = 0 and arm[y] = 0")])
    func exportSummaryChecksEveryDerivableCount(formula: String, expected: String) throws {
        let dir = try Hostile.write(["s.csv": Self.exportRows])
        let outcome = Hostile.run(["fit", "ols", "s.csv", "--formula", formula, "--export-summary", "s.json"], in: dir)
        #expect(outcome.status == 65, "\(formula): \(outcome.message)")
        #expect(outcome.message.contains(expected), "\(outcome.message)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s.json"))
        // Balanced terms still export: flag (30/30), and x with many values.
        let fine = Hostile.run(["fit", "ols", "s.csv", "--formula", "y ~ flag + x", "--export-summary", "ok.json"], in: dir)
        #expect(fine.status == 0, "\(fine.message)")
    }

    @Test("pool warns about a site exported under a lower --min-cell or with fewer rows than the default rule")
    func poolWarnsAboutTinySites() throws {
        var big = "y,x\n"
        for i in 0..<40 { big += "\(Double((i * 7) % 13)),\(Double((i * 5) % 11))\n" }
        let dir = try Hostile.write(["a.csv": big, "b.csv": "y,x\n1,2\n3,1\n2,5\n6,4\n5,3\n"])
        #expect(Hostile.run(["fit", "ols", "a.csv", "--formula", "y ~ x", "--export-summary", "a.json"], in: dir).status == 0)
        let tiny = Hostile.run(["fit", "ols", "b.csv", "--formula", "y ~ x", "--export-summary", "b.json", "--min-cell", "1"], in: dir)
        #expect(tiny.status == 0, "\(tiny.message)")
        let pooled = Hostile.run(["pool", "a.json", "b.json", "--format", "json"], in: dir)
        #expect(pooled.status == 0, "\(pooled.message)")
        #expect(pooled.message.contains("b.json was exported with --min-cell 1"), "\(pooled.message)")
        #expect(pooled.standardOutput.contains("b.json summarises only 5 rows"), "\(pooled.standardOutput)")
        let clean = Hostile.run(["pool", "a.json", "a.json"], in: dir)
        #expect(!clean.message.contains("--min-cell"), "\(clean.message)")
    }

    @Test("check refuses an --allow-column that names no column, says a pass rests on allowed columns, and knows ni_no, next_of_kin, d_o_b")
    func checkAllowColumnAndHeaders() throws {
        var text = "client,phq,email\n"
        for i in 0..<20 { text += "c\(i),\(i % 27),person\(i)@example.org\n" }
        let dir = try Hostile.write(["e.csv": text, "h.csv": "client,ni_no,next_of_kin,d_o_b,tax_id,phq\nc1,x,y,z,w,3\n"])
        let misspelt = Hostile.run(["check", "e.csv", "--allow-column", "EMAIL"], in: dir)
        #expect(misspelt.status == 64, "\(misspelt.message)")
        #expect(misspelt.message.contains("--allow-column 'EMAIL' names no column"), "\(misspelt.message)")
        let allowed = Hostile.run(["check", "e.csv", "--allow-column", "email"], in: dir)
        #expect(allowed.status == 0, "\(allowed.message)")
        #expect(allowed.standardOutput.contains("apart from the allowed 'email'"), "\(allowed.standardOutput)")
        let headers = Hostile.run(["check", "h.csv"], in: dir)
        #expect(headers.status == 65)
        #expect(headers.standardOutput.contains("4 column(s) look like identifiers"), "\(headers.standardOutput)")
    }

    @Test("describe --by withholds the mean, SD and median of a column with fewer values than the rule in a shown group")
    func describeByWithholdsSmallColumnStatistics() throws {
        var text = "sex,phq,gad\n"
        for i in 0..<60 { text += "\(i < 30 ? "F" : "M"),\(i % 27),\(i < 30 && i >= 3 ? "" : String(i % 21))\n" }
        let dir = try Hostile.write(["d.csv": text])
        let outcome = Hostile.run(["describe", "d.csv", "--by", "sex", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let doc = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let groups = doc?["groups"] as? [[String: Any]] ?? []
        let female = (groups.first { $0["level"] as? String == "F" }?["columns"] as? [[String: Any]]) ?? []
        let gad = female.first { $0["name"] as? String == "gad" }
        #expect(gad?["n"] as? Int == 3)
        #expect(gad?["mean"] is NSNull && gad?["median"] is NSNull && gad?["withheld"] as? Bool == true, "\(String(describing: gad))")
        let male = (groups.first { $0["level"] as? String == "M" }?["columns"] as? [[String: Any]]) ?? []
        #expect(male.first { $0["name"] as? String == "gad" }?["mean"] is Double)
    }

    @Test("ids with more digits than a double holds stay distinct (read as text), in groups and in written files")
    func longIntegerIdsAreNotMerged() throws {
        let ids = ["9007199254740992", "9007199254740993", "12345678901234567890", "12345678901234567891", "100", "101"]
        var text = "client,x,y\n"
        for (k, id) in ids.enumerated() { for s in 0..<4 { text += "\(id),\(Double(s + k) / 3),\(Double((k * 5 + s * 3) % 7))\n" } }
        let dir = try Hostile.write(["b.csv": text])
        let aggregated = Hostile.run(["aggregate", "b.csv", "--by", "client", "--count", "--out", "a.csv"], in: dir)
        #expect(aggregated.status == 0, "\(aggregated.message)")
        let rows = try Self.lines(dir, "a.csv").dropFirst().map { String($0.split(separator: ",")[0]) }
        // Session 20 read them as doubles: four groups, 9007199254740993 as 9007199254740992.0.
        #expect(Set(rows) == Set(ids), "\(rows)")
        let transformed = Hostile.run(["transform", "b.csv", "--compute", "z = x * 2", "--out", "t.csv"], in: dir)
        #expect(transformed.status == 0, "\(transformed.message)")
        #expect(Set(try Self.lines(dir, "t.csv").dropFirst().map { String($0.split(separator: ",")[0]) }) == Set(ids))
    }

    @Test("mediate's bootstrap does not call an X far from zero collinear: the interval is the same as for the centred X")
    func mediationBootstrapIsShiftInvariant() throws {
        var near = "x,m,y\n", far = "x,m,y\n"
        for i in 0..<120 {
            let x = Double((i * 37) % 101) / 50 - 1
            let m = 0.5 * x + Double((i * 13) % 17) / 10 - 0.8
            let y = 0.4 * m + 0.1 * x + Double((i * 29) % 19) / 10 - 0.9
            near += "\(x),\(m),\(y)\n"
            far += "\(1e7 + x),\(m),\(y)\n"
        }
        let dir = try Hostile.write(["near.csv": near, "far.csv": far])
        func interval(_ file: String) throws -> (Double, Double, Int) {
            let run = Hostile.run(["mediate", file, "--x", "x", "--m", "m", "--y", "y", "--boot", "200", "--seed", "4", "--format", "json"], in: dir)
            #expect(run.status == 0, "\(run.message)")
            let doc = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
            let indirect = doc?["indirect"] as? [String: Any]
            let failures = (doc?["bootstrap"] as? [String: Any])?["failures"] as? Int ?? -1
            return (indirect?["conf_low"] as? Double ?? .nan, indirect?["conf_high"] as? Double ?? .nan, failures)
        }
        let a = try interval("near.csv"), b = try interval("far.csv")
        // Session 20's bootstrap called 198 of 200 resamples collinear for X = 1e7 + N(0, 1).
        #expect(b.2 == 0, "\(b.2) failed resamples")
        #expect(abs(a.0 - b.0) < 1e-6 && abs(a.1 - b.1) < 1e-6, "\(a) vs \(b)")
    }

    @Test("fit lmm: Satterthwaite df do not depend on the outcome's units (y × 10⁶ gave df 15,999.8 for 300 rows)")
    func satterthwaiteIsScaleFree() throws {
        var small = "g,x,y\n", large = "g,x,y\n"
        for i in 0..<300 {
            let g = i % 30, x = Double((i * 37) % 101) / 50
            let y = 0.3 * x + Double((g * 7) % 11) / 5 + Double((i * 13) % 17) / 8
            small += "g\(g),\(x),\(y)\n"
            large += "g\(g),\(x),\(y * 1e6)\n"
        }
        let dir = try Hostile.write(["s.csv": small, "l.csv": large])
        func df(_ file: String) throws -> (Double, String) {
            let run = Hostile.run(["fit", "lmm", file, "--formula", "y ~ x + (1 | g)", "--no-profile", "--format", "json"], in: dir)
            #expect(run.status == 0, "\(run.message)")
            let doc = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
            let x = (doc?["coefficients"] as? [[String: Any]])?.first { $0["term"] as? String == "x" }
            return (x?["df"] as? Double ?? .nan, run.message)
        }
        let (a, _) = try df("s.csv"), (b, message) = try df("l.csv")
        #expect(abs(a - b) < 1e-6 * a, "\(a) vs \(b)")
        #expect(b < 300, "\(b)")
        #expect(!message.contains("is singular"), "\(message)")
    }

    @Test("--standardize puts a numeric × factor interaction per SD of the numeric variable, as its main effect")
    func standardizedInteractionIsPerSDOfTheNumericVariable() throws {
        var text = "y,x,g\n"
        var xs: [Double] = [], ys: [Double] = []
        for i in 0..<80 {
            let x = Double((i * 37) % 101) / 7, g = i % 2 == 0 ? "a" : "b"
            let y = 2 + 0.3 * x + (g == "b" ? 0.4 * x : 0) + Double((i * 13) % 17) / 3
            xs.append(x); ys.append(y)
            text += "\(y),\(x),\(g)\n"
        }
        let dir = try Hostile.write(["s.csv": text])
        let run = Hostile.run(["fit", "ols", "s.csv", "--formula", "y ~ x * g", "--standardize", "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.message)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        let rows = doc?["coefficients"] as? [[String: Any]] ?? []
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        let interaction = rows.first { $0["term"] as? String == "x:g[b]" }
        let b = interaction?["estimate"] as? Double ?? .nan
        // Session 20: b / sd(y), per unit of x, beside the main effect's b·sd(x)/sd(y).
        #expect(abs((interaction?["beta"] as? Double ?? .nan) - b * sd(xs) / sd(ys)) < 1e-10, "\(String(describing: interaction))")
    }

    @Test("survival refuses (start, stop] intervals, and survival-data warns when no client dropped out")
    func survivalOnIntervalsAndDropoutInItsOwnColumn() throws {
        var sessions = "client,session,attended,dropout,wai\n"
        for c in 0..<20 {
            let last = 2 + c % 4
            for s in 1...last { sessions += "c\(c),\(s),1,\(s == last && c % 3 == 0 ? 1 : 0),\(40 + (c + s) % 9)\n" }
        }
        let dir = try Hostile.write(["s.csv": sessions])
        let steps = Hostile.run(["survival-data", "s.csv", "--covariates", "wai", "--out", "i.csv"], in: dir)
        #expect(steps.status == 0, "\(steps.message)")
        #expect(steps.message.contains("no client dropped out"), "\(steps.message)")
        // Session 20 estimated Kaplan–Meier on the stop times of the intervals as if each were a client.
        let km = Hostile.run(["survival", "i.csv", "--time", "stop", "--event", "event"], in: dir)
        #expect(km.status != 0, "\(km.message)")
        #expect(km.message.contains("the data look like (start, stop] intervals"), "\(km.message)")
    }

    @Test("HC2/HC3 with a row of leverage 1 report no robust SEs, with a warning (a finite SE with p < .001 before)")
    func leverageOneRobustErrors() throws {
        var text = "y,x,site\n"
        for i in 0..<40 { text += "\(Double((i * 7) % 13)),\(Double((i * 5) % 11)),\(i == 0 ? "solo" : (i % 2 == 0 ? "a" : "b"))\n" }
        let dir = try Hostile.write(["d.csv": text])
        for type in ["hc2", "hc3"] {
            let run = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ x + site", "--robust", type, "--format", "json"], in: dir)
            #expect(run.status == 0, "\(run.message)")
            #expect(run.message.contains("leverage 1"), "\(run.message)")
            let doc = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
            let solo = (doc?["coefficients"] as? [[String: Any]])?.first { $0["term"] as? String == "site[solo]" }
            #expect(solo?["std_error"] is NSNull, "\(String(describing: solo))")
        }
        let hc1 = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ x + site", "--robust", "hc1"], in: dir)
        #expect(!hc1.message.contains("leverage 1"))
    }

    @Test("predict --interval prediction on a logit fit is a usage error, not a numerical failure")
    func predictionIntervalOfALogitIsAUsageError() throws {
        var text = "y,x\n"
        for i in 0..<40 { text += "\((i * 7) % 3 == 0 ? 1 : 0),\(Double((i * 5) % 11))\n" }
        let dir = try Hostile.write(["d.csv": text])
        #expect(Hostile.run(["fit", "logit", "d.csv", "--formula", "y ~ x", "--format", "json", "--out", "f.json"], in: dir).status == 0)
        let run = Hostile.run(["predict", "f.json", "d.csv", "--interval", "prediction"], in: dir)
        #expect(run.status == 64, "\(run.message)")
        #expect(run.message.contains("use --interval confidence") && !run.message.contains("numerical failure"), "\(run.message)")
    }

    @Test("fit refuses two reference levels for one column (the last one silently won)")
    func twoReferenceLevelsAreRefused() throws {
        var text = "y,site\n"
        for i in 0..<30 { text += "\(Double((i * 7) % 13)),\(["a", "b", "c"][i % 3])\n" }
        let dir = try Hostile.write(["d.csv": text])
        let run = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ site", "--ref", "site=b", "--ref", "site=c"], in: dir)
        #expect(run.status == 64, "\(run.message)")
        #expect(run.message.contains("two reference levels"), "\(run.message)")
        #expect(Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ site", "--ref", "site=b", "--ref", "site=b"], in: dir).status == 0)
    }
}
