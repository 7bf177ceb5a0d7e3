import AllianceTestSupport
import Commands
import Foundation
import Output
import Testing

/// `alliance score` on Fixtures/measures/items.csv (made by make_fixtures.py). Expected totals are sums of
/// the fixture's item values worked out by hand (PHQ-9: no prorating, so a missing item leaves no total).
@Suite struct MeasuresScoreCommandTests {
    /// PHQ-9 totals of the 16 rows; nil where phq_5 is missing (line 5).
    static let phqTotals: [Int?] = [23, 2, 4, nil, 6, 8, 3, 23, 10, 10, 25, 23, 0, 8, 5, 2]
    static let phqSeverity = ["severe", "minimal", "minimal", "", "mild", "mild", "minimal", "severe", "moderate",
                              "moderate", "severe", "severe", "minimal", "mild", "mild", "minimal"]

    @Test func phqScoredFileHasInputColumnsTotalsSeverityAndRisk() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self, [items, "--instrument", "phq-9", "--out", "scored.csv"])
        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("scored.csv"))
        let inputHeader = try String(contentsOfFile: items, encoding: .utf8).split(separator: "\n")[0]
            .split(separator: ",").map(String.init)
        #expect(header == inputHeader + ["phq_9_total", "phq_9_severity", "phq_9_risk"])
        #expect(rows.count == 16)
        let total = try #require(header.firstIndex(of: "phq_9_total"))
        #expect(rows.map { $0[total] } == Self.phqTotals.map { $0.map(String.init) ?? "" })
        #expect(rows.map { $0[total + 1] } == Self.phqSeverity)
        // Risk: item 9 above 0; present even where the total is missing (line 5 has phq_9 = 0).
        #expect(rows.map { $0[total + 2] } == ["1", "0", "0", "0", "0", "0", "0", "1", "0", "0", "1", "1", "0", "1", "1", "0"])
        // Input cells pass through: whole numbers stay whole, the comma cell is quoted, the formula neutralised.
        #expect(rows[0][1] == "3")
        let note = try #require(header.firstIndex(of: "note"))
        #expect(rows[0][note] == "'=SUM(A1)")
        #expect(rows[1][note] == "a, b")
        #expect(rows[3][header.firstIndex(of: "phq_5")!] == "")
    }

    @Test func summaryCountsAndDistributionInJSON() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self,
                                           [items, "--instrument", "phq-9", "--out", "scored.csv", "--format", "json"])
        let json = run.report.json
        #expect(json["instrument"]?.string == "phq-9")
        #expect(json["rows"]?.int == 16)
        #expect(json["scored"]?.int == 15)
        #expect(json["prorated"]?.int == 0)
        #expect(json["too_many_missing"]?.int == 1)
        #expect(json["invalid_cells"]?.int == 0)
        #expect(json["items"]?.array?.compactMap(\.string) == (1...9).map { "phq_\($0)" })
        #expect(json["columns"]?.array?.compactMap(\.string) == ["phq_9_total", "phq_9_severity", "phq_9_risk"])
        #expect(json["data"]?["used"]?.int == 15)
        #expect(json["out"]?.string == "scored.csv")  // as given, not the machine path
        // Mean and SD (n − 1) of the 15 totals, computed by hand (Python statistics): tolerance 1e-12 relative.
        let score = try #require(json["scores"]?[0])
        #expect(score["column"]?.string == "phq_9_total")
        #expect(score["n"]?.int == 15)
        #expect(relativeError(try #require(score["mean"]?.double), 10.133333333333333) < 1e-12)
        #expect(relativeError(try #require(score["sd"]?.double), 8.838767421072326) < 1e-12)
        #expect(score["min"]?.double == 0)
        #expect(score["max"]?.double == 25)
        // The summary went to standard output as JSON; the missing-item warning to standard error.
        _ = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        #expect(run.stderr.contains("1 row(s) have no phq_9_total"))
        try expectRendersInEveryFormat(run.report)
    }

    @Test func waiSubscalesFromDefaultPrefix() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self, [items, "--instrument", "wai-sr", "--out", "wai.csv"])
        #expect(run.report.json["columns"]?.array?.compactMap(\.string)
                == ["wai_sr_total", "wai_sr_task", "wai_sr_bond", "wai_sr_goal"])
        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("wai.csv"))
        let t = try #require(header.firstIndex(of: "wai_sr_total"))
        // Row 1: items 1,2,2,2,3,2,2,3,1,1,1,3 → total 23; task (1,2,10,12) 7; bond (3,5,7,9) 8; goal (4,6,8,11) 8.
        #expect(Array(rows[0][t...t + 3]) == ["23", "7", "8", "8"])
        // Row 6 lacks wai_3: no total and no bond; task 2+2+2+4 = 10, goal 4+2+3+3 = 12.
        #expect(Array(rows[5][t...t + 3]) == ["", "10", "", "12"])
        #expect(run.stdout.contains("Score distribution"))
        #expect(run.stdout.contains("wai_sr_goal"))
    }

    @Test func explicitItemsEqualPrefix() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let list = (1...9).map { "phq_\($0)" }.joined(separator: ",")
        let a = try MeasuresFixtures.run(ScoreCommand.self, [items, "--instrument", "phq-9", "--items", list, "--out", "a.csv"])
        let b = try MeasuresFixtures.run(ScoreCommand.self, [items, "--instrument", "PHQ-9", "--prefix", "phq", "--out", "b.csv"])
        let fileA = try Data(contentsOf: a.outputDirectory.appendingPathComponent("a.csv"))
        let fileB = try Data(contentsOf: b.outputDirectory.appendingPathComponent("b.csv"))
        #expect(fileA == fileB)
    }

    @Test func withoutOutSaysHowToWriteScores() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self, [items, "--instrument", "phq-9"])
        #expect(run.stdout.contains("pass --out FILE.csv"))
        #expect(run.report.json["out"] == .null)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.outputDirectory.path).isEmpty)
    }

    @Test func outOfRangeValuesExit65NamingLinesAndColumns() throws {
        let bad = try MeasuresFixtures.path("items_invalid.csv")
        let error = try #require(MeasuresFixtures.failure(ScoreCommand.self, [bad, "--instrument", "phq-9", "--out", "x.csv"]))
        #expect(error.kind == .data)
        #expect(error.exitCode == 65)
        #expect(error.message.contains("line(s) 3, 6"))
        #expect(error.message.contains("phq_3, phq_7"))
        #expect(error.message.contains("--invalid missing"))
    }

    @Test func invalidMissingCountsCellsAndScoresTheRest() throws {
        let bad = try MeasuresFixtures.path("items_invalid.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self,
                                           [bad, "--instrument", "phq-9", "--invalid", "missing", "--out", "x.csv"])
        #expect(run.report.json["invalid_cells"]?.int == 2)
        // Six rows: line 3 and line 6 lose an item, line 5 already lacks one; three rows keep a total.
        #expect(run.report.json["scored"]?.int == 3)
        #expect(run.report.json["too_many_missing"]?.int == 3)
    }

    @Test func usageAndInputErrors() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let cases: [([String], CLIError.Kind)] = [
            ([items, "--instrument", "phq-10", "--out", "x.csv"], .usage),          // unknown instrument
            ([items, "--instrument", "phq-9", "--prefix", "gad", "--out", "x.csv"], .usage),  // no such items
            ([items, "--instrument", "phq-9", "--items", "phq_1,phq_2", "--out", "x.csv"], .usage),  // wrong count
            ([items, "--instrument", "phq-9", "--prefix", "phq", "--items", "phq_1"], .usage),
            ([items, "--instrument", "phq-9", "--out", "x.json"], .usage),           // scored data is CSV
            ([items, "--instrument", "phq-9", "--invalid", "drop"], .usage),
            ([items, "--instrument", "gad-7"], .usage),                               // no gad items in the file
            ([items + ".absent", "--instrument", "phq-9"], .noInput),
            ([items, "--instrument", "phq-9", "--key", items], .data),               // a CSV is not a key
        ]
        for (arguments, kind) in cases {
            let error = MeasuresFixtures.failure(ScoreCommand.self, arguments)
            #expect(error?.kind == kind, "\(arguments.dropFirst())")
        }
    }

    @Test func refusesToOverwriteTheInput() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let error = MeasuresFixtures.failure(ScoreCommand.self, [items, "--instrument", "phq-9", "--out", items])
        #expect(error?.kind == .cannotCreate || error?.kind == .ioError)
    }

    @Test func userKeyFileScoresLikeTheShippedKey() throws {
        let items = try MeasuresFixtures.path("items.csv")
        let key = try MeasuresFixtures.path("phq9_user_key.json")
        let run = try MeasuresFixtures.run(ScoreCommand.self, [items, "--key", key, "--out", "k.csv"])
        // The user key prorates one missing item: line 5's eight answered items (2,2,0,1,0,1,1,0 → mean 7/8) × 9.
        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("k.csv"))
        let t = try #require(header.firstIndex(of: "phq_9_total"))
        #expect(rows[3][t] == "7.875")
        #expect(run.report.json["prorated"]?.int == 1)
        #expect(run.report.json["scored"]?.int == 16)
    }

    /// SRS: decimal items, and the alert (total below 36, or below --alert-cutoff). Totals are the item sums
    /// in item order, as the key's `sum` rule adds them; the CSV carries them at full precision.
    @Test func srsAlertAndDecimalTotals() throws {
        let srs = try MeasuresFixtures.path("srs.csv")
        let run = try MeasuresFixtures.run(ScoreCommand.self, [srs, "--instrument", "srs", "--out", "srs_scored.csv"])
        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("srs_scored.csv"))
        #expect(header == ["srs_1", "srs_2", "srs_3", "srs_4", "srs_total", "srs_alert"])
        let sums = [0 + 9.5 + 9.0 + 9.2 + 8.8, 0 + 8.0 + 9.0 + 9.0 + 9.5, 40, 0 + 7.5 + 8 + 8.5 + 9]
        #expect(rows.map { Double($0[4]) } == sums.map { Optional($0) })
        #expect(rows.map { $0[5] } == ["0", "1", "0", "1"])
        #expect(rows[0][1] == "9")  // 9.0 is written as a whole number

        let lowered = try MeasuresFixtures.run(ScoreCommand.self,
                                               [srs, "--instrument", "srs", "--alert-cutoff", "34", "--out", "srs34.csv"])
        let (_, rows34) = try MeasuresFixtures.readCSV(lowered.outputDirectory.appendingPathComponent("srs34.csv"))
        #expect(rows34.map { $0[5] } == ["0", "0", "0", "1"])
    }
}
