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

    public init(file: String, sha256: String, rows: Int, allowedColumns: [String] = []) {
        self.file = file
        self.sha256 = sha256
        self.rows = rows
        self.allowedColumns = allowedColumns
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
        return .object(fields)
    }
}
