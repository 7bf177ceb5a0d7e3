/// Parses decimal text to the correctly rounded `Double`.
///
/// Grammar (what a CSV cell must look like to be a number): `[+-]? (digits [. digits?] | . digits)
/// ([eE] [+-]? digits)?`. Not numbers: `Inf`, `NaN`, hexadecimal, thousands separators, spaces.
///
/// Fast path (Clinger 1990): when the significant digits fit in 53 bits and |exponent| ≤ 22, the
/// value is one exact integer times or divided by one exact power of ten, so a single IEEE
/// operation gives the correctly rounded result. Everything else goes to the standard library's
/// `Double(String)`, which calls the C library's `strtod` in the C locale (correctly rounded in glibc
/// and Apple's libc).
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
        guard let p = bytes, count > 0 else { return .notANumber }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }

        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0  // decimal exponent applied to `mantissa`
        var digitCount = 0
        var truncated = false  // significant digits beyond 19 were dropped

        while i < count {
            let d = p[i] &- 48
            if d > 9 { break }
            digitCount += 1
            if significantDigits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significantDigits += 1
                }
            } else {
                exponent += 1
                truncated = true
            }
            i += 1
        }
        if i < count && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < count {
                let d = p[i] &- 48
                if d > 9 { break }
                digitCount += 1
                if significantDigits < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significantDigits += 1
                    }
                    exponent -= 1
                } else {
                    truncated = true
                }
                i += 1
            }
        }
        guard digitCount > 0 else { return .notANumber }
        if i < count && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var explicitExponent = 0
            var exponentDigits = 0
            while i < count {
                let d = p[i] &- 48
                if d > 9 { break }
                // Saturate: anything this large is already far outside Double's range.
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
            exponent += exponentNegative ? -explicitExponent : explicitExponent
        }
        guard i == count else { return .notANumber }

        if mantissa == 0 && !truncated { return .value(negative ? -0.0 : 0.0) }
        if !truncated && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var v = Double(mantissa)
            if exponent < 0 { v /= exactPowersOfTen[-exponent] } else { v *= exactPowersOfTen[exponent] }
            return .value(negative ? -v : v)
        }
        return slowPath(p, count: count)
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
