import Foundation

/// An arithmetic expression over numeric columns, as written inside `I(...)` or as `log(x)`.
public indirect enum NumericExpression: Sendable, Equatable {
    case constant(Double, text: String)
    /// A column reference; `offset` and `length` locate it in the formula for error messages.
    case column(String, offset: Int, length: Int)
    case negate(NumericExpression)
    case binary(BinaryOperator, NumericExpression, NumericExpression)
    case function(MathFunction, NumericExpression)
    /// Parentheses as written, kept so the label reads like the source.
    case parenthesized(NumericExpression)

    public enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    }

    public enum MathFunction: String, Sendable, CaseIterable {
        case log, exp, sqrt, abs
    }

    /// Column names referenced, in order of first appearance.
    public var columnNames: [String] {
        var seen: [String] = []
        func walk(_ e: NumericExpression) {
            switch e {
            case .constant: break
            case .column(let n, _, _): if !seen.contains(n) { seen.append(n) }
            case .negate(let a), .function(_, let a), .parenthesized(let a): walk(a)
            case .binary(_, let a, let b): walk(a); walk(b)
            }
        }
        walk(self)
        return seen
    }

    /// R's deparse style: spaces around `+ - *`, none around `/ ^` (so `I(x^2)`, `I(a * b)`, `I(a/b)`).
    public var label: String {
        switch self {
        case .constant(_, let text): return text
        case .column(let n, _, _): return FormulaNames.display(n)
        case .negate(let a): return "-\(a.label)"
        case .parenthesized(let a): return "(\(a.label))"
        case .function(let f, let a): return "\(f.rawValue)(\(a.label))"
        case .binary(let op, let a, let b):
            switch op {
            case .divide, .power: return "\(a.label)\(op.rawValue)\(b.label)"
            default: return "\(a.label) \(op.rawValue) \(b.label)"
            }
        }
    }

    /// Evaluates at one row; `value(name)` returns the column's value there.
    func evaluate(_ value: (String) -> Double) -> Double {
        switch self {
        case .constant(let v, _): return v
        case .column(let n, _, _): return value(n)
        case .negate(let a): return -a.evaluate(value)
        case .parenthesized(let a): return a.evaluate(value)
        case .function(let f, let a):
            let x = a.evaluate(value)
            switch f {
            case .log: return x > 0 ? Foundation.log(x) : (x == 0 ? -.infinity : .nan)
            case .exp: return Foundation.exp(x)
            case .sqrt: return x >= 0 ? x.squareRoot() : .nan
            case .abs: return Swift.abs(x)
            }
        case .binary(let op, let a, let b):
            let x = a.evaluate(value), y = b.evaluate(value)
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .power: return NumericExpression.power(x, y)
            }
        }
    }

    /// Evaluates over whole columns (`columns[name]` has `count` values): one pass per operation,
    /// no per-row lookups, for million-row frames.
    func evaluate(columns: [String: [Double]], count: Int) -> [Double] {
        switch self {
        case .constant(let v, _): return [Double](repeating: v, count: count)
        case .column(let n, _, _): return columns[n] ?? [Double](repeating: .nan, count: count)
        case .negate(let a): return a.evaluate(columns: columns, count: count).map { -$0 }
        case .parenthesized(let a): return a.evaluate(columns: columns, count: count)
        case .function(let f, let a):
            let x = a.evaluate(columns: columns, count: count)
            switch f {
            case .log: return x.map { $0 > 0 ? Foundation.log($0) : ($0 == 0 ? -.infinity : .nan) }
            case .exp: return x.map { Foundation.exp($0) }
            case .sqrt: return x.map { $0 >= 0 ? $0.squareRoot() : .nan }
            case .abs: return x.map { Swift.abs($0) }
            }
        case .binary(let op, let a, let b):
            let x = a.evaluate(columns: columns, count: count)
            let y = b.evaluate(columns: columns, count: count)
            var out = [Double](repeating: 0, count: count)
            switch op {
            case .add: for i in 0..<count { out[i] = x[i] + y[i] }
            case .subtract: for i in 0..<count { out[i] = x[i] - y[i] }
            case .multiply: for i in 0..<count { out[i] = x[i] * y[i] }
            case .divide: for i in 0..<count { out[i] = x[i] / y[i] }
            case .power: for i in 0..<count { out[i] = NumericExpression.power(x[i], y[i]) }
            }
            return out
        }
    }

    /// As `evaluate(columns:count:)`, in extended precision (inputs are exact doubles).
    func evaluateExtended(columns: [String: [Double]], count: Int) -> [ExtendedDouble] {
        switch self {
        case .constant(let v, let text):
            // Re-read the literal so that 0.1 is the extended value nearest one tenth.
            return [ExtendedDouble](repeating: ExtendedDouble(text) ?? ExtendedDouble(v), count: count)
        case .column(let n, _, _):
            return (columns[n] ?? [Double](repeating: .nan, count: count)).map { ExtendedDouble($0) }
        case .negate(let a): return a.evaluateExtended(columns: columns, count: count).map { -$0 }
        case .parenthesized(let a): return a.evaluateExtended(columns: columns, count: count)
        case .function(let f, let a):
            let x = a.evaluateExtended(columns: columns, count: count)
            switch f {
            case .log: return x.map { ExtendedMath.log($0) }
            case .exp: return x.map { ExtendedMath.exp($0) }
            case .sqrt: return x.map { $0 >= 0 ? $0.squareRoot() : .nan }
            case .abs: return x.map { Swift.abs($0) }
            }
        case .binary(let op, let a, let b):
            let x = a.evaluateExtended(columns: columns, count: count)
            let y = b.evaluateExtended(columns: columns, count: count)
            var out = [ExtendedDouble](repeating: 0, count: count)
            switch op {
            case .add: for i in 0..<count { out[i] = x[i] + y[i] }
            case .subtract: for i in 0..<count { out[i] = x[i] - y[i] }
            case .multiply: for i in 0..<count { out[i] = x[i] * y[i] }
            case .divide: for i in 0..<count { out[i] = x[i] / y[i] }
            case .power: for i in 0..<count { out[i] = ExtendedMath.power(x[i], y[i]) }
            }
            return out
        }
    }

    /// `x^2` as `x*x` (as R does), integer powers by repeated multiplication, otherwise `pow`.
    static func power(_ x: Double, _ y: Double) -> Double {
        if y == 2 { return x * x }
        if y == 1 { return x }
        return Foundation.pow(x, y)
    }

    /// The first function application whose argument is outside its domain at this row, if any
    /// (log or sqrt of a negative number, log of zero): used to explain non-finite values.
    func domainViolation(_ value: (String) -> Double) -> (MathFunction, Double)? {
        switch self {
        case .constant, .column: return nil
        case .negate(let a), .parenthesized(let a): return a.domainViolation(value)
        case .binary(_, let a, let b): return a.domainViolation(value) ?? b.domainViolation(value)
        case .function(let f, let a):
            if let inner = a.domainViolation(value) { return inner }
            let x = a.evaluate(value)
            switch f {
            case .log where !(x > 0): return (f, x)
            case .sqrt where !(x >= 0): return (f, x)
            default: return nil
            }
        }
    }
}

extension NumericExpression {
    /// Why the expression is not finite at a row: the function whose argument is out of its domain, a negative number
    /// to a fractional power, or division by zero / overflow.
    func nonFiniteDetail(_ value: (String) -> Double) -> String {
        if let (f, arg) = domainViolation(value) {
            return "\(f.rawValue) of \(arg) is undefined" + (f == .log ? " (log needs positive values)" : "")
        }
        if let (base, exponent) = fractionalPowerOfNegative(value) {
            func shown(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
            return "\(shown(base)) ^ \(shown(exponent)) is undefined (a negative number to a fractional power)"
        }
        return "the result is not finite (division by zero or overflow)"
    }

    /// The first `a ^ b` with a < 0 and b not a whole number at this row (R gives NaN there too).
    func fractionalPowerOfNegative(_ value: (String) -> Double) -> (Double, Double)? {
        switch self {
        case .constant, .column: return nil
        case .negate(let a), .parenthesized(let a), .function(_, let a): return a.fractionalPowerOfNegative(value)
        case .binary(let op, let a, let b):
            if let inner = a.fractionalPowerOfNegative(value) ?? b.fractionalPowerOfNegative(value) { return inner }
            guard op == .power else { return nil }
            let x = a.evaluate(value), y = b.evaluate(value)
            return x < 0 && y.isFinite && y != y.rounded() ? (x, y) : nil
        }
    }

    /// Offset and length of the first reference to `column`.
    func columnReference(_ column: String) -> (Int, Int)? {
        switch self {
        case .constant: return nil
        case .column(let n, let o, let l): return n == column ? (o, l) : nil
        case .negate(let a), .function(_, let a), .parenthesized(let a): return a.columnReference(column)
        case .binary(_, let a, let b): return a.columnReference(column) ?? b.columnReference(column)
        }
    }
}

enum FormulaNames {
    /// A column name as it appears in labels: bare when it is a syntactic R name, else in backticks.
    static func display(_ name: String) -> String {
        guard let first = name.first else { return "``" }
        let syntactic = (first.isLetter || first == ".")
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
            && !(first == "." && name.dropFirst().first?.isNumber == true)
        return syntactic ? name : "`\(name)`"
    }
}
