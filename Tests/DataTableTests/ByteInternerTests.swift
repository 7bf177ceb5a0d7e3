import Testing
@testable import DataTable

/// `ByteInterner` gives codes in first-seen order, the same whether a field is read by loads (`intern(_:_:readable:)`,
/// the short table's two masked words) or byte by byte (`intern(_:_:)`), whatever the bytes after the field, while
/// its tables grow and after the short table is given up (`shortTableLimit`).
struct ByteInternerTests {
    /// Interns every field both ways and checks both against a dictionary of first-seen codes. Each field is followed
    /// by `after` (bytes the loads read past it, which must not count).
    static func expectFirstSeenCodes(_ fields: [[UInt8]], after: [UInt8]) {
        var byLoad = ByteInterner()
        var byBytes = ByteInterner()
        defer { byLoad.deallocate(); byBytes.deallocate() }
        var expected: [[UInt8]: Int32] = [:]
        var mismatches = 0
        for field in fields {
            let code = expected[field] ?? Int32(expected.count)
            let isNew = expected[field] == nil
            expected[field] = code
            let padded = field + after
            padded.withUnsafeBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                let a = byLoad.intern(p, field.count, readable: buffer.count)
                let b = byBytes.intern(p, field.count)
                if a.code != code || a.isNew != isNew || b.code != code || b.isNew != isNew { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(byLoad.count == expected.count && byBytes.count == expected.count)
        for (field, code) in expected {
            #expect(Array(byLoad.bytes(of: Int(code))) == field && Array(byBytes.bytes(of: Int(code))) == field)
        }
    }

    /// Levels of every length from 0 to 24 bytes that share prefixes (`a`, `aa`, …, and each with its last byte
    /// changed), with UTF-8 ones, in a shuffled order (so that the index is built), repeated.
    @Test func levelsOfEveryLengthSharingPrefixes() {
        var g = ParallelParseTests.Generator(state: 11)
        var levels: [[UInt8]] = []
        for n in 0...24 {
            let base = (0..<n).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            levels.append(base)
            if n > 0 {
                var changed = base
                changed[n - 1] = UInt8(ascii: "Z")
                levels.append(changed)
                levels.append(Array(repeating: UInt8(ascii: "a"), count: n))
            }
        }
        levels += ["é", "naïve", "ünïcödé lëvël", "日本語のレベル", "T0117", "sheffield", "abcdefgh\u{0}"].map { Array($0.utf8) }
        var fields: [[UInt8]] = []
        for _ in 0..<4000 { fields.append(levels[g.next(levels.count)]) }
        // Bytes after the field that would change a level's words if they were not masked away.
        for after in [[UInt8](repeating: 0xFF, count: 16), [UInt8](repeating: 0, count: 16), Array("abcdefghijklmnop".utf8)] {
            Self.expectFirstSeenCodes(fields, after: after)
        }
    }

    /// Fields with fewer than 16 (or 8) bytes readable take the byte loops and must give the same codes.
    @Test func fieldsNearTheEndOfTheInput() {
        var g = ParallelParseTests.Generator(state: 5)
        let levels = (0...17).map { n in (0..<n).map { _ in UInt8(ascii: "x") } } + [Array("b".utf8), Array("ab".utf8)]
        var fields: [[UInt8]] = []
        for _ in 0..<500 { fields.append(levels[g.next(levels.count)]) }
        for padding in 0..<17 {
            Self.expectFirstSeenCodes(fields, after: [UInt8](repeating: 0x41, count: padding))
        }
    }

    /// Many levels in random order: the short table doubles many times and, past `shortTableLimit` levels, every level
    /// moves to the hashed table; long levels are mixed in throughout.
    @Test func tablesThatGrowPastTheShortTableLimit() {
        var g = ParallelParseTests.Generator(state: 99)
        let distinct = ByteInterner.shortTableLimit + 5000
        var fields: [[UInt8]] = []
        fields.reserveCapacity(distinct * 2)
        for _ in 0..<(distinct * 2) {
            let k = g.next(distinct)
            var field = Array("L\(k)".utf8)
            if k % 7 == 0 { field += Array("-a-level-longer-than-sixteen-bytes".utf8) }
            if k % 11 == 0 { field = Array("p\(k % 5)".utf8) }
            fields.append(field)
        }
        Self.expectFirstSeenCodes(fields, after: [UInt8](repeating: 0x7E, count: 16))
    }

    /// The index built when first-seen order stops being increasing (sequential ids, then one out of order), with more
    /// than `shortTableLimit` short levels already in: they go straight to the hashed table.
    @Test func indexBuiltLateOverManyLevels() {
        let count = ByteInterner.shortTableLimit + 10
        var fields = (0..<count).map { k -> [UInt8] in
            let digits = String(k)
            return Array((String(repeating: "0", count: 8 - digits.count) + digits).utf8)
        }
        fields += [Array("00000005".utf8), Array("zz".utf8), Array("00000007".utf8), Array("zz".utf8)]
        Self.expectFirstSeenCodes(fields, after: [UInt8](repeating: 0x30, count: 16))
        let few = [Array("b".utf8), Array("c".utf8), Array("a".utf8), Array("b".utf8), Array("bcdefghijklmnopqrs".utf8),
                   Array("bcdefghijklmnopqrs".utf8), Array("a".utf8)]
        Self.expectFirstSeenCodes(few, after: [])
    }

    /// Levels of every length around 8 and 16 bytes, quoted and unquoted, UTF-8 and sharing prefixes, read by the
    /// one-pass and the general path on one and two threads: the same table.
    @Test func csvLevelsAroundEightAndSixteenBytes() {
        var g = ParallelParseTests.Generator(state: 3)
        var pieces: [String] = []
        for n in [1, 2, 7, 8, 9, 15, 16, 17, 24] {
            let level = String(repeating: "k", count: n - 1) + "e"
            pieces += [level, String(level.dropLast()) + "f", "\"\(level)\"", "\"\(level),x\""]
        }
        pieces += ["é", "naïve", "\"quoted é\"", "T0117", "T0697", "ünïcödé lëvël 17"]
        for round in 0..<40 {
            var text = "g,x,h\n"
            for r in 0..<(50 + round * 5) {
                text += "\(pieces[g.next(pieces.count)]),\(r),\(pieces[g.next(pieces.count)])\n"
            }
            OnePassTextTests.expectSame(text)
            let (one, _) = OnePassNumberTests.parse(Array(text.utf8), options: CSVOptions(), onePass: true,
                                                    parallelThreshold: .max)
            let (two, _) = OnePassNumberTests.parse(Array(text.utf8), options: CSVOptions(), onePass: true,
                                                    parallelThreshold: 1)
            #expect(OnePassNumberTests.identical(one, two))
        }
    }
}
