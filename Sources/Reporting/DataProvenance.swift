import Output

/// Where a result's data came from: the file as the user named it, its SHA-256, the rows read and the columns
/// let through the identifier guard. Commands build one when they load data; every report takes it.
public struct DataProvenance: Sendable, Equatable {
    /// The file as the user gave it (no machine paths in notebook results).
    public let file: String
    public let sha256: String
    /// Rows read.
    public let rows: Int
    /// Columns let through the identifier guard with `--allow-column`.
    public let allowedColumns: [String]
    /// The reading choices that change the values read (missing codes, decimal mark, value-label codes), in a
    /// canonical form; empty when the file was read with the defaults. One file read two ways is two data sets.
    public let readWith: [String]

    public init(file: String, sha256: String, rows: Int, allowedColumns: [String] = [], readWith: [String] = []) {
        self.file = file
        self.sha256 = sha256
        self.rows = rows
        self.allowedColumns = allowedColumns
        self.readWith = readWith
    }

    /// The `data` object of DESIGN.md §7: file, sha256, rows read, used and dropped.
    public func json(used: Int? = nil) -> JSONValue {
        let used = used ?? rows
        var fields: [(String, JSONValue)] = [
            ("file", .string(file)),
            ("sha256", .string(sha256)),
            ("rows", .integer(rows)),
            ("used", .integer(used)),
            ("dropped", .integer(rows - used)),
        ]
        // Columns let through the identifier guard are part of the result's provenance.
        if !allowedColumns.isEmpty {
            fields.append(("allowed_identifier_columns", .array(allowedColumns.map { .string($0) })))
        }
        // Omitted for a default read, so that fits read the same way stay comparable with fits saved before it existed.
        if !readWith.isEmpty {
            fields.append(("read_with", .array(readWith.map { .string($0) })))
        }
        return .object(fields)
    }
}
