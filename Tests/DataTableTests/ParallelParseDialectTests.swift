import Testing
@testable import DataTable

/// The two-thread parse against the one-pass parse on inputs in every dialect the reader accepts
/// (BOM, semicolons with decimal commas, tabs, missing codes global and per column, no final line end,
/// quoted line ends, delimiters and doubled quotes next to the split, ragged rows, text only late): the
/// same table, bit for bit, or the same error (same kind, line and column). A threshold of 1 byte sends
/// every input through the two-thread path, so the split lands on many different records.
struct ParallelParseDialectTests {
    typealias Generator = ParallelParseTests.Generator

    /// Equal tables whose numbers also agree bit for bit (`==` would let -0 and 0 pass).
    static func identical(_ a: Table, _ b: Table) -> Bool {
        guard a == b else { return false }
        for (x, y) in zip(a.columns, b.columns) {
            if case .numeric(let u) = x.data, case .numeric(let v) = y.data,
               !zip(u.values, v.values).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
                return false
            }
        }
        return true
    }

    static func agree(_ bytes: [UInt8], options: CSVOptions) -> Bool {
        let (parallel, single) = ParallelParseTests.both(bytes, options: options)
        switch (parallel, single) {
        case (.success(let a), .success(let b)): return identical(a, b)
        case (.failure(let a), .failure(let b)): return a == b
        default: return false
        }
    }

    struct Dialect {
        let delimiter: UInt8
        let options: CSVOptions
        let numbers: [String]
    }

    static let dialects: [Dialect] = [
        Dialect(delimiter: UInt8(ascii: ","), options: CSVOptions(),
                numbers: ["1", "-2.5", "007", "0.1", "-0", "12345678901234567890", "1e-320", "3.14159265358979"]),
        Dialect(delimiter: UInt8(ascii: ";"), options: CSVOptions(),
                numbers: ["1", "-2,5", "0,75", "12", "-0,0", "3,5e2"]),
        Dialect(delimiter: UInt8(ascii: ";"), options: CSVOptions(delimiter: UInt8(ascii: ";"), decimalMark: UInt8(ascii: ",")),
                numbers: ["1", "-2,5", "0,75", "12", "1,5e-3"]),
        Dialect(delimiter: UInt8(ascii: "\t"), options: CSVOptions(missingTokens: CSVOptions.defaultMissingTokens + ["-99"]),
                numbers: ["1", "-99", "-99.0", "-9.9e1", "4.25", "8"]),
        Dialect(delimiter: UInt8(ascii: ","), options: CSVOptions(columnMissingTokens: ["c2": ["999", "refused"]]),
                numbers: ["1", "999", "999.0", "2.5", "-7"]),
    ]

    @Test func dialectsMatchTheOnePassParse() {
        var g = Generator(state: 31)
        var mismatches: [Int] = []
        for round in 0..<300 {
            let dialect = Self.dialects[round % Self.dialects.count]
            let d = dialect.delimiter
            let text = ["word", "NA", "", "refused", "\"quoted\(Character(UnicodeScalar(d)))x\"", "\"two\nlines\"",
                        "\"say \"\"hi\"\"\"", "\"\r\n\"", " padded "]
            let faults = ["a\"b", "\"open", "\"x\"y"]
            let lineEnd = g.next(3) == 0 ? "\r\n" : "\n"
            let columns = 1 + g.next(4)
            var out = g.next(4) == 0 ? "\u{FEFF}" : ""
            out += (1...columns).map { "c\($0)" }.joined(separator: String(UnicodeScalar(d)))
            out += lineEnd
            // One column may see text only in its last rows (so in the second half).
            let lateTextColumn = g.next(2) == 0 ? g.next(columns) : -1
            let rows = 30 + g.next(150)
            for row in 0..<rows {
                if g.next(40) == 0 { out += lineEnd }  // a blank line
                var fields = columns
                if g.next(300) == 0 { fields += g.next(2) == 0 ? 1 : -1 }
                var cells: [String] = []
                for k in 0..<max(fields, 1) {
                    if g.next(500) == 0 {
                        cells.append(faults[g.next(faults.count)])
                    } else if k == lateTextColumn {
                        cells.append(row > rows - 3 ? "late" : dialect.numbers[g.next(dialect.numbers.count)])
                    } else if g.next(8) == 0 {
                        cells.append(text[g.next(text.count)])
                    } else {
                        cells.append(dialect.numbers[g.next(dialect.numbers.count)])
                    }
                }
                out += cells.joined(separator: String(UnicodeScalar(d)))
                // The last record may lack its line end.
                if row < rows - 1 || g.next(2) == 0 { out += lineEnd }
            }
            if !Self.agree(Array(out.utf8), options: dialect.options) { mismatches.append(round) }
        }
        #expect(mismatches == [])
    }

    /// Where `splitPoint` puts the split in `text`, as the bytes from there on.
    static func textAfterSplit(_ text: String, headerBytes: Int, columnCount: Int) throws -> String {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            let base = try #require(buffer.baseAddress)
            let parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: CSVOptions())
            defer { parser.deallocate() }
            let split = try #require(parser.splitPoint(start: headerBytes, end: parser.tokenizer.end,
                                                       columnCount: columnCount))
            return String(decoding: bytes[split...], as: UTF8.self)
        }
    }

    /// Records that all span two lines: the line end in the middle of the input lies inside a quoted
    /// field for some seeds, and the split moves on to the next record start instead.
    @Test func quotedLineEndsStillSplitAtARecordStart() throws {
        for seed in 5..<13 {
            var g = Generator(state: UInt64(seed))
            var text = "a,b\n"
            for _ in 0..<2000 { text += "\"line\n\(g.next(100))\",\(g.next(100))\n" }
            try ParallelParseTests.expectSame(text, parallel: true)
            #expect(try Self.textAfterSplit(text, headerBytes: 4, columnCount: 2).hasPrefix("\"line\n"))
        }
        // Doubled quotes and delimiters inside the quoted parts, CRLF line ends.
        var g = Generator(state: 17)
        var text = "note,score,site\r\n"
        for i in 0..<3000 {
            text += "\"he said \"\"a,\r\nb\"\"\",\(g.next(1000)),\"s\(i % 5)\r\n\"\r\n"
        }
        try ParallelParseTests.expectSame(text, parallel: true)
        #expect(try Self.textAfterSplit(text, headerBytes: 17, columnCount: 3).hasPrefix("\"he said"))
    }

    @Test func splitPointIsARecordStartAfterTheMiddle() throws {
        var text = "a,b\n"
        for i in 0..<500 { text += "\"first\nsecond\nthird\",\(i)\n" }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            let base = try #require(buffer.baseAddress)
            let parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: CSVOptions())
            defer { parser.deallocate() }
            let split = try #require(parser.splitPoint(start: 4, end: parser.tokenizer.end, columnCount: 2))
            #expect(split > 4 + (parser.tokenizer.end - 4) / 2)
            #expect(Array(bytes[split..<(split + 7)]) == Array("\"first\n".utf8))
        }
    }

    @Test func anErrorInEachHalfReportsTheFirst() throws {
        // A ragged row in the first half and a stray quote in the second: the first is reported, with its line.
        var text = "x;y\n"
        for i in 0..<400 { text += i == 120 ? "1;2;3\n" : i == 300 ? "4;a\"b\n" : "\(i),5;\(i)\n" }
        let (parallel, single) = ParallelParseTests.both(Array(text.utf8))
        #expect(parallel == single)
        guard case .failure(let error) = parallel else {
            Issue.record("expected an error")
            return
        }
        #expect(error.line == 122)
        #expect(error.kind == .raggedRow(expected: 2, found: 3))
    }
}
