/// Levels that are one word written in different capitals ('North' and 'north', 'Yes' and 'yes'): a model or a test
/// treats them as different groups, which is almost never what the data meant (spaces around a level are already
/// trimmed by the reader).
public enum LevelSpellings {
    /// The levels that share their lower-case form with another level, in the order given; empty when none do.
    public static func caseVariants(_ levels: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for level in levels { counts[level.lowercased(), default: 0] += 1 }
        return levels.filter { (counts[$0.lowercased()] ?? 0) > 1 }
    }

    /// What a message adds for such levels: counts only, so that it is safe for any column (the levels themselves
    /// are named where the output lists them: the coefficients, a refusal's level list).
    public static func caseVariantsClause(_ variants: [String]) -> String {
        let words = Set(variants.map { $0.lowercased() }).count
        return "\(variants.count) of its levels are \(words == 1 ? "one word" : "\(words) words") in different capitals "
            + "(as 'North' and 'north')"
    }
}
