import Testing
@testable import DataTable

@Suite("CSV reader: errors name file, line, column and what to do")
struct CSVErrorTests {
    @Test func emptyFiles() {
        let empty = CSVError(kind: .emptyFile, file: "test.csv")
        #expect(csvError(bytes: []) == empty)
        #expect(csvError(bytes: [0xEF, 0xBB, 0xBF]) == empty)
        #expect(csvError("\n\r\n\n") == empty)
    }

    @Test func raggedRowsSayExpectedAndFound() {
        #expect(csvError("a,b,c\n1,2,3\n4,5\n") == CSVError(kind: .raggedRow(expected: 3, found: 2), file: "test.csv", line: 3))
        #expect(csvError("a,b\n1,2,3\n") == CSVError(kind: .raggedRow(expected: 2, found: 3), file: "test.csv", line: 2))
        // A quoted field spanning lines moves the physical line number on.
        let e = csvError("a,b\n\"x\ny\",1\n\n2,3,4\n")
        #expect(e == CSVError(kind: .raggedRow(expected: 2, found: 3), file: "test.csv", line: 5))
        #expect(e?.description == "test.csv:5: found 3 fields but the header has 2; check for a missing or extra "
            + "delimiter, and quote fields that contain the delimiter")
    }

    @Test func unterminatedQuoteReportsTheLineWhereItOpened() {
        let e = csvError("a,b\n1,2\n3,\"open\n4,5\n6,7\n")
        #expect(e == CSVError(kind: .unterminatedQuote, file: "test.csv", line: 3, column: 2, columnName: "b"))
        #expect(csvError("\"a,b\n1,2\n") == CSVError(kind: .unterminatedQuote, file: "test.csv", line: 1, column: 1))
    }

    @Test func strayQuoteInsideUnquotedField() {
        let e = csvError("id,name\n1,ab\"c\n")
        #expect(e == CSVError(kind: .strayQuote, file: "test.csv", line: 2, column: 2, columnName: "name"))
        #expect(e?.description.hasPrefix("test.csv:2:2 (column 'name'): quote character inside an unquoted field") == true)
    }

    @Test func stopBytesDeepInsideLongFieldsAreFound() {
        #expect(csvError("a,b\n1,abcdefghijklmnopqrstu\"vwxyz\n")
            == CSVError(kind: .strayQuote, file: "test.csv", line: 2, column: 2, columnName: "b"))
        #expect(csvError(bytes: Array("a,b\nabcdefghijklmnopq".utf8) + [0] + Array("rst,1\n".utf8))
            == CSVError(kind: .nulByte, file: "test.csv", line: 2, column: 1, columnName: "a"))
        #expect(csvError("a,b\nabcdefghijklmnopq,rstuvwxyz,1\n2,3\n")
            == CSVError(kind: .raggedRow(expected: 2, found: 3), file: "test.csv", line: 2))
    }

    @Test func textAfterClosingQuote() {
        let e = csvError("id,name\n1,\"ab\"c,\n")
        #expect(e == CSVError(kind: .textAfterClosingQuote, file: "test.csv", line: 2, column: 2, columnName: "name"))
    }

    @Test func invalidUTF8InDataAndHeader() {
        let data = Array("id,name\n1,ok\n2,".utf8) + [0x43, 0x61, 0x66, 0xE9] + Array("\n".utf8)
        #expect(csvError(bytes: data) == CSVError(kind: .invalidUTF8, file: "test.csv", line: 3, column: 2, columnName: "name"))
        let header = Array("id,".utf8) + [0xFF] + Array("\n1,2\n".utf8)
        #expect(csvError(bytes: header) == CSVError(kind: .invalidUTF8, file: "test.csv", line: 1, column: 2))
        // In a column that was numeric until then.
        let late = Array("x\n1\n2\n".utf8) + [0xC0, 0xAF] + Array("\nabc\n".utf8)
        #expect(csvError(bytes: late) == CSVError(kind: .invalidUTF8, file: "test.csv", line: 4, column: 1, columnName: "x"))
        // Overlong encodings and surrogates are invalid too.
        for bad: [UInt8] in [[0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(csvError(bytes: Array("g\n".utf8) + bad + [0x0A])?.kind == .invalidUTF8)
        }
    }

    @Test func nulBytes() {
        #expect(csvError(bytes: Array("a,b\n1,".utf8) + [0] + Array("\n".utf8))
            == CSVError(kind: .nulByte, file: "test.csv", line: 2, column: 2, columnName: "b"))
        #expect(csvError(bytes: Array("a,b\n1,\"x".utf8) + [0] + Array("\"\n".utf8))
            == CSVError(kind: .nulByte, file: "test.csv", line: 2, column: 2, columnName: "b"))
        // UTF-16 text is mostly NUL bytes.
        #expect(csvError(bytes: [0x61, 0x00, 0x0A, 0x00, 0x31, 0x00])?.kind == .nulByte)
    }

    @Test func headerNamesMustBeNonEmptyAndUnique() {
        #expect(csvError("a,,c\n1,2,3\n") == CSVError(kind: .emptyHeaderName, file: "test.csv", line: 1, column: 2))
        #expect(csvError("a,\"\"\n1,2\n") == CSVError(kind: .emptyHeaderName, file: "test.csv", line: 1, column: 2))
        let e = csvError("a,b,a\n1,2,3\n")
        #expect(e == CSVError(kind: .duplicateHeaderName("a", firstColumn: 1), file: "test.csv", line: 1, column: 3,
                              columnName: "a"))
        #expect(e?.description == "test.csv:1:3 (column 'a'): column name 'a' also names column 1; make header names unique")
    }

    @Test func numberOutOfRangeIsAnErrorOnlyInNumericColumns() throws {
        let e = csvError("id,x\n1,2\n2,1e400\n3,-1e999\n")
        #expect(e == CSVError(kind: .numberOutOfRange("1e400"), file: "test.csv", line: 3, column: 2, columnName: "x"))
        // The same text in a column that is categorical anyway is just a level.
        let t = try readCSV("x\n1e400\nabc\n")
        #expect(t.strings("x") == ["1e400", "abc"])
        // Underflow is not an error: it rounds to the nearest subnormal or zero.
        #expect(try readCSV("x\n1e-400\n4.9e-324\n").numbers("x") == [0, Double.leastNonzeroMagnitude])
    }

    @Test func invalidDelimiterOption() {
        for bad: UInt8 in [UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0] {
            #expect(csvError("a,b\n1,2\n", options: CSVOptions(delimiter: bad)) == CSVError(kind: .invalidOptions, file: "test.csv"))
        }
    }

    @Test func errorsLocateLinesAfterCRLFAndLoneCR() {
        #expect(csvError("a,b\r\n1,2\r\n3\r\n")?.line == 3)
        #expect(csvError("a,b\r1,2\r3\r")?.line == 3)
        #expect(csvError("a,b\r\n\"x\r\ny\",2\r\n3\r\n")?.line == 4)
    }
}
