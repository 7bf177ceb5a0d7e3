import LinearAlgebra
import Optimization

/// Newton steps on the profiled objective after BOBYQA, on the θ that are not at a bound, with numDeriv-style
/// Richardson derivatives: BOBYQA's stopping tests (even at 1e-12) can leave θ 1e-6 short on flat criteria
/// (crossed and nested fits); this takes it to the optimum the fixtures were polished to (the same procedure).
enum NewtonPolish {
    struct Outcome {
        let theta: [Double]
        let value: Double
        let steps: Int
        let evaluations: Int
    }

    static func polish(theta start: [Double], value startValue: Double, lowerBounds: [Double], maxSteps: Int = 6,
                       objective: ([Double]) -> Double) -> Outcome {
        var theta = start
        var value = startValue
        var evaluations = 0
        var steps = 0
        let free = theta.indices.filter { !(lowerBounds[$0].isFinite && theta[$0] <= lowerBounds[$0]) }
        guard !free.isEmpty else { return Outcome(theta: theta, value: value, steps: 0, evaluations: 0) }
        func restricted(_ x: [Double]) -> Double {
            var full = theta
            for (k, i) in free.enumerated() { full[i] = x[k] }
            evaluations += 1
            return objective(full)
        }
        var cholesky: Cholesky? = nil
        for _ in 0..<maxSteps {
            let x = free.map { theta[$0] }
            // Steps of 1e-2 relative (halved four times, Richardson-extrapolated): the gradient's rounding error is
            // then ~100× below numDeriv's default steps, so θ̂ no longer depends on the BLAS kernel's last bits.
            let gradient = NumericalDerivatives.jacobian(at: x, relativeStep: 1e-2) { [restricted($0)] }[0]
            // The Hessian once, at the first point (it hardly changes over these last tiny steps); gradients at each.
            if cholesky == nil { cholesky = try? Cholesky(Matrix(rowMajor: NumericalDerivatives.hessian(at: x, restricted))) }
            guard let factor = cholesky, let step = try? factor.solve(gradient) else { break }
            // Stop when the predicted decrease is at the criterion's rounding.
            let predicted = zip(step, gradient).reduce(0) { $0 + $1.0 * $1.1 } / 2
            if predicted < 1e-14 * max(1, abs(value)) && steps > 0 { break }
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
            if change < 1e-10 { break }
        }
        return Outcome(theta: theta, value: value, steps: steps, evaluations: evaluations)
    }
}
