import Foundation

/// Number-to-text rules shared by every renderer.
///
/// Human-facing formats round; machine formats (CSV, JSON) use the shortest round-trip form.
/// Minus signs are ASCII `-` in every format, so that copied numbers parse everywhere.
/// A value that rounds to zero never shows a sign (`-0.001` at two places is `0.00`).
public enum NumberFormat {
    /// `value` rounded to `places` decimals (correct rounding of the binary value, as C's `printf`).
    public static func fixed(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "Inf") }
        let digits = max(0, min(places, 17))
        let text = String(format: "%.\(digits)f", value)
        return removingNegativeZero(text)
    }

    /// `fixed`, except for a value whose fixed text would have more than 15 significant digits (|value| ≥ 1e12 at
    /// three places, 1e13 at two), shown in scientific notation with three significant digits (`1.45e+308`): the
    /// digits past the 15th are not the data's (a `Double` holds 15–17), and R's print switches too.
    public static func decimal(_ value: Double, places: Int) -> String {
        tooManyDigits(value, places: places) ? scientific(value) : fixed(value, places: places)
    }

    private static func tooManyDigits(_ value: Double, places: Int) -> Bool {
        value.isFinite && abs(value) >= 1e15 / exactPowerOfTen(max(0, min(places, 15)))
    }

    private static func exactPowerOfTen(_ k: Int) -> Double {
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// `decimal`, and a non-zero value which `places` decimals would show as zero (`0.000`, `-0.000`) is shown
    /// in scientific notation too (`2.01e-05`): a coefficient per dollar or per second is small but not zero, and
    /// `0.000 [0.000, 0.000]` beside t = 14.29 would hide it (R's printCoefmat and SPSS show such digits).
    public static func estimate(_ value: Double, places: Int) -> String {
        let text = decimal(value, places: places)
        guard value != 0, value.isFinite, showsZero(text) else { return text }
        return scientific(value)
    }

    /// The two ends of an interval of estimates at `places`: both in scientific notation when both would show as zero
    /// though one is not (`[1.72e-05, 2.29e-05]`, not `[0.000, 0.000]`) or when either has more than 15 significant
    /// digits; otherwise both fixed, since the other end gives the scale (`[-0.00, 1.00]` reads as it should).
    public static func intervalEnds(_ low: Double, _ high: Double, places: Int) -> (low: String, high: String) {
        let ends = (low: fixed(low, places: places), high: fixed(high, places: places))
        guard low.isFinite && high.isFinite else { return (decimal(low, places: places), decimal(high, places: places)) }
        let hidden = showsZero(ends.low) && showsZero(ends.high) && (low != 0 || high != 0)
        // A negative end that rounds to zero keeps its sign (`[-0.006, -0.000]`): shown as 0.000 the interval seemed to
        // touch 0 beside p = .041 (session 21), as R's sprintf keeps it.
        func signed(_ value: Double, _ text: String) -> String {
            value < 0 && showsZero(text) && !text.hasPrefix("-") ? "-" + text : text
        }
        guard hidden || tooManyDigits(low, places: places) || tooManyDigits(high, places: places) else {
            return (signed(low, ends.low), signed(high, ends.high))
        }
        return (scientific(low), scientific(high))
    }

    private static func showsZero(_ text: String) -> Bool {
        text.allSatisfy { $0 == "0" || $0 == "." || $0 == "-" }
    }

    /// Three significant digits in scientific notation, with a signed two-or-more-digit exponent (`-2.01e-05`).
    private static func scientific(_ value: Double) -> String {
        String(format: "%.2e", value)
    }

    /// APA style for a value bounded by 1 in magnitude (r, β, proportions): no leading zero (`.28`, `-.05`).
    /// Values that round to ±1 or beyond keep their integer digit (`1.00`).
    public static func bounded(_ value: Double, places: Int) -> String {
        let text = fixed(value, places: places)
        if text.hasPrefix("0.") { return String(text.dropFirst()) }
        if text.hasPrefix("-0.") { return "-" + text.dropFirst(2) }
        return text
    }

    /// APA 7 p-value: exact to three decimals without a leading zero (`.031`), `< .001` below .001,
    /// and `> .999` when three decimals would round up to 1.
    public static func pValue(_ value: Double) -> String {
        guard value.isFinite else { return fixed(value, places: 3) }
        if value < 0.001 && value >= 0 { return "< .001" }
        if value >= 0.9995 && value <= 1 { return "> .999" }
        return bounded(value, places: 3)
    }

    /// A whole number; a non-integral value is rounded to the nearest integer.
    public static func integer(_ value: Double) -> String {
        fixed(value, places: 0)
    }

    /// Shortest text that parses back to the same `Double` (`0.1`, `14.0`, `1.4e-39`), for CSV and JSON.
    /// Non-finite values have no such text; callers decide (CSV writes an empty field, JSON `null`).
    public static func roundTrip(_ value: Double) -> String {
        value.description
    }

    private static func removingNegativeZero(_ text: String) -> String {
        guard text.hasPrefix("-") else { return text }
        let isZero = text.dropFirst().allSatisfy { $0 == "0" || $0 == "." }
        return isZero ? String(text.dropFirst()) : text
    }
}
