import Foundation

/// Special functions accurate to about 1e-15 relative error (tails included), written from published
/// algorithms so that results do not depend on the platform's libm beyond exp/log/log1p/sin/cos/tan.
///
/// Conventions follow R: logGamma returns log|Γ(x)|; poles give +infinity for logGamma and trigamma,
/// NaN for digamma; NaN in gives NaN out.
public enum SpecialFunctions {
    /// Largest shape parameter of the incomplete gamma and beta functions (for the beta: the smaller of
    /// the two): their series and continued fractions need about 9√a terms, capped at `iterationLimit`.
    /// Beyond it the functions return NaN rather than an unconverged value.
    public static let largestShape = 1e10
    static let iterationLimit = 2_000_000
    static let lnSqrt2Pi = 0.918_938_533_204_672_741_78
    static let eulerGamma = 0.577_215_664_901_532_860_61

    // MARK: log-gamma

    /// log|Γ(x)|.
    ///
    /// Series of log Γ(2+z) in ζ(k)−1 on [0.5, 2.5) (exact zeros at 1 and 2), upward recurrence below 10,
    /// Stirling's series with 10 Bernoulli terms from 10 on, reflection for x < 0.
    public static func logGamma(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x.isInfinite { return .infinity }
        if x <= 0, x == x.rounded(.down) { return .infinity }
        if abs(x) < 0.5 { return logGamma1p(x) - log(abs(x)) }
        if x < 0 {
            // Reflection: |Γ(x)| = π / (|sin πx| Γ(1−x)).
            return log(Double.pi / abs(sinPi(x))) - logGamma(1 - x)
        }
        if x < 1.5 { return logGamma1p(x - 1) }
        if x < 2.5 { return logGamma2p(x - 2) }
        if x < 10 {
            // Γ(x) = (x−1)(x−2)…(x−n) Γ(x−n); the subtractions are exact here.
            var shifted = x
            var product = 1.0
            while shifted >= 2.5 {
                shifted -= 1
                product *= shifted
            }
            return log(product) + logGamma2p(shifted - 2)
        }
        return (x - 0.5) * log(x) - x + lnSqrt2Pi + stirlingCorrection(x)
    }

    /// ζ(k) − 1 for k = 2…45 (mpmath, 17 significant digits).
    static let zetaMinusOne: [Double] = [
        6.4493406684822644e-1, 2.0205690315959429e-1, 8.2323233711138192e-2, 3.6927755143369926e-2,
        1.734306198444914e-2, 8.3492773819228268e-3, 4.0773561979443394e-3, 2.0083928260822144e-3,
        9.9457512781808534e-4, 4.9418860411946456e-4, 2.460865533080483e-4, 1.2271334757848915e-4,
        6.1248135058704829e-5, 3.0588236307020494e-5, 1.5282259408651872e-5, 7.6371976378997623e-6,
        3.8172932649998399e-6, 1.9082127165539389e-6, 9.5396203387279611e-7, 4.7693298678780646e-7,
        2.3845050272773299e-7, 1.1921992596531107e-7, 5.960818905125948e-8, 2.980350351465228e-8,
        1.4901554828365041e-8, 7.4507117898354295e-9, 3.7253340247884571e-9, 1.862659723513049e-9,
        9.3132743241966818e-10, 4.6566290650337841e-10, 2.3283118336765055e-10, 1.164155017270052e-10,
        5.8207720879027009e-11, 2.9103850444970997e-11, 1.4551921891041984e-11, 7.275959835057481e-12,
        3.6379795473786512e-12, 1.8189896503070659e-12, 9.0949478402638893e-13, 4.547473783042154e-13,
        2.2737368458246525e-13, 1.1368684076802278e-13, 5.6843419876275856e-14, 2.8421709768893019e-14,
    ]

    /// Coefficients (−1)^k (ζ(k)−1)/k of the series log Γ(2+z) = (1−γ)z + Σ_{k≥2} c_k z^k (|z| < 2).
    static let logGamma2pCoefficients: [Double] = zetaMinusOne.enumerated().map { index, value in
        let k = Double(index + 2)
        return (index % 2 == 0 ? value : -value) / k
    }

    /// log Γ(2+z) for |z| ≤ 0.5.
    static func logGamma2p(_ z: Double) -> Double {
        var sum = 0.0
        // Terms fall like (z/2)^k/k: 30 terms reach 1e-19 at |z| = 0.5.
        for coefficient in logGamma2pCoefficients.prefix(30).reversed() {
            sum = sum * z + coefficient
        }
        return z * ((1 - eulerGamma) + z * sum)
    }

    /// log Γ(1+z) for |z| ≤ 0.5, without forming 1+z.
    static func logGamma1p(_ z: Double) -> Double {
        logGamma2p(z) - log1p(z)
    }

    /// Stirling's correction μ(x) = log Γ(x) − [(x−½) log x − x + ½ log 2π].
    /// Asymptotic series for x ≥ 10 (truncation below 2e-17 relative); by definition below.
    static func stirlingCorrection(_ x: Double) -> Double {
        if x >= 10 {
            let coefficients: [Double] = [
                1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360,
                1.0 / 156, -3617.0 / 122_400, 43867.0 / 244_188, -174_611.0 / 125_400,
            ]
            let inverseSquare = 1 / (x * x)
            var sum = 0.0
            for coefficient in coefficients.reversed() {
                sum = sum * inverseSquare + coefficient
            }
            return sum / x
        }
        return logGamma(x) - ((x - 0.5) * log(x) - x + lnSqrt2Pi)
    }

    // MARK: beta

    /// log B(a, b) for a, b > 0, without the cancellation of logΓ(a)+logΓ(b)−logΓ(a+b) for large arguments.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        let p = min(a, b)
        let q = max(a, b)
        if p < 0 { return .nan }
        if p == 0 { return .infinity }
        if q.isInfinite { return -.infinity }
        if p >= 10 {
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
            return -0.5 * log(q) + lnSqrt2Pi + correction
                + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
            return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    // MARK: digamma and trigamma

    /// Positive zero of ψ, as a double-double.
    static let digammaRootHigh = 1.4616321449683622
    static let digammaRootLow = 9.549995429965697e-17
    /// ψ^(k)(x0)/k! for k = 1…40 at the positive root x0 (mpmath, 17 significant digits).
    static let digammaRootSeries: [Double] = [
        9.6767224544762117e-1, -4.4276316898359211e-1, 2.5849976095565101e-1, -1.6394270544240653e-1,
        1.0782405069126237e-1, -7.2199561256454711e-2, 4.8804288164143107e-2, -3.3161126474847359e-2,
        2.2597648232218105e-2, -1.5424765904948959e-2, 1.0538791616612175e-2, -7.2045343863568682e-3,
        4.9267813957298534e-3, -3.3698016554393281e-3, 2.3051263267349278e-3, -1.5769367714301973e-3,
        1.0788252019162966e-3, -7.3807093899600513e-4, 5.0495326583460204e-4, -3.454680251063077e-4,
        2.3635601564027053e-4, -1.6170622091974803e-4, 1.1063372768747411e-4, -7.5691795821950659e-5,
        5.1785757952220809e-5, -3.5430070947659606e-5, 2.4240066118601318e-5, -1.6584242271854133e-5,
        1.134638458466385e-5, -7.7628176684620944e-6, 5.3110609208898634e-6, -3.6336507898010457e-6,
        2.4860227331295379e-6, -1.7008538854332607e-6, 1.1636675363548843e-6, -7.9614254312419704e-7,
        5.4469419306694453e-7, -3.726616128343823e-7, 2.5496265520215543e-7, -1.7443695117727745e-7,
    ]

    /// ψ(x) = d/dx log Γ(x).
    ///
    /// Taylor series about the positive root for |x − x0| ≤ 0.5 (full relative accuracy near the zero),
    /// otherwise upward recurrence to x ≥ 10 and the asymptotic series; reflection for x < 0.
    public static func digamma(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == .infinity { return .infinity }
        if x <= 0 {
            if x == x.rounded(.down) { return .nan }
            // ψ(x) = ψ(1−x) − π cot(πx)
            return digamma(1 - x) - Double.pi * cosPi(x) / sinPi(x)
        }
        let z = (x - digammaRootHigh) - digammaRootLow
        if abs(z) <= 0.5 {
            var sum = 0.0
            for coefficient in digammaRootSeries.reversed() {
                sum = sum * z + coefficient
            }
            return sum * z
        }
        var shifted = x
        var correction = 0.0
        while shifted < 10 {
            correction -= 1 / shifted
            shifted += 1
        }
        let inverseSquare = 1 / (shifted * shifted)
        let coefficients: [Double] = [
            1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12, -3617.0 / 8160,
        ]
        var sum = 0.0
        for coefficient in coefficients.reversed() {
            sum = sum * inverseSquare + coefficient
        }
        return correction + log(shifted) - 0.5 / shifted - sum * inverseSquare
    }

    /// ψ′(x), by upward recurrence to x ≥ 10 and the asymptotic series; reflection for x < 0.
    public static func trigamma(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == .infinity { return 0 }
        if x <= 0 {
            if x == x.rounded(.down) { return .infinity }
            // ψ′(1−x) + ψ′(x) = π² / sin²(πx)
            let s = sinPi(x)
            return Double.pi * Double.pi / (s * s) - trigamma(1 - x)
        }
        if x < 1e-8 { return 1 / (x * x) + trigamma(1 + x) }
        var shifted = x
        var correction = 0.0
        while shifted < 10 {
            correction += 1 / (shifted * shifted)
            shifted += 1
        }
        let inverseSquare = 1 / (shifted * shifted)
        let bernoulli: [Double] = [
            1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798,
        ]
        var sum = 0.0
        for coefficient in bernoulli.reversed() {
            sum = sum * inverseSquare + coefficient
        }
        return correction + (1 + 0.5 / shifted + sum * inverseSquare) / shifted
    }

    // MARK: error function

    /// erf(x): positive-term series for |x| < 1, 1 − erfc(|x|) beyond.
    public static func erf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let magnitude = abs(x)
        if magnitude < 1 {
            return 2 / Double.pi.squareRoot() * x * expMinusSquare(x) * confluentSeries(2 * x * x)
        }
        let value = 1 - erfc(magnitude)
        return x < 0 ? -value : value
    }

    /// erfc(x), accurate in the upper tail down to the underflow limit (x ≈ 26.5).
    public static func erfc(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x < 0 { return 2 - erfc(-x) }
        if x < 1 { return 1 - erf(x) }
        if x > 27.3 { return 0 }  // below half the smallest subnormal
        // erfc(x) = Q(½, x²) = e^{−x²} x/√π · CF(½, x²)
        return expMinusSquare(x) * x / Double.pi.squareRoot() * upperGammaContinuedFraction(0.5, x * x)
    }

    /// Σ_{n≥0} t^n / (1·3·5⋯(2n+1)), all terms positive.
    static func confluentSeries(_ t: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var denominator = 1.0
        while term > sum * 1e-17 {
            denominator += 2
            term *= t / denominator
            sum += term
        }
        return sum
    }

    /// e^{−x²} with x² split exactly into high and low parts, so the tail keeps full relative accuracy.
    static func expMinusSquare(_ x: Double) -> Double {
        let high = x * x
        if high > 746 { return 0 }  // underflows (and keeps x² = ∞ from producing NaN)
        let low = (-high).addingProduct(x, x)
        return exp(-high) * exp(-low)
    }

    /// e^{−x²/2}, split as in expMinusSquare.
    static func expMinusHalfSquare(_ x: Double) -> Double {
        let high = x * x
        if high > 1492 { return 0 }
        let low = (-high).addingProduct(x, x)
        return exp(-0.5 * high) * exp(-0.5 * low)
    }

    // MARK: helpers

    /// sin(πx) with exact argument reduction.
    static func sinPi(_ x: Double) -> Double {
        var r = x.truncatingRemainder(dividingBy: 2)
        if r <= -1 { r += 2 } else if r > 1 { r -= 2 }
        if r == 0 || r == 1 { return 0 }
        if r > 0.5 { r = 1 - r } else if r < -0.5 { r = -1 - r }
        return sin(Double.pi * r)
    }

    /// cos(πx) with exact argument reduction.
    static func cosPi(_ x: Double) -> Double {
        var r = abs(x).truncatingRemainder(dividingBy: 2)
        if r > 1 { r = 2 - r }
        if r > 0.5 { return -cosPiReduced(1 - r) }
        return cosPiReduced(r)
    }

    /// cos(πr) for r in [0, 0.5].
    private static func cosPiReduced(_ r: Double) -> Double {
        if r == 0.5 { return 0 }
        return r > 0.25 ? sin(Double.pi * (0.5 - r)) : cos(Double.pi * r)
    }

    /// log(1+u) − u, accurate for small |u| (series) and for all u > −1.
    static func log1pmx(_ u: Double) -> Double {
        if abs(u) > 0.5 { return log1p(u) - u }
        // log(1+u) = 2 Σ_{k≥0} r^{2k+1}/(2k+1) with r = u/(2+u), and u − 2r = r·u.
        let r = u / (2 + u)
        let r2 = r * r
        let leading = r * u
        var power = r * r2
        var sum = 0.0
        var k = 3.0
        while true {
            let term = power / k
            sum += term
            if abs(term) <= 1e-18 * abs(leading) { break }
            power *= r2
            k += 2
        }
        // log(1+u) = 2r + 2 sum;  u = 2r + r·u  (since u − 2r = r·u)
        return 2 * sum - leading
    }
}
