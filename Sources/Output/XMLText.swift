/// Escaping for XML and HTML text and attribute values.
enum XMLText {
    /// Escapes `& < > " '` and drops characters XML 1.0 forbids (C0 controls other than tab, LF, CR),
    /// so that any label, including non-ASCII text, yields well-formed markup, and bidirectional overrides.
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let value = scalar.value
                let forbidden = (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D)
                    || value == 0xFFFE || value == 0xFFFF
                if !forbidden, !BidiControls.contains(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
