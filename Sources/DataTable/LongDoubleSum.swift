/// R accumulates `mean()`, `rowMeans()` and `rowSums()` in C's `long double` (80-bit on x86-64); doing the
/// same makes alliance's data-step means identical to R's bit for bit there. Elsewhere `long double` is
/// `double` in R's builds too (arm64 macOS) or wider (aarch64 Linux, where results may differ in the last bit).
#if arch(x86_64) && !os(Windows)
public typealias RLongDouble = Float80
#else
public typealias RLongDouble = Double
#endif

public enum RArithmetic {
    /// R's `mean(x)`: the long-double sum over n, then corrected by the mean of the residuals (summary.c).
    public static func mean(_ x: [Double]) -> Double? {
        guard !x.isEmpty else { return nil }
        let n = RLongDouble(x.count)
        var s: RLongDouble = 0
        for v in x { s += RLongDouble(v) }
        s /= n
        if s.isFinite {
            var t: RLongDouble = 0
            for v in x { t += RLongDouble(v) - s }
            s += t / n
        }
        return Double(s)
    }

    /// R's `rowSums(na.rm = TRUE)` for one row: the long-double sum of the values.
    public static func sum(_ x: [Double]) -> Double {
        var s: RLongDouble = 0
        for v in x { s += RLongDouble(v) }
        return Double(s)
    }

    /// R's `rowMeans(na.rm = TRUE)` for one row: the long-double sum over the count (no correction pass).
    public static func rowMean(_ x: [Double]) -> Double {
        var s: RLongDouble = 0
        for v in x { s += RLongDouble(v) }
        return Double(s / RLongDouble(x.count))
    }
}
