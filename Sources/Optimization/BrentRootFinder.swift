/// One-dimensional root finding by Brent's zeroin, step for step as R's `uniroot` (R_zeroin2 in
/// `stats/src/zeroin.c`): inverse quadratic or linear interpolation inside a bracketing interval, with
/// bisection whenever interpolation would not shrink it fast enough. For Q-profile confidence limits
/// and likelihood-profile intervals.
///
/// Tolerance: the run stops when half the bracket is at most 2ε|b| + tolerance/2 (ε = 2⁻⁵², b the best
/// point), so the root is known to within about `tolerance`. R's default is ε^¼ ≈ 1.2e-4; alliance's
/// default 1e-12 is far tighter, because the few extra evaluations cost little and a confidence limit
/// should not carry a 1e-4 optimiser error. With `tolerance: 0x1p-13` (R's default) the iterates equal R's.
public struct BrentRootFinder: Sendable, Equatable {
    /// Absolute tolerance on the root (R's `tol`).
    public var tolerance: Double
    /// Iterations allowed (R's `maxiter`).
    public var maxIterations: Int

    public init(tolerance: Double = 1e-12, maxIterations: Int = 1000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// The summary (parameters = [root], value = f(root)) and R's `estim.prec`, the width of the final
    /// bracket |c − b| (0 when the root was an end of the interval).
    public struct Result: Sendable, Equatable {
        public let summary: OptimizerSummary
        public let estimatedPrecision: Double
        public var root: Double { summary.parameters[0] }
    }

    /// Finds x in [lower, upper] with f(x) = 0. f(lower) and f(upper) must differ in sign (or one be 0).
    /// NaN from f is an error; ±∞ is replaced by ±(largest finite Double), as R's uniroot does.
    public func findRoot(lower: Double, upper: Double, _ f: (Double) -> Double) throws(OptimizationError) -> Result {
        try checkBrentArguments(lower: lower, upper: upper, tolerance: tolerance, maxIterations: maxIterations)

        var evaluations = 0
        var nonFinite: OptimizationError?
        func value(_ x: Double) -> Double { truncated(raw(x), at: x) }
        func raw(_ x: Double) -> Double {
            evaluations += 1
            return f(x)
        }
        func truncated(_ y: Double, at x: Double) -> Double {
            if y.isNaN {
                if nonFinite == nil { nonFinite = .nonFiniteObjective(parameters: [x], value: y, evaluation: evaluations) }
                return 0
            }
            if y == .infinity { return .greatestFiniteMagnitude }
            if y == -.infinity { return -.greatestFiniteMagnitude }
            return y
        }

        let rawLower = raw(lower)
        let fLower = truncated(rawLower, at: lower)
        let rawUpper = raw(upper)
        let fUpper = truncated(rawUpper, at: upper)
        if let nonFinite { throw nonFinite }
        if (fLower > 0 && fUpper > 0) || (fLower < 0 && fUpper < 0) {
            throw .rootNotBracketed(lower: lower, upper: upper, valueAtLower: rawLower, valueAtUpper: rawUpper)
        }

        func result(_ root: Double, _ fRoot: Double, iterations: Int, precision: Double, reason: StopReason) -> Result {
            Result(
                summary: OptimizerSummary(
                    algorithm: .brentRoot, start: [upper], lowerBounds: [lower], upperBounds: [upper],
                    initialValue: rawUpper, parameters: [root], value: fRoot, evaluations: evaluations,
                    iterations: iterations, stopReason: reason,
                    settings: [OptimizerSetting("tol", tolerance), OptimizerSetting("maxiter", Double(maxIterations))]),
                estimatedPrecision: precision)
        }

        // R_zeroin2, with R's names: b is the best approximation, a the previous one, c the point
        // bracketing the root with b.
        if fLower == 0 { return result(lower, fLower, iterations: 0, precision: 0, reason: .exactZero) }
        if fUpper == 0 { return result(upper, fUpper, iterations: 0, precision: 0, reason: .exactZero) }
        var a = lower, b = upper, c = lower
        var fa = fLower, fb = fUpper, fc = fLower
        var remaining = maxIterations + 1
        while remaining > 0 {
            remaining -= 1
            let previousStep = b - a
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let actualTolerance = 2 * Double.ulpOfOne * abs(b) + tolerance / 2
            var newStep = (c - b) / 2
            if abs(newStep) <= actualTolerance || fb == 0 {
                return result(
                    b, fb, iterations: maxIterations - remaining, precision: abs(c - b),
                    reason: fb == 0 ? .exactZero : .intervalToleranceReached)
            }
            if abs(previousStep) >= actualTolerance && abs(fa) > abs(fb) {
                var p: Double
                var q: Double
                let cb = c - b
                if a == c {
                    let t1 = fb / fa
                    p = cb * t1
                    q = 1.0 - t1
                } else {
                    let qa = fa / fc
                    let t1 = fb / fc
                    let t2 = fb / fa
                    p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1.0))
                    q = (qa - 1.0) * (t1 - 1.0) * (t2 - 1.0)
                }
                if p > 0 { q = -q } else { p = -p }
                if p < (0.75 * cb * q - abs(actualTolerance * q) / 2) && p < abs(previousStep * q / 2) {
                    newStep = p / q
                }
            }
            if abs(newStep) < actualTolerance {
                newStep = newStep > 0 ? actualTolerance : -actualTolerance
            }
            a = b; fa = fb
            b += newStep
            fb = value(b)
            if let nonFinite { throw nonFinite }
            if (fb > 0 && fc > 0) || (fb < 0 && fc < 0) {
                c = a; fc = fa
            }
        }
        return result(b, fb, iterations: maxIterations, precision: abs(c - b), reason: .maxIterationsReached)
    }
}
