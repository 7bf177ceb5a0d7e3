import Foundation
import Testing
@testable import DataTable

@Suite("CSV reader: records, quoting, line ends, inference")
struct CSVReaderTests {
    @Test func readsNumericAndCategoricalColumns() throws {
        let text = "id,site,score\nc1,north,1.5\nc2,east,-2\nc3,north,3e2\n"
        let t = try readCSV(text)
        #expect(t.rowCount == 3)
        #expect(t.columnNames == ["id", "site", "score"])
        #expect(t.numbers("score") == [1.5, -2, 300])
        #expect(t.strings("site") == ["north", "east", "north"])
        let site = try #require(t.column(named: "site")?.categorical)
        #expect(site.levels == ["east", "north"])
        #expect(site.codes == [1, 0, 1])
        #expect(t.source == DataSource(path: "test.csv", byteCount: text.utf8.count))
    }

    /// Sequential client codes (already in sorted order) keep their first-seen codes; with 70,000 levels the
    /// level texts are built in two halves on two threads.
    @Test func manySequentialCodesKeepTheirOrder() throws {
        let count = 70_000
        var text = "client,score\n"
        for i in 0..<count { text += "c\(String(100_000 + i)),\(i % 7)\n" }
        let t = try readCSV(text)
        let client = try #require(t.column(named: "client")?.categorical)
        #expect(client.levels.count == count)
        #expect(client.levels == (0..<count).map { "c\(100_000 + $0)" })
        #expect(client.codes == (0..<Int32(count)).map { $0 })
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let text = "name,note,n\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"a\nb\",\"c\r\nd\",2\n\"\",\"x\",3\n"
        let t = try readCSV(text, options: CSVOptions(missingTokens: []))
        #expect(t.strings("name") == ["Smith, J", "a\nb", ""])
        #expect(t.strings("note") == ["said \"hi\"", "c\r\nd", "x"])
        #expect(t.numbers("n") == [1, 2, 3])
    }

    @Test func quotedNumbersAreNumbers() throws {
        let t = try readCSV("x,y\n\"1.5\",\"a\"\n\"2\",\"b\"\n")
        #expect(t.numbers("x") == [1.5, 2])
    }

    @Test(arguments: ["a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\n1,2\r\n3,4", "a,b\r\n1,2\r3,4\n"])
    func acceptsLFCRLFAndLoneCRLineEnds(text: String) throws {
        let t = try readCSV(text)
        #expect(t.numbers("a") == [1, 3])
        #expect(t.numbers("b") == [2, 4])
    }

    @Test func skipsUTF8ByteOrderMark() throws {
        let t = try readCSV(bytes: [0xEF, 0xBB, 0xBF] + Array("id,x\nq,1\n".utf8))
        #expect(t.columnNames == ["id", "x"])
        #expect(t.numbers("x") == [1])
    }

    @Test func finalNewlineIsOptional() throws {
        #expect(try readCSV("a,b\n1,2").numbers("b") == [2])
        #expect(try readCSV("a,b\n1,\"x\"").strings("b") == ["x"])
        #expect(try readCSV("a\n1").numbers("a") == [1])
    }

    @Test func blankLinesAreSkippedInMultiColumnFiles() throws {
        let t = try readCSV("\n\na,b\n\n1,2\n\r\n3,4\n\n\n\r\n")
        #expect(t.numbers("a") == [1, 3])
    }

    @Test func interiorBlankLineInOneColumnFileIsMissing() throws {
        let t = try readCSV("a\n1\n\n3\n\n\n")
        #expect(t.numbers("a") == [1, nil, 3])
    }

    @Test func headerOnlyGivesZeroRows() throws {
        let t = try readCSV("a,b,c\n")
        #expect(t.rowCount == 0)
        #expect(t.columnNames == ["a", "b", "c"])
        #expect(t.column(named: "a")?.numeric?.count == 0)
        #expect(try readCSV("a,b").rowCount == 0)
    }

    @Test func defaultMissingTokens() throws {
        let t = try readCSV("x,g\n1,a\n,NA\nNA,\nNaN,.\n.,b\n\"NA\",\"\"\n")
        #expect(t.numbers("x") == [1, nil, nil, nil, nil, nil])
        #expect(t.strings("g") == ["a", nil, nil, nil, "b", nil])
        #expect(t.column(named: "x")?.missingCount == 5)
    }

    @Test func customMissingTokensReplaceTheDefaults() throws {
        let t = try readCSV("x,y\n-99,NA\n4,b\n,c\n", options: CSVOptions(missingTokens: ["-99"]))
        #expect(t.numbers("x") == nil)  // "" is no longer missing, so x is categorical
        #expect(t.strings("x") == [nil, "4", ""])
        #expect(t.strings("y") == ["NA", "b", "c"])
        let u = try readCSV("x\n-99\n4\n", options: CSVOptions(missingTokens: ["-99"]))
        #expect(u.numbers("x") == [nil, 4])
    }

    @Test func detectsSemicolonAndTab() throws {
        let semicolon = try readCSV("a;b;c\n1,5;2;x\n3;4;y\n")
        #expect(semicolon.columnNames == ["a", "b", "c"])
        // ';' with a decimal comma in the first records is the European dialect (issue 18): 1,5 is 1.5.
        #expect(semicolon.numbers("a") == [1.5, 3])
        let tab = try readCSV("a\tb\n1\t\"x,y\"\n2\tz\n")
        #expect(tab.numbers("a") == [1, 2])
        #expect(tab.strings("b") == ["x,y", "z"])
        let quotedSemicolons = try readCSV("a,b\n\"p;q;r\",1\n\"s;t;u\",2\n")
        #expect(quotedSemicolons.strings("a") == ["p;q;r", "s;t;u"])
    }

    @Test func commaWinsTiesAndSingleColumnFilesWork() throws {
        #expect(try readCSV("a,b;c\n1,2;3\n").columnNames == ["a", "b;c"])
        #expect(try readCSV("only\n1\n2\n").numbers("only") == [1, 2])
    }

    @Test func explicitDelimiterOverridesDetection() throws {
        let t = try readCSV("a,b|c\n1,2|3\n", options: CSVOptions(delimiter: UInt8(ascii: "|")))
        #expect(t.columnNames == ["a,b", "c"])
        #expect(t.numbers("c") == [3])
    }

    @Test func spacesAroundFieldsAreTrimmedButNotInsideQuotes() throws {
        let t = try readCSV("a , b\n 1 ,  \" x y \" \n2,z\n")
        #expect(t.columnNames == ["a", "b"])
        #expect(t.numbers("a") == [1, 2])
        #expect(t.strings("b") == [" x y ", "z"])
    }

    @Test func inferenceAcceptsDecimalForms() throws {
        let t = try readCSV("x\n-1.5\n1e-3\n+2\n.5\n5.\n1E5\n-0\n")
        #expect(t.numbers("x") == [-1.5, 0.001, 2, 0.5, 5, 100_000, 0])
    }

    @Test(arguments: ["Inf", "-inf", "0x1A", "\"1,000\"", "1 000", "1.2.3", "1e", "e5", "+", "١"])
    func nonDecimalTextMakesAColumnCategorical(value: String) throws {
        let t = try readCSV("x\n1\n\(value)\n2\n")
        let x = try #require(t.column(named: "x")?.categorical)
        #expect(x.count == 3)
        #expect(t.strings("x")?[0] == "1")
    }

    @Test func lateTextKeepsEarlierFieldsVerbatim() throws {
        var text = "id,x\n"
        for i in 0..<6000 { text += "\(i),\(i % 3 == 0 ? "1.50" : "007")\n" }
        text += "6000,abc\n"
        let t = try readCSV(text)
        let x = try #require(t.strings("x"))
        #expect(x.count == 6001)
        #expect(x[0] == "1.50")
        #expect(x[1] == "007")
        #expect(x[6000] == "abc")
        #expect(t.column(named: "x")?.categorical?.levels == ["007", "1.50", "abc"])
        #expect(t.numbers("id")?.last == 6000)
    }

    /// Field ends are found eight bytes at a time: fields of every length around the word size, with
    /// every kind of terminator, must come back exactly.
    @Test func fieldsOfEveryLengthRoundTrip() throws {
        var text = "a,b,c\n"
        var expected: [String] = []
        for length in 0...40 {
            let field = String(repeating: "x", count: length) + "é"
            expected.append(field)
            text += "\(field),\(length),\"\(field)\"" + (length % 2 == 0 ? "\r\n" : "\n")
        }
        let t = try readCSV(text)
        #expect(t.strings("a") == expected)
        #expect(t.strings("c") == expected)
        #expect(t.numbers("b") == (0...40).map { Double($0) })
    }

    @Test func allMissingColumnIsNumeric() throws {
        let t = try readCSV("a,b\n,1\nNA,2\n")
        #expect(t.numbers("a") == [nil, nil])
    }

    @Test func countsLeadingZeros() throws {
        let t = try readCSV("zip\n02139\n0.5\n10\n-007\n0\n")
        #expect(t.column(named: "zip")?.numeric?.leadingZeroCount == 2)
    }

    @Test func levelsAreSortedByUnicodeScalarsWhateverTheInputOrder() throws {
        var state: UInt64 = 12345
        var strings: [String?] = []
        var text = "g\n"
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let k = Int(state >> 33) % 3000
            let s = k % 97 == 0 ? nil : "lvl\(k)é"
            strings.append(s)
            text += (s ?? "NA") + "\n"
        }
        let t = try readCSV(text)
        let expected = CategoricalColumn(strings)
        #expect(t.column(named: "g")?.categorical == expected)
    }

    @Test func sequentialIdsThatLaterRepeatAreInternedCorrectly() throws {
        var text = "id\n"
        for i in 0..<5000 { text += "c\(String(format: "%05d", i))\n" }
        text += "c00007\nc00002\nc99999\n"
        let t = try readCSV(text)
        let id = try #require(t.column(named: "id")?.categorical)
        #expect(id.levels.count == 5001)
        #expect(t.strings("id")?[5000] == "c00007")
        #expect(t.strings("id")?[5001] == "c00002")
        #expect(id.codes[5001] == id.codes[2])
        #expect(id.levels.last == "c99999")
    }

    @Test func canonicallyEquivalentLevelsAreMerged() throws {
        // "é" precomposed (NFC) and decomposed (NFD) are the same String in Swift.
        let t = try readCSV("g\ncaf\u{E9}\ncafe\u{301}\ntea\n")
        let g = try #require(t.column(named: "g")?.categorical)
        #expect(g.levels.count == 2)
        #expect(g.codes[0] == g.codes[1])
    }

    @Test func manyRowsGrowColumnsPastTheEstimate() throws {
        // Short rows first, long rows later: the capacity estimate after 4096 rows is too small.
        var text = "a,b\n"
        for i in 0..<5000 { text += "\(i),x\n" }
        for i in 0..<20000 { text += "\(i),\(String(repeating: "y", count: 40))\n" }
        let t = try readCSV(text)
        #expect(t.rowCount == 25000)
        #expect(t.numbers("a")?[24999] == 19999)
        #expect(t.column(named: "b")?.categorical?.levels.count == 2)
    }

    @Test func readsFilesAndReportsMissingOnes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-csv-\(getpid()).csv").path
        try Data("a,b\n1,x\n2,y\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var seen: [UInt8] = []
        let t = try CSVReader.read(contentsOf: path, inspectingBytes: { seen = Array($0) })
        #expect(seen == Array("a,b\n1,x\n2,y\n".utf8))
        #expect(t.numbers("a") == [1, 2])
        #expect(t.source?.path == path)
        #expect(t.source?.byteCount == 12)

        let empty = path + ".empty"
        try Data().write(to: URL(fileURLWithPath: empty))
        defer { try? FileManager.default.removeItem(atPath: empty) }
        var emptySeen: Int?
        #expect(throws: CSVError(kind: .emptyFile, file: empty)) {
            try CSVReader.read(contentsOf: empty, inspectingBytes: { emptySeen = $0.count })
        }
        #expect(emptySeen == 0)

        let missing = path + ".nope"
        #expect(throws: CSVError(kind: .fileNotFound, file: missing)) { try CSVReader.read(contentsOf: missing) }
        let directory = FileManager.default.temporaryDirectory.path
        #expect(throws: CSVError(kind: .unreadable("it is a directory"), file: directory)) {
            try CSVReader.read(contentsOf: directory)
        }
    }
}
