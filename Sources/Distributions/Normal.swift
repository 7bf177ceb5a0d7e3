import Foundation

/// The standard normal distribution.
public enum Normal {
    static let inverseSqrt2Pi = 0.398_942_280_401_432_677_94

    /// φ(x), with x² split exactly so the density keeps full relative accuracy far in the tails.
    public static func density(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x.isInfinite { return 0 }
        return inverseSqrt2Pi * SpecialFunctions.expMinusHalfSquare(x)
    }

    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        tails(x).lower
    }

    /// 1 − Φ(x) = P(Z > x), accurate far into the upper tail.
    public static func ccdf(_ x: Double) -> Double {
        tails(x).upper
    }

    /// (Φ(x), 1 − Φ(x)): the series Φ(x) = ½ + φ(x)·Σ x^{2n+1}/(2n+1)!! for |x| < 1.5; beyond, the smaller
    /// tail from the continued fraction of Q(½, x²/2), times φ(x).
    static func tails(_ x: Double) -> (lower: Double, upper: Double) {
        if x.isNaN { return (.nan, .nan) }
        if x == .infinity { return (1, 0) }
        if x == -.infinity { return (0, 1) }
        let magnitude = abs(x)
        if magnitude > 40 { return x > 0 ? (1, 0) : (0, 1) }  // the small tail underflows
        if magnitude < 1.5 {
            let half = density(x) * x * SpecialFunctions.confluentSeries(x * x)
            return (0.5 + half, 0.5 - half)
        }
        // P(Z > |x|) = ½ Q(½, x²/2) = φ(x)·(|x|/2)·CF(½, x²/2)
        let smallTail = density(x) * magnitude * 0.5
            * SpecialFunctions.upperGammaContinuedFraction(0.5, 0.5 * x * x)
        return x > 0 ? (1 - smallTail, smallTail) : (smallTail, 1 - smallTail)
    }

    /// Φ⁻¹(p): Wichura's AS 241 (PPND16) followed by one Halley step on the accurate tail probability.
    /// p = 0 gives −∞, p = 1 gives +∞; outside [0, 1] or NaN gives NaN.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p > 0.5 { return -lowerTailQuantile(1 - p) }  // 1 − p is exact for p ≥ ½
        return lowerTailQuantile(p)
    }

    /// The x with P(Z > x) = q (qnorm(q, lower.tail = FALSE)), accurate for tiny q.
    public static func upperQuantile(_ q: Double) -> Double {
        if q.isNaN || q < 0 || q > 1 { return .nan }
        return -quantile(q)
    }

    /// x ≤ 0 with Φ(x) = p, for 0 < p ≤ ½.
    static func lowerTailQuantile(_ p: Double) -> Double {
        let x = wichuraAS241(p)
        if x == 0 { return 0 }
        // Halley: f(x) = Φ(x) − p, f′ = φ, f″ = −xφ.
        let error = (tails(x).lower - p) / density(x)
        if !error.isFinite { return x }
        return x - error / (1 + 0.5 * x * error)
    }

    /// AS 241 (Wichura 1988), about 1e-16 relative accuracy, for 0 < p ≤ ½.
    static func wichuraAS241(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let numerator = ((((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r
                + 6.7265770927008700853e4) * r + 4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r
                + 1.9715909503065514427e3) * r + 1.3314166789178437745e2) * r + 3.3871328727963666080e0))
            let denominator = (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r
                + 3.9307895800092710610e4) * r + 2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r
                + 6.8718700749205790830e2) * r + 4.2313330701600911252e1) * r + 1)
            return q * numerator / denominator
        }
        var r = (-log(p)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            let numerator = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
                + 2.41780725177450611770e-1) * r + 1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r
                + 5.76949722146069140550e0) * r + 4.63033784615654529590e0) * r + 1.42343711074968357734e0)
            let denominator = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
                + 1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r
                + 1.67638483018380384940e0) * r + 2.05319162663775882187e0) * r + 1)
            value = numerator / denominator
        } else {
            r -= 5
            let numerator = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                + 1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r
                + 1.78482653991729133580e0) * r + 5.46378491116411436990e0) * r + 6.65790464350110377720e0)
            let denominator = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                + 1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r
                + 1.36929880922735805310e-1) * r + 5.99832206555887937690e-1) * r + 1)
            value = numerator / denominator
        }
        return q < 0 ? -value : value
    }
}
