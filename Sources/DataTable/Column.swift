/// A numeric column: values as `Double` with a separate missing mask, so that a missing cell is
/// never confused with a value. `values[i]` is unspecified (0) where `missing[i]` is true.
public struct NumericColumn: Sendable, Equatable {
    public let values: [Double]
    public let missing: [Bool]
    /// How many fields were written with a leading zero (e.g. `02139`): a hint for the privacy
    /// guard (ZIP codes, NHS numbers), since the number itself no longer shows it.
    public let leadingZeroCount: Int
    /// `wholeNumberSummary()` once made (not part of the column's value: equality ignores it).
    let summaryCache = WholeNumberSummaryCache()

    public init(values: [Double], missing: [Bool], leadingZeroCount: Int = 0) {
        precondition(values.count == missing.count, "values and missing mask must have equal length")
        self.values = values
        self.missing = missing
        self.leadingZeroCount = leadingZeroCount
    }

    /// Convenience for tests and generated data: `nil` is missing.
    public init(_ optionals: [Double?]) {
        self.values = optionals.map { $0 ?? 0 }
        self.missing = optionals.map { $0 == nil }
        self.leadingZeroCount = 0
    }

    public static func == (a: NumericColumn, b: NumericColumn) -> Bool {
        a.values == b.values && a.missing == b.missing && a.leadingZeroCount == b.leadingZeroCount
    }

    public var count: Int { values.count }
    public var missingCount: Int { missing.reduce(0) { $0 + ($1 ? 1 : 0) } }
    public subscript(row: Int) -> Double? { missing[row] ? nil : values[row] }
}

/// A categorical column: sorted levels (Unicode code-point order, R's default in the C locale)
/// and one code per row; code −1 is missing. A column read from value labels (SPSS, Stata) instead keeps its
/// levels in the order of the numbers they stand for (`levelValues`, ascending, as haven's `as_factor`), so the
/// lowest code is the first level and the reference level of a model.
public struct CategoricalColumn: Sendable, Equatable {
    public let levels: [String]
    public let codes: [Int32]
    /// The number each level stands for in the file, ascending; `nil` for text levels in sorted order.
    public let levelValues: [Double]?

    public init(levels: [String], codes: [Int32], levelValues: [Double]? = nil) {
        precondition(levelValues == nil || levelValues!.count == levels.count, "one value per level")
        self.levels = levels
        self.codes = codes
        self.levelValues = levelValues
    }

    /// Builds sorted levels from text; `nil` is missing.
    public init(_ strings: [String?]) {
        let distinct = Set(strings.compactMap { $0 }).sorted(by: CategoricalColumn.levelOrder)
        var index: [String: Int32] = [:]
        for (i, level) in distinct.enumerated() { index[level] = Int32(i) }
        self.levels = distinct
        self.codes = strings.map { $0.flatMap { index[$0] } ?? -1 }
        self.levelValues = nil
    }

    /// The level order used everywhere: by Unicode scalar values (locale-independent).
    public static func levelOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    public var count: Int { codes.count }
    public var missingCount: Int { codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }
    public subscript(row: Int) -> String? { codes[row] < 0 ? nil : levels[Int(codes[row])] }

    /// Rows per level, in level order.
    public func levelCounts() -> [Int] {
        let k = levels.count
        guard k > 0 else { return [] }
        // Four tallies, row i into tally i mod 4, added at the end: on a column of few levels (site, modality) consecutive
        // rows mostly hit the same count, and with one tally each increment waited for the store before it (≈ 2 ms per
        // million rows; the identifier guard counts every text column). Only for ≤ 4,096 levels, where they stay small.
        let ways = k <= 4096 ? 4 : 1
        var tallies = [Int](repeating: 0, count: ways * k)
        codes.withUnsafeBufferPointer { c in
            tallies.withUnsafeMutableBufferPointer { t in
                guard let base = t.baseAddress else { return }
                var i = 0
                if ways == 4 {
                    while i + 4 <= c.count {
                        for lane in 0..<4 where c[i + lane] >= 0 { base[lane &* k &+ Int(c[i + lane])] += 1 }
                        i += 4
                    }
                }
                while i < c.count {
                    if c[i] >= 0 { base[Int(c[i])] += 1 }
                    i += 1
                }
            }
        }
        guard ways > 1 else { return tallies }
        return (0..<k).map { j in tallies[j] + tallies[k + j] + tallies[2 * k + j] + tallies[3 * k + j] }
    }
}

public enum ColumnData: Sendable, Equatable {
    case numeric(NumericColumn)
    case categorical(CategoricalColumn)
}

public struct Column: Sendable, Equatable {
    public let name: String
    public let data: ColumnData
    /// What a statistics package file said about the column (variable label, value labels, declared missing
    /// codes); empty for CSV input.
    public let metadata: ColumnMetadata

    public init(name: String, data: ColumnData, metadata: ColumnMetadata = ColumnMetadata()) {
        self.name = name
        self.data = data
        self.metadata = metadata
    }

    /// The variable label (SPSS, Stata, SAS), if the file gave one.
    public var label: String? { metadata.label }

    public init(name: String, numeric: [Double?]) {
        self.init(name: name, data: .numeric(NumericColumn(numeric)))
    }

    public init(name: String, categorical: [String?]) {
        self.init(name: name, data: .categorical(CategoricalColumn(categorical)))
    }

    public var count: Int {
        switch data {
        case .numeric(let c): return c.count
        case .categorical(let c): return c.count
        }
    }

    public var missingCount: Int {
        switch data {
        case .numeric(let c): return c.missingCount
        case .categorical(let c): return c.missingCount
        }
    }

    public func isMissing(_ row: Int) -> Bool {
        switch data {
        case .numeric(let c): return c.missing[row]
        case .categorical(let c): return c.codes[row] < 0
        }
    }

    public var numeric: NumericColumn? {
        if case .numeric(let c) = data { return c }
        return nil
    }

    public var categorical: CategoricalColumn? {
        if case .categorical(let c) = data { return c }
        return nil
    }
}
