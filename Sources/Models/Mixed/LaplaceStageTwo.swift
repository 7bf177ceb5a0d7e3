import Foundation
import LinearAlgebra
import Optimization

/// glmer's stage 2 and the standard errors at its optimum, written once for one grouping factor
/// (`GeneralizedLinearMixedModel+Fit.swift`) and several (`+SeveralFactors.swift`).
extension GeneralizedLinearMixedModel.Setup {
    /// Stage 2's objective at (θ, β): the modes by PIRLS with β fixed (from the last modes), then `value` of the state
    /// (the Laplace deviance, or the AGQ deviance); NaN where PIRLS fails, which the optimizers treat as a bad step.
    func stageTwoDeviance<State: LaplaceState>(_ state: State, thetaCount nTheta: Int,
                                               value: @escaping (State) -> Double) -> ([Double]) -> Double {
        { parameters in
            state.setTheta(parameters[0..<nTheta])
            state.setBeta(Array(parameters[nTheta...]))
            do { try state.run(joint: false, fromStart: false) } catch { return .nan }
            return value(state)
        }
    }

    /// glmer's stage 2 by BOBYQA on the Laplace or AGQ deviance, then Newton steps with Richardson derivatives, then
    /// lme4's boundary check.
    func stageTwoBOBYQA(start: [Double], lower: [Double], stageOne: OptimizerSummary, stageOneSE: [Double], thetaCount nTheta: Int,
                        rule: GaussHermite?, deviance: ([Double]) -> Double) throws(ModelError) -> ([Double], Double, OptimizerSummary) {
        // Initial steps as glmer's stage 2 (0.1 for θ, a fifth of stage 1's standard errors for β).
        let steps = stageOne.parameters.map { _ in 0.1 } + stageOneSE.map { $0 > 0 && $0.isFinite ? 0.2 * $0 : 0.1 }
        var settings = LinearMixedModel.optimizerOptions
        settings.initialStep = steps
        var summary: OptimizerSummary
        do {
            summary = try DerivativeFreeMinimizer(.bobyqa, options: settings).minimize(start: start, lowerBounds: lower, objective: deviance)
        } catch {
            throw .mixedNotConverged(detail: "the second stage (θ and β on the \(rule == nil ? "Laplace" : "AGQ") deviance) failed: \(error)")
        }
        guard summary.converged || summary.stopReason == .roundoffLimited else {
            throw .mixedNotConverged(detail: "BOBYQA stopped after \(summary.evaluations) evaluations of the deviance (\(summary.stopReason)) at "
                                     + "θ = " + summary.parameters.prefix(nTheta).map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                     + "; the model may be too complex for the data (simplify the random effects)")
        }
        var parameters = summary.parameters
        var value = summary.value
        let polished = NewtonPolish.polish(theta: parameters, value: value, lowerBounds: lower, objective: deviance)
        parameters = polished.theta
        value = polished.value
        (parameters, value) = LinearMixedModel.checkBoundary(theta: parameters, value: value, lowerBounds: lower,
                                                             slack: 1e-12 * max(1, abs(value)), objective: deviance)
        summary = OptimizerSummary(algorithm: summary.algorithm, start: summary.start, lowerBounds: summary.lowerBounds,
                                   upperBounds: summary.upperBounds, initialValue: summary.initialValue, parameters: parameters,
                                   value: value, evaluations: summary.evaluations, iterations: summary.iterations,
                                   stopReason: summary.stopReason, settings: summary.settings,
                                   notes: summary.notes + (polished.steps > 0
                                       ? ["then \(polished.steps) Newton step\(polished.steps == 1 ? "" : "s") on (θ, β) "
                                          + "(\(polished.evaluations) evaluations, Richardson derivatives)"] : []))
        return (parameters, value, summary)
    }

    /// The deviance at the optimum (which leaves the PIRLS state at its modes) and the β covariance from the Hessian of
    /// the deviance in (θ, β) (glmer's use.hessian = TRUE: vcov = 2 H⁻¹, β block), with the setup's warnings and any
    /// the covariance adds.
    func covarianceAtOptimum(parameters: [Double], hessian: [[Double]], thetaCount nTheta: Int,
                             deviance: ([Double]) -> Double) throws(ModelError) -> (deviance: Double, covariance: Matrix, warnings: [String]) {
        let value = deviance(parameters)
        guard value.isFinite else { throw .numerical("the deviance is not finite at the optimum") }
        var warnings = self.warnings
        let covariance = try Self.hessianCovariance(hessian, thetaCount: nTheta, p: kept.count, warnings: &warnings)
        return (value, covariance, warnings)
    }

    /// The β block of 2H⁻¹; when H is not positive definite (a variance at its bound can make it so), the β block of
    /// H alone (θ held fixed), with a warning, as glmer falls back from the Hessian.
    static func hessianCovariance(_ hessian: [[Double]], thetaCount k: Int, p: Int, warnings: inout [String]) throws(ModelError) -> Matrix {
        let m = k + p
        var full = [Double](repeating: 0, count: m * m)
        for i in 0..<m { for j in 0..<m { full[j * m + i] = (hessian[i][j] + hessian[j][i]) / 2 } }
        if let (_, inverse) = try? PenalizedIRLS.solveSymmetric(full, [Double](repeating: 0, count: m), p: m) {
            var v = [Double](repeating: 0, count: p * p)
            for a in 0..<p { for b in 0..<p { v[b * p + a] = 2 * inverse[(k + b) * m + (k + a)] } }
            if (0..<p).allSatisfy({ v[$0 * p + $0] > 0 && v[$0 * p + $0].isFinite }) { return Matrix(rows: p, columns: p, columnMajor: v) }
        }
        var block = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { block[b * p + a] = full[(k + b) * m + (k + a)] } }
        guard let (_, inverse) = try? PenalizedIRLS.solveSymmetric(block, [Double](repeating: 0, count: p), p: p) else {
            throw .numerical("the Hessian of the deviance in the fixed effects is not positive definite at the optimum, so there are no "
                             + "standard errors; a predictor may separate the outcome, or the model may be too complex for the data")
        }
        warnings.append("the Hessian of the deviance in (θ, β) is not positive definite (a variance at or near zero), so the standard errors "
                        + "hold θ fixed at its estimate (they may be somewhat too small)")
        return Matrix(rows: p, columns: p, columnMajor: inverse.map { 2 * $0 })
    }
}
