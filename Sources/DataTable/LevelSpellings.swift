/// Levels that are one word written in different capitals ('North' and 'north', 'Yes' and 'yes'): a model or a test
/// treats them as different groups, which is almost never what the data meant (spaces around a level are already
/// trimmed by the reader).
public enum LevelSpellings {
    /// The levels that share their lower-case form with another level, in the order given; empty when none do.
    /// Only a level with a capital (or a non-ASCII byte) can differ from its lower-case form, so only those are
    /// lowered: a grouping column of a million client codes (`c000123`) is scanned byte by byte, not case-mapped.
    public static func caseVariants(_ levels: [String]) -> [String] {
        func mayHaveCapitals(_ level: String) -> Bool { level.utf8.contains { (65...90).contains($0) || $0 >= 0x80 } }
        // Each level's lower-case form where it differs from the level (nil for the rest), lowered once.
        let lowered: [String?] = levels.map { level in
            guard mayHaveCapitals(level) else { return nil }
            let lower = level.lowercased()
            return lower == level ? nil : lower
        }
        var folded: [String: Int] = [:]   // lower-case form → how many capitalised levels have it
        for case let lower? in lowered { folded[lower, default: 0] += 1 }
        guard !folded.isEmpty else { return [] }
        let present = Set(levels)
        return zip(levels, lowered).compactMap { level, lower in
            if let lower {
                return (folded[lower] ?? 0) > 1 || present.contains(lower) ? level : nil
            }
            return folded[level] != nil ? level : nil   // a lower-case level some capitalised level lowers to
        }
    }

    /// What a message adds for such levels: counts, then `named` (the levels as the caller may quote them) or, without
    /// it, an example of the kind, so that it is safe for any column.
    public static func caseVariantsClause(_ variants: [String], named: String? = nil) -> String {
        let words = Set(variants.map { $0.lowercased() }).count
        return "\(variants.count) of its levels are \(words == 1 ? "one word" : "\(words) words") in different capitals "
            + "(\(named ?? "as 'North' and 'north'"))"
    }
}
