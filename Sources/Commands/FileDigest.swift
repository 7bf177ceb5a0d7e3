import Foundation
import DataTable

/// SHA-256 of an input, for provenance (the JSON `data` object, audit records, manifests). For a file it is
/// computed on a thread of its own, in 256 KiB steps, and between steps it waits while compute threads hold every
/// core (`ComputeThreads`: the parse's halves, `ParallelJobs`), so it fills only the moments the run leaves a core
/// free. The thread also runs at idle priority (Linux `SCHED_IDLE`) for the one-thread stretches between parallel
/// parts. It is awaited where provenance is written; a caller that waits lets it run on without pausing, at normal
/// priority, since nothing else is then using the waiter's core. (At idle priority alone, the kernel left it on a
/// core for 4–8 ms slices while both compute threads time-shared the other; hashed alongside the parse at normal
/// priority, it made one parse half finish ≈ 80 ms after the other on the Cox benchmark file.)
final class FileDigest: @unchecked Sendable {
    /// The input's size in bytes, known at once.
    let byteCount: Int
    private let condition = NSCondition()
    private var result: Result<String, CLIError>?
    /// The hashing thread once it runs (for lifting its priority), and whether a caller is waiting.
    private var hashingThread: pthread_t?
    private var awaited = false
    /// Pauses the hash while the computation holds every core.
    private let background = ComputeThreads.Background()
    /// The open file, for a digest computed on demand (`inBackground: false`) and not yet asked for.
    private var deferred: (fd: Int32, path: String, size: Int)?

    /// The digest of bytes already in memory (standard input, a side input), computed now.
    init(bytes: [UInt8]) {
        byteCount = bytes.count
        result = .success(SHA256.hex(of: bytes))
    }

    /// Opens the regular file at `path` now (so an unreadable file is an error here, exit 66) and hashes it in the
    /// background, or with `inBackground: false` when `sha256()` is first called. (Pipes and standard input are read
    /// into memory first and take `init(bytes:)`.)
    init(path: String, inBackground: Bool = true) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CLIError(.noInput, "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw CLIError(.noInput, "cannot read '\(path)': \(message)")
        }
        let size = Int(info.st_size)
        byteCount = size
        guard inBackground else {
            deferred = (fd, path, size)
            background.hurry()
            return
        }
        let thread = Thread { [self] in
            defer { close(fd) }
            startIdle()
            let hashed = FileDigest.hash(fd, path: path, size: size, pausing: background)
            condition.lock()
            result = hashed
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    deinit {
        if let deferred { close(deferred.fd) }
    }

    /// The hex digest, waiting for it (or computing it, if deferred) if need be.
    func sha256() throws -> String {
        condition.lock()
        defer { condition.unlock() }
        if let (fd, path, size) = deferred {
            deferred = nil
            result = FileDigest.hash(fd, path: path, size: size, pausing: background)
            close(fd)
        }
        while true {
            if let result { return try result.get() }
            if !awaited {
                awaited = true
                background.hurry()
                if let tid = hashingThread { Self.setPriority(of: tid, idle: false) }
            }
            condition.wait()
        }
    }

    /// Drops the calling (hashing) thread to idle priority, unless a caller is already waiting for it.
    private func startIdle() {
        condition.lock()
        defer { condition.unlock() }
        let thread = pthread_self()
        hashingThread = thread
        if !awaited { Self.setPriority(of: thread, idle: true) }
    }

    /// `SCHED_IDLE` (5 in Linux's sched.h; Glibc's module does not export the name) or back to `SCHED_OTHER`.
    private static func setPriority(of thread: pthread_t, idle: Bool) {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = pthread_setschedparam(thread, idle ? 5 : Int32(SCHED_OTHER), &parameters)
        #endif
    }

    /// Hashes the open file straight from the page cache through a read-only mapping (no copy into a buffer); if
    /// the mapping fails, in reads. `background.pause()` comes between steps of `step` bytes (≈ 0.15 ms each).
    static func hash(_ fd: Int32, path: String, size: Int, pausing background: ComputeThreads.Background,
                     step: Int = 256 << 10) -> Result<String, CLIError> {
        var hasher = SHA256()
        if size > 0,
           let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
            defer { munmap(mapped, size) }
            _ = madvise(mapped, size, Int32(MADV_SEQUENTIAL))
            // Hashed pages are dropped from this mapping as it goes (they stay in the page cache), so they do not
            // add up in the process's resident memory next to the parse.
            let release = 4 << 20
            var offset = 0
            var released = 0
            while offset < size {
                background.pause()
                let count = min(step, size - offset)
                hasher.update(raw: UnsafeRawBufferPointer(start: mapped + offset, count: count))
                offset += count
                if offset - released >= release || offset == size {
                    _ = madvise(mapped + released, offset - released, Int32(MADV_DONTNEED))
                    released = offset
                }
            }
            return .success(SHA256.hexString(hasher.finalize()))
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: step, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            background.pause()
            let n = read(fd, buffer.baseAddress, step)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(CLIError(.noInput, "cannot read '\(path)': \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            hasher.update(raw: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return .success(SHA256.hexString(hasher.finalize()))
    }
}
