import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (ν = ∞, or above 10²⁰, is the standard normal).
/// Invalid ν (≤ 0 or NaN) makes every function return NaN.
public struct StudentT: TwoTailedQuantiles, Sendable, Equatable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 }

    /// Beyond 10²⁰ degrees of freedom the t distribution equals the normal to double precision
    /// (relative difference below t⁴/(4ν) ≈ 1e-14 even at |t| = 38), as in R's qt.
    private var isNormalLimit: Bool { degreesOfFreedom > 1e20 }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double {
        let tail = upperTailOfMagnitude(t)
        return t <= 0 ? tail.small : tail.large
    }

    /// P(T > t).
    public func ccdf(_ t: Double) -> Double {
        cdf(-t)
    }

    /// 2·P(T > |t|), computed as I_x(ν/2, ½) directly (no 1 − cdf cancellation).
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN || !isValid { return .nan }
        if isNormalLimit { return 2 * Normal.ccdf(abs(t)) }
        let magnitude = abs(t)
        if magnitude.isInfinite { return 0 }
        if magnitude > 1e150 { return 2 * asymptoticTail(magnitude) }
        let (x, y) = betaArguments(magnitude)
        return SpecialFunctions.regularizedIncompleteBetaPair(x: x, y: y, a: 0.5 * degreesOfFreedom, b: 0.5).lower
    }

    /// Density Γ((ν+1)/2)/(√ν B(ν/2, ½)) (1 + t²/ν)^{−(ν+1)/2}.
    public func density(_ t: Double) -> Double {
        if t.isNaN || !isValid { return .nan }
        if isNormalLimit { return Normal.density(t) }
        if t.isInfinite { return 0 }
        let nu = degreesOfFreedom
        let logDensity = -0.5 * log(nu) - SpecialFunctions.logBeta(0.5 * nu, 0.5)
            - 0.5 * (nu + 1) * log1p(t * t / nu)
        return exp(logDensity)
    }

    /// The t with P(T ≤ t) = p and P(T > t) = q (qt with either lower.tail); p = 0 and 1 give −∞ and +∞.
    public func quantile(lower p: Double, upper q: Double) -> Double {
        if !isValid { return .nan }
        if isNormalLimit { return p <= q ? Normal.quantile(p) : Normal.upperQuantile(q) }
        if p == q { return 0 }
        let sign: Double = p < q ? -1 : 1
        let tail = min(p, q)
        if tail == 0 { return sign * .infinity }
        let nu = degreesOfFreedom
        // Far tail: P(T > s) = c·s^{−ν}(1 + O(1/s²)) is exact in double precision once s > 1e150.
        let logAsymptotic = (logTailConstant() - log(tail)) / nu
        if logAsymptotic > log(1e150) { return sign * exp(logAsymptotic) }
        // P(|T| > s) = I_x(ν/2, ½) = 2·tail, with x = ν/(ν+s²).
        let twoTail = 2 * tail
        let complement = 1 - twoTail  // exact when twoTail ≥ ½, small absolute error otherwise
        let (x, y) = SpecialFunctions.inverseRegularizedIncompleteBeta(
            p: twoTail, q: complement, a: 0.5 * nu, b: 0.5)
        return sign * (nu * y / x).squareRoot()
    }

    /// x = ν/(ν+t²) and y = t²/(ν+t²), each formed directly.
    private func betaArguments(_ magnitude: Double) -> (x: Double, y: Double) {
        let square = magnitude * magnitude
        let sum = degreesOfFreedom + square
        return (degreesOfFreedom / sum, square / sum)
    }

    /// (P(T > |t|), P(T ≤ |t|)).
    private func upperTailOfMagnitude(_ t: Double) -> (small: Double, large: Double) {
        if t.isNaN || !isValid { return (.nan, .nan) }
        if isNormalLimit {
            let tails = Normal.tails(abs(t))
            return (tails.upper, tails.lower)
        }
        let magnitude = abs(t)
        if magnitude.isInfinite { return (0, 1) }
        if magnitude > 1e150 {
            let small = asymptoticTail(magnitude)
            return (small, 1 - small)
        }
        let (x, y) = betaArguments(magnitude)
        let pair = SpecialFunctions.regularizedIncompleteBetaPair(x: x, y: y, a: 0.5 * degreesOfFreedom, b: 0.5)
        return (0.5 * pair.lower, 0.5 + 0.5 * pair.upper)
    }

    /// log c in P(T > s) ≈ c·s^{−ν}: c = ν^{ν/2 − 1} / B(ν/2, ½).
    private func logTailConstant() -> Double {
        let nu = degreesOfFreedom
        return (0.5 * nu - 1) * log(nu) - SpecialFunctions.logBeta(0.5 * nu, 0.5)
    }

    private func asymptoticTail(_ magnitude: Double) -> Double {
        exp(logTailConstant() - degreesOfFreedom * log(magnitude))
    }
}
