/// How to read a CSV file.
public struct CSVOptions: Sendable, Equatable {
    /// The field delimiter byte; `nil` detects it among comma, semicolon and tab from the first records.
    public var delimiter: UInt8?
    /// Field contents that mean "missing", compared byte-for-byte after unquoting (so a quoted `"NA"`
    /// is missing too, as in R's `read.csv`). Apply to numeric and categorical columns alike.
    public var missingTokens: [String]

    public static let defaultMissingTokens = ["", "NA", "NaN", "."]

    public init(delimiter: UInt8? = nil, missingTokens: [String] = CSVOptions.defaultMissingTokens) {
        self.delimiter = delimiter
        self.missingTokens = missingTokens
    }
}
