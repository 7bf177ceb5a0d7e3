/// Text shown to a person, a table cell or a message on standard error, without the characters that act rather than
/// show: C0 and C1 controls and DEL (a terminal runs an ESC or CSI sequence, so a column name could recolour or clear
/// the screen; pdfLaTeX stops at one: "invalid character") and the bidirectional controls (`BidiControls`: a name
/// pasted with U+202E reads back to front, and so does the rest of the line). The rendered tables and every message
/// alliance writes to standard error use this one function, so a name reads the same in both.
public enum ShownText {
    /// What happens to a line break (newline, carriage return, tab, vertical tab, form feed).
    public enum LineBreaks: Sendable {
        /// Each run of breaks becomes one space: a table cell or title has a single line.
        case space
        /// Newline and tab stay (a message has lines of its own: a formula under its caret, a list of columns);
        /// a carriage return, vertical tab or form feed is dropped, as other controls are (a carriage return would
        /// let the text after it overwrite the start of the line on a terminal).
        case keep
    }

    /// The longest category label a human table shows whole (`shortened`).
    public static let longestLabel = 60

    /// `text` cut to `limit` characters with "…" when longer: a free-text column's 400-character answer made the
    /// `describe` table hundreds of characters wide (session 21). Only human tables shorten; JSON and CSV keep the text.
    public static func shortened(_ text: String, to limit: Int = longestLabel) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// `text` without controls and bidirectional controls, its line breaks handled as `lineBreaks` says.
    public static func cleaned(_ text: String, lineBreaks: LineBreaks) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || BidiControls.contains($0) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasBreak = false
        for scalar in text.unicodeScalars {
            let isBreak = scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == "\u{0B}" || scalar == "\u{0C}"
            switch lineBreaks {
            case .space where isBreak:
                if !previousWasBreak { out.unicodeScalars.append(" ") }
                previousWasBreak = true
                continue
            case .keep where scalar == "\n" || scalar == "\t":
                out.unicodeScalars.append(scalar)
                continue
            default:
                break
            }
            if isControl(scalar) || BidiControls.contains(scalar) { continue }
            out.unicodeScalars.append(scalar)
            previousWasBreak = false
        }
        return out
    }

    /// C0 controls, DEL and C1 controls (U+0080–U+009F: U+009B is a one-character CSI to some terminals).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
