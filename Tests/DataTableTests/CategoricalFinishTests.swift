import Testing
@testable import DataTable

/// Text columns of a large file are finished on two threads (`ParsedColumns.finishedCategoricalColumns`), and a factor's
/// present levels are found without reading past the row where the last one appears (`presentLevels`).
@Suite("categorical finishing")
struct CategoricalFinishTests {
    /// 70,000 rows (above the two-thread finish's 65,536) with three text columns whose levels first appear out of
    /// order, one with a missing value, beside a numeric column: each column's levels sorted, its codes the rows'.
    @Test func largeFileTextColumnsMatchTheirRows() throws {
        let rows = 70_000
        let sites = ["york", "hull", "leeds", "bradford"]
        let arms = ["pdt", "cbt", "ipt"]
        var text = "site,score,arm,therapist\n"
        var expected: [(site: String, arm: String?, therapist: String)] = []
        for i in 0..<rows {
            let site = sites[(i * 7 + i / 3) % sites.count]
            let arm: String? = i == 41_234 ? nil : arms[(i * 5 + 1) % arms.count]
            let therapist = "T\(String((i * 7_919) % 1_500 + 10))"
            expected.append((site, arm, therapist))
            text += "\(site),\(i % 11),\(arm ?? "NA"),\(therapist)\n"
        }
        let table = try readCSV(text)
        func check(_ name: String, _ value: (Int) -> String?) {
            guard case .categorical(let c)? = table.column(named: name)?.data else {
                Issue.record("\(name) is not categorical")
                return
            }
            #expect(c.levels == c.levels.sorted { CategoricalColumn.levelOrder($0, $1) }, "\(name) levels sorted")
            #expect(Set(c.levels) == Set((0..<rows).compactMap(value)), "\(name) levels")
            #expect(c.codes.count == rows)
            let mismatch = (0..<rows).first { i in (c.codes[i] >= 0 ? c.levels[Int(c.codes[i])] : nil) != value(i) }
            #expect(mismatch == nil, "\(name) row \(mismatch ?? -1)")
        }
        check("site") { expected[$0].site }
        check("arm") { expected[$0].arm }
        check("therapist") { expected[$0].therapist }
        #expect(table.column(named: "score")?.numeric != nil)
    }

    @Test func presentLevelsStopsOnlyWhenEveryLevelIsSeen() {
        #expect(presentLevels(in: [], levelCount: 3) == [false, false, false])
        #expect(presentLevels(in: [-1, 2, -1, 0], levelCount: 3) == [true, false, true])
        #expect(presentLevels(in: [1, 0, 1, 0, 2], levelCount: 3) == [true, true, true])
        // Every level seen by the second row: the rest is not read (a code past the levels there would be ignored too).
        #expect(presentLevels(in: [1, 0, 7, -1], levelCount: 2) == [true, true])
        #expect(presentLevels(in: [0, 0, 0], levelCount: 0) == [])
    }
}
