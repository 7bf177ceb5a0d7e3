import Foundation
import Testing
@testable import DataTable

/// The two-thread parse must give exactly the one-pass parse's tables and errors. A threshold of 1
/// byte sends these small inputs through it; `.max` forces the one-pass parse.
struct ParallelParseTests {
    /// Deterministic pseudo-random numbers (an LCG), so every input is the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func both(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) -> (parallel: Result<Table, CSVError>,
                                                                                 single: Result<Table, CSVError>) {
        let parallel = Result { () throws(CSVError) in
            try CSVReader.read(data: bytes, sourceName: "big.csv", options: options, parallelThreshold: 1)
        }
        let single = Result { () throws(CSVError) in
            try CSVReader.read(data: bytes, sourceName: "big.csv", options: options, parallelThreshold: .max)
        }
        return (parallel, single)
    }

    /// Whether the two-thread parse itself succeeded (rather than falling back to one pass).
    static func tookTwoThreads(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) throws -> Bool {
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            var parser = try CSVParser(base: base, count: buffer.count, sourceName: "big.csv", options: options)
            defer { parser.deallocate() }
            let (names, start, line) = try parser.readHeader()
            guard let builders = parser.parseInTwoChunks(columnCount: names.count, start: start, line: line) else {
                return false
            }
            ParsedColumns.release(builders, count: names.count)
            return true
        }
    }

    static func expectSame(_ text: String, options: CSVOptions = CSVOptions(), parallel expectParallel: Bool? = true)
        throws
    {
        let bytes = Array(text.utf8)
        let (parallel, single) = both(bytes, options: options)
        let table = try single.get()
        #expect(try parallel.get() == table)
        if let expectParallel { #expect(try tookTwoThreads(bytes, options: options) == expectParallel) }
    }

    @Test func numericColumnsWithMissingValuesAndLeadingZeros() throws {
        var g = Generator(state: 1)
        var text = "id,item,score,change,zip\n"
        for i in 0..<3000 {
            let item = g.next(50) == 0 ? "" : String(1 + g.next(7))
            let score = g.next(40) == 0 ? "NA" : String(Double(g.next(1_000_000)) / 997)
            let change = g.next(60) == 0 ? "." : "-\(g.next(100)).\(g.next(1000))e\(g.next(5))"
            let zip = String(format: "%05d", g.next(100_000))
            text += "\(i),\(item),\(score),\(change),\(zip)\n"
        }
        try Self.expectSame(text)
        let table = try CSVReader.read(data: Array(text.utf8), sourceName: "big.csv", options: CSVOptions(),
                                       parallelThreshold: 1)
        #expect(table.rowCount == 3000)
        #expect((table.column(named: "zip")?.numeric?.leadingZeroCount ?? 0) > 0)
    }

    /// Missing flags are kept only once a column meets its first missing value: columns whose missing values
    /// are all in the first half, all in the second, in both or in neither join to the one-pass table.
    @Test func missingValuesInOnlyOneHalf() throws {
        var text = "first,second,both,neither\n"
        for i in 0..<4000 {
            let early = i < 2000
            let first = early && i % 7 == 0 ? "NA" : String(i)
            let second = !early && i % 11 == 0 ? "" : String(Double(i) / 8)
            let both = i % 13 == 0 ? "." : String(-i)
            text += "\(first),\(second),\(both),\(i % 5)\n"
        }
        try Self.expectSame(text)
        let table = try CSVReader.read(data: Array(text.utf8), sourceName: "big.csv", options: CSVOptions(),
                                       parallelThreshold: 1)
        let missing = ["first", "second", "both", "neither"].map { name in
            table.column(named: name)?.numeric?.missing.filter { $0 }.count ?? -1
        }
        #expect(missing == [286, 182, 308, 0])
    }

    @Test func categoricalColumnsMergeLevelsInOneOrder() throws {
        var g = Generator(state: 2)
        let sites = ["north", "south", "east", "west", "Zürich"]
        var text = "client,site,therapist\n"
        for i in 0..<3000 {
            // Some levels occur only in the second half, some only in the first.
            let therapist = i < 1500 ? "T\(g.next(20))" : "T\(10 + g.next(20))"
            text += "c\(String(format: "%07d", 3000 - i)),\(sites[g.next(5)]),\(g.next(30) == 0 ? "" : therapist)\n"
        }
        try Self.expectSame(text)
    }

    /// 3,000 records whose columns turn to text late, early, in the middle, in both halves, or hold only numbers
    /// and NA (huge exponents), drawn from `g`.
    static func columnsTurningText(_ g: inout Generator) -> String {
        var text = "late,early,middle,both,never\n"
        for i in 0..<3000 {
            let late = i == 2800 ? "unknown" : String(g.next(9))
            let early = i == 3 ? "n/a" : String(g.next(9))
            let middle = i == 1499 || i == 1501 ? "x" : String(Double(g.next(100)) / 8)
            let both = i == 100 || i == 2900 ? "none" : "0\(g.next(9))"
            text += "\(late),\(early),\(middle),\(both),\(g.next(2) == 0 ? "NA" : "1e\(g.next(300))")\n"
        }
        return text
    }

    @Test func columnsThatTurnCategoricalInEitherHalf() throws {
        var g = Generator(state: 3)
        let text = Self.columnsTurningText(&g)
        try Self.expectSame(text)
        let table = try CSVReader.read(data: Array(text.utf8), sourceName: "big.csv", options: CSVOptions(),
                                       parallelThreshold: 1)
        #expect(table.column(named: "late")?.categorical != nil)
        #expect(table.column(named: "early")?.categorical != nil)
        #expect(table.column(named: "never")?.numeric != nil)
    }

    @Test func quotedFieldsAndCRLF() throws {
        var g = Generator(state: 4)
        var text = "note,value,tag\r\n"
        for i in 0..<3000 {
            let note: String
            switch g.next(6) {
            case 0: note = "\"a, b\""
            case 1: note = "\"said \"\"hi\"\"\""
            case 2: note = " plain "
            case 3: note = "\"\""
            default: note = "n\(g.next(40))"
            }
            text += "\(note),\"\(g.next(1000))\",t\(i % 7)\r\n"
            if i % 500 == 0 { text += "\r\n" }  // blank lines are skipped
        }
        try Self.expectSame(text)
    }

    @Test func embeddedNewlinesEverywhereFallBackOrSplitCleanly() throws {
        // Every record spans two lines, so the split's line end may lie inside a quoted field.
        for seed in 5..<9 {
            var g = Generator(state: UInt64(seed))
            var text = "a,b\n"
            for _ in 0..<2000 { text += "\"line\n\(g.next(100))\",\(g.next(100))\n" }
            try Self.expectSame(text, parallel: nil)
        }
        // A split inside a quoted field is not taken: the first half's parse goes on to the end,
        // including a column that turns categorical only after the split.
        var text = "a,b,c\n"
        for i in 0..<100 { text += "\(i),x,\(i)\n" }
        text += "\"" + String(repeating: "long\n", count: 2000) + "\",y,1\n"
        for i in 0..<100 { text += "\(i),z,\(i == 90 ? "late" : String(i))\n" }
        try Self.expectSame(text, parallel: true)
        let table = try CSVReader.read(data: Array(text.utf8), sourceName: "big.csv", options: CSVOptions(),
                                       parallelThreshold: 1)
        #expect(table.rowCount == 201)
        #expect(table.column(named: "c")?.categorical != nil)
    }

    @Test func oneColumnFileWithBlankLines() throws {
        var text = "score\n"
        for i in 0..<3000 { text += i % 97 == 0 ? "\n" : "\(i % 13)\n" }
        try Self.expectSame(text)
    }

    @Test func unicodeLevelsThatAreEqualStringsAcrossHalves() throws {
        // "é" precomposed in the first half, decomposed in the second: one level, as in one pass.
        var text = "name,n\n"
        for i in 0..<3000 { text += (i < 1500 ? "caf\u{E9}" : "cafe\u{301}") + ",\(i)\n" }
        try Self.expectSame(text)
    }

    /// Errors in the second half carry the one-pass parse's line and column, counted across the
    /// first half's lines (including lines inside quoted fields).
    @Test func errorsInTheSecondHalfMatchTheOnePassParse() throws {
        func body(_ badRow: String, at index: Int) -> [UInt8] {
            var text = "a,b,c\n"
            for i in 0..<3000 {
                if i == index { text += badRow + "\n"; continue }
                text += i % 10 == 0 ? "\"x\ny\",\(i),\(i)\n" : "w\(i),\(i),\(i)\n"
            }
            return Array(text.utf8)
        }
        let cases: [(String, CSVError.Kind)] = [
            ("1,2", .raggedRow(expected: 3, found: 2)),
            ("1,2,3,4", .raggedRow(expected: 3, found: 4)),
            ("a\"b,2,3", .strayQuote),
            ("\"a\"b,2,3", .textAfterClosingQuote),
            ("x,1e999,3", .numberOutOfRange("1e999")),
        ]
        for (row, kind) in cases {
            for index in [2500, 2999] {
                let (parallel, single) = Self.both(body(row, at: index))
                guard case .failure(let expected) = single else {
                    Issue.record("no error for \(row)")
                    continue
                }
                #expect(expected.kind == kind)
                // Rows 0, 10, 20, … take two lines each; the header is line 1.
                #expect(expected.line == 2 + index + (index + 9) / 10)
                #expect(parallel == single)
            }
        }
        var invalid = body("ok,1,2", at: 2700)
        if let at = invalid.lastIndex(of: UInt8(ascii: "k")) { invalid[at] = 0xFF }
        let (parallel, single) = Self.both(invalid)
        #expect(parallel == single)
        if case .failure(let error) = single { #expect(error.kind == .invalidUTF8) } else { Issue.record("no error") }

        let unterminated = Array(("a,b\n" + String(repeating: "1,2\n", count: 3000) + "\"open,2\n1,2\n").utf8)
        let (p2, s2) = Self.both(unterminated)
        #expect(p2 == s2)
        if case .failure(let error) = s2 { #expect(error.line == 3002) } else { Issue.record("no error") }
    }

    @Test func errorInTheFirstHalfIsNotMaskedByOneInTheSecond() throws {
        var text = "a,b\n"
        for i in 0..<3000 { text += i == 200 ? "1,2,3\n" : i == 2800 ? "1\n" : "\(i),\(i)\n" }
        let (parallel, single) = Self.both(Array(text.utf8))
        #expect(parallel == single)
        if case .failure(let error) = parallel { #expect(error.line == 202) } else { Issue.record("no error") }
    }

    @Test func memoryMappedFileTakesTheSamePath() throws {
        var g = Generator(state: 9)
        var text = "id,site,score\n"
        for i in 0..<5000 { text += "c\(i),s\(g.next(4)),\(g.next(30) == 0 ? "NA" : String(g.next(1000)))\n" }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-parallel-\(getpid()).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let parallel = try CSVReader.read(contentsOf: path, options: CSVOptions(), inspectingBytes: nil,
                                          parallelThreshold: 1)
        let single = try CSVReader.read(contentsOf: path, options: CSVOptions(), inspectingBytes: nil,
                                        parallelThreshold: .max)
        #expect(parallel == single)
        #expect(parallel.rowCount == 5000)
    }
}

/// On a memory-mapped file the thread that takes the second half maps that half's pages a MiB at a time while the other
/// counts the first half's line feeds (`mapWhileWaiting`). Files of several MiB, so that the mapping takes several steps
/// and the halves meet inside quoted line ends, CRLF records and text columns: the table is the one-pass parse's.
struct ParallelParseMappedFileTests {
    static func readBothWays(_ text: String) throws -> (parallel: Table, single: Table) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("alliance-mapped-\(getpid())-\(text.utf8.count).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let parallel = try CSVReader.read(contentsOf: path, options: CSVOptions(), inspectingBytes: nil, parallelThreshold: 1)
        let single = try CSVReader.read(contentsOf: path, options: CSVOptions(), inspectingBytes: nil,
                                        parallelThreshold: .max)
        return (parallel, single)
    }

    @Test func severalMebibytesGiveTheOnePassTable() throws {
        var g = ParallelParseTests.Generator(state: 41)
        var plain = "id,site,score,note\n"
        var crlf = "id,site,score,note\r\n"
        var quoted = "id,site,score,note\n"
        for i in 0..<120_000 {
            let score = g.next(30) == 0 ? "NA" : String(Double(g.next(1_000_000)) / 977)
            plain += "\(i),s\(g.next(40)),\(score),n\(g.next(9))\n"
            crlf += "\(i),s\(g.next(40)),\(score),n\(g.next(9))\r\n"
            quoted += i % 97 == 0 ? "\(i),\"s\n\(g.next(4))\",\(score),\"a \"\"b\"\"\"\n" : "\(i),s\(g.next(40)),\(score),n\n"
        }
        for (name, text) in [("plain", plain), ("crlf", crlf), ("quoted", quoted)] {
            #expect(text.utf8.count > 2 << 20, "\(name) spans several MiB")
            let (parallel, single) = try Self.readBothWays(text)
            #expect(parallel == single, "\(name)")
            #expect(parallel.rowCount == 120_000, "\(name)")
        }
    }

    @Test func populatingAMappingForReadingLeavesItsBytes() throws {
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-populate-\(getpid()).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let mapped = try #require(mmap(nil, bytes.count, PROT_READ, MAP_PRIVATE, fd, 0))
        try #require(mapped != MAP_FAILED)
        defer { munmap(mapped, bytes.count) }
        let base = UnsafeRawPointer(mapped)
        // An unaligned range inside the mapping: whole pages around it are mapped, nothing is written.
        let populated = PopulatedPages.populateForReading(from: base + 4097, to: base + (2 << 20) + 5)
        #if os(Linux)
        // MADV_POPULATE_READ exists from Linux 5.14 on; before, the call is refused and the pages fault in when read.
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        let version = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        if version.count == 2 && (version[0], version[1]) >= (5, 14) { #expect(populated) }
        #endif
        #expect(UnsafeRawBufferPointer(start: base, count: bytes.count).elementsEqual(bytes))
    }
}

struct TableSummaryTests {
    @Test func tableSummaryEqualsColumnSummariesInOrder() throws {
        var g = ParallelParseTests.Generator(state: 11)
        let rows = 70_000  // above the two-thread threshold
        var text = "a,b,c,d\n"
        for _ in 0..<rows {
            text += "\(g.next(7)),\(Double(g.next(1_000_000)) / 1013),s\(g.next(5)),\(g.next(20) == 0 ? "NA" : String(g.next(100)))\n"
        }
        let table = try readCSV(text)
        #expect(table.rowCount == rows)
        let summaries = summarize(table)
        #expect(summaries == table.columns.map { summarize($0) })
        let small = try readCSV("x,y\n1,a\n2,b\n")
        #expect(summarize(small) == small.columns.map { summarize($0) })
    }
}

struct ParallelParseRandomInputTests {
    /// Random inputs built from the pieces that matter at a split (quoted line ends, doubled quotes,
    /// CR/LF/CRLF, blank lines, missing tokens, late text, out-of-range numbers, stray quotes,
    /// ragged records, invalid UTF-8): the two-thread parse must match the one-pass parse exactly,
    /// tables and errors alike.
    @Test func randomInputsMatchTheOnePassParse() {
        var g = ParallelParseTests.Generator(state: 12)
        let pieces: [[UInt8]] = [
            Array("1".utf8), Array("-2.5".utf8), Array("007".utf8), Array("NA".utf8), Array("".utf8),
            Array("word".utf8), Array("\"q,1\"".utf8), Array("\"a\nb\"".utf8), Array("\"x\"\"y\"".utf8),
            Array("\"\r\n\"".utf8), Array(" 3 ".utf8), Array("1e400".utf8), Array("caf\u{E9}".utf8),
        ]
        let faults: [[UInt8]] = [Array("a\"b".utf8), Array("\"open".utf8), Array("\"x\"y".utf8), [0xC3, 0x28], [0]]
        let lineEnds: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D], [0x0A, 0x0A]]
        var mismatches = 0
        for round in 0..<400 {
            let columns = 1 + g.next(4)
            var bytes = Array((1...columns).map { "c\($0)" }.joined(separator: ",").utf8)
            let lineEnd = lineEnds[g.next(lineEnds.count)]
            bytes += lineEnd
            for _ in 0..<(20 + g.next(200)) {
                var fields = columns
                if g.next(400) == 0 { fields += g.next(2) == 0 ? 1 : -1 }
                for k in 0..<max(fields, 1) {
                    if k > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes += g.next(600) == 0 ? faults[g.next(faults.count)] : pieces[g.next(round % 3 == 0 ? 6 : pieces.count)]
                }
                bytes += g.next(50) == 0 ? lineEnds[g.next(lineEnds.count)] : lineEnd
            }
            let (parallel, single) = ParallelParseTests.both(bytes)
            if parallel != single { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}

/// Both halves write their numbers into one buffer per column (`ColumnBuilder.shareNumbers`), sized from an
/// estimate of each half's rows. Whatever the sizes — none, too small for either half (the excess goes to the
/// builder's own array), exact, far too large (a gap the join closes) — the table and errors are the one-pass
/// parse's, bit for bit, on the inputs that reach every join and fallback.
struct ParallelParseSharedBufferTests {
    static func twoThreads(_ bytes: [UInt8], windowRows: (first: Int, second: Int)) -> Result<Table, CSVError> {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .failure(CSVError(kind: .emptyFile, file: "big.csv")) }
            return Result { () throws(CSVError) in
                var parser = try CSVParser(base: base, count: buffer.count, sourceName: "big.csv", options: CSVOptions())
                defer { parser.deallocate() }
                return try parser.parseRecords(parallelThreshold: 1, windowRows: windowRows).finish()
            }
        }
    }

    static let windowSizes: [(first: Int, second: Int)] = [
        (0, 0), (1, 1), (255, 257), (256, 256), (1500, 1500), (7, 4000), (4000, 7), (100_000, 100_000),
    ]

    static func inputs() -> [(name: String, text: String)] {
        var g = ParallelParseTests.Generator(state: 21)
        var numbers = "id,item,score,change\n"
        for i in 0..<3000 {
            let item = g.next(50) == 0 ? "" : String(1 + g.next(7))
            let score = g.next(40) == 0 ? "NA" : String(Double(g.next(1_000_000)) / 997)
            numbers += "\(i),\(item),\(score),-\(g.next(100)).\(g.next(1000))e\(g.next(5))\n"
        }
        var missing = "first,second,neither\n"
        for i in 0..<3000 {
            let first = i < 1500 && i % 7 == 0 ? "NA" : String(i)
            let second = i >= 1500 && i % 11 == 0 ? "" : String(Double(i) / 8)
            missing += "\(first),\(second),\(i % 5)\n"
        }
        let turning = ParallelParseTests.columnsTurningText(&g)
        // A split inside a quoted field: the first half reads on through the second half's part of the buffers.
        var quoted = "a,b,c\n"
        for i in 0..<1000 { quoted += "\(i),\(Double(i) / 4),\(i)\n" }
        quoted += "\"" + String(repeating: "long\n", count: 6000) + "\",1,2\n"
        for i in 0..<1000 { quoted += "\(i),\(-i),\(i == 900 ? "late" : String(i))\n" }
        var outOfRange = "a,b\n"
        for i in 0..<3000 { outOfRange += "\(i),\(i == 2500 || i == 2600 ? "1e999" : String(i))\n" }
        var ragged = "a,b\n"
        for i in 0..<3000 { ragged += i == 2700 ? "1\n" : "\(i),\(i)\n" }
        return [("numbers", numbers), ("missing", missing), ("turning", turning), ("quoted", quoted),
                ("outOfRange", outOfRange), ("ragged", ragged)]
    }

    @Test func anyBufferSizeGivesTheOnePassTable() {
        for (name, text) in Self.inputs() {
            let bytes = Array(text.utf8)
            let single = ParallelParseTests.both(bytes).single
            for rows in Self.windowSizes {
                let parallel = Self.twoThreads(bytes, windowRows: rows)
                #expect(OnePassNumberTests.identical(parallel, single), "\(name) with windows \(rows)")
            }
        }
    }

    /// The estimate that sizes the buffers counts line feeds at the start of each half: a lone-CR file has none,
    /// so its numbers go to the halves' own arrays, as before shared buffers.
    @Test func estimatedRowsFromLineFeeds() throws {
        func estimate(_ text: String) throws -> (first: Int, second: Int)? {
            try Array(text.utf8).withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return nil }
                let parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: CSVOptions())
                defer { parser.deallocate() }
                return parser.estimatedRows(start: 4, split: 4 + (buffer.count - 4) / 2, end: buffer.count)
            }
        }
        let rows = try estimate("a,b\n" + String(repeating: "1,2\n", count: 2000))
        #expect(rows?.first == 1000 * 102 / 100 + 256 && rows?.second == 1000 * 102 / 100 + 256)
        #expect(try estimate("a,b\r" + String(repeating: "1,2\r", count: 2000)) == nil)
        let text = "a,b\r" + String(repeating: "1,2\r", count: 3000)
        let single = ParallelParseTests.both(Array(text.utf8)).single
        #expect(OnePassNumberTests.identical(ParallelParseTests.both(Array(text.utf8)).parallel, single))
    }

    /// The second half's thread counts the first half's line feeds (32 bytes at a time) to start its numbers where the
    /// first half's end. The count is every line feed, quoted or blank-line ones too, and nil when a CR is not followed
    /// by a line feed; checked against a byte-by-byte count for every range end around the vector blocks.
    @Test func lineFeedsCountedBeforeTheSecondHalf() throws {
        var g = ParallelParseTests.Generator(state: 33)
        var plain = "a,b\n"
        var crlf = "a,b\r\n"
        var quoted = "a,b\n"
        var blank = "a,b\n"
        var loneCR = "a,b\n"
        for i in 0..<1500 {
            plain += "\(g.next(1000)),\(i)\n"
            crlf += "\(g.next(1000)),\(i)\r\n"
            quoted += i % 5 == 0 ? "\"x\ny\r\nz\",\(i)\n" : "w,\(i)\n"
            blank += i % 9 == 0 ? "\n\n\(i),1\n" : "\(i),2\n"
            loneCR += i == 700 ? "\(i),3\r" : "\(i),4\n"
        }
        for (name, text) in [("plain", plain), ("crlf", crlf), ("quoted", quoted), ("blank", blank), ("loneCR", loneCR)] {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: CSVOptions())
                defer { parser.deallocate() }
                for to in [0, 1, 31, 32, 33, 4063, 4064, 4065, 4096, 8129, 8160, buffer.count / 2, buffer.count - 1,
                           buffer.count] where to <= buffer.count {
                    for from in [0, 1, 7] where from <= to {
                        let slice = bytes[from..<to]
                        let lone = slice.indices.contains { i in
                            bytes[i] == 13 && !(i + 1 < bytes.count && bytes[i + 1] == 10)
                        }
                        let expected = lone ? nil : slice.count(where: { $0 == 10 })
                        #expect(parser.lineFeedsWithoutLoneCR(from: from, to: to) == expected, "\(name) \(from)..<\(to)")
                    }
                }
            }
        }
    }

    /// Both threads count the first half's line feeds in blocks, one from its start and one from its end (`LineFeedHandoff`):
    /// the total, and nil for a lone CR, are the one-call count's for every block size, CRs on block boundaries included.
    @Test func lineFeedsCountedInBlocksFromBothEnds() throws {
        var g = ParallelParseTests.Generator(state: 35)
        var plain = "a,b\n", crlf = "a,b\r\n", quoted = "a,b\n", loneCR = "a,b\n"
        for i in 0..<400 {
            plain += "\(g.next(1000)),\(i)\n"
            crlf += "\(g.next(1000)),\(i)\r\n"
            quoted += i % 5 == 0 ? "\"x\ny\r\nz\",\(i)\n" : "w,\(i)\n"
            loneCR += i == 300 ? "\(i),3\r" : "\(i),4\n"
        }
        for (name, text) in [("plain", plain), ("crlf", crlf), ("quoted", quoted), ("loneCR", loneCR)] {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let parser = try CSVParser(base: base, count: buffer.count, sourceName: "t.csv", options: CSVOptions())
                defer { parser.deallocate() }
                let to = buffer.count - 5
                let expected = parser.lineFeedsWithoutLoneCR(from: 4, to: to)
                for block in [1, 2, 7, 32, 33, 4096, 1 << 20] {
                    for threads in [1, 2] {
                        let handoff = LineFeedHandoff(from: 4, to: to, blockBytes: block)
                        let workers = SendableParser(parser: parser)
                        DispatchQueue.concurrentPerform(iterations: threads) { i in
                            workers.parser.countLineFeeds(for: handoff, fromStart: i == 0)
                        }
                        #expect(handoff.wait() == expected, "\(name), blocks of \(block), \(threads) threads")
                    }
                }
            }
        }
    }

    /// With the first half's line feeds counted, the second half writes its numbers right after the first half's, or,
    /// when line feeds outnumber records (quoted ones, blank lines) past them (the join closes the gap); a lone CR in the
    /// first half leaves the estimate in charge. Every case gives the one-pass table on two threads.
    @Test func countedFirstHalfGivesTheOnePassTable() throws {
        var g = ParallelParseTests.Generator(state: 34)
        var exact = "a,b,c\n"
        var crlf = "a,b,c\r\n"
        var quotedFirst = "a,b,c\n"
        var blankAtMiddle = "a,b,c\n"
        var loneCRFirst = "a,b,c\n"
        var missingSecond = "a,b,c\n"
        for i in 0..<3000 {
            let x = Double(g.next(1_000_000)) / 997
            exact += "\(i),\(x),\(g.next(9))\n"
            crlf += "\(i),\(x),\(g.next(9))\r\n"
            quotedFirst += i < 1200 && i % 13 == 0 ? "\(i),\(x),\"9\n\"\n" : "\(i),\(x),\(g.next(9))\n"
            blankAtMiddle += (1400..<1600).contains(i) && i % 3 == 0 ? "\n\(i),\(x),1\n\n" : "\(i),\(x),2\n"
            loneCRFirst += i < 1000 && i % 17 == 0 ? "\(i),\(x),3\r" : "\(i),\(x),4\n"
            missingSecond += i > 2000 && i % 7 == 0 ? "\(i),NA,\n" : "\(i),\(x),5\n"
        }
        for (name, text) in [("exact", exact), ("crlf", crlf), ("quotedFirst", quotedFirst),
                             ("blankAtMiddle", blankAtMiddle), ("loneCRFirst", loneCRFirst),
                             ("missingSecond", missingSecond)] {
            let bytes = Array(text.utf8)
            let (parallel, single) = ParallelParseTests.both(bytes)
            #expect(OnePassNumberTests.identical(parallel, single), "\(name)")
            #expect(try ParallelParseTests.tookTwoThreads(bytes), "\(name)")
        }
    }
}

/// A parser shared read-only by test threads (`countLineFeeds` reads the input only).
private struct SendableParser: @unchecked Sendable {
    let parser: CSVParser
}
