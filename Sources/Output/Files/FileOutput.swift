#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writes that never overwrite an input.
public enum FileOutput {
    /// Writes `bytes` to `path` atomically: a temporary file in the same directory is written, flushed
    /// to disk and renamed over `path`, so readers see either the old file or the complete new one.
    ///
    /// Refuses when `path` is the same file as any of `inputs`, compared by resolved real path and by
    /// device and inode (so symbolic links, hard links and `dir/../file` spellings are all caught).
    /// Inputs that do not exist (or `-`, standard input) are ignored. A symbolic link at `path` is
    /// replaced by a regular file rather than written through. New files get mode 0666 minus the umask;
    /// an existing file's permission bits are kept.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, refusing inputs: [String]) throws(OutputError) {
        let directory = parentDirectory(of: path)
        var directoryStatus = stat()
        guard stat(directory, &directoryStatus) == 0, (directoryStatus.st_mode & S_IFMT) == S_IFDIR else {
            throw .directoryMissing(directory: directory, destination: path)
        }

        var destinationStatus = stat()
        let destinationExists = stat(path, &destinationStatus) == 0
        if destinationExists && (destinationStatus.st_mode & S_IFMT) == S_IFDIR {
            throw .destinationIsDirectory(path)
        }
        let resolvedDestination = resolvedPath(path)
        for input in inputs where input != "-" {
            var inputStatus = stat()
            guard stat(input, &inputStatus) == 0 else { continue }
            let sameInode = destinationExists
                && inputStatus.st_dev == destinationStatus.st_dev && inputStatus.st_ino == destinationStatus.st_ino
            let samePath = resolvedDestination != nil && resolvedDestination == resolvedPath(input)
            if sameInode || samePath {
                throw .wouldOverwriteInput(destination: path, input: input)
            }
        }

        let (descriptor, temporaryPath) = try createTemporaryFile(in: directory, for: path)
        do throws(OutputError) {
            if destinationExists {
                _ = fchmod(descriptor, destinationStatus.st_mode & 0o7777)
            }
            try writeAll(bytes, to: descriptor, path: path)
            if fsync(descriptor) != 0 {
                throw OutputError.writeFailed(path: path, reason: "flushing to disk: " + errnoText())
            }
            if close(descriptor) != 0 {
                throw OutputError.writeFailed(path: path, reason: "closing: " + errnoText())
            }
        } catch {
            _ = close(descriptor)
            _ = unlink(temporaryPath)
            throw error
        }
        if rename(temporaryPath, path) != 0 {
            let reason = errnoText()
            _ = unlink(temporaryPath)
            throw .writeFailed(path: path, reason: "renaming the temporary file into place: " + reason)
        }
        // Make the rename itself durable; a failure here cannot undo the write, so it is not reported.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            _ = close(directoryDescriptor)
        }
    }

    /// Writes `text` as UTF-8; see `writeAtomically(_:to:refusing:)` for the guarantees.
    public static func writeAtomically(_ text: String, to path: String, refusing inputs: [String]) throws(OutputError) {
        try writeAtomically(Array(text.utf8), to: path, refusing: inputs)
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The canonical absolute path of `path`, resolving the directory when the file does not exist yet.
    static func resolvedPath(_ path: String) -> String? {
        if let real = realPath(path) { return real }
        let directory = parentDirectory(of: path)
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        guard let realDirectory = realPath(directory) else { return nil }
        return realDirectory == "/" ? "/" + name : realDirectory + "/" + name
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func createTemporaryFile(in directory: String, for path: String) throws(OutputError) -> (Int32, String) {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        var lastError = ""
        for _ in 0..<16 {
            // The name only has to be unique; it never reaches the output bytes.
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let candidate = (directory == "/" ? "" : directory) + "/." + name + ".tmp-" + suffix
            let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, candidate) }
            lastError = errnoText()
            if errno != EEXIST { break }
        }
        throw .cannotCreate(path: path, reason: lastError)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(descriptor, base + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: errnoText())
            }
            offset += written
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
