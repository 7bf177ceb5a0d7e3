/// A formula that cannot be read: carries the formula text and the offset (in characters) of the
/// offending token, and renders as the formula with a caret line under that token.
public struct FormulaError: Error, Sendable, Equatable, CustomStringConvertible {
    public let formula: String
    /// Offset of the offending token in characters from the start of `formula`.
    public let offset: Int
    /// Length of the offending token in characters (at least 1 for the caret line).
    public let length: Int
    public let message: String

    public init(formula: String, offset: Int, length: Int = 1, message: String) {
        self.formula = formula
        self.offset = offset
        self.length = max(1, length)
        self.message = message
    }

    /// Two lines: the formula, then a caret (and tildes for longer tokens) under the offending token.
    public var caretDisplay: String {
        let pad = String(repeating: " ", count: max(0, offset))
        let marker = "^" + String(repeating: "~", count: length - 1)
        return "  \(formula)\n  \(pad)\(marker)"
    }

    public var description: String {
        "\(message) (at character \(offset + 1))\n\(caretDisplay)"
    }
}
