import Testing
@testable import Privacy

struct SmallCellSuppressorTests {
    let suppressor = SmallCellSuppressor()

    @Test func oneWayPrimaryAndComplementary() throws {
        // 5 is small; alone it could be recovered from the total, so the next-smallest non-zero count goes too.
        #expect(try suppressor.suppress(counts: [5, 20, 30]) == [true, true, false])
        // Two small counts protect each other.
        #expect(try suppressor.suppress(counts: [5, 7, 30]) == [true, true, false])
        // Zeros are never suppressed and are not chosen as complements.
        #expect(try suppressor.suppress(counts: [0, 20, 30]) == [false, false, false])
        #expect(try suppressor.suppress(counts: [0, 4, 0, 25, 12]) == [false, true, false, false, true])
        // 11 is the first publishable count with the default minimum.
        #expect(try suppressor.suppress(counts: [11, 12]) == [false, false])
        #expect(try suppressor.suppress(counts: [10, 12]) == [true, true])
        #expect(try suppressor.suppress(counts: []) == [])
    }

    @Test func smallTotalIsHiddenToo() throws {
        let plan = try suppressor.suppressionPlan(counts: [3, 4])
        #expect(plan == OneWaySuppression(cells: [true, true], total: true))
        let single = try suppressor.suppressionPlan(counts: [4])
        #expect(single == OneWaySuppression(cells: [true], total: true))
        let big = try suppressor.suppressionPlan(counts: [40])
        #expect(big == OneWaySuppression(cells: [false], total: false))
    }

    @Test func minimumCellIsConfigurable() throws {
        #expect(try SmallCellSuppressor(minimumCell: 5).suppress(counts: [4, 5, 30]) == [true, true, false])
        #expect(try SmallCellSuppressor(minimumCell: 5).suppress(counts: [5, 6, 30]) == [false, false, false])
        #expect(try SmallCellSuppressor(minimumCell: 1).suppress(counts: [1, 2]) == [false, false])
    }

    @Test func hiddenGroupsFollowTheSameRule() throws {
        #expect(try suppressor.hiddenGroups(sizes: [120, 8, 45, 0, 60]) == [false, true, true, false, false])
    }

    @Test func twoWayConstructedCase() throws {
        // Row 0 has one small cell (3); its complement in the row is the 12. Column 0 then has the 3 alone
        // and column 1 the 12 alone, so each needs a complement in its column: 20 and 14 (row 1), which
        // also closes row 1.
        let table = [
            [3, 12, 40],
            [20, 14, 50],
            [30, 35, 60],
        ]
        let hidden = try suppressor.suppress(table: table)
        #expect(hidden == [
            [true, true, false],
            [true, true, false],
            [false, false, false],
        ])
        try assertProtected(table, suppressor)
    }

    @Test func twoWayWithZerosAndSmallMargins() throws {
        let table = [
            [0, 4, 0],
            [12, 30, 0],
            [25, 0, 18],
        ]
        let plan = try suppressor.suppressionPlan(table: table)
        // Row 0's total is 4: hidden as primary with the 4, which protects row 0. Column 1 (4, 30, 0 | 34) has
        // one hidden entry: its smallest non-zero visible entry, the 30, goes. The row totals (4, 42, 43 | 89)
        // have one hidden entry: the 42 goes, which also protects row 1 (12, 30, 0 | 42). Then no line has
        // exactly one hidden entry; 4 + 30 = 34 is all that can be derived.
        #expect(plan.cells == [[false, true, false], [false, true, false], [false, false, false]])
        #expect(plan.rowTotals == [true, true, false])
        #expect(plan.columnTotals == [false, false, false])
        #expect(!plan.grandTotal)
        try assertProtected(table, suppressor)
    }

    /// Two 2×2 blocks of small cells joined by one small cell (row 0, column 2): every row and column has two or
    /// more hidden cells, yet (row 0 + row 1 totals) − (column 0 + column 1 totals) gives the joining 5 exactly.
    static let bridgedBlocks = [
        [3, 4, 5, 50],
        [4, 3, 60, 70],
        [80, 90, 3, 4],
        [60, 70, 4, 3],
    ]

    @Test func auditFindsACellDeterminedByACombinationOfLines() {
        let table = Self.bridgedBlocks
        let columns = 4
        // Only the primary (small) cells hidden, margins visible: the line rule alone is satisfied.
        var hidden = table.flatMap { $0 }.map { $0 < 11 }
        hidden += [Bool](repeating: false, count: 4 + 4 + 1)
        var lines: [[Int]] = []
        for r in 0..<4 { lines.append((0..<columns).map { r * columns + $0 } + [16 + r]) }
        for c in 0..<4 { lines.append((0..<4).map { $0 * columns + c } + [20 + c]) }
        lines.append((0..<4).map { 20 + $0 } + [24])
        lines.append((0..<4).map { 16 + $0 } + [24])
        #expect(LinearDisclosureAudit.exactlyDetermined(hidden: hidden, lines: lines) == [2])
        // Hiding the 50 in row 0 closes a cycle through the joining cell: nothing is determined any more.
        hidden[3] = true
        #expect(LinearDisclosureAudit.exactlyDetermined(hidden: hidden, lines: lines) == [])
        // A lone hidden cell in a line is determined; a hidden pair is not.
        #expect(LinearDisclosureAudit.exactlyDetermined(hidden: [true, false, false], lines: [[0, 1, 2]]) == [0])
        #expect(LinearDisclosureAudit.exactlyDetermined(hidden: [true, true, false], lines: [[0, 1, 2]]) == [])
    }

    @Test func suppressionBreaksCombinationDisclosure() throws {
        let plan = try suppressor.suppressionPlan(table: Self.bridgedBlocks)
        #expect(plan.cells == [
            [true, true, true, true],
            [true, true, false, false],
            [false, false, true, true],
            [false, false, true, true],
        ])
        #expect(plan.rowTotals == [false, false, false, false])
        #expect(plan.columnTotals == [false, false, false, false])
        try assertProtected(Self.bridgedBlocks, suppressor)
    }

    @Test func singleColumnTableHidesItsMargins() throws {
        let plan = try suppressor.suppressionPlan(table: [[5], [40], [30]])
        #expect(plan.cells == [[true], [false], [true]])
        #expect(plan.rowTotals == [true, false, true])
        #expect(plan.columnTotals == [false])
        #expect(plan.grandTotal == false)
    }

    /// Seeded random tables (a fixed LCG, so the cases are the same on every run): the protection invariants hold.
    @Test func randomTablesSatisfyTheInvariants() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let rows = 1 + next(6)
            let columns = 1 + next(6)
            let table = (0..<rows).map { _ in
                (0..<columns).map { _ in next(4) == 0 ? next(11) : next(60) }
            }
            try assertProtected(table, SmallCellSuppressor(minimumCell: 3 + next(12)))
        }
    }

    @Test func invalidInputIsATypedError() {
        #expect(throws: SuppressionError.negativeCount(row: 1, column: nil, value: -2)) {
            try suppressor.suppress(counts: [3, -2])
        }
        #expect(throws: SuppressionError.raggedTable(row: 1, expected: 2, found: 1)) {
            try suppressor.suppress(table: [[1, 2], [3]])
        }
        #expect(throws: SuppressionError.negativeCount(row: 0, column: 1, value: -1)) {
            try suppressor.suppress(table: [[1, -1]])
        }
        #expect(SuppressionError.raggedTable(row: 1, expected: 2, found: 1).description.contains("row 2"))
    }

    /// Checks: every count in 1..<minimum (cells and margins) is hidden; zeros are never hidden; every line
    /// (row + its total, column + its total, column totals + grand total, row totals + grand total) has zero
    /// or at least two hidden entries, so no hidden value follows from one line's sum; and no hidden value
    /// follows from any combination of lines.
    func assertProtected(_ table: [[Int]], _ suppressor: SmallCellSuppressor,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let plan = try suppressor.suppressionPlan(table: table)
        let rows = table.count
        let columns = table[0].count
        let rowTotals = table.map { $0.reduce(0, +) }
        let columnTotals = (0..<columns).map { c in table.reduce(0) { $0 + $1[c] } }
        let grand = rowTotals.reduce(0, +)
        let small = { (v: Int) in v >= 1 && v < suppressor.minimumCell }
        for r in 0..<rows {
            for c in 0..<columns {
                if small(table[r][c]) { #expect(plan.cells[r][c], "primary \(table)", sourceLocation: sourceLocation) }
                if table[r][c] == 0 { #expect(!plan.cells[r][c], "zero hidden \(table)", sourceLocation: sourceLocation) }
            }
            if small(rowTotals[r]) { #expect(plan.rowTotals[r], sourceLocation: sourceLocation) }
        }
        for c in 0..<columns where small(columnTotals[c]) { #expect(plan.columnTotals[c], sourceLocation: sourceLocation) }
        if small(grand) { #expect(plan.grandTotal, sourceLocation: sourceLocation) }

        var lines: [[Bool]] = []
        for r in 0..<rows { lines.append(plan.cells[r] + [plan.rowTotals[r]]) }
        for c in 0..<columns { lines.append((0..<rows).map { plan.cells[$0][c] } + [plan.columnTotals[c]]) }
        lines.append(plan.columnTotals + [plan.grandTotal])
        lines.append(plan.rowTotals + [plan.grandTotal])
        for line in lines {
            let hidden = line.filter { $0 }.count
            #expect(hidden != 1, "a line with one hidden entry in \(table) → \(plan)", sourceLocation: sourceLocation)
        }

        // No hidden entry is determined by any combination of lines (same entry layout as the suppressor).
        let flatHidden = plan.cells.flatMap { $0 } + plan.rowTotals + plan.columnTotals + [plan.grandTotal]
        let rowBase = rows * columns
        let columnBase = rowBase + rows
        var equations: [[Int]] = []
        for r in 0..<rows { equations.append((0..<columns).map { r * columns + $0 } + [rowBase + r]) }
        for c in 0..<columns { equations.append((0..<rows).map { $0 * columns + c } + [columnBase + c]) }
        equations.append((0..<columns).map { columnBase + $0 } + [columnBase + columns])
        equations.append((0..<rows).map { rowBase + $0 } + [columnBase + columns])
        #expect(LinearDisclosureAudit.exactlyDetermined(hidden: flatHidden, lines: equations) == [],
                "\(table) → \(plan)", sourceLocation: sourceLocation)
    }
}
