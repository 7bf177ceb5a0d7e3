import CLapack

/// What BLAS is linked and how many threads it uses: recorded in run manifests.
/// OpenBLAS reads `OPENBLAS_NUM_THREADS` itself at load; we never override it unless asked.
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

    /// Used when alliance parallelises itself (bootstrap, per-group work): BLAS then runs single-threaded.
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
