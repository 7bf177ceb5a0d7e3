/// Builds SVG text line by line with two-space indentation and ordered attributes, so that the same
/// plot always gives the same bytes.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        lines.append(indent + "<" + tag + SVGWriter.attributeText(attributes) + ">")
        depth += 1
    }

    mutating func close(_ tag: String) {
        depth -= 1
        lines.append(indent + "</" + tag + ">")
    }

    /// A self-closing element, or one with escaped text content.
    mutating func element(_ tag: String, _ attributes: [(String, String)] = [], text: String? = nil) {
        let head = "<" + tag + SVGWriter.attributeText(attributes)
        if let text {
            lines.append(indent + head + ">" + XMLText.escape(text) + "</" + tag + ">")
        } else {
            lines.append(indent + head + "/>")
        }
    }

    private var indent: String { String(repeating: "  ", count: max(0, depth)) }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + XMLText.escape($0.1) + "\"" }.joined()
    }
}

/// Coordinates with at most two decimals, trailing zeros trimmed (`12.5`, `100`, `-3.07`); values are
/// clamped to ±1e6 so that a point far outside the panel still gives a short, valid number.
enum SVGNumber {
    static func format(_ value: Double) -> String {
        let clamped = value.isFinite ? min(1e6, max(-1e6, value)) : 0
        let hundredths = Int((clamped * 100).rounded())
        if hundredths == 0 { return "0" }
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + String(whole) + "." + String(fraction / 10) }
        return sign + String(whole) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

/// Estimated text extents, since SVG text cannot be measured without a renderer. The estimate is
/// deliberately generous (0.6 em per character, 1 em for wide East Asian characters) so that layout
/// errs towards space rather than clipping.
enum TextMetrics {
    static func width(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for character in text {
            guard let scalar = character.unicodeScalars.first else { continue }
            ems += isWide(scalar.value) ? 1.0 : 0.6
        }
        return ems * fontSize
    }

    private static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value)
            || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value) || value >= 0x1F300
    }

    /// Splits `text` at spaces into lines of at most `maxWidth` (a single long word stays whole).
    static func wrap(_ text: String, fontSize: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if width(candidate, fontSize: fontSize) <= maxWidth || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }
}
