extension Table {
    /// ` (did you mean 'a', 'b'?)` after an unknown name, or "" when nothing is near: the one wording of the hint
    /// that every "no column named" error, in every module, ends with.
    public static func suggestionHint(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)"
    }

    /// The hint for an unknown column `name`: the nearest column names (`nearestNames(to:)`).
    public func suggestionHint(for name: String) -> String {
        Self.suggestionHint(nearestNames(to: name))
    }
}
