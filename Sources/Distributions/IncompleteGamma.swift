import Foundation

extension SpecialFunctions {
    /// Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        regularizedGammaPair(a, x).lower
    }

    /// Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when small.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        regularizedGammaPair(a, x).upper
    }

    /// P(a, x) and Q(a, x) together: the smaller one is computed directly (series for P when x < a+1,
    /// Legendre continued fraction for Q otherwise) and the larger as its complement.
    public static func regularizedGammaPair(_ a: Double, _ x: Double) -> (lower: Double, upper: Double) {
        if a.isNaN || x.isNaN || a <= 0 || a > largestShape { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        let front = exp(logGammaPowerTerm(a, x))
        if x < a + 1 {
            let lower = front * lowerGammaSeries(a, x)
            // For a < 1, P can be close to 1 here; compute Q separately so it keeps its digits.
            return (lower, a < 1 ? upperGammaSmallShape(a, x) : 1 - lower)
        }
        let upper = front * upperGammaContinuedFraction(a, x)
        return (1 - upper, upper)
    }

    /// log(x^a e^{−x} / Γ(a)) through Stirling's form √(a/2π)·exp(a·log1pmx((x−a)/a) − μ(a)), which avoids
    /// the cancellation of a·log x − x − logΓ(a) for large a (as in Temme's and DiDonato–Morris' methods).
    static func logGammaPowerTerm(_ a: Double, _ x: Double) -> Double {
        if x == 0 { return -.infinity }
        let u = (x - a) / a
        let exponent: Double
        if u < -0.5 {
            exponent = a * (log(x) - log(a)) - (x - a)
        } else {
            exponent = a * log1pmx(u)
        }
        return 0.5 * log(a) - lnSqrt2Pi + exponent - stirlingCorrection(a)
    }

    /// Q(a, x) for a < 1, x < a + 1 (after Temme and Boost's small-a method):
    /// Q = −expm1(a·log x − log Γ(1+a)) − x^a/Γ(a) · Σ_{n≥1} (−1)^n x^n / (n!(a+n)),
    /// from Γ(a, x) = Γ(a) − Σ_{n≥0} (−1)^n x^{a+n}/(n!(a+n)); the first term is formed without cancellation.
    static func upperGammaSmallShape(_ a: Double, _ x: Double) -> Double {
        let head = -expm1(a * log(x) - (a <= 0.5 ? logGamma1p(a) : logGamma(1 + a)))
        var power = 1.0
        var sum = 0.0
        for n in 1..<1000 {
            let k = Double(n)
            power *= -x / k
            let term = power / (a + k)
            sum += term
            if abs(term) <= 1e-17 * abs(sum) { break }
        }
        return head - exp(a * log(x) - logGamma(a)) * sum
    }

    /// Σ_{n≥0} x^n / (a(a+1)⋯(a+n)), so that P(a, x) = x^a e^{−x}/Γ(a) · series.
    static func lowerGammaSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<iterationLimit {
            denominator += 1
            term *= x / denominator
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }

    /// Even contraction of Legendre's continued fraction, evaluated by the modified Lentz method:
    /// Q(a, x) = x^a e^{−x}/Γ(a) · 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …))).
    static func upperGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var fraction = ModifiedLentz(c: 1 / ModifiedLentz.tiny, d: b)
        for i in 1..<iterationLimit {
            let n = Double(i)
            b += 2
            let delta = fraction.step(a: -n * (n - a), b: b)
            if abs(delta - 1) < 1e-16 { break }
        }
        return fraction.value
    }
}
