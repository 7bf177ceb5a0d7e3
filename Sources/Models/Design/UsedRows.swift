import DataTable

/// The rows a model frame uses, ascending: the indices listwise deletion kept, or every row of the table held as its
/// count alone. Most fits drop no row, and an index per row was 8 bytes a row of fresh memory (≈ 4 ms for a million
/// rows) plus a pass over it wherever a column was taken on the rows, to find that they were every row.
struct UsedRows: RandomAccessCollection, Sendable {
    /// The kept indices when some row was dropped; nil when every row 0..<count is used.
    let kept: [Int]?
    let count: Int

    /// `indices` ascending without repeats, of a table of `rowCount` rows.
    init(_ indices: [Int], of rowCount: Int) {
        kept = indices.count == rowCount ? nil : indices
        count = indices.count
    }

    /// Every row of a table of `rowCount` rows.
    init(all rowCount: Int) {
        kept = nil
        count = rowCount
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(position: Int) -> Int { kept?[position] ?? position }

    /// The indices as an array (made here when every row is used).
    var array: [Int] { kept ?? Array(0..<count) }

    /// A column's values on these rows: its own storage, shared, when every row is used.
    func gather<T>(_ values: [T]) -> [T] {
        guard let kept else { return values }
        return kept.map { values[$0] }
    }

    /// The column on these rows, as `Column.subset(rows:)` makes it.
    func subset(_ column: Column) -> Column {
        guard let kept else { return Column(name: column.name, data: column.data, metadata: column.metadata.subset) }
        return column.subset(rows: kept)
    }
}
