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
