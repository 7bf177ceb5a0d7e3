import Foundation
import Testing

/// Messy files through the second-wave commands (survival, survival-data, fit cox, track, ruptures, mediate,
/// moderate, meta, predict, pool), in-process. Each case pins a finding of the hostile-input review: a value the
/// command used to analyse silently (a -99 or 999 left in the data, a text event whose level was guessed, the same
/// site pooled twice) or an error that did not point at the value. docs/hostile-input.md lists every probe.
@Suite("Hostile input: second-wave commands")
struct HostileInputSecondWaveTests {
    /// 40 clients: follow-up time 1…20, a 0/1 event, a group and a covariate (deterministic, no generator).
    static func survivalRows(event: (Bool) -> String = { $0 ? "1" : "0" }, time: (Int, Int) -> String = { _, t in String(t) }) -> String {
        var text = "client,time,event,group,x\n"
        for i in 0..<40 {
            let t = 1 + (i * 7) % 20
            let e = (i * 5) % 3 == 0
            text += "c\(i),\(time(i, t)),\(event(e)),\(i % 2 == 0 ? "a" : "b"),\(String(format: "%.2f", sin(Double(i))))\n"
        }
        return text
    }

    /// 30 clients × 6 sessions: attendance (the last session of every fifth client missed), an alliance score (SRS,
    /// 0–40) and a symptom score (PHQ-9, 0–27) falling over the sessions.
    static func sessionRows(edit: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "client,session,attended,srs,phq\n"
        var k = 0
        for c in 0..<30 {
            for s in 1...6 {
                let attended = (c % 5 == 0 && s == 6) ? "0" : "1"
                let srs = 30 + 6 * sin(Double(c * 6 + s))
                let phq = max(0, 20 - 2 * Double(s) + 4 * cos(Double(c * 3 + s)))
                var fields = ["c\(c)", String(s), attended, String(format: "%.1f", srs), String(format: "%.0f", phq)]
                edit(k, &fields)
                text += fields.joined(separator: ",") + "\n"
                k += 1
            }
        }
        return text
    }

    /// 80 rows for mediate and moderate: X 0/1, M, Y, W in 1…4.
    static func mediationRows(edit: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "x,m,y,w\n"
        for i in 0..<80 {
            let x = Double(i % 2)
            let m = 0.5 * x + sin(Double(i) * 1.3)
            let y = 0.4 * m + 0.2 * x + cos(Double(i) * 0.7)
            var fields = [String(Int(x)), String(format: "%.3f", m), String(format: "%.3f", y), String(1 + i % 4)]
            edit(i, &fields)
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    static func json(_ outcome: Hostile.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    static func events(_ outcome: Hostile.Outcome) throws -> Int {
        let groups = try #require(try json(outcome)["groups"] as? [[String: Any]])
        return try #require(groups.first?["events"] as? Int)
    }

    // MARK: survival and fit cox

    /// R's survfit analyses 999 as a time; so did alliance, silently (fit cox warned through its model frame).
    @Test("survival: a 999 left in the time column is analysed with a warning naming the column and --na 999")
    func survivalMissingCodeTime() throws {
        let dir = try Hostile.write(["s.csv": Self.survivalRows(time: { i, t in i == 6 ? "999" : String(t) })])
        let outcome = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("warning: s.csv: column 'time' holds 999 in 1 row"), "\(outcome.message)")
        #expect(outcome.message.contains("--na 999"))
        // Declared missing, the row is dropped and the warning goes.
        let declared = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event", "--na", "999", "--format", "json"], in: dir)
        #expect(declared.status == 0)
        #expect(!declared.message.contains("warning"), "\(declared.message)")
        let data = try #require(try Self.json(declared)["data"] as? [String: Any])
        #expect(data["used"] as? Int == 39, "\(data)")
    }

    @Test("survival: a -99 time is refused, after a warning that it looks like a missing-value code")
    func survivalNegativeCode() throws {
        let dir = try Hostile.write(["s.csv": Self.survivalRows(time: { i, t in i == 3 ? "-99" : String(t) })])
        let outcome = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event"], in: dir)
        #expect(outcome.status == 65)
        for part in ["column 'time' holds -99", "--na -99", "s.csv: cannot estimate", "data row 4", "cannot be negative"] {
            #expect(outcome.message.contains(part), "'\(part)' not in: \(outcome.message)")
        }
    }

    /// R's Surv() refuses a text status ("Invalid status value, must be logical or numeric"). alliance took the
    /// second level in sorted order, so stayed/dropped made 'stayed' the event: 23 events instead of 17, exit 0.
    @Test("survival and fit cox: a text event that does not say which level is the event is refused",
          arguments: [("stayed", "dropped"), ("completed", "dropped"), ("censored", "event"), ("alive", "died")])
    func ambiguousTextEvent(censored: String, event: String) throws {
        let dir = try Hostile.write(["s.csv": Self.survivalRows(event: { $0 ? event : censored })])
        for arguments in [["survival", "s.csv", "--time", "time", "--event", "event"],
                          ["fit", "cox", "s.csv", "--formula", "Surv(time, event) ~ x"]] {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status == 65, "\(arguments[0]): \(outcome.message)")
            for part in ["s.csv", "the event column 'event' is text", "'\(censored)'", "'\(event)'", "--recode", "1 = event"] {
                #expect(outcome.message.contains(part), "'\(part)' not in: \(outcome.message)")
            }
        }
    }

    @Test("survival: yes/no and true/false events in any case are read with yes/true the event",
          arguments: [("no", "yes"), ("No", "Yes"), ("FALSE", "TRUE"), ("false", "true"), ("N", "Y")])
    func namedTextEvent(censored: String, event: String) throws {
        let dir = try Hostile.write(["s.csv": Self.survivalRows(event: { $0 ? event : censored }),
                                  "n.csv": Self.survivalRows()])
        let text = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event", "--format", "json"], in: dir)
        let numeric = Hostile.run(["survival", "n.csv", "--time", "time", "--event", "event", "--format", "json"], in: dir)
        #expect(text.status == 0, "\(text.message)")
        #expect(try Self.json(text)["event_level"] as? String == event)
        #expect(try Self.events(text) == Self.events(numeric))
        #expect(try Self.events(numeric) == 14)
    }

    /// Value labels: the codes decide (0 = censored, 1 = dropped), as Surv() reads a haven_labelled column, and
    /// user-missing codes are missing; but a yes/no labelling decides by its words, so SPSS's 1 = yes, 2 = no does
    /// not make 'no' the event by the 1/2 rule. Expected counts from make_second_wave.R (survfit).
    @Test("survival: value-labelled events from SPSS: codes decide, yes/no labels by their words",
          arguments: [("surv_labelled.sav", "dropped", 38, 14), ("surv_yes1_no2.sav", "yes", 39, 14)])
    func labelledEvents(file: String, level: String, used: Int, events: Int) throws {
        let outcome = Hostile.run(["survival", file, "--time", "time", "--event", "event", "--format", "json"],
                                  in: try Hostile.corpusDirectory())
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try Self.json(outcome)
        #expect(json["event_level"] as? String == level)
        #expect((json["data"] as? [String: Any])?["used"] as? Int == used)
        #expect(try Self.events(outcome) == events)
    }

    /// A value-labelled SPSS variable is read as its labels, so an OLS outcome or a mediation X that is one was refused
    /// as "categorical" or "holds text", with advice about stray values and decimal commas; the numbers are in the
    /// file and `--codes` reads them.
    @Test("a value-labelled variable where numbers are needed names --codes")
    func labelledVariableNamesCodes() throws {
        let dir = try Hostile.corpusDirectory()
        let runs: [[String]] = [
            ["fit", "ols", "surv_yes1_no2.sav", "--formula", "event ~ x"],
            ["moderate", "surv_yes1_no2.sav", "--x", "event", "--w", "x", "--y", "time"],
            ["mediate", "surv_yes1_no2.sav", "--x", "event", "--m", "x", "--y", "time", "--boot", "100", "--seed", "1"],
        ]
        for arguments in runs {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status == 65, "\(arguments[0]): \(outcome.message)")
            #expect(outcome.message.contains("'event' is a value-labelled variable, read as its labels: pass --codes"), "\(outcome.message)")
            let coded = Hostile.run(arguments + ["--codes"], in: dir)
            #expect(coded.status == 0, "\(arguments[0]) --codes: \(coded.message)")
        }
    }

    /// `fit logit` on SPSS's 1 = yes, 2 = no models 'no' (the second level in code order, as R on haven's as_factor),
    /// but its note said "the second level in sorted order", where 'yes' would be second: the reader was told the
    /// wrong rule for which level is 1. The note now names the column's own order when it is not the sorted one.
    @Test("fit logit: the outcome note names code order, not sorted order, for an SPSS yes = 1, no = 2 outcome")
    func labelledOutcomeNote() throws {
        let outcome = Hostile.run(["fit", "logit", "surv_yes1_no2.sav", "--formula", "event ~ x"], in: try Hostile.corpusDirectory())
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("Outcome coded 1 = no, 0 = yes (the second level in the column's order"),
                "\(outcome.standardOutput)")
        #expect(!outcome.standardOutput.contains("sorted order"), "\(outcome.standardOutput)")
    }

    @Test("survival: a time written with a thousands separator names the data row and the value")
    func survivalThousands() throws {
        let dir = try Hostile.write(["s.csv": Self.survivalRows(time: { i, t in i == 2 ? "\"1,234\"" : String(t) })])
        let outcome = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event"], in: dir)
        #expect(outcome.status == 65)
        for part in ["s.csv", "the time column 'time' is text (data row 3 has '1,234')", "--na"] {
            #expect(outcome.message.contains(part), "'\(part)' not in: \(outcome.message)")
        }
    }

    /// DESIGN.md §9: grouped tables and plots of fewer than --min-cell (11) clients. A Kaplan–Meier curve of one
    /// client shows that client's time and outcome; it was printed without a word.
    @Test("survival --by: a group of one row is shown with a small-cell warning")
    func survivalSmallGroup() throws {
        var rows = Self.survivalRows().split(separator: "\n").map(String.init)
        rows[5] = rows[5].replacingOccurrences(of: ",a,", with: ",z,")
        let dir = try Hostile.write(["s.csv": rows.joined(separator: "\n") + "\n"])
        let outcome = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event", "--by", "group", "--plot", "km.svg"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("groups of fewer than 11 rows: 'z' (1 row)"), "\(outcome.message)")
        #expect(!outcome.message.contains("'a'") && !outcome.message.contains("'b'"), "\(outcome.message)")
        let plain = Hostile.run(["survival", "s.csv", "--time", "time", "--event", "event"], in: dir)
        #expect(!plain.message.contains("fewer than 11"), "no groups without --by: \(plain.message)")
    }

    /// A 999 among text group labels in a column that forms clusters, strata or `--by` groups made one more cluster,
    /// stratum or curve without a word (the model frame checked only random-effects grouping columns).
    @Test("--cluster, strata() and --by: a 999 among text labels is named as a likely missing-value code")
    func groupColumnMissingCodeLabels() throws {
        var lines = Self.survivalRows().split(separator: "\n").map(String.init)
        for k in [4, 9, 17] { lines[k] = lines[k].replacingOccurrences(of: ",a,", with: ",999,").replacingOccurrences(of: ",b,", with: ",999,") }
        let dir = try Hostile.write(["s.csv": lines.joined(separator: "\n") + "\n"])
        let runs: [[String]] = [
            ["fit", "ols", "s.csv", "--formula", "x ~ time", "--cluster", "group"],
            ["fit", "logit", "s.csv", "--formula", "event ~ x", "--cluster", "group"],
            ["fit", "cox", "s.csv", "--formula", "Surv(time, event) ~ x", "--cluster", "group"],
            ["fit", "cox", "s.csv", "--formula", "Surv(time, event) ~ x + strata(group)"],
            ["survival", "s.csv", "--time", "time", "--event", "event", "--by", "group"],
        ]
        for arguments in runs {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status == 0, "\(arguments): \(outcome.message)")
            #expect(outcome.message.contains("column 'group' holds 999 in 3 rows among text labels"), "\(arguments): \(outcome.message)")
            #expect(outcome.message.contains("--na group:999"), "\(arguments): \(outcome.message)")
        }
        let clean = Hostile.run(["fit", "ols", "s.csv", "--formula", "x ~ time", "--cluster", "group"],
                                in: try Hostile.write(["s.csv": Self.survivalRows()]))
        #expect(!clean.message.contains("among text labels"), "\(clean.message)")
    }

    // MARK: survival-data, track, ruptures

    @Test("survival-data: attendance coded yes/no gets one clear instruction")
    func attendanceText() throws {
        let dir = try Hostile.write(["s.csv": Self.sessionRows { _, f in f[2] = f[2] == "1" ? "yes" : "no" }])
        let outcome = Hostile.run(["survival-data", "s.csv", "--out", "iv.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("the attendance column 'attended' is text; it must be 0/1"), "\(outcome.message)")
        #expect(outcome.message.contains("--recode \"attended: yes=1, no=0\""))
        // The old message also said "1/2 (2 = event)" and "a two-level category", which attendance cannot be.
        #expect(!outcome.message.contains("1/2"))
    }

    /// `fit cox` refused a -99 time or event without the missing-code warning that `survival` gives (the model frame's
    /// scan runs only on a fit that succeeds), so nothing said that -99 is a missing-value code.
    @Test("fit cox: a -99 time or event is refused after the warning naming --na -99")
    func coxMissingCodes() throws {
        var lines = Self.survivalRows().split(separator: "\n").map(String.init)
        var fields = lines[6].split(separator: ",").map(String.init)
        fields[2] = "-99"
        lines[6] = fields.joined(separator: ",")
        let dir = try Hostile.write(["t.csv": Self.survivalRows(time: { i, t in i == 3 ? "-99" : String(t) }),
                                  "e.csv": lines.joined(separator: "\n") + "\n"])
        for (file, column) in [("t.csv", "time"), ("e.csv", "event")] {
            let outcome = Hostile.run(["fit", "cox", file, "--formula", "Surv(time, event) ~ x"], in: dir)
            #expect(outcome.status == 65, "\(file): \(outcome.message)")
            #expect(outcome.message.contains("column '\(column)' holds -99 in 1 row"), "\(file): \(outcome.message)")
            #expect(outcome.message.contains("--na -99"), "\(outcome.message)")
        }
    }

    /// A missing session number was refused as "column 'session' has 0 at data row 5" (the placeholder behind a
    /// missing cell), naming a value the file does not hold.
    @Test("survival-data: a missing session number is called missing, not 0")
    func missingSessionNumber() throws {
        let dir = try Hostile.write(["s.csv": Self.sessionRows { k, f in if k == 4 { f[1] = "NA" } }])
        let outcome = Hostile.run(["survival-data", "s.csv", "--out", "iv.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("the session column 'session' is missing at data row 5"), "\(outcome.message)")
        #expect(!outcome.message.contains("has 0"), "\(outcome.message)")
    }

    /// Codes left in the session scores: each command warns naming the user's column. `track` used to name its
    /// internal column ('score') and suggest `--na score:-99`, which names no column of the file.
    @Test("survival-data, track, ruptures: -99 and 999 in session scores are named by the file's columns")
    func sessionMissingCodes() throws {
        let dir = try Hostile.write(["s.csv": Self.sessionRows { k, f in
            if k == 7 { f[4] = "-99" }
            if k == 20 { f[3] = "999" }
        }])
        let runs: [[String]] = [
            ["survival-data", "s.csv", "--out", "iv.csv", "--covariates", "srs,phq"],
            ["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq", "--reliable-change", "6",
             "--alliance", "srs", "--alliance-cutoff", "36"],
            ["ruptures", "s.csv", "--client", "client", "--session", "session", "--alliance", "srs", "--outcome", "phq"],
        ]
        for arguments in runs {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status == 0, "\(arguments[0]): \(outcome.message)")
            #expect(outcome.message.contains("column 'phq' holds -99 in 1 row"), "\(arguments[0]): \(outcome.message)")
            #expect(outcome.message.contains("column 'srs' holds 999 in 1 row"), "\(arguments[0]): \(outcome.message)")
            #expect(!outcome.message.contains("'score'") && !outcome.message.contains("'intake'"), "\(arguments[0]): \(outcome.message)")
        }
    }

    /// DESIGN.md §9: one site's data can leave a single client in a rupture group; its count (and with --outcome its
    /// group coefficient) is that client's own course, and it was printed without a word.
    @Test("ruptures: a rupture group of one client is shown with a small-cell warning")
    func rupturesSmallGroup() throws {
        // Client c0's alliance falls by 25 points at session 4 and never comes back: one unrepaired rupture.
        let dir = try Hostile.write(["s.csv": Self.sessionRows { k, f in if k >= 3 && k < 6 { f[3] = "5.0" } }])
        for extra in [[], ["--outcome", "phq"]] {
            let outcome = Hostile.run(["ruptures", "s.csv", "--client", "client", "--session", "session", "--alliance", "srs"] + extra, in: dir)
            #expect(outcome.status == 0, "\(outcome.message)")
            #expect(outcome.message.contains("the rupture grouping has groups of fewer than 11 clients: 'unrepaired' (1 client)"),
                    "\(outcome.message)")
            #expect(!outcome.message.contains("'none'"), "29 clients without a rupture are not small: \(outcome.message)")
        }
        let none = Hostile.run(["ruptures", "s.csv", "--client", "client", "--session", "session", "--alliance", "srs"],
                               in: try Hostile.write(["s.csv": Self.sessionRows()]))
        #expect(!none.message.contains("fewer than 11"), "empty groups reveal nobody: \(none.message)")
    }

    @Test("track, ruptures: a quoted decimal comma in a comma-delimited file names the data row and the value")
    func sessionTextValue() throws {
        let dir = try Hostile.write(["s.csv": Self.sessionRows { k, f in if k == 2 { f[4] = "\"12,5\"" } }])
        for arguments in [["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq", "--reliable-change", "6"],
                          ["ruptures", "s.csv", "--client", "client", "--session", "session", "--alliance", "srs", "--outcome", "phq"]] {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status == 65, "\(arguments[0]): \(outcome.message)")
            for part in ["column 'phq' in s.csv is not numeric (data row 3 has '12,5')", "--na", "--recode"] {
                #expect(outcome.message.contains(part), "'\(part)' not in: \(outcome.message)")
            }
        }
    }

    // MARK: mediate, moderate, meta, predict, pool

    @Test("mediate and moderate: -99 in M and 99 in W are analysed with a warning each")
    func mediationMissingCodes() throws {
        let dir = try Hostile.write(["m.csv": Self.mediationRows { i, f in
            if i == 4 { f[1] = "-99" }
            if i == 9 { f[3] = "99" }
        }])
        let mediate = Hostile.run(["mediate", "m.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "50"], in: dir)
        #expect(mediate.status == 0, "\(mediate.message)")
        #expect(mediate.message.contains("warning: m.csv: column 'm' holds -99 in 1 row"), "\(mediate.message)")
        let moderate = Hostile.run(["moderate", "m.csv", "--x", "x", "--w", "w", "--y", "y"], in: dir)
        #expect(moderate.status == 0, "\(moderate.message)")
        #expect(moderate.message.contains("warning: m.csv: column 'w' holds 99 in 1 row"), "\(moderate.message)")
        #expect(!moderate.message.contains("column 'm'"), "only the columns the command reads: \(moderate.message)")
    }

    @Test("mediate: a word in the mediator column names the data row and the value")
    func mediationTextValue() throws {
        let dir = try Hostile.write(["m.csv": Self.mediationRows { i, f in if i == 5 { f[1] = "n/a" } }])
        let outcome = Hostile.run(["mediate", "m.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "50"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("data row 6 has 'n/a'"), "\(outcome.message)")
    }

    @Test("mediate and moderate: a single-valued mediator or moderator is named as such, not as a collinearity")
    func mediationConstantColumns() throws {
        let dir = try Hostile.write(["m.csv": Self.mediationRows { _, f in f[1] = "2.5"; f[3] = "3" }])
        let mediate = Hostile.run(["mediate", "m.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "50"], in: dir)
        #expect(mediate.status != 0)
        #expect(mediate.message.contains("the outcome m takes a single value"), "\(mediate.message)")
        #expect(!mediate.message.contains("collinear"), "\(mediate.message)")
        let moderate = Hostile.run(["moderate", "m.csv", "--x", "x", "--w", "w", "--y", "y"], in: dir)
        #expect(moderate.status != 0)
        #expect(moderate.message.contains("'w' takes a single value over the rows used"), "\(moderate.message)")
        #expect(!moderate.message.contains("collinear"), "\(moderate.message)")
    }

    @Test("seeds: a negative or non-numeric --seed says what a seed is")
    func seedValues() throws {
        let dir = try Hostile.write(["m.csv": Self.mediationRows()])
        for arguments in [["simulate", "--out", "sim", "--seed", "-1"],
                          ["mediate", "m.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "50", "--seed", "1.5"]] {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.status != 0)
            #expect(outcome.message.contains("is not a seed: a seed is a whole number from 0 to"), "\(outcome.message)")
            #expect(!outcome.message.contains("Missing value"), "\(outcome.message)")
        }
        let good = Hostile.run(["mediate", "m.csv", "--x", "x", "--m", "m", "--y", "y", "--boot", "50", "--seed", "7"], in: dir)
        #expect(good.status == 0, "\(good.message)")
    }

    @Test("meta: a -99 correlation is refused after a warning naming --na -99; a text cell names its data row")
    func metaHostile() throws {
        var codes = "study,r,n\n", text = "study,r,n\n"
        for i in 0..<8 {
            codes += "S\(i),\(i == 3 ? "-99" : String(format: "%.2f", 0.1 + 0.03 * Double(i))),\(40 + 10 * i)\n"
            text += "S\(i),\(i == 2 ? "n.r." : String(format: "%.2f", 0.1 + 0.03 * Double(i))),\(40 + 10 * i)\n"
        }
        let dir = try Hostile.write(["codes.csv": codes, "text.csv": text])
        let refused = Hostile.run(["meta", "codes.csv", "--measure", "cor", "--r", "r", "--n", "n"], in: dir)
        #expect(refused.status == 65)
        #expect(refused.message.contains("column 'r' holds -99") && refused.message.contains("line 5"), "\(refused.message)")
        let declared = Hostile.run(["meta", "codes.csv", "--measure", "cor", "--r", "r", "--n", "n", "--na", "-99"], in: dir)
        #expect(declared.status == 0, "\(declared.message)")
        #expect(declared.message.contains("1 row with a missing value"), "\(declared.message)")
        let word = Hostile.run(["meta", "text.csv", "--measure", "cor", "--r", "r", "--n", "n"], in: dir)
        #expect(word.status == 65)
        #expect(word.message.contains("column 'r' (--r) is not numeric (data row 3 has 'n.r.')"), "\(word.message)")
        // A -99 sample size: the refusal says it is likely a code and how to declare it (it said only "not above 3").
        let sizes = try Hostile.write(["n.csv": codes.replacingOccurrences(of: ",-99,", with: ",0.19,").replacingOccurrences(of: ",60\n", with: ",-99\n")])
        let size = Hostile.run(["meta", "n.csv", "--measure", "cor", "--r", "r", "--n", "n"], in: sizes)
        #expect(size.status == 65)
        #expect(size.message.contains("sample size -99.0 is not above 3 (Fisher's z needs n > 3); a negative size is likely a "
                                      + "missing-value code: declare it with --na"), "\(size.message)")
    }

    /// predict reads new rows through the saved schema, where the model frame skips its missing-code scan.
    @Test("predict: a -99 in a predictor of the new data is warned about")
    func predictMissingCode() throws {
        var train = "y,x\n", new = "y,x\n"
        for i in 0..<30 { train += "\(String(format: "%.3f", 2 + 0.5 * Double(i % 10) + sin(Double(i)))),\(i % 10)\n" }
        for i in 0..<12 { new += ",\(i == 4 ? "-99" : String(i % 10))\n" }
        let dir = try Hostile.write(["train.csv": train, "new.csv": new])
        let fit = Hostile.run(["fit", "ols", "train.csv", "--formula", "y ~ x", "--format", "json", "--out", "fit.json"], in: dir)
        #expect(fit.status == 0, "\(fit.message)")
        let outcome = Hostile.run(["predict", "fit.json", "new.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("warning: new.csv: column 'x' holds -99 in 1 row"), "\(outcome.message)")
    }

    /// The same site summary twice gave a pooled OLS fit with every row counted twice (standard errors shrunk by
    /// √2), exit 0.
    @Test("pool: the same site summary given twice (or a copy of it) is refused")
    func poolDuplicate() throws {
        var site = "y,x\n"
        for i in 0..<40 { site += "\(String(format: "%.3f", 1 + 0.3 * Double(i % 7) + cos(Double(i)))),\(i % 7)\n" }
        let dir = try Hostile.write(["a.csv": site])
        let export = Hostile.run(["fit", "ols", "a.csv", "--formula", "y ~ x", "--export-summary", "a.json"], in: dir)
        #expect(export.status == 0, "\(export.message)")
        try FileManager.default.copyItem(atPath: dir + "/a.json", toPath: dir + "/copy.json")
        for files in [["a.json", "a.json"], ["a.json", "copy.json"]] {
            let outcome = Hostile.run(["pool"] + files, in: dir)
            #expect(outcome.status == 65)
            #expect(outcome.message.contains("site 2 is identical to site 1"), "\(outcome.message)")
            #expect(outcome.message.contains(files[1]))
        }
    }

    /// A 999 among text therapist labels (T01…T12) was one more therapist, silently, in `fit lmm` and the GLMM
    /// (hostile probe, session 8): now a warning names the column, the code and its count, and how to declare it.
    @Test func missingCodeAmongTextGroupLabelsIsNamed() throws {
        var text = "therapist,wai,phq,improved\n"
        for i in 0..<120 {
            let therapist = i == 7 ? "999" : String(format: "T%02d", 1 + i % 12)
            let wai = 40 + 10 * sin(Double(i) * 0.9)
            let phq = 12 - 0.2 * wai + 3 * cos(Double(i) * 1.7) + Double(i % 12) * 0.3
            text += "\(therapist),\(String(format: "%.2f", wai)),\(String(format: "%.2f", phq)),\(i % 3 == 0 ? 1 : 0)\n"
        }
        let dir = try Hostile.write(["g.csv": text])
        let warning = "column 'therapist' holds 999 in 1 row among text labels: likely a missing-value code, used here as one "
            + "more group; if it is one, pass --na therapist:999 and fit again"
        for model in [["fit", "lmm", "g.csv", "--formula", "phq ~ wai + (1 | therapist)"],
                      ["fit", "logit", "g.csv", "--formula", "improved ~ wai + (1 | therapist)"]] {
            let outcome = Hostile.run(model, in: dir)
            #expect(outcome.status == 0, "\(outcome.message)")
            #expect(outcome.message.contains(warning), "\(model[1]): \(outcome.message)")
            let declared = Hostile.run(model + ["--na", "therapist:999"], in: dir)
            #expect(declared.status == 0, "\(declared.message)")
            #expect(!declared.message.contains("among text labels"), "\(declared.message)")
        }
        // Labels that are all numbers are the numeric scan's case; a text column without a code says nothing.
        let numbers = text.replacingOccurrences(of: "T", with: "")
        let clean = text.replacingOccurrences(of: "\n999,", with: "\nT05,")
        let files = try Hostile.write(["n.csv": numbers, "c.csv": clean])
        for file in ["n.csv", "c.csv"] {
            let outcome = Hostile.run(["fit", "lmm", file, "--formula", "phq ~ wai + (1 | therapist)"], in: files)
            #expect(outcome.status == 0, "\(outcome.message)")
            #expect(!outcome.message.contains("among text labels"), "\(file): \(outcome.message)")
        }
    }
}
