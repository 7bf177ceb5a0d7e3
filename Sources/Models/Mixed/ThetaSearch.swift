import Optimization

/// The search for θ̂ on the profiled criterion. Where the analytic gradient exists (`MixedFactor+Gradient.swift`),
/// BOBYQA runs only until θ is known to about 1e-4 (`coarseOptions`) and Newton steps on the exact gradient, with
/// the Hessian from its central differences at the first point, finish from there (a few steps reach the optimum
/// the fixtures were polished to). BOBYQA's last stretch to 1e-12, about 40% of its evaluations on workload b, is
/// then never run. The Newton phase is accepted only when it converged on the analytic gradient alone with every θ
/// inside its bounds; otherwise (a variance at or near zero, another structure) the search is lme4's as before:
/// BOBYQA to 1e-12 from the start, then the polishing steps.
enum ThetaSearch {
    /// BOBYQA's first phase: trust region down to 1e-4 (the final radius is `xtol_abs`), function tolerance as the
    /// full search's.
    static let coarseOptions = DerivativeFreeOptions(
        relativeFunctionTolerance: 0, absoluteFunctionTolerance: 1e-12,
        relativeParameterTolerance: 0, absoluteParameterTolerance: 1e-4, maxEvaluations: 100_000,
        nonFiniteValues: .replaceWithInitialValue)

    /// Newton steps allowed after the coarse phase.
    static let newtonSteps = 10

    struct Outcome {
        let theta: [Double]
        let value: Double
        let summary: OptimizerSummary
    }

    /// θ̂ and the criterion there (REML criterion or deviance), before lme4's boundary check.
    static func minimize(factor: MixedFactor, start: [Double], reml: Bool) throws(ModelError) -> Outcome {
        let lower = factor.structure.thetaLowerBounds
        let what = reml ? "REML criterion" : "deviance"
        let objective = { (theta: [Double]) in factor.objective(theta, reml: reml) }
        let gradient = { (theta: [Double]) in factor.objectiveGradient(theta, reml: reml) }
        if factor.hasAnalyticGradient {
            let coarse = try bobyqa(start: start, lower: lower, options: coarseOptions, what: what, objective: objective)
            let inside = zip(coarse.parameters, lower).allSatisfy { !($1.isFinite && $0 <= $1) }
            if coarse.converged && inside {
                let newton = NewtonPolish.polish(theta: coarse.parameters, value: coarse.value, lowerBounds: lower,
                                                 maxSteps: newtonSteps, gradient: gradient, objective: objective)
                let stillInside = zip(newton.theta, lower).allSatisfy { !($1.isFinite && $0 <= $1) }
                if newton.converged && newton.analytic && stillInside {
                    let note = "BOBYQA to a trust region of 1e-4, then \(newton.steps) Newton step\(newton.steps == 1 ? "" : "s") on the "
                        + "analytic gradient (\(newton.evaluations) evaluation\(newton.evaluations == 1 ? "" : "s"), \(newton.gradients) gradient\(newton.gradients == 1 ? "" : "s"); Hessian by central differences)"
                    return Outcome(theta: newton.theta, value: newton.value, summary: coarse.replacing(theta: newton.theta, value: newton.value,
                                                                                                       note: note))
                }
            }
        }
        var summary = try bobyqa(start: start, lower: lower, options: LinearMixedModel.optimizerOptions, what: what, objective: objective)
        // NLopt's "roundoff limited" at these tolerances means BOBYQA reached the criterion's rounding floor: the
        // Newton steps below finish the job (lme4 reports it as a warning, not a failure). Anything else is refused.
        guard summary.converged || summary.stopReason == .roundoffLimited else {
            throw .mixedNotConverged(detail: "BOBYQA stopped after \(summary.evaluations) evaluations of the \(what) (\(summary.stopReason)) "
                                     + "at θ = " + summary.parameters.map { String(format: "%.6g", $0) }.joined(separator: ", "))
        }
        let polished = NewtonPolish.polish(theta: summary.parameters, value: summary.value, lowerBounds: lower,
                                           gradient: gradient, objective: objective)
        if polished.steps > 0 {
            summary = summary.replacing(theta: polished.theta, value: polished.value,
                                        note: "then \(polished.steps) Newton step\(polished.steps == 1 ? "" : "s") on the interior θ "
                                            + (polished.gradients > 0 ? "(\(polished.evaluations) evaluations, \(polished.gradients) analytic gradients)"
                                                : "(\(polished.evaluations) evaluations, Richardson derivatives)"))
        }
        return Outcome(theta: polished.theta, value: polished.value, summary: summary)
    }

    private static func bobyqa(start: [Double], lower: [Double], options: DerivativeFreeOptions, what: String,
                               objective: ([Double]) -> Double) throws(ModelError) -> OptimizerSummary {
        do {
            return try DerivativeFreeMinimizer(.bobyqa, options: options).minimize(start: start, lowerBounds: lower, objective: objective)
        } catch {
            throw .numerical("the optimiser failed on the \(what): \(error)")
        }
    }
}

extension OptimizerSummary {
    /// The same run with the polished θ and value, and a note on how they were reached.
    func replacing(theta: [Double], value: Double, note: String) -> OptimizerSummary {
        OptimizerSummary(algorithm: algorithm, start: start, lowerBounds: lowerBounds, upperBounds: upperBounds, initialValue: initialValue,
                         parameters: theta, value: value, evaluations: evaluations, iterations: iterations, stopReason: stopReason,
                         settings: settings, notes: notes + [note])
    }
}
