/// Parses decimal text to the correctly rounded `Double`.
///
/// Grammar (what a CSV cell must look like to be a number): `[+-]? (digits [. digits?] | . digits)
/// ([eE] [+-]? digits)?`. Not numbers: `Inf`, `NaN`, hexadecimal, thousands separators, spaces.
///
/// Three exact paths, fastest first:
/// 1. Clinger (1990): when the significant digits fit in 53 bits and |exponent| ≤ 22, the value is
///    one exact integer times or divided by one exact power of ten: one IEEE operation, correctly rounded.
/// 2. Eisel–Lemire (up to 19 digits): a 128-bit product with a table of powers of ten decides the
///    correctly rounded result, or reports that it cannot.
/// 3. Everything else (more than 19 significant digits, ties, subnormals, overflow) goes to the
///    standard library's `Double(String)`, which calls the C library's `strtod` in the C locale
///    (correctly rounded in glibc and Apple's libc).
enum DecimalParser {
    enum Result: Equatable {
        case value(Double)
        /// The text is a number but its magnitude exceeds `Double.greatestFiniteMagnitude`.
        case outOfRange
        case notANumber
    }

    /// Exact powers of ten representable in a Double (10^0 … 10^22).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    static func parse(_ text: String) -> Result {
        var copy = text
        return copy.withUTF8 { parse($0.baseAddress, count: $0.count) }
    }

    /// Parses `count` bytes at `bytes`; the whole span must be the number.
    @inline(__always)
    static func parse(_ bytes: UnsafePointer<UInt8>?, count: Int) -> Result {
        guard let p = bytes, let number = scan(p, limit: count), number.length == count else { return .notANumber }
        return value(of: number, p)
    }

    /// The longest run of bytes at the start of `p` (at most `limit`) that the grammar reads as a number,
    /// with its digits gathered; nil when the bytes do not start with a number (no digit before the
    /// exponent, or an exponent mark without digits).
    struct Scanned {
        /// The first 19 digits or fewer as an integer (it may wrap with more; `length` then says so).
        var mantissa: UInt64
        var exponent: Int
        var negative: Bool
        var digitCount: Int
        /// Bytes read: the number is `p[0..<length]`.
        var length: Int
        /// The integer part has a redundant leading zero (`hasLeadingZero` of `p[0..<length]`), as 0 or 1.
        var leadingZero: Int
    }

    /// 2^53: above it not every integer is a double, so two integers written differently can read as one.
    static let largestExactInteger = 9_007_199_254_740_992.0

    /// Whether the `count` bytes at `p` are an integer literal: an optional sign and digits only.
    static func isIntegerLiteral(_ p: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) { i += 1 }
        guard i < count else { return false }
        while i < count {
            guard p[i] &- UInt8(ascii: "0") < 10 else { return false }
            i += 1
        }
        return true
    }

    /// Reads a number at `p` up to the first byte that cannot continue it (see `Scanned`). A CSV field
    /// is a number when that byte ends the field (`CSVParser` reads numeric fields in one pass this way).
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, limit count: Int) -> Scanned? {
        guard count > 0 else { return nil }
        // The sign by arithmetic, not by branches (random signs mispredicted; the compiler turned `if`s and
        // `?:` into branches, callgrind --branch-sim, csv6).
        let first = UInt32(p[0])
        let minus = isZero(first ^ UInt32(UInt8(ascii: "-")))
        var i = Int(minus | isZero(first ^ UInt32(UInt8(ascii: "+"))))
        let negative = minus != 0

        // Digits accumulate into `mantissa`; with more than 19 digits it may wrap, and the careful
        // path takes over. (Reading the digit runs from 8-byte loads instead, their lengths from a mask of
        // non-digit bytes, mispredicted far less in callgrind's model but took 10–15% more CPU, csv6.)
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < count {
            let d = p[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digitCount = i - integerStart
        let integerDigits = digitCount
        var exponent = 0
        if i < count && p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i + 8 <= count {
                let chunk = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                guard isEightDigits(chunk) else { break }
                mantissa = mantissa &* 100_000_000 &+ eightDigitsValue(chunk)
                i += 8
            }
            while i < count {
                let d = p[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            exponent = fractionStart - i
            digitCount += i - fractionStart
        }
        guard digitCount > 0 else { return nil }
        // Found here, without branches: `hasLeadingZero` tested after the field mispredicted often (csv6).
        // With no integer digit `p[integerStart]` is the `.` (a fraction digit follows it).
        let atLeastTwo = Int(bitPattern: UInt(bitPattern: 1 &- integerDigits) >> (UInt.bitWidth - 1))
        let leadingZero = atLeastTwo & Int(isZero(UInt32(p[integerStart]) ^ UInt32(UInt8(ascii: "0"))))
        if i < count && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var explicitExponent = 0
            let exponentStart = i
            while i < count {
                let d = p[i] &- 48
                if d > 9 { break }
                // Saturate: anything this large is already far outside Double's range.
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(d) }
                i += 1
            }
            guard i > exponentStart else { return nil }
            exponent += exponentNegative ? -explicitExponent : explicitExponent
        }
        return Scanned(mantissa: mantissa, exponent: exponent, negative: negative, digitCount: digitCount, length: i,
                       leadingZero: leadingZero)
    }

    /// The correctly rounded value of a scanned number (`p` is where it was scanned).
    @inline(__always)
    static func value(of number: Scanned, _ p: UnsafePointer<UInt8>) -> Result {
        if number.digitCount > 19 {
            return parseManyDigits(p, count: number.length, negative: number.negative)
        }
        return convert(mantissa: number.mantissa, exponent: number.exponent, negative: number.negative, p,
                       count: number.length)
    }

    /// The value of a scanned number when Clinger's path gives it: a mantissa up to 2^53 that is an integer
    /// or is divided by an exact power of ten (one correctly rounded IEEE operation, as `convert` does);
    /// nil for the rest, which `value(of:)` reads. Inlined where a numeric field is read, so the common
    /// number costs no call and no `Result` to unpack. (Inlining Eisel–Lemire here too made the read
    /// slower: `perf` on the benchmark files, docs/csv.md.)
    @inline(__always)
    static func quickValue(of number: Scanned) -> Double? {
        guard number.digitCount <= 19 && number.mantissa <= 1 << 53 && number.exponent <= 0
            && number.exponent >= -22 else { return nil }
        // No branches on the data: an integer is divided by 10^0 = 1 (exact), and the sign is set as a bit (v ≥ 0,
        // so this is `-v`, with -0.0 for `-0`). As branches they mispredicted about once per field on mixed
        // integer/decimal columns with random signs (callgrind --branch-sim, csv6).
        let v = Double(number.mantissa) / exactPowersOfTen[-number.exponent]
        return Double(bitPattern: v.bitPattern | UInt64(number.negative ? 1 : 0) << 63)
    }

    /// mantissa × 10^exponent, exactly representable mantissa (≤ 19 digits, no truncation).
    @inline(__always)
    private static func convert(
        mantissa: UInt64, exponent: Int, negative: Bool, _ p: UnsafePointer<UInt8>, count: Int
    ) -> Result {
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0) }
        if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= exactPowersOfTen[-exponent] } else { v *= exactPowersOfTen[exponent] }
            return .value(negative ? -v : v)
        }
        if let v = eiselLemire(mantissa: mantissa, exponent: exponent, negative: negative) { return .value(v) }
        return slowPath(p, count: count)
    }

    /// More than 19 digits: keep the first 19 significant ones; if any non-zero digit was dropped the
    /// decimal is not exactly mantissa × 10^e and only the C library can round it correctly.
    private static func parseManyDigits(_ p: UnsafePointer<UInt8>, count: Int, negative: Bool) -> Result {
        var i = (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) ? 1 : 0
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var truncated = false
        var inFraction = false
        while i < count {
            let c = p[i]
            if c == UInt8(ascii: ".") { inFraction = true; i += 1; continue }
            let d = c &- 48
            if d > 9 { break }
            if significantDigits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa * 10 + UInt64(d)
                    significantDigits += 1
                }
                if inFraction { exponent -= 1 }
            } else {
                if !inFraction { exponent += 1 }
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if truncated { return slowPath(p, count: count) }
        // The rest (an exponent part) was validated by the caller.
        if i < count {
            var explicitExponent = 0
            var j = i + 1
            var exponentNegative = false
            if p[j] == UInt8(ascii: "-") || p[j] == UInt8(ascii: "+") { exponentNegative = p[j] == UInt8(ascii: "-"); j += 1 }
            while j < count {
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(p[j] &- 48) }
                j += 1
            }
            exponent += exponentNegative ? -explicitExponent : explicitExponent
        }
        return convert(mantissa: mantissa, exponent: exponent, negative: negative, p, count: count)
    }

    /// 1 when `x` (a byte's value) is 0, else 0; no branch.
    @inline(__always)
    private static func isZero(_ x: UInt32) -> UInt32 { (x &- 1) >> 31 }

    /// True when the 8 bytes (little-endian) are all ASCII digits.
    @inline(__always)
    private static func isEightDigits(_ v: UInt64) -> Bool {
        ((v &+ 0x4646_4646_4646_4646) | (v &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0
    }

    /// The value of 8 ASCII digits (first byte most significant), by SWAR multiplication.
    @inline(__always)
    private static func eightDigitsValue(_ chunk: UInt64) -> UInt64 {
        var v = chunk.littleEndian &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        v = (((v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064)
            &+ (((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001)) >> 32
        return v & 0xFFFF_FFFF
    }

    /// Eisel–Lemire (Lemire 2021, "Number parsing at a gigabyte per second"): the correctly rounded
    /// double for mantissa × 10^exponent from a 128-bit product with a truncated power of ten, or
    /// nil in the rare cases it cannot decide (ties, subnormals, overflow), which then go to strtod.
    @inline(__always)
    static func eiselLemire(mantissa: UInt64, exponent: Int, negative: Bool) -> Double? {
        guard exponent >= PowersOfTen.minimumExponent && exponent <= PowersOfTen.maximumExponent else { return nil }
        let leadingZeros = mantissa.leadingZeroBitCount
        let man = mantissa << UInt64(leadingZeros)
        var exponent2 = UInt64(bitPattern: Int64(((217_706 * exponent) >> 16) + 64 + 1023 - leadingZeros))
        let index = (exponent - PowersOfTen.minimumExponent) * 2
        let significands = PowersOfTen.significands
        var (xHi, xLo) = man.multipliedFullWidth(by: significands[index])
        if xHi & 0x1FF == 0x1FF && xLo &+ man < man {
            let (yHi, yLo) = man.multipliedFullWidth(by: significands[index + 1])
            var mergedHi = xHi
            let mergedLo = xLo &+ yHi
            if mergedLo < xLo { mergedHi &+= 1 }
            if mergedHi & 0x1FF == 0x1FF && mergedLo &+ 1 == 0 && yLo &+ man < man { return nil }
            xHi = mergedHi
            xLo = mergedLo
        }
        let top = xHi >> 63
        var result = xHi >> (top + 9)
        exponent2 &-= 1 ^ top
        if xLo == 0 && xHi & 0x1FF == 0 && result & 3 == 1 { return nil }
        result &+= result & 1
        result >>= 1
        if result >> 53 > 0 {
            result >>= 1
            exponent2 &+= 1
        }
        if exponent2 &- 1 >= 0x7FF - 1 { return nil }
        var bits = exponent2 << 52 | result & 0x000F_FFFF_FFFF_FFFF
        if negative { bits |= 1 << 63 }
        return Double(bitPattern: bits)
    }

    /// Correctly rounded conversion through the C library (grammar already validated).
    private static func slowPath(_ p: UnsafePointer<UInt8>, count: Int) -> Result {
        let text = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
        guard let v = Double(text) else { return .notANumber }
        return v.isFinite ? .value(v) : .outOfRange
    }

    /// True when the number is written with a redundant leading zero (`02139`, `-007`), a hint
    /// that the column holds codes rather than quantities.
    @inline(__always)
    static func hasLeadingZero(_ p: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { i = 1 }
        return count - i >= 2 && p[i] == UInt8(ascii: "0") && p[i + 1] &- 48 <= 9
    }
}
