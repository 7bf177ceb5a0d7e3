import AllianceTestSupport
import Testing
@testable import DataTable

/// Reference: IEEE-754 bit patterns of the correctly rounded results (exact, tolerance 0; each
/// pattern checked independently with Python's correctly rounded `float()`), and the C library's
/// correctly rounded `strtod` (through `Double(String)`) for the randomized check.
@Suite("Decimal parsing: correctly rounded doubles")
struct DecimalParserTests {
    static let hardCases: [(text: String, bits: UInt64)] = [
        ("0.1", 0x3FB9_9999_9999_999A),
        ("0.3", 0x3FD3_3333_3333_3333),
        ("2.2250738585072011e-308", 0x000F_FFFF_FFFF_FFFF),  // largest subnormal (the PHP/Java hang value)
        ("2.2250738585072012e-308", 0x0010_0000_0000_0000),  // smallest normal
        ("9007199254740993", 0x4340_0000_0000_0000),  // 2^53 + 1: halfway, ties to even → 2^53
        ("9007199254740995", 0x4340_0000_0000_0002),  // halfway, ties to even → 2^53 + 4
        ("1.7976931348623157e308", 0x7FEF_FFFF_FFFF_FFFF),  // greatest finite
        ("1.7976931348623158e308", 0x7FEF_FFFF_FFFF_FFFF),  // just below the overflow threshold
        ("4.9406564584124654e-324", 0x0000_0000_0000_0001),  // smallest subnormal
        ("2.4703282292062328e-324", 0x0000_0000_0000_0001),  // just above half of it: rounds up
        ("2.4703282292062327e-324", 0x0000_0000_0000_0000),  // just below half: rounds to zero
        ("1e23", 0x44B5_2D02_C7E1_4AF6),  // 10^23 is not exact; outside the fast path
        ("8.98846567431158e307", 0x7FE0_0000_0000_0000),
        ("123456789012345678901234567890", 0x45F8_EE90_FF6C_373E),
        ("0.000000000000000000000000000000000000000000000001", 0x35F7_624F_8A76_2FD8),
        ("1.00000000000000011102230246251565404236316680908203125", 0x3FF0_0000_0000_0000),  // exact halfway: even
        ("1.00000000000000011102230246251565404236316680908203126", 0x3FF0_0000_0000_0001),  // just above halfway
        ("-1.5", 0xBFF8_0000_0000_0000),
        ("1e-3", 0x3F50_624D_D2F1_A9FC),
        ("+2", 0x4000_0000_0000_0000),
        (".5", 0x3FE0_0000_0000_0000),
        ("5.", 0x4014_0000_0000_0000),
        ("-0", 0x8000_0000_0000_0000),
        ("0e999999999", 0x0000_0000_0000_0000),
        ("000000000000000000000000000000001.5", 0x3FF8_0000_0000_0000),
    ]

    @Test func hardCasesRoundCorrectly() {
        for (text, bits) in Self.hardCases {
            guard case .value(let v) = DecimalParser.parse(text) else {
                Issue.record("\(text) did not parse")
                continue
            }
            #expect(v.bitPattern == bits, "\(text) → \(v) (0x\(String(v.bitPattern, radix: 16)))")
        }
    }

    @Test func overflowIsReportedNotInfinity() {
        #expect(DecimalParser.parse("1.7976931348623159e308") == .outOfRange)
        #expect(DecimalParser.parse("1e400") == .outOfRange)
        #expect(DecimalParser.parse("-1e400") == .outOfRange)
        #expect(DecimalParser.parse("1" + String(repeating: "0", count: 400)) == .outOfRange)
        #expect(DecimalParser.parse("1e-400") == .value(0))
    }

    @Test(arguments: ["", "+", "-", ".", "+.", "e5", "1e", "1e+", "1e-", "Inf", "inf", "-Infinity", "NaN", "nan",
                      "0x1A", "1,000", "1 000", " 1", "1 ", "1.2.3", "--1", "1e5.5", "1d5", "١", "½", "1_000"])
    func rejectsNonDecimalText(text: String) {
        #expect(DecimalParser.parse(text) == .notANumber)
    }

    /// Fast path and fallback agree bit-for-bit with strtod on random decimal strings of 1–20
    /// significant digits and exponents across the whole range.
    @Test func agreesWithStrtodOnRandomDecimals() {
        var generator = SplitMix(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { generator.next() }
        var mismatches: [String] = []
        for _ in 0..<100_000 {
            let digitCount = Int(next() % 20) + 1
            var digits = ""
            for _ in 0..<digitCount { digits.append(Character(Unicode.Scalar(UInt8(48 + next() % 10)))) }
            let point = Int(next() % UInt64(digitCount + 1))
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if text.hasPrefix(".") && text.count == 1 { text = "0" }
            switch next() % 3 {
            case 0: text += "e\(Int(next() % 60) - 30)"
            case 1: text += "e\(Int(next() % 640) - 330)"
            default: break
            }
            if next() % 2 == 0 { text = "-" + text }
            guard let reference = Double(text) else { continue }
            let parsed = DecimalParser.parse(text)
            let expected: DecimalParser.Result = reference.isFinite ? .value(reference) : .outOfRange
            if case .value(let v) = parsed, case .value(let r) = expected {
                if v.bitPattern != r.bitPattern { mismatches.append(text) }
            } else if parsed != expected {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// The inlined Clinger value (`quickValue`, used by the one-pass read) is `value(of:)`'s bit for bit
    /// whenever it gives one, and it gives one for integers and short decimals.
    @Test func quickValueAgreesWithValue() {
        var generator = SplitMix(seed: 0x0123_4567_89AB_CDEF)
        func next() -> UInt64 { generator.next() }
        var mismatches: [String] = []
        var quick = 0
        for _ in 0..<100_000 {
            let digitCount = Int(next() % 22) + 1
            var digits = ""
            for _ in 0..<digitCount { digits.append(Character(Unicode.Scalar(UInt8(48 + next() % 10)))) }
            let point = Int(next() % UInt64(digitCount + 2))
            var text = point > digitCount ? digits : String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if next() % 4 == 0 { text += "e\(Int(next() % 60) - 30)" }
            if next() % 2 == 0 { text = (next() % 2 == 0 ? "-" : "+") + text }
            var copy = text
            copy.withUTF8 { buffer in
                guard let p = buffer.baseAddress, let number = DecimalParser.scan(p, limit: buffer.count),
                      number.length == buffer.count, let v = DecimalParser.quickValue(of: number) else { return }
                quick += 1
                guard case .value(let r) = DecimalParser.value(of: number, p), r.bitPattern == v.bitPattern else {
                    mismatches.append(text)
                    return
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(quick > 10_000)
        for text in ["0", "-0", "-0.0", "7", "9007199254740992", "9007199254740993", "0.1", "-72.75", "1.5e1", "1e5"] {
            var copy = text
            let expected = Double(text)
            copy.withUTF8 { buffer in
                guard let p = buffer.baseAddress, let number = DecimalParser.scan(p, limit: buffer.count) else {
                    Issue.record("\(text) did not scan")
                    return
                }
                if let v = DecimalParser.quickValue(of: number) {
                    #expect(v.bitPattern == expected?.bitPattern, "\(text)")
                } else {
                    // Only a mantissa beyond 2^53 or a positive power of ten leaves the quick path.
                    #expect(text == "9007199254740993" || text == "1e5", "\(text)")
                }
            }
        }
    }

    /// The edges of `quickValue`'s two cases (an integer, not divided, and a decimal divided by 10^k) and of its hand-over
    /// to `value(of:)`: signed integers with leading zeros, -0 written every way, 2^53 ± 1, exponents −22/−23, 19 and 20
    /// digits, and numbers that Clinger's and Eisel–Lemire's paths both reach. Each is strtod's double bit for bit,
    /// through `quickValue` when it gives one and through `parse` always.
    @Test(arguments: [
        "0", "-0", "+0", "-0.0", "-000", "-0e0", "-0.000", "007", "-007", "+0042", "-9", "12", "-12345678",
        "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740991", "-9007199254740993",
        "900719925474099.1", "900719925474099.3", "0.9007199254740993",
        "1e-22", "1e-23", "-4.5e-22", "9007199254740991e-22", "9007199254740991e-23", "1234567890123456789e-22",
        "1234567890123456789", "-1234567890123456789", "12345678901234567890", "1.234567890123456789",
        "0.1234567890123456789", "123456789012345678.9", "1.2345678901234567890",
        "0.30000000000000004", "0.3000000000000000444", "2.2204460492503131e-16", "-72.75", "45.09", "7.21",
    ])
    func quickAndCarefulPathsMeetStrtod(text: String) {
        let reference = Double(text)
        #expect(reference != nil, "\(text)")
        guard case .value(let parsed) = DecimalParser.parse(text) else {
            Issue.record("\(text) did not parse")
            return
        }
        #expect(parsed.bitPattern == reference?.bitPattern, "\(text) → \(parsed)")
        var copy = text
        copy.withUTF8 { buffer in
            guard let p = buffer.baseAddress, let number = DecimalParser.scan(p, limit: buffer.count),
                  number.length == buffer.count else {
                Issue.record("\(text) did not scan")
                return
            }
            if let v = DecimalParser.quickValue(of: number) {
                #expect(v.bitPattern == reference?.bitPattern, "\(text) → \(v) (quick)")
            }
        }
    }

    /// The leading-zero flag `scan` gives (used by the one-pass read) is `hasLeadingZero` of the number's text,
    /// for numbers with and without leading zeros, signs, fractions and exponents.
    @Test func scannedLeadingZeroAgreesWithHasLeadingZero() {
        var generator = SplitMix(seed: 0x5EED_0000_1EAD_0000)
        func next() -> UInt64 { generator.next() }
        var mismatches: [String] = []
        var withZero = 0
        for _ in 0..<50_000 {
            var text = ["", "-", "+"][Int(next() % 3)]
            text += String(repeating: "0", count: Int(next() % 3))
            for _ in 0..<Int(next() % 4) { text.append(Character(Unicode.Scalar(UInt8(48 + next() % 10)))) }
            if next() % 2 == 0 {
                text += "."
                for _ in 0..<Int(next() % 4) { text.append(Character(Unicode.Scalar(UInt8(48 + next() % 10)))) }
            }
            if next() % 4 == 0 { text += "e\(Int(next() % 20) - 10)" }
            var copy = text
            copy.withUTF8 { buffer in
                guard let p = buffer.baseAddress, let number = DecimalParser.scan(p, limit: buffer.count),
                      number.length == buffer.count else { return }
                let expected = DecimalParser.hasLeadingZero(p, count: buffer.count)
                if expected { withZero += 1 }
                if (number.leadingZero == 1) != expected { mismatches.append(text) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(withZero > 1_000)
    }
}
