import Testing
@testable import DataTable

/// Numeric fields read in one pass (`CSVParser.readsNumbersInOnePass`) must give exactly what the general
/// path gives (tokenize the field, then parse it): the same tables, bit for bit, and the same errors.
struct OnePassNumberTests {
    /// The table or error with one-pass numbers on (as the reader runs) or off, and whether they were on.
    static func parse(_ bytes: [UInt8], options: CSVOptions, onePass: Bool,
                      parallelThreshold: Int = .max) -> (result: Result<Table, CSVError>, wasOnePass: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return (.failure(CSVError(kind: .emptyFile, file: "t.csv")), false) }
            var parser: CSVParser
            do throws(CSVError) {
                parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: options)
            } catch {
                return (.failure(error), false)
            }
            defer { parser.deallocate() }
            let result = Result { () throws(CSVError) in
                try parser.parseRecords(parallelThreshold: parallelThreshold, onePassNumbers: onePass).finish()
            }
            return (result, parser.readsNumbersInOnePass)
        }
    }

    /// Equal tables with numeric values equal in their bit patterns (so -0 and 0 differ), or equal errors.
    static func identical(_ a: Result<Table, CSVError>, _ b: Result<Table, CSVError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)):
            guard x == y else { return false }
            for (c, d) in zip(x.columns, y.columns) {
                if case .numeric(let u) = c.data, case .numeric(let v) = d.data,
                   !zip(u.values, v.values).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
                    return false
                }
            }
            return true
        case (.failure(let x), .failure(let y)):
            return x == y
        default:
            return false
        }
    }

    static func expectSame(_ text: String, options: CSVOptions = CSVOptions(), onePass expected: Bool) {
        let bytes = Array(text.utf8)
        let (fast, wasOnePass) = parse(bytes, options: options, onePass: true)
        let (general, _) = parse(bytes, options: options, onePass: false)
        #expect(wasOnePass == expected)
        #expect(identical(fast, general), "\(text)")
    }

    @Test func numbersEndingAtEveryKindOfFieldEnd() {
        Self.expectSame("a,b,c\n1,-2.5,+3e2\n-0,.5,5.\r\n1e400,1e-400,12345678901234567890123\r7,8,9", onePass: true)
        Self.expectSame("a;b\n1;2\n3;4\n", onePass: true)
        Self.expectSame("a\tb\n1\t2\n\n3\t4", onePass: true)
    }

    @Test func fieldsTheGeneralPathReads() {
        // Spaces, quotes, missing tokens, text after a number, a number at the end of input after a delimiter.
        Self.expectSame("a,b\n 1,2 \n\"3\",4\nNA,.\n5x,6\n7,", onePass: true)
        Self.expectSame("a,b\n1e,2\n1e+,3\n-,4\n", onePass: true)
        // Errors: a stray quote after a number, a NUL byte, ragged records (short and long), out of range.
        Self.expectSame("a,b\n1,2\n3\"x,4\n", onePass: true)
        Self.expectSame("a,b\n1,2\n3\0,4\n", onePass: true)
        Self.expectSame("a,b\n1,2\n3\n", onePass: true)
        Self.expectSame("a,b\n1,2\n3,4,5\n", onePass: true)
        Self.expectSame("a,b\n1,2\n1e400,4\n", onePass: true)
    }

    /// Records whose columns are all numeric take the record loop without per-field type checks (`allNumeric`);
    /// a field it does not read, too many or too few fields, and a column that turns text (after which the
    /// other columns go on) give what the general path gives.
    @Test func recordsWhileEveryColumnIsNumericAndAfter() {
        Self.expectSame("a,b,c\n1,2,3\n4,x,6\n7,8,9\n1,2,z\n3,4,5\n", onePass: true)
        Self.expectSame("a,b,c\n1,2,3\n4,5,6,7\n", onePass: true)
        Self.expectSame("a,b,c\n1,2,3\n4,5\n", onePass: true)
        Self.expectSame("a,b,c\n1,2,3\n4, 5,6\n7,\"8\",9\nNA,,-1\n", onePass: true)
        Self.expectSame("a\n1\n\n2\nx\n3", onePass: true)
    }

    @Test func offWhenAMissingTokenOrCodeOrDecimalMarkCouldReadTheSameBytes() {
        // A missing token that reads as a number out of range is no numeric code, but its bytes are missing.
        Self.expectSame("a,b\n1,1e400\n2,3\n", options: CSVOptions(missingTokens: ["1e400"]), onePass: false)
        Self.expectSame("a,b\n1,-99\n2,3\n", options: CSVOptions(missingTokens: ["NA", "-99"]), onePass: false)
        Self.expectSame("a,b\n1,-99\n2,3\n", options: CSVOptions(columnMissingTokens: ["b": ["-99"]]), onePass: false)
        Self.expectSame("a;b\n1,5;2\n2,25;3\n", onePass: false)
        Self.expectSame("a.b\n1.2\n3.4\n", options: CSVOptions(delimiter: UInt8(ascii: ".")), onePass: false)
        Self.expectSame("aeb\n1e2\n3e4\n", options: CSVOptions(delimiter: UInt8(ascii: "e")), onePass: false)
    }

    /// Random records of number-like pieces, with faults, over both the one-thread and the two-thread parse.
    @Test func randomInputsMatchTheGeneralPath() {
        var g = ParallelParseTests.Generator(state: 2026)
        let pieces: [String] = [
            "1", "-2.5", "007", "+.5", "5.", "-0", "0.1", "1e5", "1E-5", "2.2250738585072011e-308", "1e400", "-1e400",
            "1e-400", "9007199254740993", "123456789012345678901234567890", "0.30000000000000004", "NA", "", ".",
            "1e", "1e+", "-", "+", "1.2.3", "12a", " 4", "5 ", "\"6\"", "\"7\n8\"", "x", "1\"", "--1",
        ]
        var mismatches: [String] = []
        for round in 0..<300 {
            // Mostly clean numbers, so that most columns stay numeric and faults come late.
            let text = Self.randomFile(&g, pieces: pieces, usual: 9, rare: round % 2 == 0 ? 16 : pieces.count)
            let bytes = Array(text.utf8)
            for threshold in [Int.max, 1] {
                let (fast, _) = Self.parse(bytes, options: CSVOptions(), onePass: true, parallelThreshold: threshold)
                let (general, _) = Self.parse(bytes, options: CSVOptions(), onePass: false, parallelThreshold: threshold)
                if !Self.identical(fast, general) { mismatches.append(text) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(2))")
    }

    /// A random CSV of 1–4 columns and 5–64 records of `pieces` (one of the first `usual` mostly, one of the first
    /// `rare` one time in eight), a random line end, a record one field long or short one time in 200, and the last
    /// line end dropped half the time.
    static func randomFile(_ g: inout ParallelParseTests.Generator, pieces: [String], usual: Int, rare: Int) -> String {
        let lineEnds = ["\n", "\r\n", "\r", "\n\n"]
        let columns = 1 + g.next(4)
        let lineEnd = lineEnds[g.next(lineEnds.count)]
        var text = (1...columns).map { "c\($0)" }.joined(separator: ",") + lineEnd
        for _ in 0..<(5 + g.next(60)) {
            var fields = columns
            if g.next(200) == 0 { fields += g.next(2) == 0 ? 1 : -1 }
            text += (0..<max(fields, 1)).map { _ in pieces[g.next(g.next(8) == 0 ? rare : usual)] }.joined(separator: ",")
            text += lineEnd
        }
        if g.next(2) == 0 { text.removeLast(lineEnd.count) }
        return text
    }
}
