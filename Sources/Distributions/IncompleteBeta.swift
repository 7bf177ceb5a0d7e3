import Foundation

extension SpecialFunctions {
    /// Regularized incomplete beta I_x(a, b).
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        regularizedIncompleteBetaPair(x: x, y: 1 - x, a: a, b: b).lower
    }

    /// 1 − I_x(a, b), accurate when small.
    public static func regularizedIncompleteBetaComplement(_ x: Double, a: Double, b: Double) -> Double {
        regularizedIncompleteBetaPair(x: x, y: 1 - x, a: a, b: b).upper
    }

    /// I_x(a, b) and 1 − I_x(a, b) together, given x and y = 1 − x.
    ///
    /// The smaller of x and y is taken as exact and the other as its complement, so callers that can form
    /// 1 − x accurately (e.g. t²/(ν+t²) for the t distribution) should pass it. The result comes from the
    /// continued fraction (Numerical Recipes' betacf, modified Lentz) on whichever side converges, times the
    /// prefactor x^a y^b / B(a, b) computed in Stirling form (see `logBetaPowerTerm`).
    public static func regularizedIncompleteBetaPair(x: Double, y: Double, a: Double, b: Double)
        -> (lower: Double, upper: Double)
    {
        if x.isNaN || y.isNaN || a.isNaN || b.isNaN { return (.nan, .nan) }
        if a <= 0 || b <= 0 || a.isInfinite || b.isInfinite || min(a, b) > largestShape { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        let front = exp(logBetaPowerTerm(x: x, y: y, a: a, b: b))
        if x < (a + 1) / (a + b + 2) {
            let fraction = x <= y
                ? betaContinuedFraction(x: x, a: a, b: b)
                : betaContinuedFractionExtended(x: DoubleDouble.oneMinus(y), a: a, b: b)
            let lower = front * fraction / a
            return (lower, 1 - lower)
        }
        let fraction = y <= x
            ? betaContinuedFraction(x: y, a: b, b: a)
            : betaContinuedFractionExtended(x: DoubleDouble.oneMinus(x), a: b, b: a)
        let upper = front * fraction / b
        return (1 - upper, upper)
    }

    /// log(x^a y^b / B(a, b)).
    ///
    /// Written as ½log(ab/(2π(a+b))) + a·log(x/x₀) + b·log(y/y₀) + μ(a+b) − μ(a) − μ(b), with
    /// x₀ = a/(a+b), y₀ = b/(a+b) and μ Stirling's correction (DiDonato & Morris 1992, BRCOMP). Near the mode
    /// the two logarithms are a·log1pmx(d/a) + b·log1pmx(−d/b) with d = x·b − y·a formed in double-double,
    /// so no large terms cancel.
    static func logBetaPowerTerm(x: Double, y: Double, a: Double, b: Double) -> Double {
        if x <= 0 || y <= 0 { return -.infinity }
        // Treat the smaller argument as exact; the other is 1 − it, kept as a double-double (high, low).
        let xIsPrimary = x <= y
        let primary = xIsPrimary ? x : y
        let complementHigh = 1 - primary
        let complementLow = (1 - complementHigh) - primary
        let (xHigh, xLow) = xIsPrimary ? (x, 0.0) : (complementHigh, complementLow)
        let (yHigh, yLow) = xIsPrimary ? (complementHigh, complementLow) : (y, 0.0)
        let d = doubleDoubleDifference(xHigh: xHigh, xLow: xLow, b: b, yHigh: yHigh, yLow: yLow, a: a)
        let logX = xIsPrimary ? log(x) : log1p(-primary)
        let logY = xIsPrimary ? log1p(-primary) : log(y)
        let u = d / a
        let v = -d / b
        let termA = u < -0.5 ? a * (logX + log1p(b / a)) - d : a * log1pmx(u)
        let termB = v < -0.5 ? b * (logY + log1p(a / b)) + d : b * log1pmx(v)
        let correction = stirlingCorrection(a + b) - stirlingCorrection(a) - stirlingCorrection(b)
        let scale = 0.5 * (log(a) + log(b) - log(a + b)) - lnSqrt2Pi
        return scale + termA + termB + correction
    }

    /// x·b − y·a with x = xHigh+xLow, y = yHigh+yLow, using exact products (fused multiply-add).
    private static func doubleDoubleDifference(
        xHigh: Double, xLow: Double, b: Double, yHigh: Double, yLow: Double, a: Double
    ) -> Double {
        let p1 = xHigh * b
        let e1 = (-p1).addingProduct(xHigh, b)
        let p2 = yHigh * a
        let e2 = (-p2).addingProduct(yHigh, a)
        let sum = p1 - p2
        // Two-sum error of p1 − p2.
        let bv = sum - p1
        let sumError = (p1 - (sum - bv)) + (-p2 - bv)
        return sum + (sumError + e1 - e2 + xLow * b - yLow * a)
    }

    /// The continued fraction in double-double arithmetic, for x > ½ given as 1 − y: there its terms
    /// 1 + aa·d cancel to a few digits (e.g. a = 5·10⁵, b = ½, t distribution with large ν), and both the
    /// rounding of x and of the coefficients would be amplified by about a.
    static func betaContinuedFractionExtended(x: DoubleDouble, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let one = DoubleDouble(1)
        let aa0 = DoubleDouble(a)
        let bb0 = DoubleDouble(b)
        let qab = aa0 + bb0
        let qap = aa0 + 1
        let qam = aa0 + -1
        var c = one
        var d = one - qab * x / qap
        if abs(d.high) < tiny { d = DoubleDouble(tiny) }
        d = one / d
        var h = d
        for m in 1..<iterationLimit {
            let mm = Double(m)
            let m2 = 2 * mm
            var aa = ((bb0 + -mm) / (qam + m2)) * (DoubleDouble(mm) / (aa0 + m2)) * x
            d = one + aa * d
            if abs(d.high) < tiny { d = DoubleDouble(tiny) }
            c = one + aa / c
            if abs(c.high) < tiny { c = DoubleDouble(tiny) }
            d = one / d
            h = h * (d * c)
            aa = -(((aa0 + mm) / (aa0 + m2)) * ((qab + mm) / (qap + m2)) * x)
            d = one + aa * d
            if abs(d.high) < tiny { d = DoubleDouble(tiny) }
            c = one + aa / c
            if abs(c.high) < tiny { c = DoubleDouble(tiny) }
            d = one / d
            let delta = d * c
            h = h * delta
            if abs((delta - one).value) < 1e-17 { break }
        }
        return h.value
    }

    /// Continued fraction for I_x(a, b) · a / (x^a y^b / B(a, b)) (converges fast for x < (a+1)/(a+b+2)).
    static func betaContinuedFraction(x: Double, a: Double, b: Double) -> Double {
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var fraction = ModifiedLentz(c: 1, d: 1 - qab * x / qap)
        for m in 1..<iterationLimit {
            let mm = Double(m)
            let m2 = 2 * mm
            // Coefficients as products of ratios, so huge shapes do not overflow; even and odd terms in turn.
            fraction.step(a: ((b - mm) / (qam + m2)) * (mm / (a + m2)) * x, b: 1)
            let delta = fraction.step(a: -((a + mm) / (a + m2)) * ((qab + mm) / (qap + m2)) * x, b: 1)
            if abs(delta - 1) < 1e-16 { break }
        }
        return fraction.value
    }
}
