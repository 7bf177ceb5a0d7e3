import Foundation
import Testing

/// Session 10's hostile-input review: commands run as a researcher would, on files made messy by hand (a -99 left
/// in a column, a total outside its instrument's range). Each case was a wrong number or category with exit status 0
/// before; docs/hostile-input.md lists them.
@Suite("Hostile input: session 10")
struct HostileInputSessionTenTests {
    /// 30 rows: a, b (a + noise), c, d, e in 1…5 (items), g (two groups), s (order 1…3 within g); b is -99 in row 5.
    static let codedRows: String = {
        var text = "a,b,c,d,e,g,s\n"
        for i in 0..<30 {
            let a = 20 + 5 * sin(Double(i))
            let b = i == 4 ? "-99" : String(format: "%.2f", a + 2 * cos(Double(i) * 1.7))
            let items = (0..<3).map { k in String(1 + (i + k * (i % 3)) % 5) }
            text += "\(String(format: "%.2f", a)),\(b),\(items.joined(separator: ",")),g\(i % 2),\(1 + i / 2)\n"
        }
        return text
    }()

    @Test("a -99 left in a column that correlate, reliability, score, change, plot and aggregate read is warned",
          arguments: [
              ["correlate", "f.csv", "--vars", "a,b"],
              ["correlate", "f.csv", "--vars", "a,c", "--partial", "b"],
              ["reliability", "f.csv", "--items", "b,c,d"],
              ["score", "f.csv", "--items", "b,c,d"],
              ["change", "f.csv", "--pre", "a", "--post", "b", "--sd", "5", "--reliability", "0.8"],
              ["plot", "scatter", "f.csv", "--x", "a", "--y", "b", "--out", "p.svg"],
              ["plot", "histogram", "f.csv", "--x", "b", "--out", "h.svg"],
              ["aggregate", "f.csv", "--by", "g", "--mean", "b", "--out", "agg.csv"],
              ["aggregate", "f.csv", "--by", "g", "--order", "s", "--slope", "b", "--out", "agg.csv"],
          ])
    func missingCodeWarned(arguments: [String]) throws {
        let dir = try Hostile.write(["f.csv": Self.codedRows])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("warning: f.csv: column 'b' holds -99 in 1 row"), "\(arguments): \(outcome.message)")
    }

    /// Eight referrals with PHQ-9 and GAD-7 totals at start and end and attended sessions; `edit` changes one row.
    static func changeRows(edit: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "id,phq0,phq1,gad0,gad1,n\n"
        let rows = [["20", "5", "15", "4", "6"], ["15", "14", "12", "6", "4"], ["12", "19", "9", "10", "5"],
                    ["8", "4", "5", "3", "7"], ["22", "9", "14", "5", "8"], ["14", "12", "9", "11", "8"],
                    ["18", "7", "13", "6", "3"], ["11", "10", "8", "8", "5"]]
        for (i, row) in rows.enumerated() {
            var fields = row
            edit(i, &fields)
            text += "r\(i),\(fields.joined(separator: ","))\n"
        }
        return text
    }

    @Test("change --instrument: a total outside the instrument's possible range is refused, not classified",
          arguments: [("-99", "-99"), ("999", "999"), ("30", "30")])
    func changeTotalOutsideInstrumentRange(value: String, shown: String) throws {
        let dir = try Hostile.write(["t.csv": Self.changeRows { i, f in if i == 1 { f[1] = value } }])
        let outcome = Hostile.run(["change", "t.csv", "--pre", "phq0", "--post", "phq1", "--instrument", "phq-9",
                                   "--out", "rows.csv"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("column 'phq1' holds \(shown) at data row 2"), "\(outcome.message)")
        #expect(outcome.message.contains("0–27"), "\(outcome.message)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/rows.csv"))
    }

    @Test("change --nhs-talking-therapies: a PHQ-9 or GAD-7 total outside 0–27 / 0–21 is refused",
          arguments: [(1, "-99", "phq1", "0–27"), (3, "25", "gad1", "0–21"), (0, "28", "phq0", "0–27")])
    func talkingTherapiesTotalOutsideRange(field: Int, value: String, column: String, range: String) throws {
        let dir = try Hostile.write(["t.csv": Self.changeRows { i, f in if i == 4 { f[field] = value } }])
        let outcome = Hostile.run(["change", "t.csv", "--nhs-talking-therapies", "--phq-pre", "phq0", "--phq-post", "phq1",
                                   "--gad-pre", "gad0", "--gad-post", "gad1", "--sessions", "n"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("column '\(column)' holds \(value) at data row 5"), "\(outcome.message)")
        #expect(outcome.message.contains(range), "\(outcome.message)")
    }

    @Test("change: totals inside the instrument's range (prorated, non-integer) are classified as before")
    func changeTotalsInsideRange() throws {
        let dir = try Hostile.write(["t.csv": Self.changeRows { i, f in if i == 2 { f[0] = "12.5" } }])
        let outcome = Hostile.run(["change", "t.csv", "--pre", "phq0", "--post", "phq1", "--instrument", "phq-9",
                                   "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["n"] as? Int == 8)
    }

    /// track's model and flags take each client's first scored session as the intake (session 1): a client whose
    /// session-1 score is missing got session 2 as the intake, silently, so their expected curve started from a score
    /// already two sessions into treatment.
    @Test("track: clients with no score at session 1 are counted in a warning")
    func trackIntakeAfterSessionOne() throws {
        let rows = HostileInputSecondWaveTests.sessionRows { k, f in
            if k % 6 == 0 && (k / 6) % 3 == 0 { f[4] = "" }   // session 1 of clients 0, 3, 6, … (10 of 30)
        }
        let dir = try Hostile.write(["s.csv": rows])
        let outcome = Hostile.run(["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq",
                                   "--reliable-change", "6"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("10 of 30 clients have no phq score at session 1"), "\(outcome.message)")
        let clean = Hostile.run(["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq",
                                 "--reliable-change", "6"],
                                in: try Hostile.write(["s.csv": HostileInputSecondWaveTests.sessionRows()]))
        #expect(clean.status == 0, "\(clean.message)")
        #expect(!clean.message.contains("session 1"), "\(clean.message)")
    }

    /// transform turns a -99 into a number no later scan recognises (b - a = -119), or keeps it through a filter
    /// (`b < 10`) or a condition: the columns --compute and --filter read are scanned, except those a --recode rewrites.
    @Test("transform: a -99 in a column --compute or --filter reads is warned; a recoded column is not",
          arguments: [
              (["--compute", "d = b - a"], true),
              (["--compute", "low = b < 10"], true),
              (["--filter", "b < 10"], true),
              (["--compute", "d = a * 2"], false),
              (["--recode", "b: -99=NA", "--compute", "d = b - a"], false),
          ])
    func transformMissingCode(step: [String], warned: Bool) throws {
        let dir = try Hostile.write(["f.csv": Self.codedRows])
        let outcome = Hostile.run(["transform", "f.csv"] + step + ["--out", "t.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("column 'b' holds -99 in 1 row") == warned, "\(step): \(outcome.message)")
    }

    /// lag() over a session number a client has twice (a double entry) took one of the two rows as the other's
    /// "previous session", silently (dplyr does the same, by row order); survival-data, track and ruptures refuse it.
    @Test("transform: lag() over a repeated group × order names the rows")
    func lagRepeatedOrder() throws {
        let rows = "client,session,wai\na,1,41\na,2,45\na,1,43\nb,1,29\nb,2,30\n"
        let dir = try Hostile.write(["l.csv": rows])
        let outcome = Hostile.run(["transform", "l.csv", "--compute", "prev = lag(wai, client, session)", "--out", "o.csv"],
                                  in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("data rows 1 and 3 have the same client and session"), "\(outcome.message)")
        let clean = Hostile.run(["transform", "l.csv", "--compute", "prev = lag(wai, client, wai)", "--out", "o.csv"], in: dir)
        #expect(!clean.message.contains("the same client"), "\(clean.message)")
    }

    /// The same lag in a fit formula was silent while transform warned: both paths share GroupFunctions' detection.
    @Test("fit: lag() in a formula over a repeated group × order names the rows as transform does")
    func lagRepeatedOrderInFormula() throws {
        var rows = "client,session,wai,y\na,1,41,10\na,2,45,12\na,1,43,11\n"
        for (k, c) in ["b", "c", "d", "e"].enumerated() {
            for s in 1...4 { rows += "\(c),\(s),\(30 + s * 2 + (k * 7) % 5),\(8 + s + k % 3)\n" }
        }
        let dir = try Hostile.write(["l.csv": rows])
        let outcome = Hostile.run(["fit", "ols", "l.csv", "--formula", "y ~ lag(wai, client, session)"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("data rows 1 and 3 have the same client and session (1)"), "\(outcome.message)")
        let clean = Hostile.run(["fit", "ols", "l.csv", "--formula", "y ~ lag(wai, client, y)"], in: dir)
        #expect(!clean.message.contains("the same client"), "\(clean.message)")
    }

    /// A text moderator (site: east/north/south) was refused with advice for a stray value ("a decimal comma, a word"),
    /// which does not fit a column of categories.
    @Test("moderate: a categorical moderator is named as categorical with its levels and the fit to use instead")
    func categoricalModerator() throws {
        var text = "x,w,y\n"
        for i in 0..<40 { text += "\(i % 7),\(["east", "north", "south"][i % 3]),\(i % 5)\n" }
        let dir = try Hostile.write(["m.csv": text])
        let outcome = Hostile.run(["moderate", "m.csv", "--x", "x", "--w", "w", "--y", "y"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("'w' is categorical (3 levels: east, north, south)"), "\(outcome.message)")
        #expect(outcome.message.contains("fit ols"), "\(outcome.message)")
        #expect(!outcome.message.contains("decimal comma"), "\(outcome.message)")
    }

    /// An out-of-range item in an SPSS file was reported "on line(s) 6": a .sav has no lines, and SPSS's case number of
    /// that row is 5, so the researcher looked at the wrong case.
    @Test("score, reliability: out-of-range items in an SPSS file are located by data row, not by a CSV line")
    func statFileRowsNotLines() throws {
        var text = (1...9).map { "phq_\($0)" }.joined(separator: ",") + "\n"
        for i in 0..<12 { text += (1...9).map { k in i == 4 && k == 2 ? "7" : String((i + k) % 4) }.joined(separator: ",") + "\n" }
        let dir = try Hostile.write(["p.csv": text])
        let items = (1...9).map { "phq_\($0)" }.joined(separator: ",")
        let written = Hostile.run(["score", "p.csv", "--items", items, "--out", "p.sav"], in: dir)
        #expect(written.status == 0, "\(written.message)")
        for command in ["score", "reliability"] {
            let sav = Hostile.run([command, "p.sav", "--instrument", "phq-9"], in: dir)
            #expect(sav.status == 65, "\(sav.message)")
            #expect(sav.message.contains("on data row(s) 5 "), "\(command): \(sav.message)")
            let csv = Hostile.run([command, "p.csv", "--instrument", "phq-9"], in: dir)
            #expect(csv.message.contains("on line(s) 6 "), "\(command): \(csv.message)")
        }
    }

    /// An event column with 0, 1 and 2 (0/1 coding with some rows 2, often a competing ending) was refused as
    /// "holds  besides 0/1": the value list was empty, since 2 is a value the 1/2 coding allows.
    @Test("survival, fit cox: an event column mixing 0/1 and 1/2 coding names the values, their first rows and the fix",
          arguments: [
              ["survival", "ev012.csv", "--time", "weeks", "--event", "dropout"],
              ["fit", "cox", "ev012.csv", "--formula", "Surv(weeks, dropout) ~ x"],
          ])
    func eventColumnMixesCodings(arguments: [String]) throws {
        let rows = "weeks,dropout,x\n3,1,0.5\n5,0,1.2\n2,1,0.1\n8,2,2.0\n6,0,0.7\n4,2,1.1\n7,1,0.3\n9,0,1.6\n"
        let dir = try Hostile.write(["ev012.csv": rows])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        for part in ["'dropout' mixes 0/1 and 1/2 coding", "0 (first at data row 2)", "1 (data row 1)", "2 (data row 4)",
                     "--recode \"dropout: 2=0\""] {
            #expect(outcome.message.contains(part), "\(part): \(outcome.message)")
        }
        #expect(!outcome.message.contains("holds  besides"), "\(outcome.message)")
    }

    /// A client whose only row is an attended session (or whose first attended session is their last row) opens no
    /// interval, yet was counted in "Clients" with no word, while a client who never attended is counted in a warning.
    @Test("survival-data: clients with an attended session but no interval are left out of Clients and counted in a warning")
    func survivalDataClientWithoutInterval() throws {
        let rows = "client,session,attended\nc1,1,1\nc1,2,1\nc1,3,0\nc2,1,1\nc3,1,0\nc3,2,1\nc4,1,1\nc4,2,0\nc5,1,0\n"
        let dir = try Hostile.write(["s.csv": rows])
        let outcome = Hostile.run(["survival-data", "s.csv", "--out", "i.csv", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("2 clients attended a session but have no later session row, so add no interval"),
                "\(outcome.message)")
        #expect(outcome.message.contains("1 client never attended"), "\(outcome.message)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(json["clients"] as? Int == 2)
        #expect(json["intervals"] as? Int == 3)
    }

    /// `--stub phq` on phq_1, phq_2, … made the time column text "_1", "_2" (so `session` could not be a number in a
    /// model); R's reshape(sep = "_") and tidyr's names_sep take the separator off and give times 1, 2, ….
    @Test("reshape --long: a stub without its separator gives the same numeric times as the stub with it",
          arguments: ["phq", "phq_"])
    func reshapeStubWithoutSeparator(stub: String) throws {
        let rows = "client,phq_1,phq_2,phq_3,wai_1,wai_2,wai_3\na,20,15,,40,42,44\nb,12,11,9,30,,35\n"
        let dir = try Hostile.write(["w.csv": rows])
        let outcome = Hostile.run(["reshape", "w.csv", "--long", "--id", "client", "--stub", "\(stub),wai",
                                   "--time", "session", "--out", "l.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let long = try String(contentsOfFile: dir + "/l.csv", encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(long == "client,session,phq,wai\na,1,20,40\na,2,15,42\na,3,,44\nb,1,12,30\nb,2,11,\nb,3,9,35\n", "\(long)")
    }

    /// `--stub phq,phq_total`: the shorter stub claimed phq_total_1 first, so phq_total was refused as matching no column.
    @Test("reshape --long: a stub that begins another stub does not take the longer stub's columns", arguments: [
        "phq,phq_total", "phq_total,phq", "phq_,phq_total_",
    ])
    func reshapeNestedStubs(stubs: String) throws {
        let dir = try Hostile.write(["w.csv": "client,phq_1,phq_2,phq_total_1,phq_total_2\nA,1,2,10,20\nB,3,4,30,40\n"])
        let outcome = Hostile.run(["reshape", "w.csv", "--long", "--id", "client", "--stub", stubs, "--time", "s",
                                   "--out", "l.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        let long = try String(contentsOfFile: dir + "/l.csv", encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        let columns = stubs.hasPrefix("phq_total") ? "client,s,phq_total,phq" : "client,s,phq,phq_total"
        let rows = stubs.hasPrefix("phq_total") ? ["A,1,10,1", "A,2,20,2", "B,1,30,3", "B,2,40,4"] : ["A,1,1,10", "A,2,2,20", "B,1,3,30", "B,2,4,40"]
        #expect(long == ([columns] + rows).joined(separator: "\n") + "\n", "\(long)")
    }

    /// Ids written with leading zeros (007, 012) in an otherwise numeric column are read as numbers: 007 and 7 became
    /// one client, and the output wrote 7, which no longer matches the ids of the other files, with no word.
    @Test("reshape: a numeric id written with leading zeros is warned", arguments: [true, false])
    func reshapeIdLeadingZeros(wide: Bool) throws {
        let long = "client,session,phq\n007,1,20\n007,2,15\n7,1,12\n7,2,11\n012,1,9\n012,2,8\n"
        let wideText = "client,phq_1,phq_2\n007,20,15\n7,12,11\n012,9,8\n"
        let dir = try Hostile.write(["l.csv": long, "w.csv": wideText])
        let arguments = wide ? ["reshape", "l.csv", "--wide", "--id", "client", "--time", "session", "--out", "o.csv"]
            : ["reshape", "w.csv", "--long", "--id", "client", "--stub", "phq_", "--time", "session", "--out", "o.csv"]
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.message.contains("'client' is read as numbers, and \(wide ? 4 : 2) of its values are written with leading zeros"),
                "\(outcome.message)")
        let clean = Hostile.run(["reshape", "l.csv", "--wide", "--id", "session", "--time", "client", "--out", "c.csv"], in: dir)
        #expect(!clean.message.contains("leading zeros"), "\(clean.message)")
    }

    /// aggregate --by and survival-data --client group by the id as reshape does: 007 and 7 would merge silently.
    @Test func groupingIdLeadingZeros() throws {
        let long = "client,session,attended,phq\n007,1,1,20\n007,2,0,15\n7,1,1,12\n7,2,1,11\n"
        let dir = try Hostile.write(["l.csv": long])
        for arguments in [["aggregate", "l.csv", "--by", "client", "--mean", "phq", "--out", "a.csv"],
                          ["survival-data", "l.csv", "--client", "client", "--session", "session", "--attended", "attended",
                           "--out", "s.csv"]] {
            let outcome = Hostile.run(arguments, in: dir)
            #expect(outcome.message.contains("'client' is read as numbers, and 2 of its values are written with leading zeros"),
                    "\(arguments[0]): \(outcome.message)")
        }
        let clean = Hostile.run(["aggregate", "l.csv", "--by", "session", "--mean", "phq", "--out", "c.csv"], in: dir)
        #expect(!clean.message.contains("leading zeros"), "\(clean.message)")
    }

    @Test("only the columns a command reads are scanned")
    func missingCodeOnlyColumnsRead() throws {
        let dir = try Hostile.write(["f.csv": Self.codedRows])
        let outcome = Hostile.run(["correlate", "f.csv", "--vars", "a,c"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(!outcome.message.contains("column 'b'"), "\(outcome.message)")
    }
}
