/// `--recode "col: old=new, …"`: replaces values of one column by a table of pairs, text labels to numbers
/// (`Never=0, Sometimes=1`) or numbers to labels (`1=Never`), as dplyr's `recode()`. Unmatched values are kept
/// and counted; `NA` (or nothing) as the new value makes a cell missing. The result is numeric when every value
/// it holds is a number, otherwise text.
public struct RecodeRule: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public let old: String
        public let new: String
    }

    public let column: String
    public let pairs: [Pair]
    /// The rule as written, for reports and errors.
    public let text: String

    public static let maximumPairs = 100_000

    /// Reads `col: old=new, old=new`. Labels are trimmed; they cannot contain ',' or '='.
    public init(parsing text: String) throws(DataStepInputError) {
        self.text = text
        guard let colon = text.firstIndex(of: ":") else {
            throw DataStepInputError("--recode \"\(text)\": write it as \"column: old=new, old=new\", e.g. \"wai_1: Never=1, Rarely=2\"")
        }
        let column = text[..<colon].trimmingSpaces()
        guard !column.isEmpty else { throw DataStepInputError("--recode \"\(text)\": the column name before ':' is missing") }
        var pairs: [Pair] = []
        var seen = Set<String>()
        for part in text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false) {
            let piece = part.trimmingSpaces()
            guard let eq = piece.firstIndex(of: "=") else {
                throw DataStepInputError("--recode \"\(text)\": '\(piece)' is not old=new (labels cannot contain ',' or '=')")
            }
            let old = piece[..<eq].trimmingSpaces()
            let new = piece[piece.index(after: eq)...].trimmingSpaces()
            guard !old.isEmpty else { throw DataStepInputError("--recode \"\(text)\": '\(piece)' has no old value before '='") }
            guard !new.contains("=") else { throw DataStepInputError("--recode \"\(text)\": '\(piece)' has more than one '='") }
            guard seen.insert(old).inserted else { throw DataStepInputError("--recode \"\(text)\": '\(old)' is recoded twice") }
            pairs.append(Pair(old: old, new: new))
            guard pairs.count <= Self.maximumPairs else {
                throw DataStepInputError("--recode \"\(text.prefix(40))…\": more than \(Self.maximumPairs) pairs")
            }
        }
        self.column = column
        self.pairs = pairs
    }

    /// Whether a new value means missing.
    static func isMissingToken(_ s: String) -> Bool { s.isEmpty || s == "NA" }

    /// A finite number written as text, or nil.
    static func number(_ s: String) -> Double? {
        guard let x = Double(s), x.isFinite else { return nil }
        return x
    }

    /// The table with the column recoded, and what changed.
    public func apply(to table: Table) throws(DataStepInputError) -> (Table, RecodeSummary) {
        guard let index = table.columnNames.firstIndex(of: column) else {
            throw DataStepInputError("--recode: no column named '\(column)'" + table.suggestionHint(for: column),
                                     isUsage: true)
        }
        let source = table.columns[index]
        let n = source.count
        var matched = [Int](repeating: 0, count: pairs.count)
        var unmatched = 0
        var unmatchedValues = Set<String>()
        // The pair index each row takes, or -1 (unmatched) / -2 (missing already).
        var choice = [Int](repeating: -1, count: n)
        switch source.data {
        case .numeric(let c):
            var byValue: [Double: Int] = [:]
            for (k, p) in pairs.enumerated() {
                guard let x = Self.number(p.old) else {
                    throw DataStepInputError("--recode: column '\(column)' is numeric, so '\(p.old)' cannot match any value; "
                        + "old values of a numeric column are numbers (e.g. 1=Never)")
                }
                byValue[x == 0 ? 0 : x] = k
            }
            for i in 0..<n {
                if c.missing[i] { choice[i] = -2; continue }
                if let k = byValue[c.values[i] == 0 ? 0 : c.values[i]] { choice[i] = k; matched[k] += 1 }
            }
        case .categorical(let c):
            var byLevel = [Int](repeating: -1, count: c.levels.count)
            var levelIndex: [String: Int] = [:]
            for (l, level) in c.levels.enumerated() { levelIndex[level] = l }
            for (k, p) in pairs.enumerated() { if let l = levelIndex[p.old] { byLevel[l] = k } }
            for i in 0..<n {
                let code = c.codes[i]
                if code < 0 { choice[i] = -2; continue }
                let k = byLevel[Int(code)]
                if k >= 0 { choice[i] = k; matched[k] += 1 }
            }
        }
        // Unmatched values are kept; collect them (as text) for the report.
        let newNumbers = pairs.map { Self.isMissingToken($0.new) ? nil : Self.number($0.new) }
        let newAllNumeric = pairs.indices.allSatisfy { Self.isMissingToken(pairs[$0].new) || newNumbers[$0] != nil }
        var unmatchedAllNumeric = true
        for i in 0..<n where choice[i] == -1 {
            unmatched += 1
            let label = Self.text(source, i)
            if unmatchedValues.count < 1000 { unmatchedValues.insert(label) }
            if source.categorical != nil && Self.number(label) == nil { unmatchedAllNumeric = false }
        }
        let newData: ColumnData
        if newAllNumeric && unmatchedAllNumeric {
            var values = [Double](repeating: 0, count: n)
            var missing = [Bool](repeating: false, count: n)
            for i in 0..<n {
                switch choice[i] {
                case -2: missing[i] = true
                case -1:
                    if let c = source.numeric { values[i] = c.values[i] } else { values[i] = Self.number(Self.text(source, i)) ?? 0 }
                default:
                    if let x = newNumbers[choice[i]] { values[i] = x } else { missing[i] = true }
                }
            }
            newData = .numeric(NumericColumn(values: values, missing: missing))
        } else {
            let strings: [String?] = (0..<n).map { i in
                switch choice[i] {
                case -2: return nil
                case -1: return Self.text(source, i)
                default: return Self.isMissingToken(pairs[choice[i]].new) ? nil : pairs[choice[i]].new
                }
            }
            newData = .categorical(CategoricalColumn(strings))
        }
        var columns = table.columns
        columns[index] = Column(name: column, data: newData)
        let result: Table
        do { result = try Table(columns: columns, source: table.source) } catch {
            throw DataStepInputError("--recode: \(error.description)")
        }
        let missingBefore = source.missingCount
        let missingAfter = columns[index].missingCount
        let summary = RecodeSummary(
            column: column, rule: text, pairs: pairs, matchedCells: matched, unmatchedCells: unmatched,
            unmatchedValues: unmatchedValues.sorted(by: CategoricalColumn.levelOrder),
            typeBefore: source.numeric == nil ? "text" : "numeric", typeAfter: columns[index].numeric == nil ? "text" : "numeric",
            newlyMissing: missingAfter - missingBefore)
        return (result, summary)
    }

    /// A cell as text: a text column's level, a number as R prints whole numbers (`3`) or in shortest form.
    static func text(_ column: Column, _ row: Int) -> String {
        switch column.data {
        case .numeric(let c): return GroupingFactor.label(c.values[row])
        case .categorical(let c): return c.levels[Int(c.codes[row])]
        }
    }
}

/// What one recode changed.
public struct RecodeSummary: Sendable, Equatable {
    public let column: String
    public let rule: String
    public let pairs: [RecodeRule.Pair]
    /// Cells each pair replaced, in pair order.
    public let matchedCells: [Int]
    /// Non-missing cells no pair matched (kept as they were).
    public let unmatchedCells: Int
    /// Those cells' distinct values, sorted (for the report; never shown for identifier-like columns).
    public let unmatchedValues: [String]
    public let typeBefore: String
    public let typeAfter: String
    /// Cells made missing by `NA` as a new value.
    public let newlyMissing: Int
}

/// Bad input to a data step (`transform`, `reshape`, `aggregate`): what is wrong and what to do. `isUsage`
/// marks mistakes in the command line (an unknown column, a malformed option: exit 64) as opposed to data the
/// step cannot process (exit 65).
public struct DataStepInputError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public let isUsage: Bool

    public init(_ message: String, isUsage: Bool = true) {
        self.message = message
        self.isUsage = isUsage
    }

    public var description: String { message }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
