/// Cut-offs for scores and changes made from ratings given to a few decimals. Binary arithmetic cannot hold 8.6 or 3.2
/// exactly, so 8.6 + 9.7 + 9.9 + 7.8 can come out as 35.99999999999999 and 8.2 − 3.2 as 4.999999999999999: compared
/// as they are, an SRS total of 36 would raise the "below 36" alert and a change of exactly the published 5 points
/// would not count as reliable. A value within a relative 1e-9 of the cut-off counts as on it: far below the finest
/// decimal a rating carries, far above the rounding of a sum or difference (≈ 1e-15 relative).
public enum DecimalCutoff {
    static let tolerance = 1e-9

    /// `value ≥ cutoff`, a value within rounding of the cut-off counting as on it.
    public static func reaches(_ value: Double, _ cutoff: Double) -> Bool {
        value >= cutoff - tolerance * max(1, abs(cutoff))
    }

    /// `value < cutoff`, the complement of `reaches`.
    public static func isBelow(_ value: Double, _ cutoff: Double) -> Bool {
        !reaches(value, cutoff)
    }
}
