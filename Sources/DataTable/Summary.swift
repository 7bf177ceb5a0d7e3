/// Summary of a numeric column (for `describe`). Statistics are `nil` when undefined: no values
/// (mean, min, median, max) or fewer than two values (sd).
public struct NumericSummary: Sendable, Equatable {
    /// Non-missing values.
    public let n: Int
    public let missing: Int
    public let mean: Double?
    /// Sample standard deviation (denominator n − 1).
    public let sd: Double?
    public let min: Double?
    /// Middle value, or the mean of the two middle values when `n` is even (R's `median`).
    public let median: Double?
    public let max: Double?
    /// Distinct non-missing values (`0.0` and `-0.0` count as one).
    public let distinct: Int
}

/// One level of a categorical column and how many rows have it.
public struct LevelCount: Sendable, Equatable {
    public let level: String
    public let count: Int
}

/// Summary of a categorical column: counts per level, in level order.
public struct CategoricalSummary: Sendable, Equatable {
    /// Non-missing rows.
    public let n: Int
    public let missing: Int
    public let levels: LevelCounts

    public init(n: Int, missing: Int, levels: [LevelCount]) {
        self.n = n
        self.missing = missing
        self.levels = LevelCounts(names: levels.map(\.level), counts: levels.map(\.count))
    }

    init(n: Int, missing: Int, levels: LevelCounts) {
        self.n = n
        self.missing = missing
        self.levels = levels
    }
}

/// Levels with their counts, in level order. Shares the column's level names rather than copying them
/// (a column of a million client codes summarises without a million new entries).
public struct LevelCounts: RandomAccessCollection, Sendable, Equatable {
    public let names: [String]
    public let counts: [Int]

    public init(names: [String], counts: [Int]) {
        precondition(names.count == counts.count, "one count per level")
        self.names = names
        self.counts = counts
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { names.count }
    public subscript(position: Int) -> LevelCount { LevelCount(level: names[position], count: counts[position]) }
}

public enum ColumnSummary: Sendable, Equatable {
    case numeric(NumericSummary)
    case categorical(CategoricalSummary)
}

public func summarize(_ column: Column) -> ColumnSummary {
    switch column.data {
    case .numeric(let c): return .numeric(summarize(c))
    case .categorical(let c): return .categorical(summarize(c))
    }
}

public func summarize(_ column: CategoricalColumn) -> CategoricalSummary {
    let counts = column.levelCounts()
    let n = counts.reduce(0, +)
    return CategoricalSummary(n: n, missing: column.count - n, levels: LevelCounts(names: column.levels, counts: counts))
}

/// Mean and variance by the corrected two-pass algorithm (Chan, Golub & LeVeque 1983) with
/// compensated sums: a first pass gives a rough mean c; the second accumulates d = x − c, so that
/// mean = c + Σd/n and variance = (Σd² − (Σd)²/n)/(n − 1), which stays accurate when c is close to
/// the mean (it is, to rounding). For small-range integer data (item scores, totals) the second
/// pass is a count per value, from which the sums, median and distinct count follow; otherwise
/// order statistics come from a radix sort.
public func summarize(_ column: NumericColumn) -> NumericSummary {
    column.values.withUnsafeBufferPointer { values in
        column.missing.withUnsafeBufferPointer { missing in
            summarize(values: values, missing: missing)
        }
    }
}

private func summarize(values: UnsafeBufferPointer<Double>, missing: UnsafeBufferPointer<Bool>) -> NumericSummary {
    // Pass 1: count, rough centre, range, and whether every value is an integer. The centre only
    // needs to be near the mean (pass 2 corrects it), so a plain sum is enough here.
    var n = 0
    var roughSum = 0.0
    var low = Double.infinity
    var high = -Double.infinity
    var allIntegers = true
    for i in 0..<values.count where !missing[i] {
        let x = values[i]
        n += 1
        roughSum += x
        low = x < low ? x : low
        high = x > high ? x : high
        // Truncation through Int64 (one instruction) instead of libm's trunc.
        if allIntegers && !(abs(x) < 0x1p62 && Double(Int64(x)) == x) { allIntegers = false }
    }
    let missingCount = values.count - n
    guard n > 0 else {
        return NumericSummary(n: 0, missing: missingCount, mean: nil, sd: nil, min: nil, median: nil, max: nil,
                              distinct: 0)
    }
    // Values near the top of the double range would overflow their squared deviations: work in units of an
    // exact power of two (multiplying by 2^-k is exact) and scale mean and sd back at the end.
    let largest = Swift.max(abs(low), abs(high))
    let scale = largest > 0x1p500 ? Double(sign: .plus, exponent: -largest.exponent, significand: 1) : 1
    var center = roughSum / Double(n) * scale
    if !center.isFinite || scale != 1 {
        // The plain sum overflowed, or values are rescaled: centre on the midrange (finite, within the data).
        center = (low * scale) / 2 + (high * scale) / 2
    }
    // Pass 2: compensated sums of deviations from the centre and of their squares, plus order
    // statistics. Small-range integer data (item scores, totals) are counted per value instead:
    // the sums then run over the distinct values weighted by their counts.
    var deviations = CompensatedSum()
    var squares = CompensatedSum()
    let order: (median: Double, distinct: Int)
    if allIntegers && high - low < Double(Swift.max(1 << 16, n)) {
        let counts = integerCounts(values: values, missing: missing, low: low, high: high)
        for (offset, c) in counts.enumerated() where c > 0 {
            let d = (low + Double(offset)) - center
            let weighted = Double(c) * d
            deviations.add(weighted)
            squares.add(weighted * d)
        }
        order = countingOrderStatistics(counts: counts, n: n, low: low)
    } else {
        for i in 0..<values.count where !missing[i] {
            let d = values[i] * scale - center
            deviations.add(d)
            squares.add(d * d)
        }
        order = sortedOrderStatistics(values: values, missing: missing, n: n)
    }
    let meanShift = deviations.value / Double(n)
    let mean = (center + meanShift) / scale
    var sd: Double?
    if n > 1 {
        let variance = (squares.value - deviations.value * meanShift) / Double(n - 1)
        sd = variance > 0 ? variance.squareRoot() / scale : 0
    }
    return NumericSummary(n: n, missing: missingCount, mean: mean, sd: sd, min: low == 0 ? 0 : low,
                          median: order.median, max: high == 0 ? 0 : high, distinct: order.distinct)
}

/// R's median: the middle value, or the mean of the two middle values.
private func middle(_ a: Double, _ b: Double) -> Double {
    let s = a + b
    return s.isFinite ? s / 2 : a / 2 + b / 2
}

/// How many values equal low, low + 1, …, high (all values are integers in that range).
private func integerCounts(
    values: UnsafeBufferPointer<Double>, missing: UnsafeBufferPointer<Bool>, low: Double, high: Double
) -> [Int] {
    var counts = [Int](repeating: 0, count: Int(high - low) + 1)
    counts.withUnsafeMutableBufferPointer { counts in
        for i in 0..<values.count where !missing[i] { counts[Int(values[i] - low)] += 1 }
    }
    return counts
}

private func countingOrderStatistics(counts: [Int], n: Int, low: Double) -> (median: Double, distinct: Int) {
    // 0-based ranks of the two middle values (equal when n is odd).
    let lowerRank = (n - 1) / 2
    let upperRank = n / 2
    var lowerValue: Double?
    var upperValue = low
    var seen = 0
    var distinct = 0
    for (offset, c) in counts.enumerated() where c > 0 {
        distinct += 1
        if seen <= upperRank && upperRank < seen + c { upperValue = low + Double(offset) }
        if lowerValue == nil && lowerRank < seen + c { lowerValue = low + Double(offset) }
        seen += c
    }
    return (middle(lowerValue ?? low, upperValue), distinct)
}

private func sortedOrderStatistics(
    values: UnsafeBufferPointer<Double>, missing: UnsafeBufferPointer<Bool>, n: Int
) -> (median: Double, distinct: Int) {
    let sorted = SortedValues.ascendingKeys(values: values, missing: missing, n: n)
    let half = n / 2
    let upper = SortedValues.value(sorted[half])
    let median = n % 2 == 1 ? upper : middle(SortedValues.value(sorted[half - 1]), upper)
    var distinct = 1
    sorted.withUnsafeBufferPointer { keys in
        for i in 1..<n where keys[i] != keys[i - 1] { distinct += 1 }
    }
    return (median, distinct)
}

/// Compensated summation with Knuth's branch-free TwoSum (the Kahan–Babuška–Neumaier scheme):
/// each addition's exact rounding error is accumulated separately, so the error does not grow with n
/// to first order.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        let t = sum + x
        let xPart = t - sum
        compensation += (sum - (t - xPart)) + (x - xPart)
        sum = t
    }

    var value: Double { sum + compensation }
}
