import Testing
@testable import DataTable

/// Text fields of categorical columns read in one pass (`CSVParser.readsTextInOnePass`, with short levels hashed
/// from one 8-byte load) must give exactly what the general path gives: the same levels, codes and missing
/// values, and the same errors with the same line and column.
struct OnePassTextTests {
    static func expectSame(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) {
        for threshold in [Int.max, 1] {
            let (fast, _) = OnePassNumberTests.parse(bytes, options: options, onePass: true, parallelThreshold: threshold)
            let (general, _) = OnePassNumberTests.parse(bytes, options: options, onePass: false,
                                                        parallelThreshold: threshold)
            #expect(OnePassNumberTests.identical(fast, general),
                    "\(String(decoding: bytes, as: UTF8.self)) threshold \(threshold)")
        }
    }

    static func expectSame(_ text: String, options: CSVOptions = CSVOptions()) {
        expectSame(Array(text.utf8), options: options)
    }

    @Test func textEndingAtEveryKindOfFieldEnd() {
        Self.expectSame("g,x\ncbt,1\npdt,2\r\nipt,3\rcbt,4\ncbt")
        Self.expectSame("g;h\nhull;T0001\nsheffield;T0002\nhull;T0001\nyork;T0003\n")
        Self.expectSame("g\tx\nseventeen bytes!!\t1\nshort\t2\nseventeen bytes!!\t3")
        // Levels shorter than 8 bytes near the end of the input (fewer than 8 bytes readable after them).
        Self.expectSame("g,h\nb,a\nab,c\na,b\nb,a")
        Self.expectSame("g\nb\na\nb\na\n\n")
    }

    @Test func fieldsTheGeneralPathReads() {
        // Spaces to trim, quotes, doubled quotes, missing tokens, empty fields, a number-like level.
        Self.expectSame("g,x\n a,1\nb ,2\n\"c\",3\n\"d\"\"e\",4\nNA,5\n,6\n.,7\n-99,8\na b,9\n")
        Self.expectSame("g,x\nb,1\na,2\n\"a,b\",3\n\"line\nend\",4\nb,5\n")
        // A space delimiter: spaces are not trimmed.
        Self.expectSame("g x\nb 1\na 2\nb 3\n", options: CSVOptions(delimiter: UInt8(ascii: " ")))
        // Missing codes that can match text by its number: the general path reads every field.
        Self.expectSame("g,x\nb,1\n-99,2\na,3\n", options: CSVOptions(missingTokens: ["NA", "-99"]))
        Self.expectSame("g,x\nb,1\n-99.0,2\na,3\n", options: CSVOptions(columnMissingTokens: ["g": ["-99"]]))
    }

    @Test func errorsNameTheSameLineAndColumn() {
        Self.expectSame("g,x\nb,1\na\"x,2\n")
        Self.expectSame("g,x\nb,1\na\0,2\n")
        Self.expectSame("g,x\nb,1\na\n")
        Self.expectSame("g,x\nb,1\na,2,3\n")
        Self.expectSame("g,x\nb,1\n\"a\"x,2\n")
        // A new level that is not valid UTF-8, short and long, after and before levels already seen.
        Self.expectSame(Array("g,x\nb,1\na,2\n".utf8) + [0xFF, 0x61] + Array(",3\n".utf8))
        Self.expectSame(Array("g,x\nb,1\na,2\n".utf8) + [0x61, 0xC3] + Array("bcdefghij,3\n".utf8))
        Self.expectSame(Array("g,x\n".utf8) + [0xE2, 0x82] + Array(",3\nb,1\n".utf8))
    }

    /// Levels read from one 16-byte load (`appendTextField`'s first path, once the short table is in use): 1 to 20 bytes,
    /// each a prefix of the next, levels spelt like missing tokens, after every kind of field end, and the file's last
    /// field with and without a line end after it.
    @Test func levelsOfOneToTwentyBytesFromOneLoad() throws {
        let levels = (1...20).map { String("abcdefghijklmnopqrst".prefix($0)) }
        // Descending first, so that the interner leaves its strictly-increasing mode at the second record.
        let column = levels.reversed() + ["NA", "N", "NAN", "NaN", "NA.", ".", ".5x", "é", "T0117", "T01170"] + levels
        for lineEnd in ["\n", "\r\n", "\r"] {
            for delimiter in [",", ";", "\t"] {
                var text = "g\(delimiter)x\(lineEnd)"
                for (k, level) in column.enumerated() { text += "\(level)\(delimiter)\(k)\(lineEnd)" }
                // The same levels in the last column, where a line end (not the delimiter) stops them.
                for (k, level) in column.enumerated() { text += "\(k)\(delimiter)\(level)\(lineEnd)" }
                Self.expectSame(text)
                Self.expectSame(String(text.dropLast(lineEnd.count)))
            }
        }
        var text = "g,h\n"
        for (k, level) in column.enumerated() { text += "\(level),\(column[(k + 7) % column.count])\n" }
        text.removeLast()
        let table = try readCSV(text)
        let missing: Set<String> = ["NA", "NaN", "."]
        #expect(table.strings("g") == column.map { missing.contains($0) ? nil : $0 })
        #expect(table.strings("h") == column.indices.map { k in
            let level = column[(k + 7) % column.count]
            return missing.contains(level) ? nil : level
        })
    }

    /// What the 16-byte load must hand to the general path: a quote, a NUL byte or a space to trim inside the first 16
    /// bytes, an empty field, a new level that is not valid UTF-8; the same tables and errors.
    @Test func fieldsTheOneLoadPathLeavesToTheGeneralPath() {
        let head = "g,h\nsheffield,cbt\nhull,pdt\nyork,ipt\nhull,cbt\n"
        let tail = "\nleeds,ipt\nyork,pdt\nsheffield,cbt\n"
        for field in ["ab\"cd", "abcdefghijklmno\"", "ab\0cd", " ab", "ab ", "abcdefghijklmn ", "", "\"quoted\"",
                      "\"a\"\"b\"", "abcdefghijklmnop", "abcdefghijklmnopq", "yo\u{301}rk"] {
            Self.expectSame(head + field + ",pdt" + tail)
            Self.expectSame(head + "york," + field + tail)
        }
        let bytes = Array(head.utf8)
        for invalid: [UInt8] in [[0xFF], [0x61, 0xC3], [0x61, 0x62, 0xE2, 0x82], Array("abcdefghijklm".utf8) + [0xC0, 0x80]] {
            Self.expectSame(bytes + invalid + Array((",pdt" + tail).utf8))
            Self.expectSame(bytes + Array("york,".utf8) + invalid + Array(tail.utf8))
        }
        // A long level (hashed in `slots`) among short ones.
        Self.expectSame(head + "abcdefghijklmnopqrstu,cbt\nhull,pdt\nabcdefghijklmnopqrstu,ipt\nyork,cbt\nhull,ipt\n")
    }

    /// Random records of text pieces (levels of every length around 8 and 16 bytes, faults) over both parses.
    @Test func randomInputsMatchTheGeneralPath() {
        var g = ParallelParseTests.Generator(state: 2027)
        let pieces: [String] = [
            "a", "b", "cbt", "pdt", "T0117", "T0697", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmno",
            "abcdefghijklmnop", "sheffield", "hull", "abcdefgh abcdefgh", "1", "-2.5", "NA", "", ".", " a", "b ",
            "\"c\"", "\"d\"\"e\"", "\"f\ng\"", "x\"", "é", "naïve", "\"\"",
        ]
        var mismatches: [String] = []
        for round in 0..<300 {
            // Mostly clean levels, so that faults come late.
            let text = OnePassNumberTests.randomFile(&g, pieces: pieces, usual: 12, rare: round % 2 == 0 ? 14 : pieces.count)
            let bytes = Array(text.utf8)
            for threshold in [Int.max, 1] {
                let (fast, _) = OnePassNumberTests.parse(bytes, options: CSVOptions(), onePass: true,
                                                         parallelThreshold: threshold)
                let (general, _) = OnePassNumberTests.parse(bytes, options: CSVOptions(), onePass: false,
                                                            parallelThreshold: threshold)
                if !OnePassNumberTests.identical(fast, general) { mismatches.append(text) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(2))")
    }

    /// Interning a short field from an 8-byte load gives the code that interning its bytes gives.
    @Test func shortFieldsInternedFromOneLoadGetTheSameCodes() {
        var g = ParallelParseTests.Generator(state: 7)
        var byLoad = ByteInterner()
        var byBytes = ByteInterner()
        defer { byLoad.deallocate(); byBytes.deallocate() }
        // Followed by padding, so that 8 bytes are readable from every field start.
        let alphabet: [UInt8] = Array("ab\u{0}c".utf8)
        for _ in 0..<20_000 {
            let n = g.next(12)
            let field = (0..<n).map { _ in alphabet[g.next(alphabet.count)] } + [UInt8](repeating: 0x7A, count: 8)
            field.withUnsafeBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                let a = byLoad.intern(p, n, readable: buffer.count)
                let b = byBytes.intern(p, n)
                #expect(a.code == b.code && a.isNew == b.isNew)
            }
        }
        #expect(byLoad.count == byBytes.count)
    }
}
