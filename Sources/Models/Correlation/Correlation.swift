import Distributions
import Foundation

/// Correlation coefficients between pairs of complete numeric variables, matching R's cor.test.
/// Inputs must be finite: the command layer removes missing values (or use `Correlation.matrix`).
public enum Correlation {
    /// The correlation of x and y by the given method.
    public static func correlate(
        _ x: [Double], _ y: [Double], method: CorrelationMethod, confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationResult {
        switch method {
        case .pearson: return try pearson(x, y, confidenceLevel: confidenceLevel)
        case .spearman: return try spearman(x, y, confidenceLevel: confidenceLevel)
        case .kendall: return try kendall(x, y, confidenceLevel: confidenceLevel)
        }
    }

    /// Pearson's r: t = r√(n−2)/√(1−r²) on n − 2 df; Fisher-z interval with variance 1/(n−3) (needs n ≥ 4).
    public static func pearson(
        _ x: [Double], _ y: [Double], confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationResult {
        try validate(x, y, minimum: 3, confidenceLevel: confidenceLevel)
        let r = try productMomentCorrelation(x, y)
        return tTestResult(method: .pearson, r: r, n: x.count, controls: 0, confidenceLevel: confidenceLevel)
    }

    /// Spearman's ρ (Pearson's r of average ranks). The statistic is S = (n³−n)(1−ρ)/6 and the p-value
    /// the t approximation on n − 2 df, as cor.test(method = "spearman", exact = FALSE). Fisher-z interval
    /// with the Bonett–Wright variance (1 + ρ²/2)/(n−3).
    public static func spearman(
        _ x: [Double], _ y: [Double], confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationResult {
        try validate(x, y, minimum: 3, confidenceLevel: confidenceLevel)
        let rho = try productMomentCorrelation(averageRanks(x), averageRanks(y))
        let tResult = tTestResult(method: .spearman, r: rho, n: x.count, controls: 0, confidenceLevel: confidenceLevel)
        let n = Double(x.count)
        return CorrelationResult(
            method: .spearman, n: x.count, controls: 0, estimate: rho,
            statistic: (n * n * n - n) * (1 - rho) / 6, degreesOfFreedom: nil, pValue: tResult.pValue,
            confidenceLevel: confidenceLevel, confLow: tResult.confLow, confHigh: tResult.confHigh)
    }

    /// Kendall's τ-b by Knight's O(n log n) algorithm. z = S/√Var(S) with the tie-corrected variance and a
    /// normal p-value, as cor.test(method = "kendall", exact = FALSE, continuity = FALSE). Fisher-z
    /// interval with the Bonett–Wright variance 0.437/(n−4) (needs n ≥ 5).
    public static func kendall(
        _ x: [Double], _ y: [Double], confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationResult {
        try validate(x, y, minimum: 2, confidenceLevel: confidenceLevel)
        let counts = KendallCounts(x, y)
        let xTied = counts.xTieSizes.reduce(0.0) { $0 + Double($1) * Double($1 - 1) / 2 }
        let yTied = counts.yTieSizes.reduce(0.0) { $0 + Double($1) * Double($1 - 1) / 2 }
        if xTied == counts.pairs || yTied == counts.pairs { throw .zeroVariance }
        let s = counts.concordantMinusDiscordant
        let tau = max(-1, min(1, s / ((counts.pairs - xTied) * (counts.pairs - yTied)).squareRoot()))
        let z = s / kendallVarianceOfS(n: x.count, xTies: counts.xTieSizes, yTies: counts.yTieSizes).squareRoot()
        let interval = fisherInterval(r: tau, variance: 0.437 / Double(x.count - 4), level: confidenceLevel)
        return CorrelationResult(
            method: .kendall, n: x.count, controls: 0, estimate: tau, statistic: z, degreesOfFreedom: nil,
            pValue: 2 * Normal.ccdf(abs(z)), confidenceLevel: confidenceLevel,
            confLow: x.count >= 5 ? interval.low : .nan, confHigh: x.count >= 5 ? interval.high : .nan)
    }

    /// Var(S) under independence with ties (Kendall 1970, as in R's cor.test).
    static func kendallVarianceOfS(n count: Int, xTies: [Int], yTies: [Int]) -> Double {
        let n = Double(count)
        func sum(_ sizes: [Int], _ term: (Double) -> Double) -> Double {
            sizes.reduce(0.0) { $0 + ($1 > 1 ? term(Double($1)) : 0) }
        }
        let v0 = n * (n - 1) * (2 * n + 5)
        let vt = sum(xTies) { $0 * ($0 - 1) * (2 * $0 + 5) }
        let vu = sum(yTies) { $0 * ($0 - 1) * (2 * $0 + 5) }
        let v1 = sum(xTies) { $0 * ($0 - 1) } * sum(yTies) { $0 * ($0 - 1) }
        let v2 = sum(xTies) { $0 * ($0 - 1) * ($0 - 2) } * sum(yTies) { $0 * ($0 - 1) * ($0 - 2) }
        return (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    }

    /// Result of a t test of a (possibly partial) correlation r on n − 2 − controls df, with a Fisher-z
    /// interval (Pearson variance 1/(n−3−k); Spearman (1 + r²/2)/(n−3−k)).
    static func tTestResult(
        method: CorrelationMethod, r: Double, n: Int, controls: Int, confidenceLevel: Double
    ) -> CorrelationResult {
        let df = Double(n - 2 - controls)
        let t = r * (df / ((1 - r) * (1 + r))).squareRoot()
        let pValue = StudentT(degreesOfFreedom: df).twoSidedPValue(t)
        let residualN = Double(n - 3 - controls)
        let variance = method == .spearman ? (1 + r * r / 2) / residualN : 1 / residualN
        let interval = fisherInterval(r: r, variance: variance, level: confidenceLevel)
        let hasInterval = residualN >= 1
        return CorrelationResult(
            method: method, n: n, controls: controls, estimate: r, statistic: t, degreesOfFreedom: df,
            pValue: pValue, confidenceLevel: confidenceLevel,
            confLow: hasInterval ? interval.low : .nan, confHigh: hasInterval ? interval.high : .nan)
    }

    /// tanh(atanh(r) ∓ z_{(1+level)/2}·√variance).
    static func fisherInterval(r: Double, variance: Double, level: Double) -> (low: Double, high: Double) {
        let z = atanh(r)
        let halfWidth = Normal.quantile((1 + level) / 2) * variance.squareRoot()
        return (tanh(z - halfWidth), tanh(z + halfWidth))
    }

    /// Pearson's r by two passes (centred cross-products), clamped to [−1, 1].
    static func productMomentCorrelation(_ x: [Double], _ y: [Double]) throws(CorrelationError) -> Double {
        let n = Double(x.count)
        // Values far from 0 against their spread (1e15 + 10·z): deviations are taken from the first value, which is
        // exact for values within a factor of two of it, and then from their mean, refined by the mean of the
        // deviations from it as R's mean.default does. Summed in one pass, the mean of 500 values near 1e15 was off
        // by ~30 against a spread of 10 and r lost its third digit (session 21); r does not depend on the shift.
        let x0 = x.first ?? 0, y0 = y.first ?? 0
        func mean(_ v: [Double], _ shift: Double) -> Double {
            let first = v.reduce(0) { $0 + ($1 - shift) } / n
            return first + v.reduce(0) { $0 + (($1 - shift) - first) } / n
        }
        let meanX = mean(x, x0)
        let meanY = mean(y, y0)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for index in x.indices {
            let dx = (x[index] - x0) - meanX
            let dy = (y[index] - y0) - meanY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        if sxx == 0 || syy == 0 { throw .zeroVariance }
        return max(-1, min(1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }

    static func validate(
        _ x: [Double], _ y: [Double], minimum: Int, confidenceLevel: Double
    ) throws(CorrelationError) {
        if x.count != y.count { throw .lengthMismatch(first: x.count, second: y.count) }
        if x.count < minimum { throw .tooFewObservations(needed: minimum, available: x.count) }
        if !(confidenceLevel > 0 && confidenceLevel < 1) { throw .invalidConfidenceLevel(confidenceLevel) }
        if !x.allSatisfy(\.isFinite) || !y.allSatisfy(\.isFinite) { throw .nonFiniteValue }
    }
}
