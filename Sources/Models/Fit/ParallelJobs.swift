import Dispatch
import DataTable
import LinearAlgebra

/// A fixed number of independent jobs run concurrently (one after the other on one core): the row halves of a fit
/// (`RowParts`), the level halves of a mixed model (`LevelHalves`), the concordance's rank halves and the two sorts
/// of (start, stop] data. Each job writes only its own output, so results do not depend on the cores; with one job
/// it runs on the calling thread. Each job counts as a busy compute thread (`ComputeThreads`), which background
/// work (the input's SHA-256) waits for.
enum ParallelJobs {
    static func run(_ count: Int, _ body: (Int) -> Void) {
        // BLAS single-threaded inside the tool's own parallel work (BLASConfiguration's thread policy).
        BLASConfiguration.applyThreadPolicy()
        if count == 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            let job = Job(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { i in ComputeThreads.working { job.body(i) } }
        }
    }

    private struct Job: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
