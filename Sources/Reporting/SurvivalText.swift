import Output

/// Wording shared by the survival reports.
enum SurvivalText {
    /// `p = .031`, `p < .001` (APA).
    static func p(_ value: Double) -> String {
        let text = NumberFormat.pValue(value)
        return text.hasPrefix("<") || text.hasPrefix(">") ? "p \(text)" : "p = \(text)"
    }

    /// A file-name-safe form of a term for figure names: `site[north]` → `site-north`.
    static func slug(_ term: String) -> String {
        var out = ""
        for ch in term {
            if ch.isLetter || ch.isNumber || ch == "_" { out.append(ch) } else if out.last != "-" { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "term" : out
    }
}
