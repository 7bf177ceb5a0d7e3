import Commands
import Foundation
import Testing

/// The hostile-input corpus through the command layer, in-process: each malformed or adversarial file gives
/// either its documented result or a clear error with a sysexits status (64–74) that names the file and,
/// where it applies, the line and column (`file:line:column`). docs/hostile-input.md lists every case.
@Suite("Hostile input: commands")
struct HostileInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let expected: Hostile.Expected
        /// Substrings of the message (standard error plus the error) or, for successes, of the output.
        let mustContain: [String]

        init(_ arguments: [String], _ expected: Hostile.Expected, _ mustContain: [String]) {
            self.arguments = arguments
            self.expected = expected
            self.mustContain = mustContain
        }

        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let corpus: [Case] = [
        // Structure
        Case(["describe", "ragged_short.csv"], .failure(.data), ["ragged_short.csv:3:", "found 2 fields but the header has 3"]),
        Case(["describe", "ragged_long.csv"], .failure(.data), ["ragged_long.csv:4:", "found 4 fields but the header has 3"]),
        Case(["describe", "unterminated_quote.csv"], .failure(.data), ["unterminated_quote.csv:3:2", "never closed"]),
        Case(["describe", "stray_quote.csv"], .failure(.data), ["stray_quote.csv:3:2 (column 'note')", "quote character inside an unquoted field"]),
        Case(["describe", "text_after_quote.csv"], .failure(.data), ["text_after_quote.csv:2:2", "after a closing quote"]),
        Case(["describe", "empty_header_name.csv"], .failure(.data), ["empty_header_name.csv:1:2", "empty column name"]),
        Case(["describe", "duplicate_header.csv"], .failure(.data), ["duplicate_header.csv:1:3 (column 'score')", "also names column 2"]),
        Case(["describe", "delimiters_only.csv"], .failure(.data), ["delimiters_only.csv:1:1", "empty column name"]),
        // Encoding
        Case(["describe", "invalid_utf8_header.csv"], .failure(.data), ["invalid_utf8_header.csv:1:2", "not valid UTF-8"]),
        Case(["describe", "invalid_utf8_field.csv"], .failure(.data), ["invalid_utf8_field.csv:3:2 (column 'site')", "not valid UTF-8"]),
        Case(["describe", "truncated_utf8.csv"], .failure(.data), ["truncated_utf8.csv:3:2", "not valid UTF-8"]),
        Case(["describe", "overlong_utf8.csv"], .failure(.data), ["overlong_utf8.csv:2:2", "not valid UTF-8"]),
        Case(["describe", "nul_byte.csv"], .failure(.data), ["nul_byte.csv:3:2 (column 'score')", "NUL byte"]),
        Case(["describe", "utf16le.csv"], .success, ["utf16le.csv: 1 rows, 2 columns"]),
        Case(["describe", "utf16_odd_length.csv"], .failure(.data), ["utf16_odd_length.csv", "odd number of bytes"]),
        Case(["describe", "latin1_undeclared.csv"], .failure(.data),
             ["latin1_undeclared.csv:2:1 (column 'site')", "not valid UTF-8", "--encoding latin-1"]),
        Case(["describe", "latin1_undeclared.csv", "--encoding", "utf-8"], .failure(.data),
             ["latin1_undeclared.csv:2:1 (column 'site')", "not valid UTF-8"]),
        Case(["describe", "latin1_undeclared.csv", "--encoding", "latin-1", "--min-cell", "1"], .success, ["Zürich", "Bern"]),
        Case(["describe", "windows1252_undefined.csv", "--encoding", "windows-1252"], .failure(.data),
             ["windows1252_undefined.csv:2", "0x81 is undefined in windows-1252"]),
        Case(["describe", "latin1_undeclared.csv", "--encoding", "ebcdic"], .failure(.usage), ["unknown --encoding 'ebcdic'"]),
        // CSV dialects: a decimal comma is read only when declared or detected, never half-read
        Case(["describe", "decimal_comma_thousands.csv"], .failure(.data),
             ["decimal_comma_thousands.csv:3:2 (column 'amount')", "'1.234,5'", "thousands separators are not read"]),
        Case(["describe", "decimal_comma_thousands.csv", "--decimal", ","], .failure(.data),
             ["decimal_comma_thousands.csv:3:2 (column 'amount')", "thousands separators are not read"]),
        Case(["describe", "mixed_decimal_marks.csv"], .failure(.data),
             ["mixed_decimal_marks.csv:2:2 (column 'score')", "decimal comma", "--decimal ,"]),
        Case(["describe", "mixed_decimal_marks.csv", "--decimal", ".", "--format", "json"], .success,
             ["\"name\": \"score\"", "\"type\": \"categorical\""]),
        Case(["describe", "late_decimal_comma.csv"], .failure(.data), ["late_decimal_comma.csv:42:2 (column 'score')", "--decimal ,"]),
        Case(["describe", "mixed_decimal_marks.csv", "--decimal", ",", "--delimiter", ","], .failure(.usage),
             ["--decimal , needs a delimiter other than ','"]),
        Case(["describe", "r_rownames_numbers.csv", "--decimal", ","], .failure(.usage),
             ["r_rownames_numbers.csv", "other than the decimal mark (with --decimal , use --delimiter ';')"]),
        Case(["describe", "r_rownames_numbers.csv", "--format", "json"], .success, ["\"rows\": 3", "\"name\": \"site\""]),
        Case(["describe", "r_rownames_text.csv", "--format", "json"], .success, ["\"name\": \"row\"", "\"name\": \"score\""]),
        // Missing-value codes
        Case(["describe", "missing_code_text_column.csv", "--na", "-99", "--format", "json"], .success,
             ["\"type\": \"categorical\",\n      \"n\": 2,\n      \"missing\": 1"]),
        Case(["describe", "missing_code_text_column.csv", "--na", "nosuch:-99"], .failure(.usage), ["--na 'nosuch:…' names no column"]),
        Case(["describe", "r_rownames_numbers.csv", "--levels", "site=north,west"], .failure(.usage),
             ["'west' is not a level of column 'site'"]),
        Case(["describe", "r_rownames_numbers.csv", "--levels", "site=north,south"], .failure(.usage),
             ["also has the level 'east'"]),
        Case(["describe", "r_rownames_numbers.csv", "--levels", "score=1,2"], .failure(.usage), ["column 'score' is numeric"]),
        // Empty and degenerate files
        Case(["describe", "empty.csv"], .failure(.data), ["empty.csv", "the file is empty"]),
        Case(["describe", "blank_lines_only.csv"], .failure(.data), ["blank_lines_only.csv", "the file is empty"]),
        Case(["describe", "bom_only.csv"], .failure(.data), ["bom_only.csv", "the file is empty"]),
        Case(["describe", "header_only.csv", "--format", "json"], .success, ["\"rows\": 0", "\"name\": \"site\""]),
        Case(["describe", "all_missing_column.csv", "--format", "json"], .success, ["\"name\": \"wai\"", "\"n\": 0", "\"missing\": 4"]),
        // Numbers
        Case(["describe", "number_out_of_range.csv"], .failure(.data), ["number_out_of_range.csv:3:2 (column 'score')", "'1e400' is out of range"]),
        Case(["describe", "inf_nan_text.csv", "--format", "json"], .success, ["\"name\": \"score\"", "\"type\": \"categorical\"", "\"missing\": 1"]),
        Case(["describe", "text_in_numeric.csv"], .success, ["Categorical columns", "phq_pre", "fifteen"]),
        // Line ends and quoting
        Case(["describe", "cr_only.csv"], .success, ["cr_only.csv: 3 rows, 2 columns"]),
        Case(["describe", "mixed_line_ends.csv"], .success, ["mixed_line_ends.csv: 3 rows, 2 columns"]),
        Case(["describe", "quoted_newlines.csv"], .success, ["quoted_newlines.csv: 2 rows, 2 columns"]),
        // Spreadsheet formula injection: text cells are neutralised in CSV output
        Case(["describe", "spreadsheet_injection.csv", "--format", "csv", "--min-cell", "1"], .success,
             ["'=HYPERLINK(", "'+cmd", "'@SUM(A1:A9)", "'-2+3", "'\t=1+1"]),
        // Identifiers
        Case(["describe", "identifier_email.csv"], .failure(.data), ["identifier_email.csv", "column 'contact': email addresses"]),
        Case(["check", "identifier_email.csv"], .failure(.data), ["contact", "email addresses"]),
        Case(["check", "ragged_short.csv"], .failure(.data), ["ragged_short.csv:3:", "found 2 fields"]),
        Case(["check", "nul_byte.csv"], .failure(.data), ["nul_byte.csv:3:2", "NUL byte"]),
        // Files and arguments
        Case(["describe", "no_such_file.csv"], .failure(.noInput), ["no_such_file.csv", "no such file"]),
        Case(["describe", "."], .failure(.noInput), ["it is a directory"]),
        Case(["check", "no_such_file.csv"], .failure(.noInput), ["no_such_file.csv", "no such file"]),
        Case(["describe", "header_only.csv", "--delimiter", "X"], .failure(.usage), ["unknown --delimiter 'X'"]),
        Case(["describe", "header_only.csv", "--format", "yaml"], .failure(.usage), ["unknown --format 'yaml'"]),
        Case(["describe", "models.csv", "--by", "stie"], .failure(.usage), ["--by 'stie' names no column", "models.csv", "'site'"]),
        Case(["describe", "models.csv", "--max-levels", "-1"], .failure(.usage), ["--max-levels"]),
        Case(["describe", "models.csv", "--bogus"], .failure(.usage), ["--bogus"]),
        Case(["describe", "models.csv", "--allow-column", "nosuch"], .failure(.usage), ["--allow-column 'nosuch' names no column"]),
    ]

    @Test("corpus case", arguments: corpus)
    func corpusCase(_ c: Case) throws {
        let outcome = Hostile.run(c.arguments, in: try Hostile.corpusDirectory())
        #expect(outcome.status == c.expected.status, "\(c.testDescription): \(outcome.message)")
        let text = outcome.message + outcome.standardOutput
        for s in c.mustContain {
            #expect(text.contains(s), "\(c.testDescription): '\(s)' not in: \(text.prefix(600))")
        }
        #expect(outcome.seconds < 5, "\(c.testDescription) took \(outcome.seconds) s")
    }

    @Test("no CSV output cell starts with a formula character")
    func injectionNeutralised() throws {
        let outcome = Hostile.run(["describe", "spreadsheet_injection.csv", "--format", "csv", "--min-cell", "1"],
                                  in: try Hostile.corpusDirectory())
        #expect(outcome.status == 0)
        // Cells as the CSV renderer writes them (no cell here contains a comma inside quotes).
        let cells = outcome.standardOutput.split(whereSeparator: { $0 == "\n" || $0 == "," }).map {
            $0.hasPrefix("\"") ? String($0.dropFirst()) : String($0)
        }
        let dangerous: Set<Character> = ["=", "+", "@", "\t", "\r"]
        for cell in cells {
            #expect(cell.first.map { !dangerous.contains($0) } ?? true, "cell starts with a formula character: \(cell)")
        }
    }

    // MARK: inputs generated at run time (too large to commit)

    /// Writes `bytes` to a file in a scratch directory and returns (directory, file name).
    private func generated(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = try Hostile.scratchDirectory()
        #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes)))
        return dir
    }

    private func header(columns: Int) -> String {
        (1...columns).map { "c\($0)" }.joined(separator: ",")
    }

    @Test("30,000 columns: described within seconds")
    func thirtyThousandColumns() throws {
        let row = (1...30_000).map { String($0 % 97) }.joined(separator: ",")
        let dir = try generated("wide.csv", Array((header(columns: 30_000) + "\n" + row + "\n" + row + "\n").utf8))
        let outcome = Hostile.run(["describe", "wide.csv", "--format", "csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("c30000,2,0,"))
        #expect(outcome.seconds < 10, "took \(outcome.seconds) s")
    }

    @Test("30,000 columns with a short row: ragged error names the line")
    func thirtyThousandColumnsRagged() throws {
        let row = (1...30_000).map { String($0 % 97) }.joined(separator: ",")
        let short = (1...29_999).map { String($0 % 97) }.joined(separator: ",")
        let dir = try generated("wide_ragged.csv", Array((header(columns: 30_000) + "\n" + row + "\n" + short + "\n").utf8))
        let outcome = Hostile.run(["describe", "wide_ragged.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("wide_ragged.csv:3:"), "\(outcome.message)")
        #expect(outcome.message.contains("found 29999 fields but the header has 30000"))
        #expect(outcome.seconds < 10)
    }

    @Test("a duplicate name at column 30,000 is located")
    func thirtyThousandColumnsDuplicate() throws {
        let dir = try generated("wide_dup.csv", Array((header(columns: 29_999) + ",c7\n").utf8))
        let outcome = Hostile.run(["describe", "wide_dup.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("wide_dup.csv:1:30000 (column 'c7')"), "\(outcome.message)")
        #expect(outcome.message.contains("also names column 7"))
    }

    @Test("a 5 MB quoted field is read as one categorical value")
    func multiMegabyteField() throws {
        let field = String(repeating: "x,\"y\" z\n", count: 5 * 1024 * 1024 / 8).replacingOccurrences(of: "\"", with: "\"\"")
        let text = "client,note\n1,\"" + field + "\"\n2,short\n"
        let dir = try generated("big_field.csv", Array(text.utf8))
        let outcome = Hostile.run(["describe", "big_field.csv", "--format", "json", "--min-cell", "1"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("\"name\": \"note\""))
        #expect(outcome.standardOutput.contains("\"level\": \"short\""))
        #expect(outcome.seconds < 10, "took \(outcome.seconds) s")
    }

    @Test("a 5 MB unterminated quoted field points at the line where it opened")
    func multiMegabyteUnterminatedField() throws {
        let text = "client,note\n1,\"" + String(repeating: "abc,def\n", count: 5 * 1024 * 1024 / 8)
        let dir = try generated("big_open.csv", Array(text.utf8))
        let outcome = Hostile.run(["describe", "big_open.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("big_open.csv:2:2 (column 'note')"), "\(outcome.message)")
        #expect(outcome.message.contains("never closed"))
        #expect(outcome.seconds < 10)
    }

    @Test("line numbers stay right after 100,000 leading blank lines")
    func manyBlankLines() throws {
        let text = String(repeating: "\n", count: 100_000) + "a,b\n1,2\n3\n"
        let dir = try generated("blank_then_ragged.csv", Array(text.utf8))
        let outcome = Hostile.run(["describe", "blank_then_ragged.csv"], in: dir)
        #expect(outcome.status == 65)
        #expect(outcome.message.contains("blank_then_ragged.csv:100003:"), "\(outcome.message)")
    }

    @Test("describe --by a column with a level per row finishes quickly")
    func groupByCodeColumn() throws {
        var text = "code,score\n"
        for i in 0..<50_000 { text += "k\(i),\(i % 40)\n" }
        let dir = try generated("codes.csv", Array(text.utf8))
        let outcome = Hostile.run(["describe", "codes.csv", "--by", "code", "--format", "json"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("\"suppressed\": true"))
        #expect(outcome.seconds < 10, "took \(outcome.seconds) s")
    }
}
