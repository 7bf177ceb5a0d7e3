import Foundation

/// A distribution on the integers whose two tails are computed together (each accurate in its own tail, from
/// one incomplete beta or gamma pair): P(X ≤ k) and P(X > k).
public protocol DiscreteDistribution {
    func logPMF(_ k: Int) -> Double
    /// (P(X ≤ k), P(X > k)).
    func tails(_ k: Int) -> (lower: Double, upper: Double)
}

extension DiscreteDistribution {
    /// P(X = k).
    public func pmf(_ k: Int) -> Double { exp(logPMF(k)) }
    /// P(X ≤ k).
    public func cdf(_ k: Int) -> Double { tails(k).lower }
    /// P(X > k), accurate in the upper tail.
    public func ccdf(_ k: Int) -> Double { tails(k).upper }
}

/// A continuous distribution whose quantile is found from both tail probabilities at once, so that a tiny
/// upper-tail probability (qt(q, ν, lower.tail = FALSE)) keeps its accuracy instead of being rounded in 1 − q.
public protocol TwoTailedQuantiles {
    /// The x with P(X ≤ x) = p and P(X > x) = q, where p + q = 1 and the smaller one is exact.
    func quantile(lower p: Double, upper q: Double) -> Double
}

extension TwoTailedQuantiles {
    /// The x with P(X ≤ x) = p.
    public func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        return quantile(lower: p, upper: 1 - p)
    }

    /// The x with P(X > x) = q, accurate for tiny q.
    public func upperQuantile(_ q: Double) -> Double {
        if q.isNaN || q < 0 || q > 1 { return .nan }
        return quantile(lower: 1 - q, upper: q)
    }
}

/// The modified Lentz method (Thompson & Barnett 1986) for a continued fraction b₀ + a₁/(b₁ + a₂/(b₂ + …)):
/// one step per term, with the classic guard against a zero denominator. Shared by the incomplete beta and
/// gamma continued fractions.
struct ModifiedLentz {
    static let tiny = 1e-300
    var c: Double
    var d: Double
    /// The value so far.
    var value: Double

    /// Starts from the first convergent's c and (unguarded) d.
    init(c: Double, d: Double) {
        self.c = c
        self.d = ModifiedLentz.guarded(d)
        self.d = 1 / self.d
        self.value = self.d
    }

    static func guarded(_ x: Double) -> Double { abs(x) < tiny ? tiny : x }

    /// Takes the term aₙ/bₙ and returns the factor the value was multiplied by (1 at convergence).
    @discardableResult
    mutating func step(a: Double, b: Double) -> Double {
        d = ModifiedLentz.guarded(a * d + b)
        c = ModifiedLentz.guarded(b + a / c)
        d = 1 / d
        let delta = d * c
        value *= delta
        return delta
    }
}
