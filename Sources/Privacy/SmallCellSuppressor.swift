/// Small-cell suppression for published counts (DESIGN.md §9, `--min-cell`, default 11).
///
/// Algorithm:
/// 1. **Primary suppression**: every count in `1..<minimumCell` is hidden, margins included (a row total of 4
///    is itself a small count). Zero cells are *not* suppressed, following common practice (NHS Digital, CMS,
///    ONS): a zero reveals nobody, and hiding zeros would leave nothing to publish in sparse tables.
/// 2. **Complementary suppression**: the published table is a set of *lines* (each row with its row total,
///    each column with its column total, the column totals with the grand total, the row totals with the
///    grand total). A line with exactly one hidden entry lets anyone recover it by subtraction, so in every
///    such line the smallest non-zero visible entry is hidden too (ties: inner cells before margins, then an
///    entry that also completes another line with one hidden entry, then the first in order). This repeats
///    over all lines until nothing changes (a fixed point; it terminates because each step hides one more
///    entry).
///
/// 3. **Combination check**: the line rule alone can leave a hidden cell pinned down by a *combination* of lines
///    (a cell that is the only link between two blocks of hidden cells equals a sum of their margins). After
///    the fixed point, an exact linear-algebra audit finds such cells; for each, one more complement is hidden
///    in one of its lines, and steps 2–3 repeat.
///
/// Guarantee: every line has zero or at least two hidden entries, and no hidden value is determined exactly by
/// any combination of published totals. Known limit (as with all cell suppression): the *sum* of a hidden
/// group can still be derived, and the published entries bound a hidden cell's range (a hidden 3 next to a
/// hidden 12 in a row whose visible cells leave 15 is known to lie in 0…15).
public struct SmallCellSuppressor: Sendable, Equatable {
    public let minimumCell: Int
    /// DESIGN.md §9's default: a cell, group or plot label needs at least 11 clients (rows).
    public static let defaultMinimum = 11

    public init(minimumCell: Int = SmallCellSuppressor.defaultMinimum) {
        self.minimumCell = minimumCell
    }

    // MARK: One-way tables and grouped summaries

    /// Which counts to hide in a one-way table published with its total.
    public func suppress(counts: [Int]) throws(SuppressionError) -> [Bool] {
        try suppressionPlan(counts: counts).cells
    }

    /// The counts to hide, and whether the total itself must be hidden (when it is in `1..<minimumCell`).
    public func suppressionPlan(counts: [Int]) throws(SuppressionError) -> OneWaySuppression {
        for (i, count) in counts.enumerated() where count < 0 {
            throw SuppressionError.negativeCount(row: i, column: nil, value: count)
        }
        guard !counts.isEmpty else { return OneWaySuppression(cells: [], total: false) }
        let total = counts.reduce(0, +)
        let values = counts + [total]
        let isMargin = [Bool](repeating: false, count: counts.count) + [true]
        let hidden = solve(values: values, isMargin: isMargin, lines: [Array(values.indices)])
        return OneWaySuppression(cells: Array(hidden[0..<counts.count]), total: hidden[counts.count])
    }

    /// One-way suppression in which some entries are hidden from the start, for reasons the caller knows and the
    /// counts alone do not show: a group that is not published at all, or a rate whose count is small in another
    /// sense (its complement, `denominator − numerator`, is in `1..<minimumCell`). `counts` are the parts of one
    /// published line and `total` its total (given, because the parts need not be everything the total counts,
    /// so the caller passes the rest as a part of its own). Counts in `1..<minimumCell` are hidden as usual; then
    /// the line rule and the combination check hide complements, as `suppressionPlan(counts:)` does.
    public func suppressionPlan(counts: [Int], total: Int, hidden alreadyHidden: [Bool], totalHidden: Bool)
        throws(SuppressionError) -> OneWaySuppression {
        for (i, count) in (counts + [total]).enumerated() where count < 0 {
            throw SuppressionError.negativeCount(row: i, column: nil, value: count)
        }
        precondition(alreadyHidden.count == counts.count, "one flag per count")
        let values = counts + [total]
        let isMargin = [Bool](repeating: false, count: counts.count) + [true]
        let hidden = solve(values: values, isMargin: isMargin, lines: [Array(values.indices)],
                           alreadyHidden: alreadyHidden + [totalHidden])
        return OneWaySuppression(cells: Array(hidden[0..<counts.count]), total: hidden[counts.count])
    }

    /// Which groups of a grouped summary (a mean, rate or plot mark per therapist, site, …) to hide, given the
    /// number of clients in each group. Groups under the minimum are hidden; when the overall summary is also
    /// published, one hidden group could be recovered from it and the others, so a second group is hidden too —
    /// the same rule as `suppress(counts:)`. Empty groups (size 0) have nothing to show and are not marked.
    public func hiddenGroups(sizes: [Int]) throws(SuppressionError) -> [Bool] {
        try suppress(counts: sizes)
    }

    // MARK: Two-way tables

    /// Which cells to hide in a two-way table published with row totals, column totals and a grand total.
    /// `table` is row-major; every row must have the same length.
    public func suppress(table: [[Int]]) throws(SuppressionError) -> [[Bool]] {
        try suppressionPlan(table: table).cells
    }

    /// The cells and margins to hide in a two-way table.
    public func suppressionPlan(table: [[Int]]) throws(SuppressionError) -> TwoWaySuppression {
        let rows = table.count
        let columns = table.first?.count ?? 0
        for (r, row) in table.enumerated() {
            guard row.count == columns else {
                throw SuppressionError.raggedTable(row: r, expected: columns, found: row.count)
            }
            for (c, value) in row.enumerated() where value < 0 {
                throw SuppressionError.negativeCount(row: r, column: c, value: value)
            }
        }
        guard rows > 0 && columns > 0 else {
            return TwoWaySuppression(cells: table.map { $0.map { _ in false } }, rowTotals: table.map { _ in false },
                                     columnTotals: [], grandTotal: false)
        }
        // Entry layout: cells row-major, then row totals, then column totals, then the grand total.
        let cellCount = rows * columns
        let rowTotalBase = cellCount
        let columnTotalBase = cellCount + rows
        let grandIndex = columnTotalBase + columns
        var values = table.flatMap { $0 }
        let rowTotals = table.map { $0.reduce(0, +) }
        let columnTotals = (0..<columns).map { c in table.reduce(0) { $0 + $1[c] } }
        values += rowTotals + columnTotals + [rowTotals.reduce(0, +)]
        var isMargin = [Bool](repeating: false, count: cellCount)
        isMargin += [Bool](repeating: true, count: rows + columns + 1)

        var lines: [[Int]] = []
        for r in 0..<rows { lines.append((0..<columns).map { r * columns + $0 } + [rowTotalBase + r]) }
        for c in 0..<columns { lines.append((0..<rows).map { $0 * columns + c } + [columnTotalBase + c]) }
        lines.append((0..<columns).map { columnTotalBase + $0 } + [grandIndex])
        lines.append((0..<rows).map { rowTotalBase + $0 } + [grandIndex])

        let hidden = solve(values: values, isMargin: isMargin, lines: lines)
        let cells = (0..<rows).map { r in Array(hidden[(r * columns)..<((r + 1) * columns)]) }
        return TwoWaySuppression(
            cells: cells,
            rowTotals: Array(hidden[rowTotalBase..<columnTotalBase]),
            columnTotals: Array(hidden[columnTotalBase..<grandIndex]),
            grandTotal: hidden[grandIndex])
    }

    // MARK: Engine

    /// Primary suppression, then complementary suppression to a fixed point of two rules: the line rule (no line
    /// with exactly one hidden entry) and the combination rule (no hidden entry exactly determined by any
    /// combination of published lines; see `LinearDisclosureAudit`). Each line lists its parts and then, last,
    /// the total they sum to.
    func solve(values: [Int], isMargin: [Bool], lines: [[Int]], alreadyHidden: [Bool]? = nil) -> [Bool] {
        var hidden = values.indices.map { (values[$0] >= 1 && values[$0] < minimumCell) || (alreadyHidden?[$0] ?? false) }
        var linesOfEntry = [[Int]](repeating: [], count: values.count)
        for (l, line) in lines.enumerated() {
            for entry in line { linesOfEntry[entry].append(l) }
        }
        func hiddenCount(_ line: [Int]) -> Int { line.reduce(0) { $0 + (hidden[$1] ? 1 : 0) } }

        /// The smallest non-zero visible entry of `line` (ties: inner cells before margins, then an entry that
        /// also completes another line with one hidden entry, then the first).
        func complement(in lineIndex: Int) -> Int? {
            var best: (key: (Int, Int, Int, Int), entry: Int)?
            for entry in lines[lineIndex] where !hidden[entry] && values[entry] > 0 {
                let completesAnother = linesOfEntry[entry].contains { l in
                    l != lineIndex && hiddenCount(lines[l]) == 1
                }
                let key = (values[entry], isMargin[entry] ? 1 : 0, completesAnother ? 0 : 1, entry)
                if let current = best, !(key < current.key) { continue }
                best = (key, entry)
            }
            return best?.entry
        }

        while true {
            var changed = true
            while changed {
                changed = false
                for lineIndex in lines.indices where hiddenCount(lines[lineIndex]) == 1 {
                    if let entry = complement(in: lineIndex) {
                        hidden[entry] = true
                        changed = true
                    }
                }
            }
            // A hidden entry that some combination of lines pins down (e.g. one cell joining two otherwise
            // separate blocks of suppressed cells) needs one more complement in one of its lines.
            let determined = LinearDisclosureAudit.exactlyDetermined(hidden: hidden, lines: lines)
            guard !determined.isEmpty else { break }
            let choices = determined.lazy.flatMap { entry in linesOfEntry[entry].lazy.compactMap { complement(in: $0) } }
            guard let entry = choices.first else { break }
            hidden[entry] = true
        }
        return hidden
    }
}

/// A one-way suppression decision: the counts to hide and whether to hide the total.
public struct OneWaySuppression: Sendable, Equatable {
    public let cells: [Bool]
    public let total: Bool
}

/// A two-way suppression decision: the cells to hide (row-major, like the input), and which row totals, column
/// totals and grand total to hide.
public struct TwoWaySuppression: Sendable, Equatable {
    public let cells: [[Bool]]
    public let rowTotals: [Bool]
    public let columnTotals: [Bool]
    public let grandTotal: Bool
}

public enum SuppressionError: Error, Equatable, Sendable, CustomStringConvertible {
    case negativeCount(row: Int, column: Int?, value: Int)
    case raggedTable(row: Int, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .negativeCount(let row, let column, let value):
            let place = column.map { "row \(row + 1), column \($0 + 1)" } ?? "position \(row + 1)"
            return "count at \(place) is negative (\(value)); counts must be zero or more"
        case .raggedTable(let row, let expected, let found):
            return "row \(row + 1) of the table has \(found) cells but the first row has \(expected)"
        }
    }
}
