#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large buffer with transparent huge pages (Linux, when THP is in
/// `madvise` mode): one page fault per 2 MiB instead of one per 4 KiB as a column fills. Purely
/// advisory: contents and semantics are unchanged; elsewhere it does nothing.
enum HugePages {
    static let size = 2 << 20

    /// Advises the 2 MiB-aligned part of `byteCount` bytes at `start`; call before touching them.
    static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        guard byteCount >= 2 * size, let (region, length) = alignedInterior(start, byteCount: byteCount, alignment: size)
        else { return }
        _ = madvise(region, length, Int32(MADV_HUGEPAGE))
        #endif
    }

    /// Advises the whole capacity of an array's storage (including elements not yet appended).
    static func advise<T>(_ array: inout [T]) {
        let bytes = array.capacity * MemoryLayout<T>.stride
        array.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { advise(UnsafeMutableRawPointer(base), byteCount: bytes) }
        }
    }
}

/// The largest part of `byteCount` bytes at `start` that begins and ends on a multiple of `alignment` (what
/// `madvise` may be given without touching the bytes around the buffer), or nil when there is none.
func alignedInterior(_ start: UnsafeMutableRawPointer, byteCount: Int, alignment: Int) -> (UnsafeMutableRawPointer, Int)? {
    let address = Int(bitPattern: start)
    let first = (address + alignment - 1) / alignment * alignment
    let last = (address + byteCount) / alignment * alignment
    guard last > first, let region = UnsafeMutableRawPointer(bitPattern: first) else { return nil }
    return (region, last - first)
}
