import LinearAlgebra

/// The objective with its first and second derivatives at one point, as the caller computes them
/// together (as survival's coxfit6 computes the log-likelihood, score and information in one pass).
public struct NewtonEvaluation: Sendable, Equatable {
    public var value: Double
    public var gradient: [Double]
    /// The Hessian, symmetric (its upper triangle is copied to the lower before the step is solved).
    public var hessian: Matrix

    public init(value: Double, gradient: [Double], hessian: Matrix) {
        self.value = value
        self.gradient = gradient
        self.hessian = hessian
    }

    var isFinite: Bool {
        value.isFinite && gradient.allSatisfy(\.isFinite) && hessian.storage.allSatisfy(\.isFinite)
    }
}

/// Newton–Raphson minimisation with step halving, for smooth objectives whose gradient and Hessian the
/// caller can compute (Cox partial likelihood, negative binomial θ, meta-analytic likelihoods).
/// To maximise a log-likelihood, minimise its negative.
///
/// Each iteration solves H·d = −g by Cholesky (`dpotrf`/`dpotrs`). When H is not positive definite,
/// the step uses H + τI instead, with τ from Nocedal & Wright's "Cholesky with added multiple of the
/// identity" (Algorithm 3.3: τ starts at max(0, β − min hᵢᵢ) and doubles until the factorisation
/// succeeds, β = 10⁻³ · max|hᵢᵢ|), so every step is a descent direction; the summary's notes record it.
///
/// Step halving follows survival's `coxfit6.c`: when the trial point x + d is worse than x (or its value,
/// gradient or Hessian is not finite) the step is halved, up to `maxStepHalvings` times per iteration.
/// Convergence is survival's and `glm.fit`'s test on the objective: a full (unhalved) step that changes
/// it by at most `tolerance · (|f| + 0.1)` (the 0.1 guards objectives near zero, as `glm.fit` does); the
/// returned point is that last trial point, with its gradient and Hessian.
public struct NewtonRaphson: Sendable, Equatable {
    /// Relative change in the objective that counts as converged (coxph.control's `eps = 1e-9`).
    public var tolerance: Double
    /// Newton iterations allowed; halvings inside an iteration do not count (glm.control's `maxit = 25`).
    public var maxIterations: Int
    /// Halvings allowed in one iteration (MixedModels.jl's PIRLS `maxhalfstep = 10`: the step shrinks to
    /// 2⁻¹⁰ of the Newton step before the run stops).
    public var maxStepHalvings: Int

    public init(tolerance: Double = 1e-9, maxIterations: Int = 25, maxStepHalvings: Int = 10) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.maxStepHalvings = maxStepHalvings
    }

    /// The result: the summary, and the gradient and Hessian at the final parameters (for standard errors).
    public struct Result: Sendable, Equatable {
        public let summary: OptimizerSummary
        public let final: NewtonEvaluation
    }

    public func minimize(
        start: [Double], evaluate: ([Double]) -> NewtonEvaluation
    ) throws(OptimizationError) -> Result {
        let n = start.count
        guard n > 0 else { throw .noParameters }
        for i in 0..<n where !start[i].isFinite {
            throw .invalidArgument("start value of parameter \(i + 1) is \(start[i])")
        }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidArgument("tolerance is \(tolerance)") }
        guard maxIterations >= 1 else { throw .invalidArgument("maximum iterations is \(maxIterations)") }
        guard maxStepHalvings >= 0 else { throw .invalidArgument("maximum step halvings is \(maxStepHalvings)") }

        var x = start
        var current = evaluate(x)
        var evaluations = 1
        try Self.checkShape(current, n: n)
        guard current.value.isFinite else {
            throw .nonFiniteObjective(parameters: x, value: current.value, evaluation: 1)
        }
        guard current.isFinite else { throw .invalidDerivatives("the gradient or Hessian at the start is not finite") }
        let initialValue = current.value
        var notes: [String] = []
        var modifiedIterations: [Int] = []

        func summary(_ reason: StopReason, iterations: Int) -> OptimizerSummary {
            var allNotes = notes
            if !modifiedIterations.isEmpty {
                allNotes.append(
                    "the Hessian was not positive definite at iteration(s) "
                        + modifiedIterations.map(String.init).joined(separator: ", ")
                        + "; a multiple of the identity was added for the step")
            }
            return OptimizerSummary(
                algorithm: .newtonRaphson, start: start,
                lowerBounds: Array(repeating: -.infinity, count: n), upperBounds: Array(repeating: .infinity, count: n),
                initialValue: initialValue, parameters: x, value: current.value, evaluations: evaluations,
                iterations: iterations, stopReason: reason,
                settings: [
                    OptimizerSetting("tolerance", tolerance),
                    OptimizerSetting("max_iterations", Double(maxIterations)),
                    OptimizerSetting("max_step_halvings", Double(maxStepHalvings)),
                ],
                notes: allNotes)
        }

        for iteration in 1...maxIterations {
            let (direction, modified) = try Self.newtonDirection(current)
            if modified { modifiedIterations.append(iteration) }
            var step = direction
            var halvings = 0
            while true {
                let trialPoint = zip(x, step).map { $0 + $1 }
                let trial = evaluate(trialPoint)
                evaluations += 1
                try Self.checkShape(trial, n: n)
                if trial.isFinite {
                    if halvings == 0,
                        abs(trial.value - current.value) <= tolerance * (abs(trial.value) + 0.1)
                    {
                        x = trialPoint
                        current = trial
                        return Result(summary: summary(.relativeChangeReached, iterations: iteration), final: current)
                    }
                    if trial.value <= current.value {
                        x = trialPoint
                        current = trial
                        break
                    }
                }
                halvings += 1
                if halvings > maxStepHalvings {
                    notes.append(
                        "at iteration \(iteration) the objective did not decrease after \(maxStepHalvings) step halvings")
                    return Result(summary: summary(.stepHalvingExhausted, iterations: iteration), final: current)
                }
                step = step.map { $0 / 2 }
            }
        }
        return Result(summary: summary(.maxIterationsReached, iterations: maxIterations), final: current)
    }

    private static func checkShape(_ evaluation: NewtonEvaluation, n: Int) throws(OptimizationError) {
        if evaluation.gradient.count != n {
            throw .dimensionMismatch(what: "gradient", expected: n, actual: evaluation.gradient.count)
        }
        if evaluation.hessian.rows != n || evaluation.hessian.columns != n {
            throw .invalidDerivatives(
                "the Hessian is \(evaluation.hessian.rows) × \(evaluation.hessian.columns) for \(n) parameters")
        }
    }

    /// d solving (H + τI)·d = −g, with τ = 0 when H is positive definite; also whether τ > 0 was needed.
    static func newtonDirection(_ evaluation: NewtonEvaluation) throws(OptimizationError) -> ([Double], Bool) {
        var hessian = evaluation.hessian
        hessian.symmetrizeFromUpper()
        let negativeGradient = evaluation.gradient.map { -$0 }
        if let cholesky = try? Cholesky(hessian) {
            return (try solve(cholesky, negativeGradient), false)
        }
        let diagonal = hessian.diagonal
        let largest = diagonal.map(abs).max() ?? 0
        let beta = largest > 0 ? 1e-3 * largest : 1e-3
        let smallest = diagonal.min() ?? 0
        var tau = smallest > 0 ? beta : beta - smallest
        // Doubling from β reaches any finite shift within about 1100 steps; the loop is bounded so a
        // pathological Hessian ends in an error rather than a hang.
        for _ in 0..<1100 {
            var shifted = hessian
            for i in 0..<shifted.rows { shifted[i, i] += tau }
            if let cholesky = try? Cholesky(shifted) {
                return (try solve(cholesky, negativeGradient), true)
            }
            tau = max(2 * tau, beta)
        }
        throw .invalidDerivatives("no multiple of the identity made the Hessian positive definite")
    }

    private static func solve(_ cholesky: Cholesky, _ rhs: [Double]) throws(OptimizationError) -> [Double] {
        do {
            return try cholesky.solve(rhs)
        } catch {
            throw .invalidDerivatives("the Newton system could not be solved: \(error)")
        }
    }
}
