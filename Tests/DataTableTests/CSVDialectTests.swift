import Foundation
import Testing
@testable import DataTable

/// The reader's dialect, encoding and missing-code options (issue 18, items 2–3).
@Suite("CSV dialects, encodings and missing codes")
struct CSVDialectTests {
    func numbers(_ t: Table, _ name: String) -> [Double?] {
        guard let c = t.column(named: name)?.numeric else { return [] }
        return (0..<c.count).map { c[$0] }
    }

    @Test func europeanDialectIsSniffedAndNoted() throws {
        let t = try readCSV("\u{FEFF}site;score\r\nnorth;3,25\r\nsouth;-0,5\r\neast;4\r\n")
        #expect(numbers(t, "score") == [3.25, -0.5, 4])
        #expect(t.source?.notes.first?.contains("European CSV dialect") == true)
        // Evidence of a decimal point in the first records keeps '.'; commas later are refused, not half-read.
        #expect(csvError("site;score\nnorth;3.25\nsouth;3,5\n")?.kind == .undeclaredDecimalComma("3,5"))
        // A comma-delimited file never switches.
        let comma = try readCSV("site,score\nnorth,\"3,25\"\n")
        #expect(comma.column(named: "score")?.categorical != nil)
        #expect(comma.source?.notes == [])
    }

    @Test func declaredDecimalComma() throws {
        let options = CSVOptions(delimiter: UInt8(ascii: ";"), decimalMark: UInt8(ascii: ","))
        let t = try readCSV("x;y\n1,5;2\n-1,25e2;,5\n", options: options)
        #expect(numbers(t, "x") == [1.5, -125])
        #expect(numbers(t, "y") == [2, 0.5])
        #expect(t.source?.notes == [])
        #expect(csvError("x;y\n1.234,5;2\n", options: options)?.kind == .pointInDecimalCommaNumber("1.234,5"))
        #expect(csvError("x;y\n1.5;2\n", options: options)?.kind == .pointInDecimalCommaNumber("1.5"))
        // Dates are text, not numbers with a point.
        let dates = try readCSV("d;y\n05.12.2026;2\n", options: options)
        #expect(dates.column(named: "d")?.categorical?.levels == ["05.12.2026"])
        #expect(csvError("x,y\n1,2\n", options: CSVOptions(delimiter: UInt8(ascii: ","), decimalMark: UInt8(ascii: ",")))?.kind
            == .invalidOptions)
        // A detected comma delimiter cannot go with a declared decimal comma either.
        #expect(csvError("x,y\n1,2\n", options: CSVOptions(decimalMark: UInt8(ascii: ",")))?.kind == .invalidOptions)
    }

    @Test func decimalCommaIsCorrectlyRounded() throws {
        let options = CSVOptions(delimiter: UInt8(ascii: ";"), decimalMark: UInt8(ascii: ","))
        let texts = ["0,1", "2,2250738585072011e-308", "1,7976931348623157e308", "0,30000000000000004", "123456789012345678901,5"]
        let t = try readCSV("x\n" + texts.joined(separator: "\n") + "\n", options: options)
        let expected = texts.map { Double($0.replacingOccurrences(of: ",", with: ".")) }
        #expect(numbers(t, "x") == expected)
    }

    @Test func numericMissingCodesMatchTheNumber() throws {
        let t = try readCSV("x,y,z\n-99,1,-99\n-99.0,2,a\n-9.9e1,-99,b\n5,3,c\n",
                            options: CSVOptions(missingTokens: CSVOptions.defaultMissingTokens + ["-99"]))
        #expect(numbers(t, "x") == [nil, nil, nil, 5])
        #expect(numbers(t, "y") == [1, 2, nil, 3])
        #expect(t.column(named: "z")?.categorical?.levels == ["a", "b", "c"])
        #expect(t.column(named: "z")?.missingCount == 1)
    }

    @Test func perColumnCodes() throws {
        let options = CSVOptions(columnMissingTokens: ["a": ["-99", "refused"]])
        let t = try readCSV("a,b\n-99,-99\nrefused,1\n3,2\n", options: options)
        #expect(numbers(t, "a") == [nil, nil, 3])
        #expect(numbers(t, "b") == [-99, 1, 2])
        #expect(csvError("a,b\n1,2\n", options: CSVOptions(columnMissingTokens: ["c": ["1"]]))?.kind
            == .unknownMissingCodeColumn("c"))
    }

    @Test func codesAndDecimalCommaAgreeAcrossTheTwoThreadParse() throws {
        var text = "site;score;item\n"
        for i in 0..<20_000 { text += "s\(i % 3);\(i % 7),\(i % 10);\(i % 11 == 0 ? "-99" : String(i % 5))\n" }
        let options = CSVOptions(missingTokens: CSVOptions.defaultMissingTokens + ["-99"])
        let one = try CSVReader.read(data: Array(text.utf8), sourceName: "t.csv", options: options, parallelThreshold: .max)
        let two = try CSVReader.read(data: Array(text.utf8), sourceName: "t.csv", options: options, parallelThreshold: 1024)
        #expect(one == two)
        #expect(one.column(named: "score")?.numeric?.values[12] == 5.2)
        #expect(one.column(named: "item")?.missingCount == (0..<20_000).filter { $0 % 11 == 0 }.count)
    }

    @Test func encodings() throws {
        let latin1: [UInt8] = Array("site\n".utf8) + [0x5A, 0xFC, 0x72, 0x69, 0x63, 0x68, 0x0A]
        #expect(csvError(bytes: latin1)?.kind == .invalidUTF8)
        let t = try readCSV(bytes: latin1, options: CSVOptions(encoding: .latin1))
        #expect(t.column(named: "site")?.categorical?.levels == ["Zürich"])
        #expect(t.source?.notes == ["read as latin-1 (--encoding), converted to UTF-8"])
        let cp1252 = try readCSV(bytes: Array("q\n".utf8) + [0x80, 0x93, 0x94, 0x0A], options: CSVOptions(encoding: .windows1252))
        #expect(cp1252.column(named: "q")?.categorical?.levels == ["€\u{201C}\u{201D}"])
        #expect(csvError(bytes: Array("q\n".utf8) + [0x81, 0x0A], options: CSVOptions(encoding: .windows1252))?.kind
            == .invalidEncoding("byte 0x81 is undefined in windows-1252"))
        // UTF-16 is found by its byte-order mark, in either byte order, surrogate pairs included.
        let text = "name,n\nα😀,1\n"
        let le: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for bytes in [le, be] {
            let u = try readCSV(bytes: bytes)
            #expect(u.column(named: "name")?.categorical?.levels == ["α😀"])
            #expect(u.source?.notes.first?.contains("UTF-16") == true)
        }
        // Without a BOM and undeclared, UTF-16 is still refused (NUL bytes).
        #expect(csvError(bytes: Array(le.dropFirst(2)))?.kind == .nulByte)
        #expect(try readCSV(bytes: Array(le.dropFirst(2)), options: CSVOptions(encoding: .utf16)).columns == (try readCSV(text)).columns)
        #expect(csvError(bytes: [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])?.kind == .invalidEncoding("an unpaired UTF-16 surrogate"))
        #expect(TextEncoding(name: "CP1252") == .windows1252)
        #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(name: "koi8-r") == nil)
    }

    @Test func rRowNames() throws {
        let dropped = try readCSV("\"\",\"x\"\n\"1\",5\n\"2\",6\n")
        #expect(dropped.columns.map(\.name) == ["x"])
        #expect(dropped.source?.notes.first?.contains("dropped") == true)
        let kept = try readCSV("\"\",\"x\"\n\"a\",5\n\"b\",6\n")
        #expect(kept.columns.map(\.name) == ["row", "x"])
        let shuffled = try readCSV(",x\n2,5\n1,6\n")
        #expect(shuffled.columns.map(\.name) == ["row", "x"])
        #expect(csvError(",row\n1,2\n")?.kind == .emptyHeaderName)
        #expect(csvError(",,x\n1,2,3\n")?.column == 1)
        #expect(csvError("\n")?.kind == .emptyFile)
    }

    @Test func levelOrder() throws {
        let c = CategoricalColumn(["M", "L", nil, "H", "L"])
        let r = try c.reordered(levels: ["L", "M", "H"])
        #expect(r.levels == ["L", "M", "H"])
        #expect((0..<r.count).map { r[$0] } == ["M", "L", nil, "H", "L"])
        #expect(throws: LevelOrderError.unlistedLevel("M")) { try c.reordered(levels: ["L", "H"]) }
        #expect(throws: LevelOrderError.unknownLevel("X", present: ["H", "L", "M"])) { try c.reordered(levels: ["L", "M", "H", "X"]) }
        #expect(throws: LevelOrderError.repeatedLevel("L")) { try c.reordered(levels: ["L", "L"]) }
    }

    @Test func suspectedMissingCodes() {
        let items = NumericColumn([1, 7, 3, 999, 999, -9, nil, 4])
        #expect(items.suspectedMissingCodes() == [SuspectedMissingCode(value: -9, count: 1), SuspectedMissingCode(value: 999, count: 2)])
        // 99 among ages 18–80 is a plausible value, not flagged; nothing to compare with, nothing flagged.
        #expect(NumericColumn([18, 80, 45, 99]).suspectedMissingCodes() == [])
        #expect(NumericColumn([99, 99]).suspectedMissingCodes() == [])
    }
}
