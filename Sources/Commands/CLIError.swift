/// Every failure a command reports, with the sysexits.h status DESIGN.md §5 promises.
/// Messages name the file (and line/column where it applies) and say what to do.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Int32, Sendable {
        case usage = 64          // EX_USAGE: bad flags or arguments
        case data = 65           // EX_DATAERR: malformed CSV, identifiers found, a model that cannot be fitted
        case noInput = 66        // EX_NOINPUT: input file missing or unreadable
        case cannotCreate = 73   // EX_CANTCREAT: output cannot be created
        case ioError = 74        // EX_IOERR: output cannot be written
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var exitCode: Int32 { kind.rawValue }

    /// EX_SOFTWARE: the status for an error no command translated into a `CLIError` (a bug to report).
    public static let internalErrorExitCode: Int32 = 70
    public var description: String { message }

    public static func usage(_ m: String) -> CLIError { CLIError(.usage, m) }
    public static func data(_ m: String) -> CLIError { CLIError(.data, m) }
}
