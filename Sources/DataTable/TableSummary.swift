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
        withoutActuallyEscaping(transform) { transform in
            let work = ColumnWork(columns: columns, slots: slots, transform: transform)
            DispatchQueue.concurrentPerform(iterations: columns.count) { j in work.run(j) }
        }
        return (0..<columns.count).map { j in slots[j] ?? transform(columns[j]) }
    }
}

/// The columns and one result slot per column; each thread writes only the slots of its columns,
/// and the caller reads them after all are done.
private struct ColumnWork<T>: @unchecked Sendable {
    let columns: [Column]
    let slots: UnsafeMutablePointer<T?>
    let transform: (Column) -> T

    func run(_ j: Int) { slots[j] = transform(columns[j]) }
}
