import Dispatch

/// Every column's summary, in column order. A large table's columns are summarised on two threads
/// (each summary is independent and deterministic, so the result is the same either way).
public func summarize(_ table: Table) -> [ColumnSummary] {
    let columns = table.columns
    guard table.rowCount >= 1 << 16 && columns.count > 1 else { return columns.map { summarize($0) } }
    let slots = UnsafeMutablePointer<ColumnSummary?>.allocate(capacity: columns.count)
    slots.initialize(repeating: nil, count: columns.count)
    defer { slots.deinitialize(count: columns.count); slots.deallocate() }
    let work = SummaryWork(columns: columns, slots: slots)
    DispatchQueue.concurrentPerform(iterations: columns.count) { j in work.run(j) }
    return (0..<columns.count).map { j in slots[j] ?? summarize(columns[j]) }
}

/// The columns and one result slot per column; each thread writes only the slots of its columns,
/// and the caller reads them after all are done.
private struct SummaryWork: @unchecked Sendable {
    let columns: [Column]
    let slots: UnsafeMutablePointer<ColumnSummary?>

    func run(_ j: Int) { slots[j] = summarize(columns[j]) }
}
