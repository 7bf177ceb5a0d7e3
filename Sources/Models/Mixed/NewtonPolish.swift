import LinearAlgebra
import Optimization

/// Newton steps on the profiled objective after BOBYQA, on the θ that are not at a bound, with numDeriv-style
/// Richardson derivatives: BOBYQA's stopping tests (even at 1e-12) can leave θ 1e-6 short on flat criteria
/// (crossed and nested fits); this takes it to the optimum the fixtures were polished to (the same procedure).
/// Given an analytic gradient (the LMM's profiled criterion, `MixedFactor+Gradient.swift`), the steps use it and the
/// Hessian is its central differences (2k gradients instead of ≈ 100 criterion evaluations); where it is unavailable
/// (nil at a point) the Richardson derivatives are used.
enum NewtonPolish {
    struct Outcome {
        let theta: [Double]
        let value: Double
        let steps: Int
        let evaluations: Int
        /// Evaluations of the analytic gradient (0 when none was given or it was unavailable).
        let gradients: Int
        /// Whether the steps stopped at the optimum (the predicted decrease at the criterion's rounding, or a step below
        /// 1e-10), rather than for want of a downhill step, a positive definite Hessian or steps.
        var converged = false
        /// Whether every gradient and the Hessian came from the analytic gradient (no Richardson derivatives).
        var analytic = true
    }

    static func polish(theta start: [Double], value startValue: Double, lowerBounds: [Double], maxSteps: Int = 6,
                       gradient analytic: (([Double]) -> [Double]?)? = nil, objective: ([Double]) -> Double) -> Outcome {
        var theta = start
        var value = startValue
        var evaluations = 0
        var gradients = 0
        var steps = 0
        let free = theta.indices.filter { !(lowerBounds[$0].isFinite && theta[$0] <= lowerBounds[$0]) }
        guard !free.isEmpty else { return Outcome(theta: theta, value: value, steps: 0, evaluations: 0, gradients: 0, converged: true) }
        func full(_ x: [Double]) -> [Double] {
            var full = theta
            for (k, i) in free.enumerated() { full[i] = x[k] }
            return full
        }
        func restricted(_ x: [Double]) -> Double {
            evaluations += 1
            return objective(full(x))
        }
        func restrictedGradient(_ x: [Double]) -> [Double]? {
            guard let analytic else { return nil }
            gradients += 1
            guard let g = analytic(full(x)), g.count == theta.count, g.allSatisfy(\.isFinite) else { return nil }
            return free.map { g[$0] }
        }
        var cholesky: Cholesky? = nil
        var converged = false
        var analyticOnly = true
        for _ in 0..<maxSteps {
            let x = free.map { theta[$0] }
            // Steps of 1e-2 relative (halved four times, Richardson-extrapolated): the gradient's rounding error is
            // then ~100× below numDeriv's default steps, so θ̂ no longer depends on the BLAS kernel's last bits.
            let exact = restrictedGradient(x)
            if exact == nil { analyticOnly = false }
            let gradient = exact ?? NumericalDerivatives.jacobian(at: x, relativeStep: 1e-2) { [restricted($0)] }[0]
            // The Hessian once, at the first point (it hardly changes over these last tiny steps); gradients at each.
            // From the exact gradient: central differences with steps 1e-4 relative (at least 1e-5), kept inside the bounds.
            if cholesky == nil, exact != nil {
                let h = free.enumerated().map { k, i in
                    min(1e-4 * max(abs(x[k]), 0.1), lowerBounds[i].isFinite ? (x[k] - lowerBounds[i]) / 2 : .infinity)
                }
                if let jacobian = NumericalDerivatives.centralDifferences(at: x, steps: h, restrictedGradient) {
                    let symmetric = x.indices.map { a in x.indices.map { b in (jacobian[a][b] + jacobian[b][a]) / 2 } }
                    cholesky = try? Cholesky(Matrix(rowMajor: symmetric))
                }
            }
            if cholesky == nil {
                analyticOnly = false
                cholesky = try? Cholesky(Matrix(rowMajor: NumericalDerivatives.hessian(at: x, restricted)))
            }
            guard let factor = cholesky, let step = try? factor.solve(gradient) else { break }
            // Stop when the predicted decrease is at the criterion's rounding.
            let predicted = zip(step, gradient).reduce(0) { $0 + $1.0 * $1.1 } / 2
            if predicted < 1e-14 * max(1, abs(value)) && steps > 0 { converged = true; break }
            // Step back inside the bounds, halving while the objective does not improve.
            var scale = 1.0
            var accepted: [Double]? = nil
            var acceptedValue = value
            for _ in 0..<10 {
                var trial = theta
                var inside = true
                for (k, i) in free.enumerated() {
                    trial[i] = theta[i] - scale * step[k]
                    if trial[i] < lowerBounds[i] { inside = false }
                }
                if inside {
                    evaluations += 1
                    let v = objective(trial)
                    // Accept a step whose change is within the criterion's rounding (the gradient says it is downhill).
                    if v.isFinite && v <= value + 1e-14 * max(1, abs(value)) { accepted = trial; acceptedValue = v; break }
                }
                scale /= 2
            }
            guard let next = accepted else { break }
            let change = zip(next, theta).map { abs($0 - $1) }.max() ?? 0
            theta = next
            value = acceptedValue
            steps += 1
            // A full step this small is at the optimum (a halved one may only be stuck against a bound).
            if change < 1e-10 { converged = scale == 1; break }
        }
        return Outcome(theta: theta, value: value, steps: steps, evaluations: evaluations, gradients: gradients,
                       converged: converged, analytic: analyticOnly)
    }
}
