/// A JSON document as a value. Objects keep their keys in insertion order so that output bytes
/// are deterministic and follow the order the contract (DESIGN.md §7) lists them in.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A floating-point number, written in shortest round-trip form; NaN and ±infinity become `null`.
    case number(Double)
    /// A whole number, written without a decimal point (`597`).
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a.bitPattern == b.bitPattern || a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

extension JSONValue {
    /// A number that may be missing: `nil` and non-finite values become `null`.
    public static func number(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        return .number(value)
    }

    /// An integer that may be missing: `nil` becomes `null`.
    public static func integer(_ value: Int?) -> JSONValue {
        guard let value else { return .null }
        return .integer(value)
    }

    /// A string that may be missing: `nil` becomes `null`.
    public static func string(_ value: String?) -> JSONValue {
        guard let value else { return .null }
        return .string(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
