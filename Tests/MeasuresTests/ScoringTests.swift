import AllianceTestSupport
import Foundation
import Testing
import DataTable
@testable import Measures

/// Builds a table of item columns `<prefix>1…<prefix>k` from rows of item values.
func itemTable(prefix: String, rows: [[Double?]], separator: String = "") throws -> Table {
    let k = rows.first?.count ?? 0
    let columns = (0..<k).map { j in Column(name: "\(prefix)\(separator)\(j + 1)", numeric: rows.map { $0[j] }) }
    return try Table(columns: columns)
}

func numbers(_ result: ScoreResult, _ name: String) -> [Double?] {
    guard let column = result.table.column(named: name)?.numeric else { return [] }
    return (0..<column.count).map { column[$0] }
}

func labels(_ result: ScoreResult, _ name: String) -> [String?] {
    guard let column = result.table.column(named: name)?.categorical else { return [] }
    return (0..<column.count).map { column[$0] }
}

@Suite struct ScoringKeyTests {
    @Test func everyShippedKeyLoadsAndValidates() throws {
        #expect(ScoringKey.builtinIDs == ["bdi-ii", "core-10", "gad-7", "ors", "phq-9", "srs", "wai-sr"])
        for id in ScoringKey.builtinIDs {
            let key = try ScoringKey.builtin(id)
            #expect(key.id == id)
            #expect(!key.source.isEmpty, "\(id) cites its source")
        }
        #expect(try ScoringKey.builtin("PHQ-9").id == "phq-9")
    }

    @Test func shippedKeysCarryThePublishedFacts() throws {
        let wai = try ScoringKey.builtin("wai-sr")
        #expect(wai.items == 12 && wai.itemRange == .init(min: 1, max: 5) && wai.reverseItems.isEmpty)
        #expect(wai.subscales == [.init(name: "task", items: [1, 2, 10, 12]), .init(name: "bond", items: [3, 5, 7, 9]),
                                  .init(name: "goal", items: [4, 6, 8, 11])])
        let phq = try ScoringKey.builtin("phq-9")
        #expect(phq.severityBands.map(\.min) == [0, 5, 10, 15, 20])
        #expect(phq.clinicalCutoff == 10 && phq.reliableChange == 6 && phq.direction == .lowerBetter)
        let gad = try ScoringKey.builtin("gad-7")
        #expect(gad.severityBands.map(\.min) == [0, 5, 10, 15] && gad.clinicalCutoff == 8 && gad.reliableChange == 4)
        let core = try ScoringKey.builtin("core-10")
        #expect(core.reverseItems == [2, 3] && core.prorating?.maxMissing == 1)
        #expect(core.clinicalCutoff == 11 && core.reliableChange == 6)
        let ors = try ScoringKey.builtin("ors")
        #expect(ors.clinicalCutoff == 25 && ors.reliableChange == 5 && ors.direction == .higherBetter)
        #expect(try ScoringKey.builtin("srs").alert == .init(name: "alert", below: 36))
        #expect(try ScoringKey.builtin("bdi-ii").severityBands.map(\.min) == [0, 14, 20, 29])
    }

    @Test func unknownInstrumentListsTheShippedOnes() {
        #expect(throws: ScoringKeyError.unknownInstrument("oq-45", available: ScoringKey.builtinIDs)) {
            try ScoringKey.builtin("oq-45")
        }
    }

    @Test func userKeyFromFileAndItsValidation() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-key-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("""
            {"format":"alliance-scoring-key/1","id":"my-scale","items":3,"item_range":{"min":1,"max":7},
             "reverse_items":[3],"total":"mean","direction":"higher_better"}
            """.utf8).write(to: url)
        let key = try ScoringKey.load(contentsOf: url)
        #expect(key.columnStem == "my_scale" && key.total == .mean && key.prorating == nil)

        #expect(throws: ScoringKeyError.invalid(path: "k", reason: "reverse item 4 is outside 1...3")) {
            try ScoringKey.decode(Data("""
                {"id":"x","items":3,"item_range":{"min":0,"max":3},"reverse_items":[4],"direction":"lower_better"}
                """.utf8), origin: "k")
        }
        #expect(throws: ScoringKeyError.malformed(path: "k", reason: "missing field 'direction'")) {
            try ScoringKey.decode(Data(#"{"id":"x","items":3,"item_range":{"min":0,"max":3}}"#.utf8), origin: "k")
        }
        #expect(throws: ScoringKeyError.self) { try ScoringKey.load(contentsOf: URL(fileURLWithPath: "/nonexistent/key.json")) }
    }
}

@Suite struct ScoringTests {
    @Test func waiSRTotalsSubscalesAndNoProrating() throws {
        let rows: [[Double?]] = [
            [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4],
            [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            [5, 4, nil, 2, 1, 5, 4, 3, 2, 1, 5, 4],
        ]
        let table = try itemTable(prefix: "wai_", rows: rows)
        let key = try ScoringKey.builtin("wai-sr")
        let items = try resolveItems(prefix: "wai", count: 12, in: table)
        #expect(items.first == "wai_1")
        let result = try score(table: table, key: key, items: items)
        #expect(result.newColumns.map(\.name) == ["wai_sr_total", "wai_sr_task", "wai_sr_bond", "wai_sr_goal"])
        #expect(numbers(result, "wai_sr_total") == [39, 12, nil])
        // task 1,2,10,12 = 5+4+1+4; bond 3,5,7,9 = 3+1+4+2; goal 4,6,8,11 = 2+5+3+5
        #expect(numbers(result, "wai_sr_task") == [14, 4, 14])
        #expect(numbers(result, "wai_sr_bond") == [10, 4, nil])
        #expect(numbers(result, "wai_sr_goal") == [15, 4, 15])
        #expect(result.scored == 2 && result.tooManyMissing == 1 && result.prorated == 0)
        #expect(result.table.columnNames.count == 16)
    }

    @Test func prefixResolution() throws {
        let plain = try itemTable(prefix: "gad", rows: [[0, 1, 2, 3, 0, 1, 2]])
        #expect(try resolveItems(prefix: "gad", count: 7, in: plain) == (1...7).map { "gad\($0)" })
        #expect(throws: ScoringError.itemsNotFound(prefix: "gad", expected: 9, missing: ["gad8", "gad9"])) {
            try resolveItems(prefix: "gad", count: 9, in: plain)
        }
        let both = try Table(columns: plain.columns + (1...7).map { Column(name: "gad_\($0)", numeric: [0]) })
        #expect(throws: ScoringError.ambiguousPrefix(prefix: "gad", candidates: ["gad1", "gad_1"])) {
            try resolveItems(prefix: "gad", count: 7, in: both)
        }
        let key = try ScoringKey.builtin("gad-7")
        #expect(throws: ScoringError.wrongItemCount(instrument: "gad-7", expected: 7, given: 2)) {
            try score(table: plain, key: key, items: ["gad1", "gad2"])
        }
        #expect(throws: ScoringError.unknownColumn("gad8", suggestions: ["gad1", "gad2", "gad3"])) {
            try score(table: plain, key: key, items: ["gad1", "gad2", "gad3", "gad4", "gad5", "gad6", "gad8"])
        }
    }

    @Test func phq9SeverityBandsRiskFlagAndMissing() throws {
        let rows: [[Double?]] = [
            [0, 0, 0, 0, 0, 1, 1, 1, 1],   // 4, item 9 = 1
            [1, 1, 1, 1, 1, 0, 0, 0, 0],   // 5
            [1, 1, 1, 1, 1, 1, 1, 1, 1],   // 9
            [2, 2, 2, 1, 1, 1, 1, 0, 0],   // 10
            [2, 2, 2, 2, 2, 2, 1, 1, 0],   // 14
            [2, 2, 2, 2, 2, 2, 2, 1, 0],   // 15
            [3, 3, 3, 2, 2, 2, 2, 1, 1],   // 19
            [3, 3, 3, 3, 2, 2, 2, 2, 0],   // 20
            [3, 3, 3, 3, 3, 3, 3, 3, 3],   // 27
            [3, 3, nil, 3, 3, 3, 3, 3, 0], // missing item: no total, risk still known
        ]
        let table = try itemTable(prefix: "phq", rows: rows)
        let key = try ScoringKey.builtin("phq-9")
        let result = try score(table: table, key: key, items: try resolveItems(prefix: "phq", count: 9, in: table))
        #expect(result.newColumns.map(\.name) == ["phq_9_total", "phq_9_severity", "phq_9_risk"])
        #expect(numbers(result, "phq_9_total") == [4, 5, 9, 10, 14, 15, 19, 20, 27, nil])
        #expect(labels(result, "phq_9_severity") == ["minimal", "mild", "mild", "moderate", "moderate",
                                                      "moderately severe", "moderately severe", "severe", "severe", nil])
        #expect(numbers(result, "phq_9_risk") == [1, 0, 1, 0, 0, 0, 1, 0, 1, 0])
        #expect(result.tooManyMissing == 1)
        // Severity levels keep the published order.
        #expect(result.table.column(named: "phq_9_severity")?.categorical?.levels
                == ["minimal", "mild", "moderate", "moderately severe", "severe"])
    }

    @Test func gad7Bands() throws {
        let rows: [[Double?]] = [[1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 0, 0], [2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 0, 0],
                                 [3, 3, 3, 3, 3, 3, 3]]
        let table = try itemTable(prefix: "gad_", rows: rows)
        let result = try score(table: table, key: try ScoringKey.builtin("gad-7"),
                               items: try resolveItems(prefix: "gad", count: 7, in: table))
        #expect(numbers(result, "gad_7_total") == [4, 5, 14, 15, 21])
        #expect(labels(result, "gad_7_severity") == ["minimal", "mild", "moderate", "severe", "severe"])
    }

    @Test func core10ReverseKeysAndProrating() throws {
        let full: [Double?] = [2, 1, 0, 3, 2, 1, 0, 2, 3, 1]
        var oneMissing = full; oneMissing[4] = nil
        var twoMissing = oneMissing; twoMissing[0] = nil
        var reversedMissing = full; reversedMissing[1] = nil
        let table = try itemTable(prefix: "core", rows: [full, oneMissing, twoMissing, reversedMissing])
        let key = try ScoringKey.builtin("core-10")
        let result = try score(table: table, key: key, items: try resolveItems(prefix: "core", count: 10, in: table))
        // Items 2 and 3 reversed: 4−1 = 3, 4−0 = 4; total 2+3+4+3+2+1+0+2+3+1 = 21.
        let totals = numbers(result, "core_10_total")
        #expect(totals[0] == 21)
        // One missing: mean of the 9 answered (19/9) × 10.
        expectClose(totals[1], 19.0 / 9.0 * 10, absolute: 1e-12, "prorated")
        #expect(totals[2] == nil)
        // Missing reversed item 2: answered (reversed) sum 21 − 3 = 18, × 10/9 = 20.
        expectClose(totals[3], 20, absolute: 1e-12, "prorated with reversed item missing")
        #expect(result.prorated == 2 && result.tooManyMissing == 1 && result.scored == 3)
        #expect(result.warnings.contains { $0.contains("prorated") })
    }

    @Test func bdi2Bands() throws {
        func row(_ total: Int) -> [Double?] {
            (0..<21).map { Double(min(3, max(0, total - 3 * $0))) }
        }
        let table = try itemTable(prefix: "bdi", rows: [row(13), row(14), row(19), row(20), row(28), row(29), row(63)])
        let result = try score(table: table, key: try ScoringKey.builtin("bdi-ii"),
                               items: try resolveItems(prefix: "bdi", count: 21, in: table))
        #expect(numbers(result, "bdi_ii_total") == [13, 14, 19, 20, 28, 29, 63])
        #expect(labels(result, "bdi_ii_severity") == ["minimal", "mild", "mild", "moderate", "moderate", "severe", "severe"])
    }

    @Test func srsAlertWithDefaultAndOverriddenCutoff() throws {
        let table = try itemTable(prefix: "srs", rows: [[9, 9, 9, 9], [9, 9, 9, 8.5], [10, 10, 10, 6.5], [0, 0, 0, 0]])
        let key = try ScoringKey.builtin("srs")
        let items = try resolveItems(prefix: "srs", count: 4, in: table)
        let result = try score(table: table, key: key, items: items)
        #expect(numbers(result, "srs_total") == [36, 35.5, 36.5, 0])
        #expect(numbers(result, "srs_alert") == [0, 1, 0, 1])
        let stricter = try score(table: table, key: key, items: items, options: ScoringOptions(alertCutoff: 37))
        #expect(numbers(stricter, "srs_alert") == [1, 1, 1, 1])
    }

    @Test func orsAcceptsMillimetresAndRefusesOutOfRange() throws {
        let table = try itemTable(prefix: "ors", rows: [[6.3, 5.1, 7.7, 4.4], [10.5, 5, 5, 5]])
        let key = try ScoringKey.builtin("ors")
        let items = try resolveItems(prefix: "ors", count: 4, in: table)
        #expect(throws: ScoringError.self) { try score(table: table, key: key, items: items) }
        let lenient = try score(table: table, key: key, items: items, options: ScoringOptions(invalid: .missing))
        expectClose(numbers(lenient, "ors_total")[0], 23.5, absolute: 1e-12, "ORS total")
        #expect(numbers(lenient, "ors_total")[1] == nil)
        #expect(lenient.invalidCells == [InvalidCell(row: 1, line: 3, column: "ors1", value: 10.5)])
    }

    @Test func outOfRangeErrorListsLinesAndFirstTenColumns() throws {
        // BDI-II rows with 12 bad columns on data rows 0 and 2 (file lines 2 and 4), and a non-integer.
        var bad = [Double?](repeating: 1, count: 21)
        for j in 0..<12 { bad[j] = 4 }
        var fractional = [Double?](repeating: 1, count: 21)
        fractional[20] = 1.5
        let table = try itemTable(prefix: "bdi", rows: [bad, [Double?](repeating: 0, count: 21), fractional])
        let key = try ScoringKey.builtin("bdi-ii")
        let items = try resolveItems(prefix: "bdi", count: 21, in: table)
        do {
            _ = try score(table: table, key: key, items: items)
            Issue.record("expected an out-of-range error")
        } catch {
            guard case .outOfRange(let report) = error else { Issue.record("wrong error \(error)"); return }
            #expect(report.cells.count == 13)
            #expect(report.lines == [2, 4])
            #expect(report.columns.count == 13)
            let text = error.description
            #expect(text.contains("on line(s) 2, 4 in column(s) bdi1, bdi2, bdi3, bdi4, bdi5, bdi6, bdi7, bdi8, bdi9, bdi10 and 3 more"))
            #expect(text.contains("whole numbers 0–3"))
        }
        let lenient = try score(table: table, key: key, items: items, options: ScoringOptions(invalid: .missing))
        #expect(lenient.invalidCells.count == 13)
        #expect(numbers(lenient, "bdi_ii_total") == [nil, 0, nil])
        #expect(lenient.warnings.contains { $0.hasPrefix("13 item value(s)") })
    }

    @Test func outOfRangeValuesAreCountedByColumnWithAMissingCodeHint() throws {
        var rows: [[Double?]] = Array(repeating: [0, 1, 2, 3, 0, 1, 2], count: 4)
        rows[0][0] = -99
        rows[2][0] = -99
        rows[3][2] = 999
        let table = try itemTable(prefix: "gad", rows: rows)
        let key = try ScoringKey.builtin("gad-7")
        let items = try resolveItems(prefix: "gad", count: 7, in: table)
        do {
            _ = try score(table: table, key: key, items: items)
            Issue.record("expected an out-of-range error")
        } catch {
            #expect(error.description.contains("(by column: gad1: 2, gad3: 1; -99, 999 look like missing-value codes: "
                + "if so, read the data with --na -99,999)"))
        }
        let lenient = try score(table: table, key: key, items: items, options: ScoringOptions(invalid: .missing))
        #expect(lenient.warnings.contains("3 item value(s) outside gad-7's valid range were treated as missing "
            + "(by column: gad1: 2, gad3: 1; -99, 999 look like missing-value codes: if so, read the data with --na -99,999)"))
    }

    @Test func refusesToOverwriteAnExistingColumnOrScoreText() throws {
        let items = try itemTable(prefix: "gad", rows: [[0, 1, 2, 3, 0, 1, 2]])
        let table = try Table(columns: items.columns + [Column(name: "gad_7_total", numeric: [1])])
        let key = try ScoringKey.builtin("gad-7")
        let names = (1...7).map { "gad\($0)" }
        #expect(throws: ScoringError.outputColumnExists("gad_7_total")) { try score(table: table, key: key, items: names) }
        let text = try Table(columns: Array(items.columns.dropLast()) + [Column(name: "gad7", categorical: ["often"])])
        #expect(throws: ScoringError.nonNumericItem("gad7")) { try score(table: text, key: key, items: names) }
    }

    @Test func meanTotalRuleWithProrating() throws {
        let key = try ScoringKey.decode(Data("""
            {"format":"alliance-scoring-key/1","id":"toy-mean","items":4,"item_range":{"min":1,"max":7},
             "reverse_items":[4],"total":"mean","prorating":{"max_missing":1},"direction":"higher_better"}
            """.utf8))
        let table = try itemTable(prefix: "t", rows: [[7, 5, 3, 1], [7, nil, 3, 1], [nil, nil, 3, 1]])
        let result = try score(table: table, key: key, items: ["t1", "t2", "t3", "t4"])
        // Item 4 reversed: 1 + 7 − 1 = 7.
        #expect(numbers(result, "toy_mean_total") == [5.5, 17.0 / 3.0, nil])
    }
}
