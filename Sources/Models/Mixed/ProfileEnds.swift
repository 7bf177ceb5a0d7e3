import Foundation
import Optimization

/// The two ends of a profile-likelihood interval, solved exactly: the points where the signed root of the
/// profile, ζ(x) = sign(x − x̂)·√(2·(objective at x, others optimised) − objective at the optimum)), reaches ∓z
/// with z = √χ²₁(level) — lme4's `confint.thpr` on `profile.merMod`, which interpolates a spline through ζ
/// instead of solving. Each end is bracketed (ζ is close to linear in x, so the bracket is grown by linear
/// extrapolation) and then found by Brent's zeroin (R's `uniroot`). An end that does not cross before the
/// parameter's bound is the bound (0 for an SD, ±1 for a correlation), as lme4's `confint.thpr` falls back to
/// its bounds; an SD or σ whose profile never crosses has no finite upper end (nil).
struct ProfileEnds {
    enum Kind {
        /// An SD (≥ 0); `scale` sizes the first step when the estimate is 0.
        case standardDeviation(scale: Double)
        /// A correlation in [−1, 1].
        case correlation
        /// The residual σ (> 0; the deviance grows without bound as σ → 0).
        case sigma
    }

    let estimate: Double
    let kind: Kind
    /// √χ²₁(level).
    let z: Double
    /// Relative accuracy of the ends (Brent's tolerance is this times the parameter's scale).
    static let relativeTolerance = 1e-10
    /// Bracket-growing steps allowed before an upper end is declared infinite.
    static let maximumSteps = 60

    /// ζ at x and, where known, its derivative dζ/dx there (nil: unknown); may throw when the inner optimisation fails.
    typealias Zeta = (Double) throws(ModelError) -> (zeta: Double, slope: Double?)

    func ends(_ zeta: Zeta) throws(ModelError) -> (low: Double?, high: Double?) {
        var cache: [Double: Double] = [estimate: 0]
        var slopes: [Double: Double] = [:]
        var failure: ModelError?
        func cached(_ x: Double) throws(ModelError) -> Double {
            if let v = cache[x] { return v }
            let (v, slope) = try zeta(x)
            cache[x] = v
            if let slope, slope.isFinite { slopes[x] = slope }
            return v
        }
        let scale: Double
        switch kind {
        case .standardDeviation(let s): scale = estimate > 0 ? estimate : max(s, .leastNormalMagnitude)
        case .correlation: scale = 1
        case .sigma: scale = estimate
        }
        let finder = BrentRootFinder(tolerance: ProfileEnds.relativeTolerance * scale, maxIterations: 200)

        /// Brent on ζ(x) − target between a point on each side of the crossing.
        func solve(_ a: Double, _ b: Double, target: Double) throws(ModelError) -> Double {
            do {
                let result = try finder.findRoot(lower: min(a, b), upper: max(a, b)) { x in
                    do throws(ModelError) { return try cached(x) - target } catch {
                        failure = error
                        return .nan
                    }
                }
                return result.root
            } catch {
                if let failure { throw failure }
                throw .numerical("the profile-likelihood interval could not be solved: \(error)")
            }
        }

        /// Newton's iteration on ζ(x) = target from x₀ where the slopes are known (ζ is nearly linear, so few steps are
        /// needed), staying strictly inside (lo, hi): the end once a step is below the tolerance (the error is then of
        /// the order of that step squared), nil when a slope is missing or not positive or a step leaves the interval —
        /// the bracket and Brent then take over, with every point seen cached.
        func newton(from start: Double, target: Double, lo: Double, hi: Double) throws(ModelError) -> Double? {
            var x = start
            for _ in 0..<12 {
                let v = try cached(x)
                guard let slope = slopes[x], slope > 0 else { return nil }
                let next = x - (v - target) / slope
                guard next > lo && next < hi else { return nil }
                if abs(next - x) <= finder.tolerance { return next }
                x = next
            }
            return nil
        }

        /// Grows the bracket outwards from the estimate until ζ passes the target; nil when it never does.
        func grow(side: Double) throws(ModelError) -> Double? {
            let target = side * z
            let first: Double = side > 0 ? (estimate > 0 ? estimate * 1.5 : scale * 0.1) : estimate / 1.5
            if let end = try newton(from: first, target: target, lo: side > 0 ? estimate : 0, hi: side > 0 ? .infinity : estimate) {
                return end
            }
            let logScale: Bool
            if case .sigma = kind { logScale = true } else { logScale = false }
            var inner = estimate
            var outer: Double = side > 0 ? (estimate > 0 ? estimate * 1.5 : scale * 0.1) : estimate / 1.5
            for _ in 0..<ProfileEnds.maximumSteps {
                let v = try cached(outer)
                if side * (v - target) >= 0 { return try solve(inner, outer, target: target) }
                // ζ nearly linear: extrapolate to the target, then go a little beyond it.
                let ratio = abs(v) > 0 ? abs(target / v) : 4
                let factor = min(max(1.2 * ratio, 1.5), 10)
                inner = outer
                if logScale {
                    outer = exp(log(estimate) + (log(outer) - log(estimate)) * factor)
                } else {
                    outer = estimate + (outer - estimate) * factor
                }
            }
            return nil
        }

        /// The end towards a finite bound: the bound when ζ there has not reached the target.
        func bounded(side: Double, bound: Double) throws(ModelError) -> Double {
            let target = side * z
            if estimate == bound { return bound }
            let v = try cached(bound)
            if side * (v - target) <= 0 { return bound }
            let first = side < 0 && bound == 0 ? estimate / 1.5 : estimate + (bound - estimate) / 3
            if let end = try newton(from: first, target: target, lo: min(estimate, bound), hi: max(estimate, bound)) { return end }
            return try solve(estimate, bound, target: target)
        }

        switch kind {
        case .correlation:
            return (try bounded(side: -1, bound: -1), try bounded(side: 1, bound: 1))
        case .standardDeviation:
            return (try bounded(side: -1, bound: 0), try grow(side: 1))
        case .sigma:
            return (try grow(side: -1), try grow(side: 1))
        }
    }
}
