import Foundation

/// The binomial distribution with n ≥ 0 trials and success probability p in [0, 1].
/// Invalid parameters make every function return NaN.
public struct Binomial: DiscreteDistribution, Sendable, Equatable {
    public let trials: Int
    public let probability: Double

    public init(trials: Int, probability: Double) {
        self.trials = trials
        self.probability = probability
    }

    private var isValid: Bool { trials >= 0 && probability >= 0 && probability <= 1 }

    /// log P(X = k): for 0 < k < n, log(n/(k(n−k))) + log(p^k q^{n−k}/B(k, n−k)) with the power term in
    /// Stirling form (no cancellation of large log-gammas; the approach of TOMS 708's BRCOMP).
    public func logPMF(_ k: Int) -> Double {
        if !isValid { return .nan }
        if k < 0 || k > trials { return -.infinity }
        let p = probability
        let q = 1 - p
        let n = Double(trials)
        if k == 0 { return p == 1 ? (trials == 0 ? 0 : -.infinity) : n * log1p(-p) }
        if k == trials { return p == 0 ? -.infinity : n * log(p) }
        if p == 0 || p == 1 { return -.infinity }
        let successes = Double(k)
        let failures = Double(trials - k)
        return log(n / (successes * failures))
            + SpecialFunctions.logBetaPowerTerm(x: p, y: q, a: successes, b: failures)
    }

    /// P(X ≤ k) = 1 − I_p(k+1, n−k) and P(X > k) = I_p(k+1, n−k).
    public func tails(_ k: Int) -> (lower: Double, upper: Double) {
        if !isValid { return (.nan, .nan) }
        if k < 0 { return (0, 1) }
        if k >= trials { return (1, 0) }
        let pair = SpecialFunctions.regularizedIncompleteBetaPair(
            x: probability, y: 1 - probability, a: Double(k + 1), b: Double(trials - k))
        return (pair.upper, pair.lower)
    }
}
