/// How to read a CSV file.
public struct CSVOptions: Sendable, Equatable {
    /// The field delimiter byte; `nil` detects it among comma, semicolon and tab from the first records.
    public var delimiter: UInt8?
    /// Field contents that mean "missing", compared byte-for-byte after unquoting (so a quoted `"NA"`
    /// is missing too, as in R's `read.csv`). Apply to numeric and categorical columns alike.
    /// A token that is a number (`-99`, `999`) is also a numeric code: in a numeric column every field
    /// with that value (`-99`, `-99.0`, `-9.9e1`) is missing.
    public var missingTokens: [String]
    /// Extra missing tokens (and numeric codes) for single columns, by header name (`--na wai_1:-99`).
    /// A name that is not in the header is an error (`unknownMissingCodeColumn`).
    public var columnMissingTokens: [String: [String]]
    /// The decimal mark, `.` or `,`; `nil` is `.` unless the first records show the European dialect
    /// (a delimiter other than comma and numbers written with a decimal comma), which is then noted.
    public var decimalMark: UInt8?
    /// The text encoding; `nil` is UTF-8, or UTF-16 when the file starts with a UTF-16 byte-order mark.
    public var encoding: TextEncoding?

    public static let defaultMissingTokens = ["", "NA", "NaN", "."]

    public init(delimiter: UInt8? = nil, missingTokens: [String] = CSVOptions.defaultMissingTokens,
                columnMissingTokens: [String: [String]] = [:], decimalMark: UInt8? = nil, encoding: TextEncoding? = nil) {
        self.delimiter = delimiter
        self.missingTokens = missingTokens
        self.columnMissingTokens = columnMissingTokens
        self.decimalMark = decimalMark
        self.encoding = encoding
    }
}
