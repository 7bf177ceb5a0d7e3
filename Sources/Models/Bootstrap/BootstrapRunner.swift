import Dispatch
import Distributions
import Foundation
import LinearAlgebra

/// The replicates of a bootstrap: `statistics` values per resample, resample-major, NaN where a resample failed.
public struct BootstrapReplicates: Sendable, Equatable {
    public let resamples: Int
    public let statistics: Int
    /// values[i · statistics + s]: statistic s in resample i.
    public let values: [Double]
    /// Resamples whose fit failed (e.g. a binary predictor constant in the resample); their values are NaN.
    public let failures: Int

    /// Statistic s over every resample, in resample order (failed resamples NaN).
    public func column(_ s: Int) -> [Double] {
        (0..<resamples).map { values[$0 * statistics + s] }
    }
}

/// Runs resamples in parallel from independent seeded streams: resample i always draws from
/// `SeededGenerator.stream(i, seed:)`, and the resamples are split over the workers in contiguous ranges, so
/// the replicates are the same bytes on one core or many (DESIGN.md §3). BLAS is kept single-threaded inside.
///
/// Each worker owns a state made by `makeWorker` (scratch buffers, a copy of a factor) and fills the
/// statistics of its resamples; a resample that cannot be computed returns false and is counted as a failure,
/// never silently dropped.
public enum BootstrapRunner {
    /// Calls `progress(done)` (from any thread, serialised) about every 1% of the resamples.
    public static func run<Worker>(
        resamples: Int, statistics: Int, seed: UInt64, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int) -> Void)? = nil,
        makeWorker: @escaping @Sendable () -> Worker,
        resample: @escaping @Sendable (inout Worker, Int, inout SeededGenerator, UnsafeMutableBufferPointer<Double>) -> Bool
    ) -> BootstrapReplicates {
        let count = max(resamples, 0)
        let width = max(statistics, 0)
        let slots = UnsafeMutablePointer<Double>.allocate(capacity: max(count * width, 1))
        slots.initialize(repeating: .nan, count: max(count * width, 1))
        defer { slots.deallocate() }
        let ok = UnsafeMutablePointer<Bool>.allocate(capacity: max(count, 1))
        ok.initialize(repeating: false, count: max(count, 1))
        defer { ok.deallocate() }
        let parts = max(1, min(workers, count))
        let ranges = (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
        let counter = ProgressCounter(total: count, report: progress)
        let job = Job(slots: slots, ok: ok) { range in
            var worker = makeWorker()
            var streams = SeededGenerator.streams(seed: seed, indices: range)
            for (offset, i) in range.enumerated() {
                let out = UnsafeMutableBufferPointer(start: slots + i * width, count: width)
                if resample(&worker, i, &streams[offset], out) {
                    ok[i] = out.allSatisfy(\.isFinite)
                }
                if !ok[i] { for s in 0..<width { out[s] = .nan } }
                counter.add(1)
            }
        }
        BLASConfiguration.applyThreadPolicy()
        if parts == 1 {
            job.run(ranges[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { k in job.run(ranges[k]) }
        }
        let values = Array(UnsafeBufferPointer(start: slots, count: count * width))
        let failures = (0..<count).reduce(0) { $0 + (ok[$1] ? 0 : 1) }
        return BootstrapReplicates(resamples: count, statistics: width, values: values, failures: failures)
    }
}

/// One contiguous range of resamples per call; ranges are disjoint, so the slots they write are too.
private struct Job: @unchecked Sendable {
    let slots: UnsafeMutablePointer<Double>
    let ok: UnsafeMutablePointer<Bool>
    let body: (Range<Int>) -> Void

    func run(_ range: Range<Int>) { body(range) }
}

/// Resamples done so far, reported about every 1% (the report closure runs under the lock, so lines never interleave).
private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let step: Int
    private let total: Int
    private let report: (@Sendable (Int) -> Void)?

    init(total: Int, report: (@Sendable (Int) -> Void)?) {
        self.total = total
        self.step = max(total / 100, 1)
        self.report = report
    }

    func add(_ k: Int) {
        guard let report else { return }
        lock.lock()
        defer { lock.unlock() }
        let before = done
        done += k
        if done / step != before / step || done == total { report(done) }
    }
}
