import CLapack

/// What BLAS is linked and how many threads it uses: recorded in run manifests.
///
/// Thread policy (DESIGN.md §3): alliance runs its own parallel work (the two row halves of a fit, the
/// two-core CSV parse, per-column summaries), so BLAS runs single-threaded, set by the tool itself. Left to
/// itself, OpenBLAS starts one thread per core inside every call made from those halves and the threads fight
/// over the same two cores: a 1,000,000-row logit took 1.65–1.96 s instead of 0.71–0.74 s (issue 11). The
/// policy overrides `OPENBLAS_NUM_THREADS`, so a user who exports nothing gets the fast path and one who
/// exported it gets the same bytes. Every large problem is split into row blocks by the tool, so no single
/// BLAS call is big enough to gain from BLAS threads; results never depend on the number of cores.
public enum BLASConfiguration {
    /// OpenBLAS's build configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var description: String {
        guard let c = openblas_get_config() else { return "OpenBLAS (configuration unavailable)" }
        return String(cString: c).trimmingCharacters(in: " ")
    }

    /// The kernel OpenBLAS chose at load (`openblas_get_corename()`, e.g. "Zen", "Haswell", "Prescott"): a
    /// DYNAMIC_ARCH build picks it from the CPU, or from `OPENBLAS_CORETYPE` when that is set. Results can differ
    /// in their last bits between kernels (docs/reproducibility.md).
    public static var coreName: String {
        guard let c = openblas_get_corename() else { return "unknown" }
        return String(cString: c).trimmingCharacters(in: " ")
    }

    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// The number of BLAS threads the policy sets.
    public static let policyThreadCount = 1

    /// Applies the thread policy once per process; later calls cost a load. Called wherever the tool starts
    /// work (each command's run context) and wherever it starts parallel work of its own (row halves).
    public static func applyThreadPolicy() {
        _ = policyApplied
    }

    private static let policyApplied: Bool = {
        openblas_set_num_threads(Int32(policyThreadCount))
        // OpenBLAS started its worker threads when it loaded, and an idle worker spins on sched_yield for about
        // 0.1 s before it sleeps: on two cores that took ≈ 40 ms of CPU from the CSV parse at every start. With one
        // BLAS thread they have nothing to do, so they are ended (OpenBLAS starts them again on a threaded call after
        // `setThreadCount(2)`: checked by hand on a 512 × 512 dgemm, same product; not a suite test, since it would
        // change the process-wide setting while other suites run).
        _ = blas_thread_shutdown_()
        return true
    }()

    /// Sets the BLAS thread count explicitly (tests of the policy; a caller that runs one large factorisation
    /// while nothing else runs).
    public static func setThreadCount(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
