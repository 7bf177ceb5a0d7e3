import Foundation
import Testing
import Commands

/// Session 20's hostile-input probes. A coefficient on a predictor in small units (dollars, seconds) was shown as
/// `0.000` with SE `0.000` and interval `[0.000, 0.000]` beside t = 14.29: the human tables now show such estimates in
/// scientific notation (`NumberFormat.estimate`), and a value with more digits than a `Double` holds (a mean of
/// 1.44e308 printed as a 310-digit number) too. Scores and changes of ratings given to one decimal met their cut-offs
/// in binary arithmetic only approximately: an SRS total of 8.6 + 9.7 + 9.9 + 7.8 came out as 35.99999999999999 and
/// raised the "below 36" alert, and a change of exactly the ORS's published 5 points (3.2 → 8.2), or a fall of exactly
/// `--min-drop` in `ruptures`, did not count (`DecimalCutoff`). docs/hostile-input.md.
@Suite("Hostile input: session 20")
struct HostileInputSessionTwentyTests {
    /// 40 rows of an outcome that rises by 2 for each 100,000 of `income` (a coefficient of 2e-5 per unit).
    static let incomeRows: String = {
        var text = "income,phq\n"
        for i in 0..<40 {
            let income = 20_000 + Double((i * 7919) % 40) * 2_500
            let phq = 3 + 2e-5 * income + Double((i * 3) % 5) / 4
            text += "\(income),\(phq)\n"
        }
        return text
    }()

    @Test("a coefficient per dollar is not shown as 0.000")
    func smallCoefficientsKeepTheirDigits() throws {
        let dir = try Hostile.write(["income.csv": Self.incomeRows])
        let outcome = Hostile.run(["fit", "ols", "income.csv", "--formula", "phq ~ income"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let row = outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("income") }.map(String.init) ?? ""
        #expect(row.contains("2.0") && row.contains("e-05"), "\(outcome.standardOutput)")
        #expect(!row.contains("0.000"), "\(outcome.standardOutput)")
        // The machine formats keep every digit, as before.
        let csv = Hostile.run(["fit", "ols", "income.csv", "--formula", "phq ~ income", "--format", "csv"], in: dir)
        // CSV rows end in CRLF (RFC 4180), one Character in Swift.
        let csvRow = csv.standardOutput.split(whereSeparator: \.isNewline).first { $0.hasPrefix("income,") }.map(String.init) ?? ""
        let fields = csvRow.split(separator: ",")
        let estimate = fields.count > 1 ? Double(fields[1]) ?? 0 : 0
        #expect(abs(estimate - 2e-5) < 1e-6, "\(csv.standardOutput)")
    }

    @Test("describe shows a mean near the largest double in scientific notation")
    func hugeValuesAreNotPrintedDigitByDigit() throws {
        var text = "x\n"
        for i in 0..<12 { text += "\(1.5e308 - Double(i) * 1e306)\n" }
        let dir = try Hostile.write(["huge.csv": text])
        let outcome = Hostile.run(["describe", "huge.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("1.44e+308"), "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.split(separator: "\n").allSatisfy { $0.count < 200 }, "\(outcome.standardOutput)")
    }

    @Test("an SRS total of exactly 36 from one-decimal items raises no alert")
    func srsTotalOnTheCutoff() throws {
        let dir = try Hostile.write(["srs.csv": "client,srs_1,srs_2,srs_3,srs_4\n1,8.6,9.7,9.9,7.8\n2,8.6,9.7,9.9,7.7\n"])
        let outcome = Hostile.run(["score", "srs.csv", "--instrument", "srs", "--out", "scored.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let scored = try String(contentsOfFile: dir + "/scored.csv", encoding: .utf8)
        #expect(scored.contains("1,8.6,9.7,9.9,7.8,36,0"), "\(scored)")
        #expect(scored.contains("2,8.6,9.7,9.9,7.7,35.9"), "\(scored)")
        #expect(scored.hasSuffix(",1\r\n") || scored.hasSuffix(",1\n"), "\(scored)")
    }

    @Test("a change of exactly the published criterion is reliable")
    func changeOnTheCriterion() throws {
        let dir = try Hostile.write(["ors.csv": "pre,post\n3.2,8.2\n7.7,12.7\n20.3,25.3\n12.2,17.1\n"])
        let outcome = Hostile.run(["change", "ors.csv", "--pre", "pre", "--post", "post", "--instrument", "ors",
                                   "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        // Three changes of exactly 5 points (one crossing the cut-off of 25), one of 4.9.
        #expect(outcome.standardOutput.contains("\"improved\": 2") || outcome.standardOutput.contains("\"improved\":2"),
                "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains("\"recovered\": 1") || outcome.standardOutput.contains("\"recovered\":1"),
                "\(outcome.standardOutput)")
    }

    @Test("a fall of exactly --min-drop is a rupture")
    func ruptureOnTheThreshold() throws {
        var text = "client,session,srs\n"
        for (c, scores) in [[8.2, 3.2, 8.2, 8.2], [12.7, 7.7, 12.7, 12.7], [38.2, 36.2, 38.2, 38.0]].enumerated() {
            for (s, v) in scores.enumerated() { text += "\(c + 1),\(s + 1),\(v)\n" }
        }
        let dir = try Hostile.write(["rp.csv": text])
        let outcome = Hostile.run(["ruptures", "rp.csv", "--client", "client", "--session", "session", "--alliance", "srs",
                                   "--drop-sd", "0", "--min-drop", "5"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let episodes = outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("Episodes") } ?? ""
        #expect(episodes.hasSuffix(" 2"), "\(outcome.standardOutput)")
    }

    /// Five rows: 20 of seed 1's 200 resamples draw only two distinct rows, so `y ~ x + m` is rank-deficient in them.
    /// The cross-products' pivot rule let 17 of those through with meaningless slopes (Boot SE 28.97). Reference: R on
    /// the resamples alliance exports (`--export-resamples r.txt`), each fitted by lm and dropped when any coefficient
    /// is NA:
    ///   d <- read.csv("f.csv"); L <- readLines("r.txt"); L <- L[!grepl("^#", L)]
    ///   t <- sapply(L, function(s) { i <- as.integer(strsplit(s, "[ ,]")[[1]]); dd <- d[i, ]
    ///     a <- lm(m ~ x, dd); b <- lm(y ~ x + m, dd)
    ///     if (any(is.na(coef(a))) || any(is.na(coef(b)))) NA else coef(a)[["x"]] * coef(b)[["m"]] })
    ///   sum(is.na(t)); sprintf("%.15g", sd(t[is.finite(t)]))   # 20, 2.24783785142542
    @Test("bootstrap resamples that lm finds rank-deficient are left out, as R would")
    func rankDeficientResamplesAreLeftOut() throws {
        let data = "x,m,y\n0.346,1.697,2.037\n0.822,-1.114,0.815\n0.33,-2.301,-1.947\n-1.303,-0.035,1.473\n0.905,3.001,4.111\n"
        let dir = try Hostile.write(["f.csv": data])
        let outcome = Hostile.run(["mediate", "f.csv", "--x", "x", "--m", "m", "--y", "y", "--seed", "1", "--boot", "200",
                                   "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let bootstrap = try #require(json["bootstrap"] as? [String: Any])
        #expect(bootstrap["failures"] as? Int == 20)
        let indirect = try #require(json["indirect"] as? [String: Any])
        let se = try #require(indirect["boot_std_error"] as? Double)
        #expect(abs(se - 2.24783785142542) < 1e-9 * 2.25, "\(se)")
    }

    @Test("pool refuses cross-products no data could give, naming the file", arguments: [
        ("\"yty\" : -1000", "yᵀy is -1000"), ("\"n\" : 1000", "n is 1000 but the intercept's XᵀX entry is 40"),
    ])
    func poolRefusesImpossibleSummaries(edit: String, expected: String) throws {
        var rows = "client,x,y\n"
        for i in 0..<40 { rows += "c\(i),\(Double(i % 9) / 2),\(Double((i * 7) % 13) / 3)\n" }
        let dir = try Hostile.write(["a.csv": rows, "b.csv": rows])
        for site in ["a", "b"] {
            let fit = Hostile.run(["fit", "ols", "\(site).csv", "--formula", "y ~ x", "--allow-column", "client",
                                   "--export-summary", "\(site).json"], in: dir)
            #expect(fit.status == 0, "\(fit.message)")
        }
        // Edit site b's summary as a hand or a damaged transfer might.
        let path = dir + "/b.json"
        var json = try String(contentsOfFile: path, encoding: .utf8)
        let key = String(edit.split(separator: ":")[0]).replacingOccurrences(of: " ", with: "")
        let value = String(edit.split(separator: ":")[1]).trimmingCharacters(in: .whitespaces)
        let pattern = try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: key) + #"\s*:\s*[-0-9.eE+]+"#)
        let range = NSRange(json.startIndex..., in: json)
        #expect(pattern.firstMatch(in: json, range: range) != nil, "\(json)")
        json = pattern.stringByReplacingMatches(in: json, range: range, withTemplate: key + ": " + value)
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = Hostile.run(["pool", "a.json", "b.json"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("b.json: its cross-products are not those of any data (\(expected)"), "\(outcome.message)")
    }

    /// 30 clients × 4 sessions of PHQ-9 totals falling from intake; `spoil` edits the text before it is written.
    static func sessions(_ spoil: (inout [String]) -> Void = { _ in }) -> String {
        var lines = ["client,session,phq"]
        for c in 0..<30 {
            for s in 1...4 { lines.append("c\(c),\(s),\(max(0, 20 - (c % 7) - 2 * s))") }
        }
        spoil(&lines)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("track refuses totals an instrument cannot give, as change does")
    func trackRefusesImpossibleTotals() throws {
        let dir = try Hostile.write(["s.csv": Self.sessions { $0[3] = "c0,3,35" }])
        let outcome = Hostile.run(["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq",
                                   "--instrument", "phq-9"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("column 'phq' holds 35 at data row 3"), "\(outcome.message)")
        #expect(outcome.message.contains("outside phq-9's possible totals 0–27"), "\(outcome.message)")
    }

    @Test("rows with a score but no client or session are warned, not silently left out", arguments: ["track", "ruptures"])
    func unplacedRowsAreWarned(command: String) throws {
        let dir = try Hostile.write(["s.csv": Self.sessions { $0[5] = ",2,14"; $0[9] = "c2,,12" }])
        let scoreFlag = command == "track" ? "--score" : "--alliance"
        let outcome = Hostile.run([command, "s.csv", "--client", "client", "--session", "session", scoreFlag, "phq"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("2 rows with a phq score but no client or no session value (first at data row 5) "
                                         + "were left out"), "\(outcome.message)")
    }

    @Test("a --client-chart label that is not in the file says so")
    func unknownChartClient() throws {
        let dir = try Hostile.write(["s.csv": Self.sessions()])
        let outcome = Hostile.run(["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq",
                                   "--client-chart", "zz999", "--plot", "c.svg"], in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains("no client 'zz999' in column 'client' of s.csv"), "\(outcome.message)")
    }

    @Test("items written as answer labels are pointed at transform --recode")
    func answerLabelsPointAtRecode() throws {
        var text = "client," + (1...7).map { "gad_\($0)" }.joined(separator: ",") + "\n"
        let labels = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
        for c in 0..<12 { text += "c\(c)," + (0..<7).map { labels[(c + $0) % 4] }.joined(separator: ",") + "\n" }
        let dir = try Hostile.write(["gad.csv": text])
        let outcome = Hostile.run(["score", "gad.csv", "--instrument", "gad-7"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("its 4 distinct values are all text (answer labels or codes), so recode them to numbers "
                                         + "with `alliance transform --recode`"), "\(outcome.message)")
        #expect(!outcome.message.contains("--na"), "\(outcome.message)")
    }

    @Test("a misspelt item is named even when the count is wrong too")
    func misspeltItemIsNamedFirst() throws {
        var text = "client," + (1...9).map { "phq_\($0)" }.joined(separator: ",") + "\n"
        for c in 0..<12 { text += "c\(c)," + (0..<9).map { String((c + $0) % 4) }.joined(separator: ",") + "\n" }
        let dir = try Hostile.write(["phq.csv": text])
        let outcome = Hostile.run(["score", "phq.csv", "--instrument", "phq-9", "--items", "phq_1,phq_2,phq_x"], in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains("no column named 'phq_x'"), "\(outcome.message)")
    }

    @Test("a negative base to a fractional power is explained as such")
    func fractionalPowerOfNegative() throws {
        let dir = try Hostile.write(["a.csv": "a\n-5\n4\n"])
        let outcome = Hostile.run(["transform", "a.csv", "--compute", "p = a ^ 0.5", "--out", "b.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("-5 ^ 0.5 is undefined (a negative number to a fractional power)"), "\(outcome.message)")
    }

    @Test("a negative number after an option reaches the option's own check", arguments: [
        (["mediate", "f.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "-1"], "--boot must be between 2 and"),
        (["mediate", "f.csv", "--x", "x", "--m", "m", "--y", "y", "--level", "-0.5"], "--level must be between 0 and 1"),
    ])
    func negativeOptionValues(arguments: [String], expected: String) throws {
        let dir = try Hostile.write(["f.csv": "x,m,y\n1,2,3\n2,1,5\n3,4,4\n4,3,7\n5,6,6\n"])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains(expected), "\(outcome.message)")
        #expect(!outcome.message.contains("Missing value"), "\(outcome.message)")
    }

    @Test("options followed by negative numbers are joined to them; nothing else is")
    func normalizedArguments() {
        #expect(AllianceCLI.normalizedArguments(["survival", "f.csv", "--at", "-5,4", "--boot", "-1", "--na", "-99"])
                == ["survival", "f.csv", "--at=-5,4", "--boot=-1", "--na=-99"])
        #expect(AllianceCLI.normalizedArguments(["fit", "--ml", "-h", "--x=-1", "--y", "-x", "--", "--z", "-1"])
                == ["fit", "--ml", "-h", "--x=-1", "--y", "-x", "--", "--z", "-1"])
        #expect(AllianceCLI.normalizedArguments(["--a", "-.5", "--b", "-1e-3", "--c", "-", "--d", "-5a"])
                == ["--a=-.5", "--b=-1e-3", "--c", "-", "--d", "-5a"])
    }

    @Test("a bootstrap too small for its interval's ends is warned, as boot.ci warns")
    func tooFewResamplesAreWarned() throws {
        var text = "x,m,y\n"
        for i in 0..<30 { text += "\(Double(i % 7)),\(Double((i * 3) % 11) + Double(i % 7)),\(Double((i * 5) % 13))\n" }
        let dir = try Hostile.write(["f.csv": text])
        let few = Hostile.run(["mediate", "f.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "30"], in: dir)
        #expect(few.status == 0, "\(few.message)")
        #expect(few.message.contains("with 30 usable resamples the 95% interval's ends are the most extreme ones"), "\(few.message)")
        #expect(few.message.contains("use at least 40"), "\(few.message)")
        let enough = Hostile.run(["mediate", "f.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "40"], in: dir)
        #expect(!enough.message.contains("most extreme"), "\(enough.message)")
    }

    /// Follow-up times computed by arithmetic: 0.1 + 0.2 is 0.30000000000000004 beside a 0.3 read as such. R's survival
    /// ties them (timefix = TRUE, `aeqSurv`); alliance took two times and gave another curve and coefficient.
    /// Reference (R 4, survival; the data below, `weeks = wait + treat`):
    ///   f <- coxph(Surv(weeks, event) ~ x, d); sprintf("%.15g", c(coef(f), sqrt(vcov(f))))  # 0.499823259513894 0.65586343441177
    ///   summary(survfit(Surv(weeks, event) ~ 1, d))   # 0.3: 7 at risk, 4 events, S = 0.375
    static let computedTimes = "id,wait,treat,event,x\n1,0.1,0.2,1,0.5\n2,0.2,0.1,1,1.2\n3,0.0,0.3,1,-0.3\n4,0.3,0.0,0,0.1\n"
        + "5,0.1,0.3,1,-1.0\n6,0.2,0.2,0,0.3\n7,0.1,0.1,1,0.9\n8,0.05,0.25,1,-0.2\n"

    @Test("times that differ only by rounding are one time, as R's survival ties them")
    func computedTimesAreTied() throws {
        let dir = try Hostile.write(["wk.csv": Self.computedTimes])
        let step = Hostile.run(["transform", "wk.csv", "--compute", "weeks = wait + treat", "--out", "wk2.csv"], in: dir)
        #expect(step.status == 0, "\(step.message)")
        let written = try String(contentsOfFile: dir + "/wk2.csv", encoding: .utf8)
        #expect(written.contains("0.30000000000000004") && written.contains(",0.3,"), "\(written)")
        let cox = Hostile.run(["fit", "cox", "wk2.csv", "--formula", "Surv(weeks, event) ~ x", "--format", "json"], in: dir)
        #expect(cox.status == 0, "\(cox.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(cox.standardOutput.utf8)) as? [String: Any])
        let coefficient = try #require((json["coefficients"] as? [[String: Any]])?.first)
        let estimate = try #require(coefficient["estimate"] as? Double)
        let se = try #require(coefficient["std_error"] as? Double)
        #expect(abs(estimate - 0.499823259513894) < 1e-8, "\(estimate)")
        #expect(abs(se - 0.65586343441177) < 1e-8, "\(se)")
        let km = Hostile.run(["survival", "wk2.csv", "--time", "weeks", "--event", "event", "--at", "0.3", "--format", "json"], in: dir)
        #expect(km.status == 0, "\(km.message)")
        #expect(km.standardOutput.contains("0.375"), "\(km.standardOutput)")
        #expect(cox.message.contains("2 times differ from an earlier one only by rounding"), "\(cox.message)")
        let text = Hostile.run(["survival", "wk2.csv", "--time", "weeks", "--event", "event"], in: dir)
        #expect(text.standardOutput.contains("were taken as that time, as R's survival does (timefix)"), "\(text.standardOutput)")
    }

    @Test("an interval whose start and stop differ only by rounding is refused, as R's aeqSurv stops")
    func intervalWithinRoundingIsRefused() throws {
        let dir = try Hostile.write(["iv.csv": "start,stop,event,x\n0,1,1,0.5\n0.3,0.30000000000000004,1,1.2\n0,2,0,-0.3\n1,3,1,0.1\n"])
        let outcome = Hostile.run(["fit", "cox", "iv.csv", "--formula", "Surv(start, stop, event) ~ x"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("data row 2 has 'start' = 0.3 and 'stop' = 0.30000000000000004, which differ only by rounding"),
                "\(outcome.message)")
    }

    @Test("meta refuses a negative standard error, as it refuses a negative variance")
    func negativeStandardErrorIsRefused() throws {
        let dir = try Hostile.write(["m.csv": "study,yi,sei\nA,0.3,0.1\nB,0.2,-0.2\nC,0.4,0.15\n"])
        let outcome = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "yi", "--sei", "sei", "--study", "study"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("the standard error must be positive and finite (got -0.2)"), "\(outcome.message)")
    }

    @Test("a three-level model with one cluster says clusters, not studies")
    func oneClusterIsNamedAsSuch() throws {
        let dir = try Hostile.write(["m.csv": "study,yi,vi,cl\n1,0.3,0.02,A\n2,0.1,0.03,A\n3,0.45,0.04,A\n4,0.2,0.02,A\n"])
        let outcome = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "yi", "--vi", "vi", "--cluster", "cl"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("a three-level model needs at least 2 clusters; the 4 complete rows all lie in 1"),
                "\(outcome.message)")
    }

    /// metafor: `confint(rma(yi, vi))` on four identical effects gives 0 and 0 and says both bounds fall below 0 (the
    /// null/empty set).
    @Test("an empty Q-profile interval of tau2 is said to be empty")
    func emptyTauSquaredInterval() throws {
        let dir = try Hostile.write(["m.csv": "study,yi,vi\nA,0.3,0.02\nB,0.3,0.05\nC,0.3,0.01\nD,0.3,0.04\n"])
        let outcome = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "yi", "--vi", "vi", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["tau2_conf_low"] as? Double == 0 && json["tau2_conf_high"] as? Double == 0, "\(outcome.standardOutput)")
        #expect(outcome.message.contains("The Q-profile interval of τ² is empty"), "\(outcome.message)")
    }

    @Test("--by and --strata naming one column are refused with the reason")
    func byAndStrataTheSame() throws {
        let dir = try Hostile.write(["s.csv": "t,e,g\n1,1,a\n2,0,a\n3,1,b\n4,1,b\n"])
        let outcome = Hostile.run(["survival", "s.csv", "--time", "t", "--event", "e", "--by", "g", "--strata", "g"], in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains("--by and --strata both name 'g'"), "\(outcome.message)")
    }

    @Test("an SPSS file's case weight is named, not silently ignored")
    func spssCaseWeightIsNamed() throws {
        var text = "client,phq_1,phq_2,phq_3,phq_4,phq_5,phq_6,phq_7,phq_8,phq_9,w\n"
        for i in 1...5 { text += "c\(i),1,2,0,1,3,2,1,0,1,\(i)\n" }
        let dir = try Hostile.write(["wt.csv": text])
        let scored = Hostile.run(["score", "wt.csv", "--instrument", "phq-9", "--out", "wt.sav"], in: dir)
        #expect(scored.status == 0, "\(scored.message)")
        // The header's weight_index (offset 76) names variable record 11, `w`, as SPSS's WEIGHT BY w writes it.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/wt.sav"))
        withUnsafeBytes(of: Int32(11).littleEndian) { bytes.replaceSubrange(76..<80, with: $0) }
        try bytes.write(to: URL(fileURLWithPath: dir + "/weighted.sav"))
        let outcome = Hostile.run(["describe", "weighted.sav", "--allow-column", "client"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("the file names 'w' its case weight (SPSS WEIGHT BY w), but alliance analyses every row "
                                         + "once, unweighted"), "\(outcome.message)")
        let plain = Hostile.run(["describe", "wt.sav", "--allow-column", "client"], in: dir)
        #expect(!plain.message.contains("case weight"), "\(plain.message)")
    }

    @Test("predict warns when rows rest on a coefficient the fit could not estimate")
    func predictFromRankDeficientFit() throws {
        var fit = "x,g,y\n"
        for i in 0..<20 { fit += "\(i % 5),\(i % 2 == 0 ? "a" : "b"),\(Double(i % 5) * 1.5 + Double(i % 3))\n" }
        fit += "2,c,4.5\n"   // one row of level c: the slope x:g[c] is aliased
        let dir = try Hostile.write(["fit.csv": fit, "new.csv": "x,g\n1,a\n3,c\n0,c\n"])
        let saved = Hostile.run(["fit", "ols", "fit.csv", "--formula", "y ~ x * g", "--format", "json", "--out", "fit.json"], in: dir)
        #expect(saved.status == 0, "\(saved.message)")
        let outcome = Hostile.run(["predict", "fit.json", "new.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("the fit had aliased coefficients (x:g[c]), taken as 0: 1 of 3 rows have a non-zero value"),
                "\(outcome.message)")
    }

    @Test("predict on a within() fit points at computing the column, not at poly()")
    func predictWithinAdvice() throws {
        var rows = "client,x,y\n"
        for i in 0..<24 { rows += "c\(i % 6),\(Double(i % 7)),\(Double((i * 5) % 11))\n" }
        let dir = try Hostile.write(["d.csv": rows])
        let saved = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ within(x, client)", "--allow-column", "client",
                                 "--format", "json", "--out", "fit.json"], in: dir)
        #expect(saved.status == 0, "\(saved.message)")
        let outcome = Hostile.run(["predict", "fit.json", "d.csv", "--allow-column", "client"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("compute it as a column before fitting and predicting (alliance transform --compute"),
                "\(outcome.message)")
        #expect(!outcome.message.contains("poly("), "\(outcome.message)")
    }

    @Test("a partial correlation with a variable the control explains exactly is not reported")
    func partialWithExplainedVariable() throws {
        var text = "wai_total,wai_mean,phq\n"
        for i in 0..<50 {
            let total = Double(40 + (i * 17) % 41)
            text += "\(total),\(total / 12),\(Double((i * 7) % 23))\n"
        }
        let dir = try Hostile.write(["p.csv": text])
        let outcome = Hostile.run(["correlate", "p.csv", "--vars", "wai_total,phq", "--partial", "wai_mean"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("a variable is a linear function of the controls"), "\(outcome.message)")
    }

    @Test("a describe --by group of rows with the grouping column missing is a small cell too")
    func missingGroupIsSuppressed() throws {
        var text = "g,x\n"
        for i in 0..<12 { text += "a,\(i)\n" }
        text += ",150\n,150\n"
        let dir = try Hostile.write(["g.csv": text])
        let outcome = Hostile.run(["describe", "g.csv", "--by", "g", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["missing_group"] is NSNull, "\(outcome.standardOutput)")
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.allSatisfy { $0["suppressed"] as? Bool == true }, "\(outcome.standardOutput)")
    }

    @Test("a histogram with a pooled small group shows no per-bin totals")
    func histogramTotalsHideThePooledGroup() throws {
        var text = "g,x\n"
        for i in 0..<30 { text += "a,\(1 + i)\n" }
        for v in [25, 26, 27] { text += "b,\(v)\n" }
        let dir = try Hostile.write(["h.csv": text])
        let outcome = Hostile.run(["plot", "histogram", "h.csv", "--x", "x", "--by", "g", "--out", "h.svg", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["counts"] is NSNull, "\(outcome.standardOutput)")
        let text2 = Hostile.run(["plot", "histogram", "h.csv", "--x", "x", "--by", "g", "--out", "h2.svg"], in: dir)
        #expect(!text2.standardOutput.contains("Total"), "\(text2.standardOutput)")
    }

    @Test("an Inf cell in a number column is named like any other text")
    func infinityCellIsNamed() throws {
        let dir = try Hostile.write(["i.csv": "x,y\n1,2\n2,3\nInf,4\n4,5\n"])
        let outcome = Hostile.run(["correlate", "i.csv", "--vars", "x,y"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("(data row 3 has 'Inf')"), "\(outcome.message)")
    }

    /// A user's scoring key (docs/scoring-keys.md) with one thing wrong.
    static func key(_ edit: (String) -> String) -> String {
        edit(#"{"format":"alliance-scoring-key/1","id":"tk","items":6,"item_range":{"min":1,"max":5},"integer_items":true,"#
            + #""reverse_items":[2,5],"subscales":[{"name":"a","items":[1,2,3]}],"total":"sum","prorating":{"max_missing":1},"#
            + #""direction":"lower_better","flags":[{"name":"f","item":2,"above":3}]}"#)
    }

    @Test("a scoring key with a repeated item, a misspelt field, an absurd item count or two outputs of one name is refused",
          arguments: [
            (#""items":[1,2,3]"#, #""items":[1,1,2]"#, "subscale 'a' lists item 1 twice"),
            (#""reverse_items""#, #""reverse""#, "unknown field 'reverse' (did you mean 'reverse_items'?)"),
            (#""prorating""#, #""prorate""#, "unknown field 'prorate' (did you mean 'prorating'?)"),
            (#""items":6"#, #""items":1000000000000000"#, "items must be between 1 and 10,000"),
            (#""name":"f""#, #""name":"a""#, "two outputs are named 'a'"),
          ])
    func userKeyMistakesAreRefused(original: String, replacement: String, expected: String) throws {
        var data = "id,q1,q2,q3,q4,q5,q6\n"
        for i in 0..<12 { data += "c\(i)," + (0..<6).map { String(1 + (i + $0) % 5) }.joined(separator: ",") + "\n" }
        let dir = try Hostile.write(["d.csv": data, "k.json": Self.key { $0.replacingOccurrences(of: original, with: replacement) },
                                     "good.json": Self.key { $0 }])
        let good = Hostile.run(["score", "d.csv", "--key", "good.json", "--prefix", "q"], in: dir)
        #expect(good.status == 0, "\(good.message)")
        let outcome = Hostile.run(["score", "d.csv", "--key", "k.json", "--prefix", "q"], in: dir)
        #expect(outcome.status != 0, "\(outcome.message)")
        #expect(outcome.message.contains(expected), "\(outcome.message)")
    }

    @Test("robust standard errors of an ill-conditioned design are computed, not warned about (session 21)")
    func illConditionedRobust() throws {
        var text = "x,y,g\n"
        for i in 0..<200 {
            let x = 10_000 + Double((i * 37) % 101) / 50 - 1
            let c = x - 10_000
            text += "\(x),\(1 + 2 * c + 0.5 * c * c + Double((i * 13) % 7) / 10 * (1 + abs(c))),g\(i % 20)\n"
        }
        let dir = try Hostile.write(["ic.csv": text])
        // Session 20 only warned (HC0 SEs were twice the true ones, every SE missing under --cluster); the sandwich is
        // now formed in an orthonormal basis (IllConditionedRobustTests checks the numbers against R).
        for option in [["--robust", "hc0"], ["--cluster", "g"], ["--cluster", "g", "--cluster-adjust", "cr2"]] {
            let robust = Hostile.run(["fit", "ols", "ic.csv", "--formula", "y ~ x + I(x^2)", "--format", "csv"] + option, in: dir)
            #expect(robust.status == 0, "\(robust.message)")
            #expect(!robust.message.contains("ill-conditioned"), "\(robust.message)")
            let rows = robust.standardOutput.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("\"I(x^2)\"") || $0.hasPrefix("I(x^2)") }
            #expect(rows.count == 1 && !rows[0].contains(",,"), "\(option): \(robust.standardOutput)")
        }
    }

    @Test("a negative binomial whose theta runs off to infinity is refused, not reported with a log-likelihood of 0")
    func negbinWithoutOverdispersion() throws {
        // Poisson counts: no overdispersion at all (the variance equals the mean).
        var text = "x,y\n"
        for i in 0..<300 { text += "\(Double(i % 10) / 10),\([1, 2, 1, 3, 2, 2, 1, 2, 3, 1][i % 10])\n" }
        let dir = try Hostile.write(["p.csv": text])
        let outcome = Hostile.run(["fit", "negbin", "p.csv", "--formula", "y ~ x"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("no overdispersion"), "\(outcome.message)")
    }
}

