/// Summaries of the numeric columns of a table within each level of a grouping factor (`describe --by`).
public struct GroupedSummary: Sendable, Equatable {
    /// The factor's levels, in its level order.
    public let levels: [String]
    /// Rows in each level.
    public let sizes: [Int]
    /// Rows whose grouping value is missing (in no group).
    public let missingGroup: Int
    /// The numeric columns summarised, in table order.
    public let columns: [String]
    /// `summaries[g][j]`: column `columns[j]` within level `g`.
    public let summaries: [[NumericSummary]]
}

/// Every numeric column of `table` except those in `excluding` (the grouping column itself), summarised within
/// each level of `factor` by the same algorithm as a whole column.
public func summarize(_ table: Table, by factor: GroupingFactor, excluding: Set<String> = []) -> GroupedSummary {
    // Rows of each group in one pass (a group column can have a level per row).
    let rowsOfGroup = factor.rowsByLevel()
    let numeric = table.columns.filter { !excluding.contains($0.name) }.compactMap { c in c.numeric.map { (c.name, $0) } }
    let summaries = rowsOfGroup.map { rows in
        numeric.map { _, column in
            summarize(NumericColumn(values: rows.map { column.values[$0] }, missing: rows.map { column.missing[$0] }))
        }
    }
    return GroupedSummary(levels: factor.levels, sizes: rowsOfGroup.map(\.count), missingGroup: factor.missingCount,
                          columns: numeric.map(\.0), summaries: summaries)
}
