import LinearAlgebra

/// The rows of a large problem split in two halves that are processed concurrently and then combined in
/// order. The split depends only on the row count, so results are the same bytes on any machine (with
/// one core the halves simply run one after the other).
struct RowParts {
    let ranges: [Range<Int>]

    /// Problems with at least this many rows are split (below it a second thread costs more than it saves).
    /// A task-local so that tests can run small reference problems through the split path.
    @TaskLocal static var minimumRowsToSplit = 1 << 17

    init(rows: Int) {
        ranges = rows >= RowParts.minimumRowsToSplit && rows >= 2 ? [0..<(rows / 2), (rows / 2)..<rows] : [0..<rows]
    }

    /// Runs `body` for every part (concurrently when there are several); rethrows the first part's error.
    func run(_ body: (_ part: Int, _ range: Range<Int>) throws(ModelError) -> Void) throws(ModelError) {
        let failures = UnsafeMutablePointer<ModelError?>.allocate(capacity: ranges.count)
        failures.initialize(repeating: nil, count: ranges.count)
        defer { failures.deinitialize(count: ranges.count); failures.deallocate() }
        let slots = FailureSlots(failures)
        let ranges = ranges
        ParallelJobs.run(ranges.count) { k in
            do throws(ModelError) { try body(k, ranges[k]) } catch { slots.pointer[k] = error }
        }
        for k in ranges.indices { if let failure = failures[k] { throw failure } }
    }

    func run(_ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        let nothrow: (Int, Range<Int>) throws(ModelError) -> Void = { k, range in body(k, range) }
        try? run(nothrow)
    }

    /// Σ term(i) over all rows: each part summed in row order, the parts' sums added in part order, so the
    /// result depends on the row count only, not on the cores (a fit's log-likelihood, a null deviance).
    func sum(_ term: (Int) -> Double) -> Double {
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: ranges.count)
        sums.initialize(repeating: 0, count: ranges.count)
        defer { sums.deallocate() }
        let out = SharedPointers(sums, sums)
        run { k, range in
            var s = 0.0
            for i in range { s += term(i) }
            out.first[k] = s
        }
        var total = 0.0
        for k in ranges.indices { total += sums[k] }
        return total
    }
}

/// The parts' error slots: each thread writes only its own part's slot.
private struct FailureSlots: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<ModelError?>
    init(_ pointer: UnsafeMutablePointer<ModelError?>) { self.pointer = pointer }
}

/// Two output buffers shared by parts that write disjoint rows of them.
struct SharedPointers: @unchecked Sendable {
    let first: UnsafeMutablePointer<Double>
    let second: UnsafeMutablePointer<Double>

    init(_ first: UnsafeMutablePointer<Double>, _ second: UnsafeMutablePointer<Double>) {
        self.first = first
        self.second = second
    }
}
