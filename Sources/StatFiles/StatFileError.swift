/// A statistics-package file that cannot be read or written, naming the file and what to do.
public struct StatFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The path does not exist or cannot be opened (command-line exit status 66).
        case unreadable(String)
        /// The bytes are not a valid file of the format its extension names (exit status 65).
        case malformed(String)
        /// A value the table cannot hold (an infinite number), with column and 1-based row.
        case invalidValue(column: String, row: Int, detail: String)
        /// The table cannot be written in this format (a name, label or value the format does not allow).
        case notWritable(String)
    }

    public let kind: Kind
    public let file: String
    public let format: StatFileFormat

    public init(kind: Kind, file: String, format: StatFileFormat) {
        self.kind = kind
        self.file = file
        self.format = format
    }

    public var description: String {
        switch kind {
        case .unreadable(let reason):
            return "cannot read '\(file)': \(reason); check the path and that it is a readable file"
        case .malformed(let reason):
            return "\(file): not a readable \(format.displayName) file (\(reason)); check that the file is complete "
                + "and that its extension matches its contents (a CSV file must end in .csv)"
        case .invalidValue(let column, let row, let detail):
            return "\(file): row \(row), column '\(column)': \(detail); correct the value or mark it missing"
        case .notWritable(let reason):
            return "cannot write '\(file)' as \(format.displayName): \(reason)"
        }
    }
}
