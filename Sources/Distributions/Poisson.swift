import Foundation

/// The Poisson distribution with mean λ ≥ 0. Invalid λ makes every function return NaN.
public struct Poisson: DiscreteDistribution, Sendable, Equatable {
    public let mean: Double

    public init(mean: Double) {
        self.mean = mean
    }

    private var isValid: Bool { mean >= 0 && mean.isFinite }

    /// log P(X = k) = log(λ^k e^{−λ}/Γ(k)) − log k, with the power term in Stirling form.
    public func logPMF(_ k: Int) -> Double {
        if !isValid { return .nan }
        if k < 0 { return -.infinity }
        if mean == 0 { return k == 0 ? 0 : -.infinity }
        if k == 0 { return -mean }
        return SpecialFunctions.logGammaPowerTerm(Double(k), mean) - log(Double(k))
    }

    /// P(X ≤ k) = Q(k+1, λ) and P(X > k) = P(k+1, λ).
    public func tails(_ k: Int) -> (lower: Double, upper: Double) {
        if !isValid { return (.nan, .nan) }
        if k < 0 { return (0, 1) }
        if mean == 0 { return (1, 0) }
        let shape = Double(k) + 1
        if shape > SpecialFunctions.largestShape {
            // P(X > k) ≤ (eλ/k)^k ≤ e^{−k} once λ ≤ k/e²: it underflows for k this large.
            return mean <= shape / 8 ? (1, 0) : (.nan, .nan)
        }
        let pair = SpecialFunctions.regularizedGammaPair(shape, mean)
        return (pair.upper, pair.lower)
    }
}
