import Foundation

/// Stage 2 of a Laplace GLMM fit without a derivative-free search: Newton steps in (θ, β) on the Laplace deviance with
/// its analytic gradient (`PenalizedIRLS.laplaceGradient`), the Hessian by differences of that gradient (k gradients
/// forward at the start, 2k central at the end, where k = #θ + #β; not the k² deviance evaluations of a numerical
/// Hessian). Every PIRLS solve starts from the previous modes. The final central-difference Hessian is the one the
/// standard errors use (glmer's use.hessian = TRUE). Returns nil when Newton cannot proceed (a Hessian that is not
/// positive definite, a failed PIRLS, no convergence); the caller then falls back to BOBYQA.
enum LaplaceNewton {
    struct Outcome {
        let parameters: [Double]
        let value: Double
        /// The deviance at the start.
        let initialValue: Double
        /// The symmetric Hessian of the deviance at `parameters` (row-major k × k).
        let hessian: [[Double]]
        let steps: Int
        let gradientEvaluations: Int
        let pirlsIterations: Int
    }

    /// Newton stops once no parameter moves by more than this relative to its scale.
    static let relativeStep = 1e-10
    static let maxSteps = 40

    /// `scales`: a typical size of each parameter's uncertainty (θ: its size, β: stage 1's standard errors), which
    /// sets the difference steps (10⁻³ of it) and the convergence test.
    static func minimize(start: [Double], scales: [Double], thetaCount: Int, state: PenalizedIRLS) -> Outcome? {
        let k = start.count
        var gradients = 0
        var pirls = 0
        func evaluate(_ x: [Double]) -> (value: Double, gradient: [Double])? {
            state.setTheta(x[0..<thetaCount])
            state.setBeta(Array(x[thetaCount...]))
            do { try state.run(joint: false) } catch { return nil }
            pirls += state.lastIterations
            gradients += 1
            let value = state.laplaceDeviance
            let gradient = state.laplaceGradient()
            guard value.isFinite, gradient.allSatisfy(\.isFinite) else { return nil }
            return (value, gradient)
        }
        let steps = scales.map { 1e-3 * $0 }
        func hessian(at x: [Double], gradient g0: [Double], central: Bool) -> [[Double]]? {
            var h = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for c in 0..<k {
                var plus = x
                plus[c] += steps[c]
                guard let gp = evaluate(plus)?.gradient else { return nil }
                var column: [Double]
                if central {
                    var minus = x
                    minus[c] -= steps[c]
                    guard let gm = evaluate(minus)?.gradient else { return nil }
                    column = (0..<k).map { (gp[$0] - gm[$0]) / (2 * steps[c]) }
                } else {
                    column = (0..<k).map { (gp[$0] - g0[$0]) / steps[c] }
                }
                for r in 0..<k { h[r][c] = column[r] }
            }
            for r in 0..<k { for c in (r + 1)..<max(k, r + 1) { let s = (h[r][c] + h[c][r]) / 2; h[r][c] = s; h[c][r] = s } }
            return h
        }
        func newtonStep(_ h: [[Double]], _ g: [Double]) -> [Double]? {
            var full = [Double](repeating: 0, count: k * k)
            for r in 0..<k { for c in 0..<k { full[c * k + r] = h[r][c] } }
            guard let (solution, _) = try? PenalizedIRLS.solveSymmetric(full, g, p: k) else { return nil }
            return solution.map { -$0 }
        }
        var x = start
        func converged(_ d: [Double]) -> Bool {
            (0..<k).allSatisfy { abs(d[$0]) <= relativeStep * max(abs(x[$0]), scales[$0]) }
        }

        guard var (value, gradient) = evaluate(start) else { return nil }
        let initialValue = value
        // The chord method on the start's forward-difference Hessian: each step costs one gradient.
        guard let chord = hessian(at: x, gradient: gradient, central: false) else { return nil }
        var taken = 0
        var done = false
        while !done {
            guard taken < maxSteps, let d = newtonStep(chord, gradient) else { return nil }
            if converged(d) { break }
            // Halve while the deviance rises beyond its rounding.
            var scale = 1.0
            var accepted = false
            for _ in 0..<20 {
                let trial = zip(x, d).map { $0 + scale * $1 }
                if let next = evaluate(trial), next.value <= value + 1e-13 * max(1, abs(value)) {
                    x = trial
                    (value, gradient) = next
                    accepted = true
                    break
                }
                scale /= 2
            }
            // No step lowers the deviance: x is its minimum to rounding.
            if !accepted { done = true }
            taken += 1
        }
        // The Hessian at the optimum (central differences), one more Newton step with it, and that Hessian for the SEs.
        guard let h = hessian(at: x, gradient: gradient, central: true), let d = newtonStep(h, gradient) else { return nil }
        if !converged(d) {
            let trial = zip(x, d).map { $0 + $1 }
            if let next = evaluate(trial), next.value <= value + 1e-13 * max(1, abs(value)) {
                x = trial
                value = next.value
                taken += 1
            }
        }
        return Outcome(parameters: x, value: value, initialValue: initialValue, hessian: h, steps: taken, gradientEvaluations: gradients, pirlsIterations: pirls)
    }
}
