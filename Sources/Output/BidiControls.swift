/// Unicode's bidirectional formatting characters (U+202E RIGHT-TO-LEFT OVERRIDE and its kin): invisible, they
/// reorder the text around them, so a label pasted with one can show `1.0` as `0.1` or a name back to front in a
/// report. Every renderer drops them, as it drops control characters.
public enum BidiControls {
    /// U+061C ARABIC LETTER MARK, U+200E/U+200F (LRM, RLM), U+202A–U+202E (embeddings and overrides), U+2066–U+2069
    /// (isolates).
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` without them.
    public static func stripped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: contains) else { return text }
        var out = ""
        out.unicodeScalars.append(contentsOf: text.unicodeScalars.lazy.filter { !contains($0) })
        return out
    }
}
