import Foundation

extension SpecialFunctions {
    /// Solves I_x(a, b) = p for x; q = 1 − p is passed separately so that upper-tail targets keep their
    /// accuracy. Returns x and y = 1 − x (the smaller of the two is accurate relative to itself).
    ///
    /// Initial value as in Numerical Recipes' invbetai (AS 109 style), then safeguarded Newton steps on
    /// log I (or log(1 − I)) against log x, inside a bracket that shrinks on every evaluation.
    public static func inverseRegularizedIncompleteBeta(p: Double, q: Double, a: Double, b: Double)
        -> (x: Double, y: Double)
    {
        if p.isNaN || q.isNaN || a.isNaN || b.isNaN || a <= 0 || b <= 0 || a.isInfinite || b.isInfinite
            || min(a, b) > largestShape
        {
            return (.nan, .nan)
        }
        if p < 0 || q < 0 || p > 1 || q > 1 { return (.nan, .nan) }
        if p == 0 { return (0, 1) }
        if q == 0 { return (1, 0) }
        let atHalf = regularizedIncompleteBetaPair(x: 0.5, y: 0.5, a: a, b: b)
        // Compare on the smaller tail: the larger one may have rounded to 1.
        let rootBelowHalf = p <= q ? p <= atHalf.lower : q >= atHalf.upper
        if rootBelowHalf {
            let x = solveBetaBelowHalf(p: p, q: q, a: a, b: b)
            return (x, 1 - x)
        }
        let y = solveBetaBelowHalf(p: q, q: p, a: b, b: a)
        return (1 - y, y)
    }

    /// The x in (0, ½] with I_x(a, b) = p (0 if it underflows).
    private static func solveBetaBelowHalf(p: Double, q: Double, a: Double, b: Double) -> Double {
        let useLower = p <= q
        // g(x) increases with x; slope is dg/dlog x. Logs of ratios keep g's resolution at 1 ulp.
        func residual(_ x: Double) -> (g: Double, slope: Double) {
            let y = 1 - x
            let pair = regularizedIncompleteBetaPair(x: x, y: y, a: a, b: b)
            let xDensity = exp(logBetaPowerTerm(x: x, y: y, a: a, b: b)) / y
            if useLower { return (log(pair.lower / p), xDensity / pair.lower) }
            return (log(q / pair.upper), xDensity / pair.upper)
        }
        var start = betaInverseStart(p: p, q: q, a: a, b: b)
        if !(start > 0 && start < 0.5) {
            start = exp((log(p) + log(a) + logBeta(a, b)) / a)
        }
        if !(start > 0) { start = Double.leastNormalMagnitude }
        return safeguardedLogNewton(start: min(start, 0.5), lowerBound: 0, upperBound: 0.5, residual: residual)
    }

    /// Numerical Recipes' initial approximation to the inverse incomplete beta.
    private static func betaInverseStart(p: Double, q: Double, a: Double, b: Double) -> Double {
        if a >= 1, b >= 1 {
            let tail = min(p, q)
            let t = (-2 * log(tail)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let al = (z * z - 3) / 6
            let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
            let w = z * (al + h).squareRoot() / h
                - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h))
            return a / (a + b * exp(2 * w))
        }
        let t = exp(a * log(a / (a + b))) / a
        let u = exp(b * log(b / (a + b))) / b
        let w = t + u
        if p < t / w { return pow(a * w * p, 1 / a) }
        return 1 - pow(b * w * q, 1 / b)
    }

    /// Solves P(a, x) = p for x (q = 1 − p passed separately): Numerical Recipes' invgammp start, then
    /// safeguarded Newton steps on log P (or log Q) against log x.
    public static func inverseRegularizedGammaP(p: Double, q: Double, a: Double) -> Double {
        if p.isNaN || q.isNaN || a.isNaN || a <= 0 || a > largestShape { return .nan }
        if p < 0 || q < 0 || p > 1 || q > 1 { return .nan }
        if p == 0 { return 0 }
        if q == 0 { return .infinity }
        let useLower = p <= q
        func residual(_ x: Double) -> (g: Double, slope: Double) {
            let pair = regularizedGammaPair(a, x)
            let xDensity = exp(logGammaPowerTerm(a, x))
            if useLower { return (log(pair.lower / p), xDensity / pair.lower) }
            return (log(q / pair.upper), xDensity / pair.upper)
        }
        var start: Double
        if a > 1 {
            let t = (-2 * log(min(p, q))).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let cube = 1 - 1 / (9 * a) - z / (3 * a.squareRoot())
            start = a * cube * cube * cube
            if !(start > 1e-3) { start = exp((log(p) + logGamma(a + 1)) / a) }
        } else {
            let t = 1 - a * (0.253 + a * 0.12)
            start = p < t ? pow(p / t, 1 / a) : 1 - log(q / (1 - t))
        }
        if !(start > 0) || !start.isFinite { start = 1 }
        return safeguardedLogNewton(start: start, lowerBound: 0, upperBound: .infinity, residual: residual)
    }

    /// Newton's method on g(log x) = 0 for increasing g, with a bracket [lowerBound, upperBound] in x that
    /// shrinks on every evaluation and geometric bisection whenever a step leaves it. Updates are
    /// multiplicative (x·e^{Δ}), so tiny roots keep full relative precision. Returns 0 if the root lies
    /// below the smallest normal double.
    static func safeguardedLogNewton(
        start: Double, lowerBound: Double, upperBound: Double,
        residual: (Double) -> (g: Double, slope: Double)
    ) -> Double {
        let floor = Double.leastNormalMagnitude
        var low = lowerBound
        var high = upperBound
        var x = max(start, floor)
        var previousStep = Double.infinity
        for _ in 0..<300 {
            let (g, slope) = residual(x)
            if g == 0 { return x }
            if g.isNaN { return x }
            if g < 0 { low = x } else { high = x }
            if g > 0, x <= floor { return 0 }
            let step = -g / slope
            var next = x * exp(step)
            let newtonAccepted = step.isFinite && next > low && next < high && next >= floor
            if !newtonAccepted {
                if low > 0, high.isFinite {
                    next = low.squareRoot() * high.squareRoot()
                } else if high.isFinite {
                    next = max(high / 1024, floor)
                    if high <= floor { return 0 }
                } else {
                    next = low * 1024
                }
            }
            if newtonAccepted {
                let size = abs(step)
                if size <= 1e-15 { return next }
                if size < 1e-12, size >= 0.5 * previousStep { return next }  // at the noise floor
                previousStep = size
            } else {
                previousStep = .infinity
                if high.isFinite, low > 0, high - low <= 1e-15 * high { return low.squareRoot() * high.squareRoot() }
            }
            x = next
        }
        return x
    }
}
