import DataTable

/// Finds an instrument's item columns from a prefix: `P1…Pk` or `P_1…P_k` (exact names).
/// Exactly one of the two patterns must be complete in the table.
public func resolveItems(prefix: String, count: Int, in table: Table) throws(ScoringError) -> [String] {
    guard count >= 1 else { return [] }
    let plain = (1...count).map { "\(prefix)\($0)" }
    let underscored = (1...count).map { "\(prefix)_\($0)" }
    let plainFound = plain.filter { table.column(named: $0) != nil }
    let underscoredFound = underscored.filter { table.column(named: $0) != nil }
    let plainComplete = plainFound.count == count
    let underscoredComplete = underscoredFound.count == count && plain != underscored
    switch (plainComplete, underscoredComplete) {
    case (true, false): return plain
    case (false, true): return underscored
    case (true, true): throw .ambiguousPrefix(prefix: prefix, candidates: [plain[0], underscored[0]])
    case (false, false):
        // Report the pattern that came closer, so the message names the columns actually absent.
        let best = underscoredFound.count > plainFound.count ? underscored : plain
        let missing = best.filter { table.column(named: $0) == nil }
        throw .itemsNotFound(prefix: prefix, expected: count, missing: missing)
    }
}

/// Checks explicitly listed item columns against a key: each present and listed once (a misspelt name is named first,
/// whatever the count), the right number, each numeric.
public func checkItems(_ items: [String], for key: ScoringKey, in table: Table) throws(ScoringError) {
    var seen = Set<String>()
    for name in items {
        guard seen.insert(name).inserted else { throw .duplicateItem(name) }
        guard table.column(named: name) != nil else {
            throw .unknownColumn(name, suggestions: table.nearestNames(to: name))
        }
    }
    guard items.count == key.items else {
        throw .wrongItemCount(instrument: key.id, expected: key.items, given: items.count)
    }
    for name in items where table.column(named: name)?.numericValues == nil { throw .nonNumericItem(name) }
}
