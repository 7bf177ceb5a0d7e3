import Foundation

/// Snedecor's F distribution with d₁ (numerator) and d₂ (denominator) degrees of freedom, both > 0.
/// Degrees of freedom above 10²⁰ (or infinite) take their limits: d₂ → ∞ gives χ²(d₁)/d₁, d₁ → ∞ gives
/// d₂/χ²(d₂), both give the point mass at 1. Invalid degrees of freedom make every function return NaN.
/// The density is not defined for an infinite numerator (NaN).
public struct FDistribution: TwoTailedQuantiles, Sendable, Equatable {
    public let numerator: Double
    public let denominator: Double

    public init(numerator: Double, denominator: Double) {
        self.numerator = numerator
        self.denominator = denominator
    }

    private var isValid: Bool { numerator > 0 && denominator > 0 }

    private static let limit = 1e20
    private var numeratorIsLimit: Bool { numerator > Self.limit }
    private var denominatorIsLimit: Bool { denominator > Self.limit }

    /// (P(F ≤ f), P(F > f)) = (I_x(d₁/2, d₂/2), 1 − I_x) with x = d₁f/(d₁f+d₂), y = d₂/(d₁f+d₂).
    private func tails(_ f: Double) -> (lower: Double, upper: Double) {
        if f.isNaN || !isValid { return (.nan, .nan) }
        if f <= 0 { return (0, 1) }
        if f.isInfinite { return (1, 0) }
        switch (numeratorIsLimit, denominatorIsLimit) {
        case (true, true):
            return f < 1 ? (0, 1) : (1, 0)
        case (false, true):
            let chiSquared = ChiSquared(degreesOfFreedom: numerator)
            return (chiSquared.cdf(numerator * f), chiSquared.ccdf(numerator * f))
        case (true, false):
            // F ≤ f  ⇔  χ²(d₂) ≥ d₂/f
            let chiSquared = ChiSquared(degreesOfFreedom: denominator)
            return (chiSquared.ccdf(denominator / f), chiSquared.cdf(denominator / f))
        case (false, false):
            break
        }
        let scaled = numerator * f
        let sum = scaled + denominator
        return SpecialFunctions.regularizedIncompleteBetaPair(
            x: scaled / sum, y: denominator / sum, a: 0.5 * numerator, b: 0.5 * denominator)
    }

    /// P(F ≤ f).
    public func cdf(_ f: Double) -> Double { tails(f).lower }

    /// P(F > f), accurate in the upper tail.
    public func ccdf(_ f: Double) -> Double { tails(f).upper }

    /// Density, as x^a y^b / (B(a, b)·f) with a = d₁/2, b = d₂/2 and the beta power term in Stirling form.
    public func density(_ f: Double) -> Double {
        if f.isNaN || !isValid || numeratorIsLimit { return .nan }
        if f < 0 || f.isInfinite { return 0 }
        let a = 0.5 * numerator
        if f == 0 { return a < 1 ? .infinity : (a == 1 ? 1 : 0) }
        if denominatorIsLimit { return numerator * ChiSquared(degreesOfFreedom: numerator).density(numerator * f) }
        let scaled = numerator * f
        let sum = scaled + denominator
        let logTerm = SpecialFunctions.logBetaPowerTerm(
            x: scaled / sum, y: denominator / sum, a: a, b: 0.5 * denominator)
        return exp(logTerm) / f
    }

    /// The f with P(F ≤ f) = p and P(F > f) = q (qf with either lower.tail).
    public func quantile(lower p: Double, upper q: Double) -> Double {
        if !isValid { return .nan }
        switch (numeratorIsLimit, denominatorIsLimit) {
        case (true, true):
            return p == 0 ? 0 : (q == 0 ? .infinity : 1)
        case (false, true):
            let chiSquared = ChiSquared(degreesOfFreedom: numerator)
            return (p <= q ? chiSquared.quantile(p) : chiSquared.upperQuantile(q)) / numerator
        case (true, false):
            let chiSquared = ChiSquared(degreesOfFreedom: denominator)
            return denominator / (p <= q ? chiSquared.upperQuantile(p) : chiSquared.quantile(q))
        case (false, false):
            break
        }
        if q == 0 { return .infinity }
        let (x, y) = SpecialFunctions.inverseRegularizedIncompleteBeta(
            p: p, q: q, a: 0.5 * numerator, b: 0.5 * denominator)
        return (denominator / numerator) * (x / y)
    }
}
