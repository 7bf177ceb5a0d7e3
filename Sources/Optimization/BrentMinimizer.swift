/// One-dimensional minimisation by Brent's method (golden section with parabolic interpolation), step
/// for step as R's `optimize` (Brent_fmin in `stats/src/optimize.c`). For profiling one parameter (θ, τ²)
/// with the others optimised out.
///
/// Tolerance: the run stops when the bracket around the best point x is within 2·(√ε|x| + tolerance/3)
/// of it (ε = 2⁻⁵²), so the minimiser is known to about √ε|x| + tolerance — no method can locate it more
/// closely from function values, which are flat to rounding within √ε of a minimum. R's default is
/// ε^¼ ≈ 1.2e-4; alliance's default 1e-10 leaves the √ε term in charge for |x| ≳ 1e-2. With
/// `tolerance: 0x1p-13` (R's default) the iterates equal R's.
public struct BrentMinimizer: Sendable, Equatable {
    /// Absolute tolerance on the minimiser (R's `tol`).
    public var tolerance: Double
    /// Iterations allowed (R has no limit; Brent's method ends long before this on any real function).
    public var maxIterations: Int

    public init(tolerance: Double = 1e-10, maxIterations: Int = 1000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Minimises f over [lower, upper]. NaN and −∞ from f are errors; +∞ is treated as the largest finite
    /// Double (R's `optimize` replaces every non-finite value so), which steers the search away.
    public func minimize(lower: Double, upper: Double, _ f: (Double) -> Double) throws(OptimizationError) -> OptimizerSummary {
        try checkBrentArguments(lower: lower, upper: upper, tolerance: tolerance, maxIterations: maxIterations)

        var evaluations = 0
        var replaced = 0
        var failure: OptimizationError?
        func value(_ x: Double) -> Double {
            evaluations += 1
            let y = f(x)
            if y.isNaN || y == -.infinity {
                if failure == nil { failure = .nonFiniteObjective(parameters: [x], value: y, evaluation: evaluations) }
                return .greatestFiniteMagnitude
            }
            if y == .infinity {
                replaced += 1
                return .greatestFiniteMagnitude
            }
            return y
        }

        // Brent_fmin, with R's names: x the best point, w the second best, v the previous w, [a, b] the bracket.
        let c = (3.0 - 5.0.squareRoot()) * 0.5
        let eps = Double.ulpOfOne.squareRoot()
        var a = lower, b = upper
        var v = a + c * (b - a)
        var w = v
        var x = v
        var d = 0.0, e = 0.0
        var fx = value(x)
        if let failure { throw failure }
        let start = x
        let initialValue = fx == .greatestFiniteMagnitude && replaced > 0 ? Double.infinity : fx
        var fv = fx, fw = fx
        let tol3 = tolerance / 3
        var iterations = 0
        var reason = StopReason.maxIterationsReached
        while iterations < maxIterations {
            let xm = (a + b) * 0.5
            let tol1 = eps * abs(x) + tol3
            let t2 = tol1 * 2
            if abs(x - xm) <= t2 - (b - a) * 0.5 {
                reason = .intervalToleranceReached
                break
            }
            iterations += 1
            var p = 0.0, q = 0.0, r = 0.0
            if abs(e) > tol1 {
                r = (x - w) * (fx - fv)
                q = (x - v) * (fx - fw)
                p = (x - v) * q - (x - w) * r
                q = (q - r) * 2
                if q > 0 { p = -p } else { q = -q }
                r = e
                e = d
            }
            if abs(p) >= abs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x) {
                e = x < xm ? b - x : a - x
                d = c * e
            } else {
                d = p / q
                let u = x + d
                if u - a < t2 || b - u < t2 {
                    d = x >= xm ? -tol1 : tol1
                }
            }
            let u: Double
            if abs(d) >= tol1 {
                u = x + d
            } else if d > 0 {
                u = x + tol1
            } else {
                u = x - tol1
            }
            let fu = value(u)
            if let failure { throw failure }
            if fu <= fx {
                if u < x { b = x } else { a = x }
                v = w; w = x; x = u
                fv = fw; fw = fx; fx = fu
            } else {
                if u < x { a = u } else { b = u }
                if fu <= fw || w == x {
                    v = w; fv = fw
                    w = u; fw = fu
                } else if fu <= fv || v == x || v == w {
                    v = u; fv = fu
                }
            }
        }
        var notes: [String] = []
        if replaced > 0 { notes.append("the objective was +∞ at \(replaced) of \(evaluations) evaluations") }
        return OptimizerSummary(
            algorithm: .brentMinimum, start: [start], lowerBounds: [lower], upperBounds: [upper],
            initialValue: initialValue, parameters: [x],
            value: fx == .greatestFiniteMagnitude && replaced > 0 ? .infinity : fx,
            evaluations: evaluations, iterations: iterations, stopReason: reason,
            settings: [OptimizerSetting("tol", tolerance), OptimizerSetting("maxiter", Double(maxIterations))],
            notes: notes)
    }
}
