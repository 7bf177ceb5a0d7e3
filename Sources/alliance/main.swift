import Commands
#if canImport(Glibc)
import CMalloc

// Large column and design buffers would otherwise be mmapped and returned to the kernel on every free, so each
// IRLS pass page-faults fresh memory; serving them from the heap and keeping freed memory for reuse halves the
// kernel time of a 1,000,000-row logit fit at the same peak memory (Benchmarks/RESULTS.md).
mallopt(M_MMAP_THRESHOLD, 1 << 30)
mallopt(M_TRIM_THRESHOLD, 1 << 30)
#endif

AllianceCLI.main()
