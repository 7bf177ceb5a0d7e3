/// Deterministic JSON text.
///
/// Number policy (DESIGN.md §7, full precision):
/// - `.integer` is written as decimal digits (`597`).
/// - `.number` is written with Swift's `Double.description`, which is the shortest string that parses
///   back to the same `Double` (`0.1`, `1.4e-39`, `1e+16`). Integral doubles keep their `.0` (`14.0`)
///   so that a reader can tell a measured quantity from a count; every form is valid JSON.
/// - NaN and ±infinity are not representable in JSON and become `null` (the contract's "not estimable").
///
/// Strings escape `"`, `\`, and every control character below U+0020 (as `\n`, `\t`, … or `\u00XX`);
/// other characters, including non-ASCII, are written as UTF-8.
extension JSONValue {
    /// Two-space indented JSON followed by no trailing newline. Empty arrays and objects print as `[]` and `{}`.
    public func prettyPrinted() -> String {
        var out = ""
        writePretty(into: &out, indent: 0)
        return out
    }

    /// JSON with no insignificant whitespace.
    public func compact() -> String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(member.0, into: &out)
                out += ":"
                member.1.writeCompact(into: &out)
            }
            out += "}"
        default:
            writeScalar(into: &out)
        }
    }

    private func writePretty(into out: inout String, indent: Int) {
        let inner = String(repeating: " ", count: indent + 2)
        let outer = String(repeating: " ", count: indent)
        switch self {
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                if index > 0 { out += ",\n" }
                out += inner
                item.writePretty(into: &out, indent: indent + 2)
            }
            out += "\n" + outer + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (index, member) in members.enumerated() {
                if index > 0 { out += ",\n" }
                out += inner
                JSONValue.writeString(member.0, into: &out)
                out += ": "
                member.1.writePretty(into: &out, indent: indent + 2)
            }
            out += "\n" + outer + "}"
        default:
            writeScalar(into: &out)
        }
    }

    private func writeScalar(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .number(let value): out += JSONValue.numberText(value)
        case .string(let value): JSONValue.writeString(value, into: &out)
        case .array, .object: writeCompact(into: &out)
        }
    }

    /// The JSON text of a double: shortest round-trip form, or `null` when not finite.
    public static func numberText(_ value: Double) -> String {
        value.isFinite ? value.description : "null"
    }

    static func writeString(_ string: String, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + hexByte(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
