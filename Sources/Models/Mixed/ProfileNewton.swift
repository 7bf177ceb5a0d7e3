import Foundation
import LinearAlgebra
import Optimization

/// The inner minimisation at one point of a profile (`VarianceProfile`) by quasi-Newton steps on the analytic
/// gradient, in place of BOBYQA where the gradient exists. The profile visits nearby points one after another, each
/// warm-started from the last, so the Hessian of the last point (from central differences of the gradient at the
/// first point, then BFGS updates) starts the next: a point then costs a gradient and an evaluation per step, and
/// the warm start needs few steps. Steps stay strictly inside the bounds and halve until the criterion decreases (Armijo);
/// the point is accepted only when the predicted decrease gᵀH⁻¹g/2 falls to the criterion's rounding (1e-15
/// relative). nil otherwise (no gradient, a step that cannot stay inside, no descent): the caller then uses BOBYQA.
struct ProfileNewton {
    /// The Hessian carried from point to point (row-major, k × k).
    private(set) var hessian: [[Double]]?
    static let maximumSteps = 30

    mutating func minimize(start: [Double], lower: [Double], upper: [Double], objective: ([Double]) -> Double,
                           gradient: ([Double]) -> [Double]?) -> (value: Double, parameters: [Double])? {
        let k = start.count
        guard k > 0, start.indices.allSatisfy({ lower[$0] < start[$0] && start[$0] < upper[$0] }) else { return nil }
        var x = start
        var f = objective(x)
        guard f.isFinite, var g = gradient(x), g.count == k, g.allSatisfy(\.isFinite) else { return nil }
        var h: [[Double]]
        var fresh: Bool
        if let carried = hessian, carried.count == k {
            h = carried
            fresh = false
        } else {
            guard let computed = Self.differencedHessian(at: x, lower: lower, upper: upper, gradient: gradient) else { return nil }
            h = computed
            fresh = true
        }
        for _ in 0..<Self.maximumSteps {
            guard let direction = Self.solve(h, g) else {
                // A carried Hessian that is no longer positive definite: difference one here, once.
                guard !fresh, let computed = Self.differencedHessian(at: x, lower: lower, upper: upper, gradient: gradient) else { return nil }
                h = computed
                fresh = true
                continue
            }
            let slope = zip(direction, g).reduce(0) { $0 + $1.0 * $1.1 }
            if slope / 2 < 1e-15 * max(1, abs(f)) {
                hessian = h
                return (f, x)
            }
            var scale = 1.0
            var accepted: (x: [Double], f: Double)? = nil
            for _ in 0..<30 {
                let trial = x.indices.map { x[$0] - scale * direction[$0] }
                if trial.indices.allSatisfy({ lower[$0] < trial[$0] && trial[$0] < upper[$0] }) {
                    let v = objective(trial)
                    // Armijo's sufficient decrease; near the optimum a full step within the criterion's rounding.
                    if v.isFinite && (v <= f - 1e-4 * scale * slope
                                      || (scale == 1 && slope / 2 < 1e-12 * max(1, abs(f)) && v <= f + 1e-14 * max(1, abs(f)))) {
                        accepted = (trial, v)
                        break
                    }
                }
                scale /= 2
            }
            guard let next = accepted, let gNext = gradient(next.x), gNext.count == k, gNext.allSatisfy(\.isFinite) else { return nil }
            // BFGS update of the Hessian (skipped when the curvature condition fails).
            let s = next.x.indices.map { next.x[$0] - x[$0] }
            let y = gNext.indices.map { gNext[$0] - g[$0] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let hs = h.map { row in zip(row, s).reduce(0) { $0 + $1.0 * $1.1 } }
            let shs = zip(s, hs).reduce(0) { $0 + $1.0 * $1.1 }
            if sy > 0 && shs > 0 {
                for a in 0..<k { for b in 0..<k { h[a][b] += y[a] * y[b] / sy - hs[a] * hs[b] / shs } }
            }
            x = next.x
            f = next.f
            g = gNext
        }
        return nil
    }

    /// Central differences of the gradient (steps 1e-4 relative, at least 1e-5 in scale, inside the bounds), symmetrised.
    private static func differencedHessian(at x: [Double], lower: [Double], upper: [Double],
                                           gradient: ([Double]) -> [Double]?) -> [[Double]]? {
        let steps = x.indices.map { i in
            min(1e-4 * max(abs(x[i]), 0.1), (x[i] - lower[i]) / 2, (upper[i] - x[i]) / 2)
        }
        guard steps.allSatisfy({ $0 > 0 }),
              let jacobian = NumericalDerivatives.centralDifferences(at: x, steps: steps, gradient) else { return nil }
        let k = x.count
        return (0..<k).map { a in (0..<k).map { b in (jacobian[a][b] + jacobian[b][a]) / 2 } }
    }

    /// H⁻¹g by Cholesky; nil when H is not positive definite.
    private static func solve(_ h: [[Double]], _ g: [Double]) -> [Double]? {
        guard let factor = try? Cholesky(Matrix(rowMajor: h)), let d = try? factor.solve(g), d.allSatisfy(\.isFinite) else { return nil }
        return d
    }
}
