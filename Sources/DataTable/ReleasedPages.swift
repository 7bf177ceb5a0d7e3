#if canImport(Glibc)
import Glibc
#endif

/// Hands a large buffer's pages back to the kernel just before the buffer is dropped. The
/// `alliance` executable raises malloc's mmap and trim thresholds, so a freed column stays resident
/// until reused; the two-thread parse frees the second half's codes, missing flags and overflowing numbers once
/// they are joined (its numbers are written in place, `ColumnBuilder.shareNumbers`).
/// Only whole pages inside the elements are released (malloc's own bookkeeping lies outside them),
/// and they read back as zeros if malloc hands them out again. Elsewhere it only drops the buffer.
enum ReleasedPages {
    static func release<T>(_ array: inout [T]) {
        #if os(Linux)
        let bytes = array.capacity * MemoryLayout<T>.stride
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        if page > 0 && bytes >= 4 * page {
            array.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress,
                      let (region, length) = alignedInterior(UnsafeMutableRawPointer(base), byteCount: bytes, alignment: page)
                else { return }
                _ = madvise(region, length, Int32(MADV_DONTNEED))
            }
        }
        #endif
        array = []
    }
}
