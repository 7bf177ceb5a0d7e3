import DataTable

extension ScoreResult {
    /// The distribution of each score column a key defines, the total and its `subscaleCount` subscales (not
    /// severity, flags or alerts), summarised as `describe` summarises a column.
    public func scoreDistributions(subscaleCount: Int) -> [(name: String, summary: NumericSummary)] {
        newColumns.prefix(1 + subscaleCount).compactMap { column in
            column.numeric.map { (column.name, summarize($0)) }
        }
    }
}
