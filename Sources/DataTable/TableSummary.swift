import Dispatch

/// Every column's summary, in column order. A large table's columns are summarised on two threads
/// (each summary is independent and deterministic, so the result is the same either way).
public func summarize(_ table: Table) -> [ColumnSummary] {
    table.mapColumns { summarize($0) }
}

extension Table {
    /// `transform` applied to every column, in column order. For a large table the columns are spread over
    /// the cores; `transform` must be independent per column and deterministic, so the result is the same.
    public func mapColumns<T>(_ transform: @Sendable (Column) -> T) -> [T] {
        guard rowCount >= 1 << 16 && columns.count > 1 else { return columns.map(transform) }
        let slots = UnsafeMutablePointer<T?>.allocate(capacity: columns.count)
        slots.initialize(repeating: nil, count: columns.count)
        defer { slots.deinitialize(count: columns.count); slots.deallocate() }
        // Threads take columns in this order: likely-costly ones first, so that no costly column is left
        // for last while the other thread idles. Only the schedule depends on it, never a result.
        let order = columns.indices.sorted { a, b in
            let (ca, cb) = (Table.likelyCost(columns[a]), Table.likelyCost(columns[b]))
            return ca != cb ? ca > cb : a < b
        }
        withoutActuallyEscaping(transform) { transform in
            let work = ColumnWork(columns: columns, order: order, slots: slots, transform: transform)
            DispatchQueue.concurrentPerform(iterations: columns.count) { k in work.run(k) }
        }
        return (0..<columns.count).map { j in slots[j] ?? transform(columns[j]) }
    }
}

extension Table {
    /// A rough rank of how costly a column is to scan or summarise: columns of many distinct texts, then
    /// numbers with fractions (sorted for the median), then other text columns (every code counted, every level
    /// read), then small integers (counted). Cheap columns last, so that they fill the end of the other thread's
    /// work: with the text columns last, one thread counted the codes of two of them while the other idled (LMM a).
    static func likelyCost(_ column: Column) -> Int {
        switch column.data {
        case .categorical(let c):
            return c.levels.count > 1 << 12 ? 3 : 1
        case .numeric(let c):
            // A peek at the first values: fractions mean the column will be sorted.
            let peek = min(c.values.count, 64)
            return (0..<peek).contains { !c.missing[$0] && c.values[$0] != c.values[$0].rounded(.towardZero) } ? 2 : 0
        }
    }
}

/// The columns and one result slot per column; each thread writes only the slots of its columns,
/// and the caller reads them after all are done.
private struct ColumnWork<T>: @unchecked Sendable {
    let columns: [Column]
    let order: [Int]
    let slots: UnsafeMutablePointer<T?>
    let transform: (Column) -> T

    func run(_ k: Int) {
        let j = order[k]
        slots[j] = transform(columns[j])
    }
}
