import DataTable

/// What to do with item values outside the key's valid range (or non-integers where integers are required).
public enum InvalidValuePolicy: Sendable, Equatable {
    /// Refuse the data with a typed error naming rows and columns.
    case error
    /// Treat such values as missing; they are counted and listed in the result.
    case missing
}

public struct ScoringOptions: Sendable, Equatable {
    public var invalid: InvalidValuePolicy
    /// Overrides the key's total-alert threshold (e.g. the SRS alert cut-off, default 36).
    public var alertCutoff: Double?
    /// Added to a 0-based row index to give the line number in the source file (2 for a file with one header line).
    public var lineOffset: Int
    /// Locate cells by 1-based data row instead of by line (an SPSS, Stata or SAS file has no lines; its case number is
    /// the data row); `lineOffset` is then not used.
    public var dataRows: Bool

    public init(invalid: InvalidValuePolicy = .error, alertCutoff: Double? = nil, lineOffset: Int = 2, dataRows: Bool = false) {
        self.invalid = invalid
        self.alertCutoff = alertCutoff
        self.lineOffset = lineOffset
        self.dataRows = dataRows
    }
}

/// One item cell rejected by the key's range or integer rule.
public struct InvalidCell: Sendable, Equatable {
    /// 0-based data row.
    public let row: Int
    /// Line in the source file (row + lineOffset), or the 1-based data row when the scoring options say `dataRows`.
    public let line: Int
    public let column: String
    public let value: Double
}

/// The outcome of scoring: the new columns, the table with them appended, and the counts behind them.
public struct ScoreResult: Sendable, Equatable {
    public let instrument: String
    public let itemColumns: [String]
    /// `<id>_total`, `<id>_<subscale>`…, then extras (`<id>_severity`, flags, alert), in that order.
    public let newColumns: [Column]
    /// The input table with `newColumns` appended.
    public let table: Table
    public let rows: Int
    /// Rows with a total score (complete or prorated).
    public let scored: Int
    /// Rows whose total was prorated.
    public let prorated: Int
    /// Rows whose total is missing because too many items were missing.
    public let tooManyMissing: Int
    /// Cells outside the valid range that were set to missing (policy `.missing`).
    public let invalidCells: [InvalidCell]
    public let warnings: [String]
}

/// Item values as the key scores them: validated, reverse-keyed items reversed, invalid cells removed
/// (policy `.missing`) or refused (policy `.error`). `values[item][row]`.
struct PreparedItems {
    let values: [[Double?]]
    let invalid: [InvalidCell]
}

func prepareItems(table: Table, key: ScoringKey, items: [String], policy: InvalidValuePolicy,
                  lineOffset: Int, dataRows: Bool = false) throws(ScoringError) -> PreparedItems {
    try checkItems(items, for: key, in: table)
    let reverse = Set(key.reverseItems)
    var invalid: [InvalidCell] = []
    var values: [[Double?]] = []
    for (j, name) in items.enumerated() {
        // A value-labelled item (SPSS/Stata) is scored on its codes, as SPSS stores it.
        guard let column = table.column(named: name)?.numericValues else { throw .nonNumericItem(name) }
        var out = [Double?](repeating: nil, count: table.rowCount)
        for row in 0..<table.rowCount {
            guard let x = column[row] else { continue }
            let inRange = x >= key.itemRange.min && x <= key.itemRange.max && x.isFinite
            let integral = !key.integerItems || x.rounded() == x
            guard inRange && integral else {
                invalid.append(InvalidCell(row: row, line: row + (dataRows ? 1 : lineOffset), column: name, value: x))
                continue
            }
            out[row] = reverse.contains(j + 1) ? key.reversed(x) : x
        }
        values.append(out)
    }
    if policy == .error, !invalid.isEmpty {
        throw .outOfRange(OutOfRangeReport(instrument: key.id, range: key.itemRange, integerOnly: key.integerItems,
                                           cells: invalid, byDataRow: dataRows))
    }
    return PreparedItems(values: values, invalid: invalid)
}

/// Scores one instrument: totals, subscales and extras per the key, with its prorating rule.
///
/// `items` are the item columns in key order (see `resolveItems(prefix:count:in:)`).
public func score(table: Table, key: ScoringKey, items: [String],
                  options: ScoringOptions = ScoringOptions()) throws(ScoringError) -> ScoreResult {
    let prepared = try prepareItems(table: table, key: key, items: items, policy: options.invalid,
                                    lineOffset: options.lineOffset, dataRows: options.dataRows)
    let n = table.rowCount
    let stem = key.columnStem
    let allowedMissing = key.prorating?.maxMissing ?? 0

    // One score per row from the given item positions (1-based), with the key's prorating rule. Summed in long double
    // as R's rowSums and rowMeans (`RArithmetic`): 8.6 + 9.7 + 9.9 + 7.8 is then 36, not 35.99999999999999.
    func combine(_ positions: [Int], row: Int) -> (score: Double?, prorated: Bool) {
        var sum: RLongDouble = 0, answered = 0
        for p in positions {
            if let x = prepared.values[p - 1][row] { sum += RLongDouble(x); answered += 1 }
        }
        let missing = positions.count - answered
        guard answered > 0, missing <= allowedMissing else { return (nil, false) }
        let mean = Double(sum / RLongDouble(answered))
        let value: Double
        switch key.total {
        case .sum: value = missing == 0 ? Double(sum) : mean * Double(positions.count)
        case .mean: value = mean
        }
        return (value, missing > 0)
    }

    let allItems = Array(1...key.items)
    var totals = [Double?](repeating: nil, count: n)
    var prorated = 0, tooManyMissing = 0
    for row in 0..<n {
        let (value, wasProrated) = combine(allItems, row: row)
        totals[row] = value
        if value == nil { tooManyMissing += 1 } else if wasProrated { prorated += 1 }
    }

    var newColumns = [Column(name: "\(stem)_total", numeric: totals)]
    for subscale in key.subscales {
        let values = (0..<n).map { combine(subscale.items, row: $0).score }
        newColumns.append(Column(name: "\(stem)_\(subscale.name)", numeric: values))
    }
    if !key.severityBands.isEmpty {
        let labels = totals.map { $0.flatMap(key.severity(of:)) }
        let levels = key.severityBands.map(\.label)
        let codes = labels.map { label in label.flatMap { levels.firstIndex(of: $0) }.map(Int32.init) ?? -1 }
        // Levels kept in band order (not alphabetical) so that tables list severity as published.
        newColumns.append(Column(name: "\(stem)_severity",
                                 data: .categorical(CategoricalColumn(levels: levels, codes: codes))))
    }
    for flag in key.flags {
        let values: [Double?] = (0..<n).map { row in
            prepared.values[flag.item - 1][row].map { rawValue(of: $0, item: flag.item, key: key) > flag.above ? 1 : 0 }
        }
        newColumns.append(Column(name: "\(stem)_\(flag.name)", numeric: values))
    }
    if let alert = key.alert {
        let threshold = options.alertCutoff ?? alert.below
        newColumns.append(Column(name: "\(stem)_\(alert.name)", numeric: totals.map { $0.map { DecimalCutoff.isBelow($0, threshold) ? 1 : 0 } }))
    }

    for column in newColumns where table.column(named: column.name) != nil {
        throw .outputColumnExists(column.name)
    }
    let combined: Table
    do { combined = try Table(columns: table.columns + newColumns, source: table.source) } catch {
        throw .outputColumnExists(newColumns.map(\.name).joined(separator: ", "))
    }

    var warnings: [String] = []
    if !prepared.invalid.isEmpty {
        warnings.append("\(prepared.invalid.count) item value(s) outside \(key.id)'s valid range were treated as missing "
            + "(by column: \(InvalidCell.countsByColumn(prepared.invalid)))")
    }
    if tooManyMissing > 0 {
        let rule = allowedMissing == 0 ? "any missing item" : "more than \(allowedMissing) missing item(s)"
        warnings.append("\(tooManyMissing) row(s) have no \(stem)_total (\(rule))")
    }
    if prorated > 0 { warnings.append("\(prorated) row(s) have a prorated \(stem)_total") }
    return ScoreResult(instrument: key.id, itemColumns: items, newColumns: newColumns, table: combined, rows: n,
                       scored: n - tooManyMissing, prorated: prorated, tooManyMissing: tooManyMissing,
                       invalidCells: prepared.invalid, warnings: warnings)
}

/// Flags are defined on the item as answered, so undo the reversal for reverse-keyed items.
private func rawValue(of scored: Double, item: Int, key: ScoringKey) -> Double {
    key.reverseItems.contains(item) ? key.reversed(scored) : scored
}

/// Rows and columns holding out-of-range item values, summarised for the error message.
public struct OutOfRangeReport: Sendable, Equatable {
    public let instrument: String
    public let range: ScoringKey.ItemRange
    public let integerOnly: Bool
    public let cells: [InvalidCell]
    /// Whether `InvalidCell.line` holds data rows (a file without lines) rather than lines.
    public var byDataRow = false

    /// Distinct source line numbers (or data rows, `byDataRow`), ascending.
    public var lines: [Int] { Array(Set(cells.map(\.line))).sorted() }
    /// Distinct columns in order of first appearance.
    public var columns: [String] {
        var seen = Set<String>()
        return cells.map(\.column).filter { seen.insert($0).inserted }
    }

    /// How many out-of-range values each column holds, e.g. `wai_1: 12, wai_3: 1` (first 10 columns).
    public var countsByColumn: String {
        InvalidCell.countsByColumn(cells)
    }
}

extension InvalidCell {
    /// `column: count` for each column in order of first appearance (first 10 columns), and, when the values
    /// include common missing-value codes (-99, 999…), the `--na` that would declare them.
    static func countsByColumn(_ cells: [InvalidCell]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for cell in cells {
            if counts[cell.column] == nil { order.append(cell.column) }
            counts[cell.column, default: 0] += 1
        }
        var text = listed(order.map { "\($0): \(counts[$0] ?? 0)" })
        let codes: Set<Double> = [-9999, -999, -99, -9, 99, 999, 9999]
        let found = Set(cells.map(\.value).filter { codes.contains($0) }).sorted()
        if !found.isEmpty {
            text += "; \(found.map { format($0) }.joined(separator: ", ")) "
                + (found.count == 1 ? "looks like a missing-value code" : "look like missing-value codes")
                + ": if so, read the data with --na \(found.map { format($0) }.joined(separator: ","))"
        }
        return text
    }
}

public enum ScoringError: Error, Equatable, CustomStringConvertible, Sendable {
    case outOfRange(OutOfRangeReport)
    case wrongItemCount(instrument: String, expected: Int, given: Int)
    case duplicateItem(String)
    case unknownColumn(String, suggestions: [String])
    case nonNumericItem(String)
    case itemsNotFound(prefix: String, expected: Int, missing: [String])
    case ambiguousPrefix(prefix: String, candidates: [String])
    case outputColumnExists(String)

    public var description: String {
        switch self {
        case .outOfRange(let r):
            let rule = r.integerOnly ? "whole numbers \(format(r.range.min))–\(format(r.range.max))"
                                     : "values \(format(r.range.min))–\(format(r.range.max))"
            return "\(r.cells.count) item value(s) are outside \(r.instrument)'s valid range (\(rule)) "
                + "on \(r.byDataRow ? "data row(s)" : "line(s)") \(listed(r.lines.map(String.init))) in column(s) \(listed(r.columns)) "
                + "(by column: \(r.countsByColumn)); fix the data or pass --invalid missing to treat them as missing"
        case .wrongItemCount(let id, let expected, let given):
            return "\(id) has \(expected) items but \(given) item column(s) were given"
        case .duplicateItem(let name):
            return "item column '\(name)' is listed twice"
        case .unknownColumn(let name, let suggestions):
            return "no column named '\(name)'\(Table.suggestionHint(suggestions))"
        case .nonNumericItem(let name):
            return "item column '\(name)' is not numeric; item responses must be numbers"
        case .itemsNotFound(let prefix, let expected, let missing):
            return "prefix '\(prefix)' does not give \(expected) item columns (\(prefix)1… or \(prefix)_1…); "
                + "missing: \(listed(missing)); use --items a,b,… to name them"
        case .ambiguousPrefix(let prefix, let candidates):
            let sets = candidates.map { $0 + "…" }.joined(separator: ", ")
            return "prefix '\(prefix)' matches two sets of items (\(sets)); use --items to choose"
        case .outputColumnExists(let name):
            return "the input already has a column named '\(name)'; rename it before scoring"
        }
    }
}

/// The first 10 entries and a count of the rest.
func listed(_ values: [String], limit: Int = 10) -> String {
    let shown = values.prefix(limit).joined(separator: ", ")
    return values.count > limit ? "\(shown) and \(values.count - limit) more" : shown
}

func format(_ x: Double) -> String {
    x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
}
