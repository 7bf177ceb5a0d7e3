/// A CSV file the reader refuses, with where and what to do about it.
///
/// `line` is the physical line in the file (1-based, the header is usually line 1; lines end at LF,
/// CRLF or a lone CR). `column` is the 1-based field number and `columnName` its header name, where known.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The path does not exist (command-line exit status 66).
        case fileNotFound
        /// The file exists but cannot be read (exit status 66); the payload is the system's reason.
        case unreadable(String)
        /// The options themselves are invalid (e.g. a quote or newline as delimiter).
        case invalidOptions
        /// No bytes (or only a byte-order mark / blank lines): a header row is required.
        case emptyFile
        case invalidUTF8
        case nulByte
        /// A quoted field is never closed; `line` is where the quote opened.
        case unterminatedQuote
        /// A `"` inside a field that does not start with a quote.
        case strayQuote
        /// Something other than a delimiter or line end follows a closing quote.
        case textAfterClosingQuote
        /// A record has a different number of fields than the header.
        case raggedRow(expected: Int, found: Int)
        case emptyHeaderName
        /// `firstColumn` is the 1-based column where the name first appears.
        case duplicateHeaderName(String, firstColumn: Int)
        /// A numeric column holds a value beyond ±1.7976931348623157e308; payload is the text.
        case numberOutOfRange(String)
        /// The bytes are not valid in the declared `--encoding`; the payload says why.
        case invalidEncoding(String)
        /// `--na COLUMN:code` names a column that is not in the header.
        case unknownMissingCodeColumn(String)
        /// With a decimal comma, a number written with a `.` (a decimal point or a thousands separator);
        /// the payload is the text.
        case pointInDecimalCommaNumber(String)
        /// With a decimal point, a numeric column holds a number written with a decimal comma; the payload
        /// is the text.
        case undeclaredDecimalComma(String)
    }

    public let kind: Kind
    public let file: String
    public let line: Int?
    public let column: Int?
    public let columnName: String?

    public init(kind: Kind, file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    /// What is wrong and what to do, without the location prefix.
    public var message: String {
        switch kind {
        case .fileNotFound:
            return "file not found; check the path"
        case .unreadable(let reason):
            return "cannot read the file (\(reason)); check that it is a readable regular file"
        case .invalidOptions:
            return "invalid delimiter; use a single byte other than a quote, CR, LF or NUL (e.g. ',', ';' or tab), "
                + "and other than the decimal mark (with --decimal , use --delimiter ';')"
        case .emptyFile:
            return "the file is empty; a CSV needs a header row naming its columns"
        case .invalidUTF8:
            return "the field is not valid UTF-8; if the file was saved in another encoding, declare it "
                + "(--encoding latin-1, windows-1252 or utf-16) or re-save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        case .nulByte:
            return "NUL byte (0x00) in the data; the file may be binary or UTF-16 encoded: re-save it as a UTF-8 CSV"
        case .unterminatedQuote:
            return "a quoted field opened on this line is never closed; add the closing quote "
                + "or write a quote inside a quoted field as two quotes (\"\")"
        case .strayQuote:
            return "quote character inside an unquoted field; quote the whole field and double the inner quotes "
                + "(\"a \"\"b\"\" c\")"
        case .textAfterClosingQuote:
            return "unexpected text after a closing quote; a quoted field must end at a delimiter or line end "
                + "(write a quote inside a quoted field as two quotes)"
        case .raggedRow(let expected, let found):
            return "found \(found) field\(found == 1 ? "" : "s") but the header has \(expected); check for a missing "
                + "or extra delimiter, and quote fields that contain the delimiter"
        case .emptyHeaderName:
            return "empty column name in the header; give every column a name"
        case .duplicateHeaderName(let name, let first):
            return "column name '\(name)' also names column \(first); make header names unique"
        case .numberOutOfRange(let text):
            return "value '\(text)' is out of range of double (beyond ±1.8e308); correct the value or mark it missing"
        case .invalidEncoding(let reason):
            return "the file is not valid in the declared encoding (\(reason)); check --encoding"
        case .unknownMissingCodeColumn(let name):
            return "--na '\(name):…' names no column in the header; check the column name"
        case .pointInDecimalCommaNumber(let text):
            return "\(EchoedValue.phrase(text)) has a '.' but the decimal mark is ','; thousands separators are not read: remove "
                + "them, or pass --decimal . if '.' is the decimal mark in this file"
        case .undeclaredDecimalComma(let text):
            return "\(EchoedValue.phrase(text)) in a numeric column looks like a number with a decimal comma; pass --decimal , "
                + "(or --decimal . to read the column as text)"
        }
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let columnName { location += " (column '\(columnName)')" }
        return "\(location): \(message)"
    }
}
