import Foundation
import Testing

/// Relative error |actual − expected| / |expected|, with exact agreement required where a ratio means
/// nothing: NaN matches only NaN, an infinity only the same infinity, and a zero only a result below the
/// smallest normal double (an R zero from underflow). Anything else that disagrees is +∞.
public func relativeError(_ actual: Double, _ expected: Double) -> Double {
    if expected.isNaN { return actual.isNaN ? 0 : .infinity }
    if expected.isInfinite || actual.isInfinite { return actual == expected ? 0 : .infinity }
    if expected == 0 { return abs(actual) < Double.leastNormalMagnitude ? 0 : .infinity }
    if actual.isNaN { return .infinity }
    return abs(actual - expected) / abs(expected)
}

/// Absolute error |actual − expected|, with NaN matching only NaN and an infinity only the same infinity.
public func absoluteError(_ actual: Double, _ expected: Double) -> Double {
    if expected.isNaN { return actual.isNaN ? 0 : .infinity }
    if expected.isInfinite || actual.isInfinite { return actual == expected ? 0 : .infinity }
    if actual.isNaN { return .infinity }
    return abs(actual - expected)
}

/// NIST StRD's log relative error (LRE): −log10 of the relative error, of the absolute error when the
/// certified value is 0; 15 (the cap) when the value is exact or better than 15 digits, 0 when it is NaN.
public func logRelativeError(_ value: Double, _ certified: Double) -> Double {
    if value == certified { return 15 }
    let error = certified == 0 ? abs(value) : abs(value - certified) / abs(certified)
    if error.isNaN { return 0 }
    return error == 0 ? 15 : min(15, -log10(error))
}

/// How far apart two numbers may be.
public enum Tolerance: Sendable, CustomStringConvertible {
    /// `relativeError(actual, expected) <= bound`.
    case relative(Double)
    /// `absoluteError(actual, expected) <= bound`.
    case absolute(Double)
    /// Relative away from zero, absolute near it: |actual − expected| ≤ bound · max(|expected|, 1).
    case relativeOrAbsolute(Double)

    public func accepts(_ actual: Double, _ expected: Double) -> Bool {
        switch self {
        case .relative(let bound): return relativeError(actual, expected) <= bound
        case .absolute(let bound): return absoluteError(actual, expected) <= bound
        case .relativeOrAbsolute(let bound):
            return relativeError(actual, expected) <= bound || absoluteError(actual, expected) <= bound
        }
    }

    /// The error this tolerance bounds, for messages.
    public func error(_ actual: Double, _ expected: Double) -> Double {
        switch self {
        case .relative: return relativeError(actual, expected)
        case .absolute: return absoluteError(actual, expected)
        case .relativeOrAbsolute: return min(relativeError(actual, expected), absoluteError(actual, expected))
        }
    }

    public var description: String {
        switch self {
        case .relative(let bound): return "relative error \(bound)"
        case .absolute(let bound): return "absolute error \(bound)"
        case .relativeOrAbsolute(let bound): return "error \(bound) (relative, absolute below 1)"
        }
    }
}

/// Whether `actual` is present and within `tolerance` of `expected`.
public func isClose(_ actual: Double?, _ expected: Double, _ tolerance: Tolerance) -> Bool {
    guard let actual else { return false }
    return tolerance.accepts(actual, expected)
}

public func isClose(_ actual: Double?, _ expected: Double, relative bound: Double) -> Bool {
    isClose(actual, expected, .relative(bound))
}

public func isClose(_ actual: Double?, _ expected: Double, absolute bound: Double) -> Bool {
    isClose(actual, expected, .absolute(bound))
}

/// Element by element, and the same number of elements.
public func isClose(_ actual: [Double], _ expected: [Double], _ tolerance: Tolerance) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { tolerance.accepts($0, $1) }
}

/// The largest relative error over paired elements (+∞ when the counts differ or a value is missing on one
/// side only; a pair missing on both sides agrees).
public func largestRelativeError(_ actual: [Double?], _ expected: [Double?]) -> Double {
    guard actual.count == expected.count else { return .infinity }
    return zip(actual, expected).reduce(0) { worst, pair in
        switch pair {
        case let (a?, e?): return max(worst, relativeError(a, e))
        case (nil, nil): return worst
        default: return .infinity
        }
    }
}

/// Records an issue unless `actual` is present and within `tolerance` of `expected`.
public func expectClose(_ actual: Double?, _ expected: Double, _ tolerance: Tolerance, _ what: @autoclosure () -> String = "",
                        sourceLocation: SourceLocation = #_sourceLocation) {
    let label = what().isEmpty ? "" : "\(what()): "
    guard let actual else {
        Issue.record("\(label)nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    #expect(tolerance.accepts(actual, expected),
            "\(label)\(actual) vs \(expected): \(tolerance.error(actual, expected)) > \(tolerance)",
            sourceLocation: sourceLocation)
}

public func expectClose(_ actual: Double?, _ expected: Double, relative bound: Double, _ what: @autoclosure () -> String = "",
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected, .relative(bound), what(), sourceLocation: sourceLocation)
}

public func expectClose(_ actual: Double?, _ expected: Double, absolute bound: Double, _ what: @autoclosure () -> String = "",
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected, .absolute(bound), what(), sourceLocation: sourceLocation)
}

/// Element by element; a different count is an issue of its own.
public func expectClose(_ actual: [Double], _ expected: [Double], _ tolerance: Tolerance, _ what: @autoclosure () -> String = "",
                        sourceLocation: SourceLocation = #_sourceLocation) {
    let label = what().isEmpty ? "" : "\(what()): "
    guard actual.count == expected.count else {
        Issue.record("\(label)\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        expectClose(a, e, tolerance, "\(label)[\(index)]", sourceLocation: sourceLocation)
    }
}

/// Paired values (nil = missing) agree within a relative tolerance: the counts match, a value missing on one
/// side is missing on the other, and the largest relative error is at most `bound`.
public func expectClose(_ actual: [Double?], _ expected: [Double?], relative bound: Double, _ what: @autoclosure () -> String = "",
                        sourceLocation: SourceLocation = #_sourceLocation) {
    let label = what().isEmpty ? "" : "\(what()): "
    #expect(actual.count == expected.count, "\(label)\(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    let worst = largestRelativeError(actual, expected)
    #expect(worst <= bound, "\(label)largest relative error \(worst) (infinite: missing on one side only)",
            sourceLocation: sourceLocation)
}
