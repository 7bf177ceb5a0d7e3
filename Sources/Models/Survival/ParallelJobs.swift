import Dispatch

/// A few independent jobs of the survival code run on their own threads (the concordance's two rank halves, the
/// two sorts of (start, stop] data). Each job writes only its own output, so the results do not depend on the
/// cores; with one job (small data) it runs on the calling thread.
enum ParallelJobs {
    static func run(_ count: Int, _ body: (Int) -> Void) {
        if count == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            let job = Job(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { job.body($0) }
        }
    }

    private struct Job: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
