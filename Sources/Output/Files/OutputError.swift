/// Why an output file could not be written. Each message names the path and says what to do.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The destination resolves to one of the run's input files.
    case wouldOverwriteInput(destination: String, input: String)
    /// The destination is an existing directory.
    case destinationIsDirectory(String)
    /// The destination's directory does not exist.
    case directoryMissing(directory: String, destination: String)
    /// The temporary file could not be created (permissions, read-only file system, …).
    case cannotCreate(path: String, reason: String)
    /// Writing, flushing or renaming failed part-way; the destination is left as it was.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .wouldOverwriteInput(destination, input):
            return "refusing to write '\(destination)': it is the input file '\(input)'; choose a different output path"
        case let .destinationIsDirectory(path):
            return "cannot write '\(path)': it is a directory; give a file name, e.g. '\(path)/result.csv'"
        case let .directoryMissing(directory, destination):
            return "cannot write '\(destination)': directory '\(directory)' does not exist; create it first (mkdir -p '\(directory)')"
        case let .cannotCreate(path, reason):
            return "cannot create '\(path)': \(reason); check that the directory exists and is writable"
        case let .writeFailed(path, reason):
            return "writing '\(path)' failed: \(reason); the previous file, if any, is unchanged"
        }
    }

    /// The sysexits code DESIGN.md §5 assigns: 73 (cannot create output), 74 (I/O error while writing).
    public var exitCode: Int32 {
        switch self {
        case .wouldOverwriteInput, .destinationIsDirectory, .directoryMissing, .cannotCreate: return 73
        case .writeFailed: return 74
        }
    }
}
