import Dispatch
import Foundation

/// SHA-256 of a file computed on another thread while the caller does other work (the CSV parse), so
/// provenance costs no extra wall time on a machine with a spare core. Reads in 4 MiB chunks: constant memory.
final class FileDigest: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<(sha256: String, byteCount: Int), CLIError> = .failure(CLIError(.noInput, "not hashed"))

    /// Starts hashing `path` in the background.
    init(path: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = FileDigest.hash(path)
            semaphore.signal()
        }
    }

    /// Waits for the digest.
    func wait() throws -> (sha256: String, byteCount: Int) {
        semaphore.wait()
        return try result.get()
    }

    static func hash(_ path: String) -> Result<(sha256: String, byteCount: Int), CLIError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            return .failure(CLIError(.noInput, "cannot read '\(path)': \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var hasher = SHA256()
        // A regular file is hashed straight from the page cache through a read-only mapping (no copy into
        // a buffer); anything else, or a failed mapping, is read in chunks.
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 {
            let size = Int(info.st_size)
            if let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
                defer { munmap(mapped, size) }
                _ = madvise(mapped, size, Int32(MADV_SEQUENTIAL))
                // Hashed pages are dropped from this mapping as it goes (they stay in the page cache), so
                // they do not add up in the process's resident memory next to the parse.
                let chunk = 4 << 20
                var offset = 0
                while offset < size {
                    let count = min(chunk, size - offset)
                    hasher.update(raw: UnsafeRawBufferPointer(start: mapped + offset, count: count))
                    _ = madvise(mapped + offset, count, Int32(MADV_DONTNEED))
                    offset += count
                }
                return .success((SHA256.hexString(hasher.finalize()), size))
            }
        }
        var total = 0
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(CLIError(.noInput, "cannot read '\(path)': \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            hasher.update(raw: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        let hex = SHA256.hexString(hasher.finalize())
        return .success((hex, total))
    }
}
