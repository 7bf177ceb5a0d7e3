import Foundation

/// The χ² distribution with k > 0 degrees of freedom (a gamma distribution with shape k/2, scale 2).
/// Invalid k makes every function return NaN.
public struct ChiSquared: Sendable, Equatable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var shape: Double { 0.5 * degreesOfFreedom }

    /// P(X ≤ x) = P(k/2, x/2).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedGammaPair(shape, 0.5 * x).lower
    }

    /// P(X > x) = Q(k/2, x/2), accurate in the upper tail.
    public func ccdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedGammaPair(shape, 0.5 * x).upper
    }

    /// Density x^{k/2−1} e^{−x/2} / (2^{k/2} Γ(k/2)).
    public func density(_ x: Double) -> Double {
        if x.isNaN || !(degreesOfFreedom > 0) { return .nan }
        if x < 0 || x.isInfinite { return 0 }
        if x == 0 { return shape < 1 ? .infinity : (shape == 1 ? 0.5 : 0) }
        return 0.5 * exp(SpecialFunctions.logGammaPowerTerm(shape, 0.5 * x)) / (0.5 * x)
    }

    /// The x with P(X ≤ x) = p.
    public func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        return 2 * SpecialFunctions.inverseRegularizedGammaP(p: p, q: 1 - p, a: shape)
    }

    /// The x with P(X > x) = q (qchisq(q, k, lower.tail = FALSE)), accurate for tiny q.
    public func upperQuantile(_ q: Double) -> Double {
        if q.isNaN || q < 0 || q > 1 { return .nan }
        return 2 * SpecialFunctions.inverseRegularizedGammaP(p: 1 - q, q: q, a: shape)
    }
}
