import Distributions
import Foundation
import LinearAlgebra
import Optimization

/// GLMMs with two or more grouping factors, nested or crossed (Laplace only, as glmer refuses nAGQ > 1 for more
/// than one random-effect term): glmer's two stages with `SeveralFactorPIRLS` for the modes. Stage 1: θ by BOBYQA
/// with β inside the joint PIRLS (nAGQ = 0). Stage 2: (θ, β) by BOBYQA on the Laplace deviance (glmer's stage 2),
/// then Newton steps with Richardson derivatives (`NewtonPolish`) and lme4's boundary check; standard errors from
/// the numerical Hessian of the deviance in (θ, β) (glmer's use.hessian = TRUE). Every deviance evaluation is one
/// PIRLS run from the previous modes; the Hessian costs O(k²) of them for k = #θ + #β.
extension GeneralizedLinearMixedModel.Setup {
    func fitSeveralFactors() throws(ModelError) -> GeneralizedLinearMixedModelResult {
        let family = options.family.glmFamily
        let p = kept.count
        let later = structure.blocks.dropFirst()
        let denseEffects = later.reduce(0) { $0 + $1.width }
        guard denseEffects <= SeveralFactorPIRLS.maximumDenseEffects else {
            throw .invalidRandomEffects(term: structure.blocks.flatMap(\.terms).joined(separator: " + "),
                                        detail: "the grouping factors after the largest (\(structure.blocks[0].group)) have \(denseEffects) random "
                                            + "effects (" + later.map { "\($0.group): \($0.width)" }.joined(separator: ", ") + "); GLMMs with "
                                            + "several factors keep these in one dense block, up to "
                                            + "\(SeveralFactorPIRLS.maximumDenseEffects), so this fit would take hours. Fit the largest factors "
                                            + "in separate models, or use `fit lmm` for a continuous outcome")
        }
        let state = SeveralFactorPIRLS(family: family, y: y, weights: weights, offset: offset, x: x, p: p, structure: structure)
        let nTheta = structure.thetaCount
        let thetaLower = structure.thetaLowerBounds
        let thetaStart = structure.thetaStart

        // Stage 1 (glmer's nAGQ = 0): θ by BOBYQA, with the modes and β from the joint PIRLS at each θ.
        let first = try LaplaceStageOne(state: state, start: thetaStart, lower: thetaLower, p: p)
        let stageOne = first.summary
        let betaOne = first.beta
        let stageOneSE = first.standardErrors

        // Stage 2: (θ, β) on the Laplace deviance, the modes by PIRLS (β fixed) for each.
        func deviance(_ parameters: [Double]) -> Double {
            state.setTheta(parameters[0..<nTheta])
            state.setBeta(Array(parameters[nTheta...]))
            do { try state.run(joint: false) } catch { return .nan }
            return state.laplaceDeviance
        }
        let start = stageOne.parameters + betaOne
        let lower = thetaLower + [Double](repeating: -.infinity, count: p)
        // Initial steps as glmer's stage 2 (0.1 for θ, a fifth of stage 1's standard errors for β).
        var settings = LinearMixedModel.optimizerOptions
        settings.initialStep = stageOne.parameters.map { _ in 0.1 } + stageOneSE.map { $0 > 0 && $0.isFinite ? 0.2 * $0 : 0.1 }
        var summary: OptimizerSummary
        do {
            summary = try DerivativeFreeMinimizer(.bobyqa, options: settings).minimize(start: start, lowerBounds: lower, objective: deviance)
        } catch {
            throw .mixedNotConverged(detail: "the second stage (θ and β on the Laplace deviance) failed: \(error)")
        }
        guard summary.converged || summary.stopReason == .roundoffLimited else {
            throw .mixedNotConverged(detail: "BOBYQA stopped after \(summary.evaluations) evaluations of the deviance (\(summary.stopReason)) at "
                                     + "θ = " + summary.parameters.prefix(nTheta).map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                     + "; the model may be too complex for the data (simplify the random effects)")
        }
        let polished = NewtonPolish.polish(theta: summary.parameters, value: summary.value, lowerBounds: lower, objective: deviance)
        var (parameters, value) = LinearMixedModel.checkBoundary(theta: polished.theta, value: polished.value, lowerBounds: lower,
                                                                 slack: 1e-12 * max(1, abs(polished.value)), objective: deviance)
        summary = OptimizerSummary(algorithm: summary.algorithm, start: summary.start, lowerBounds: summary.lowerBounds,
                                   upperBounds: summary.upperBounds, initialValue: summary.initialValue, parameters: parameters,
                                   value: value, evaluations: summary.evaluations, iterations: summary.iterations,
                                   stopReason: summary.stopReason, settings: summary.settings,
                                   notes: summary.notes + (polished.steps > 0
                                       ? ["then \(polished.steps) Newton step\(polished.steps == 1 ? "" : "s") on (θ, β) "
                                          + "(\(polished.evaluations) evaluations, Richardson derivatives)"] : []))
        // Standard errors from the Hessian of the deviance in (θ, β) (glmer's use.hessian = TRUE: vcov = 2 H⁻¹, β block).
        let hessian = NumericalDerivatives.hessian(at: parameters, deviance)
        value = deviance(parameters)
        guard value.isFinite else { throw .numerical("the deviance is not finite at the optimum") }
        var warnings = self.warnings
        let covariance = try Self.hessianCovariance(hessian, thetaCount: nTheta, p: p, warnings: &warnings)
        return try severalFactorEstimates(state: state, parameters: parameters, deviance: value, covariance: covariance,
                                          summary: summary, stageOne: stageOne, warnings: warnings)
    }

    /// The β block of 2H⁻¹; when H is not positive definite (a variance at its bound can make it so), the β block of
    /// H alone (θ held fixed), with a warning, as the one-factor path.
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

    private func severalFactorEstimates(state: SeveralFactorPIRLS, parameters: [Double], deviance: Double, covariance: Matrix,
                                        summary: OptimizerSummary, stageOne: OptimizerSummary,
                                        warnings inputWarnings: [String]) throws(ModelError) -> GeneralizedLinearMixedModelResult {
        var warnings = inputWarnings
        let nTheta = structure.thetaCount
        let theta = Array(parameters[0..<nTheta])
        let beta = Array(parameters[nTheta...])
        let p = kept.count
        let n = frame.counts.rowsUsed
        let family = options.family.glmFamily
        let coefficients = Inference.coefficientTable(names: design.columnNames, kept: kept, estimates: beta, vcov: covariance,
                                                      level: options.level, dfResidual: nil)

        // Separation: fitted probabilities (or rates) at the boundary with diverging coefficients (as the one-factor path).
        let eps = 10 * Double.ulpOfOne
        let boundary = state.mu.reduce(0) { $0 + ((family == .binomial ? ($1 < eps || $1 > 1 - eps) : $1 < eps) ? 1 : 0) }
        if boundary > 0 {
            var diverging: [String] = []
            for (k, j) in kept.enumerated() {
                let sd = Inference.sampleSD(design.column(j)[...])
                let se = covariance[k, k].squareRoot()
                if se * ((sd > 0 && sd.isFinite) ? sd : 1) > 100 || !se.isFinite { diverging.append(design.columnNames[j]) }
            }
            let what = family == .binomial ? "fitted probabilities numerically 0 or 1" : "fitted rates numerically 0"
            if !diverging.isEmpty { throw .separation(terms: diverging, detail: "\(what) for \(boundary) of \(n) rows, given the random effects") }
            warnings.append("\(what) occurred for \(boundary) of \(n) rows")
        }

        // Variance components Σ_k = λ_kλ_kᵀ per factor, in lme4's VarCorr order.
        let scale = options.family == .logit ? "log-odds" : "log-rate"
        var components: [VarianceComponent] = []
        var interceptVariances: [(group: String, variance: Double)] = []
        var singularGroups: [String] = []
        for (k, block) in structure.blocks.enumerated() {
            let from = structure.thetaOffsets[k]
            let slice = theta[from..<(from + block.thetaPositions.count)]
            let lambda = block.lambda(slice)
            let q = block.q
            var cov = [Double](repeating: 0, count: q * q)
            for c in 0..<q { for d in 0..<q { var s = 0.0; for e in 0..<q { s += lambda[e * q + d] * lambda[e * q + c] }; cov[c * q + d] = s } }
            for c in 0..<q {
                components.append(VarianceComponent(group: block.group, terms: [block.columnNames[c]], variance: cov[c * q + c],
                                                    standardDeviation: cov[c * q + c].squareRoot(), correlation: nil))
            }
            for c in 0..<q {
                for d in (c + 1)..<max(q, c + 1) where block.thetaPositions.contains(where: { $0.row == d && $0.column == c }) {
                    let denominator = (cov[c * q + c] * cov[d * q + d]).squareRoot()
                    components.append(VarianceComponent(group: block.group, terms: [block.columnNames[c], block.columnNames[d]],
                                                        variance: nil, standardDeviation: nil,
                                                        correlation: denominator > 0 ? cov[c * q + d] / denominator : .nan))
                }
            }
            for c in 0..<q where cov[c * q + c].squareRoot() > GeneralizedLinearMixedModel.separatedStandardDeviation {
                warnings.append("the SD of the \(block.columnNames[c]) random effects of \(block.group) is \(String(format: "%.3g", cov[c * q + c].squareRoot())) "
                                + "on the \(scale) scale: the outcome is (nearly) the same for every row within levels of \(block.group) "
                                + "(the groups separate it), so this variance has no finite estimate and the fixed effects and their "
                                + "standard errors are not reliable; check the data, or model the groups another way")
            }
            if let intercept = block.columnNames.firstIndex(of: "(Intercept)") {
                interceptVariances.append((block.group, cov[intercept * q + intercept]))
            }
            // lme4's isSingular: a diagonal θ below 1e-4.
            if zip(block.thetaPositions, slice).contains(where: { $0.isDiagonal && $1 < LinearMixedModel.singularTolerance }) {
                singularGroups.append(block.group)
            }
        }
        let singular = !singularGroups.isEmpty
        if singular {
            warnings.append("the model is singular (as lme4's isSingular): a random-effect variance of \(singularGroups.joined(separator: " and ")) "
                            + "is estimated at or near zero, or a correlation at ±1; the data carry little evidence of that variation "
                            + "between levels, so consider dropping or simplifying that term")
        }
        if !summary.converged {
            warnings.append("BOBYQA stopped at the rounding floor of the deviance (\(summary.stopReason)) after \(summary.evaluations) evaluations; "
                            + "Newton steps then checked the optimum")
        }

        var modes: [ConditionalMode] = []
        if options.conditionalModes {
            let perFactor = try state.conditionalModes()
            for (k, block) in structure.blocks.enumerated() {
                let (b, variances) = perFactor[k]
                for j in 0..<block.levelCount {
                    for a in 0..<block.q {
                        let v = variances[j * block.q + a]
                        modes.append(ConditionalMode(group: block.group, level: block.levels[j], term: block.columnNames[a],
                                                     estimate: b[j * block.q + a], conditionalSD: v >= 0 ? v.squareRoot() : nil,
                                                     rows: state.rowsPerLevel[k][j]))
                    }
                }
            }
        }

        // Latent-scale ICC per factor: its intercept variance over all intercept variances plus π²/3.
        var iccs: [IntraclassCorrelation] = []
        if options.family == .logit {
            let residual = Double.pi * Double.pi / 3
            let total = interceptVariances.reduce(residual) { $0 + $1.variance }
            let slopes = structure.blocks.contains { $0.q > 1 }
            for (group, variance) in interceptVariances {
                iccs.append(IntraclassCorrelation(
                    group: group, estimate: variance / total, confLow: nil, confHigh: nil,
                    method: "latent-scale ICC τ²(\(group))/(Σ τ² + π²/3): the share of variance in the latent logistic propensity that lies "
                        + "between levels of \(group), Σ τ² summing the random-intercept variances of every grouping factor and the "
                        + "logistic residual variance being π²/3" + (slopes ? ", at predictors of the random slopes equal to 0" : "")
                        + "; no interval"))
            }
        }

        var overdispersion: Overdispersion? = nil
        let npar = p + nTheta
        if options.family == .poisson {
            var chi2 = 0.0
            for i in 0..<n where weights[i] > 0 {
                let r = y[i] - state.mu[i]
                chi2 += weights[i] * r * r / family.variance(state.mu[i])
            }
            let df = n - npar
            if df > 0 {
                let o = Overdispersion(pearsonChiSquared: chi2, degreesOfFreedom: df, pValue: ChiSquared(degreesOfFreedom: Double(df)).ccdf(chi2))
                overdispersion = o
                if o.ratio > 1.5 {
                    warnings.append("the counts are overdispersed: Pearson χ²/df = \(String(format: "%.2f", o.ratio)) at the conditional modes "
                                    + "(a Poisson model expects about 1), so standard errors are too small; consider a random effect per "
                                    + "observation ((1 | row id)) or a negative binomial model")
                }
            }
        }

        let logLik = -deviance / 2
        return GeneralizedLinearMixedModelResult(
            family: options.family, formula: formulaText, quadraturePoints: 1,
            rowsRead: frame.counts.rowsRead, rowsUsed: n, coefficients: coefficients, covariance: covariance, keptColumns: kept,
            varianceComponents: components, groups: structure.blocks.map { ($0.group, $0.levelCount) }, theta: theta, deviance: deviance,
            logLikelihood: logLik, parameterCount: npar, aic: -2 * logLik + 2 * Double(npar),
            bic: -2 * logLik + log(Double(n)) * Double(npar), singular: singular, optimizer: summary, stageOne: stageOne,
            conditionalModes: modes, intraclassCorrelations: iccs, overdispersion: overdispersion, confidenceLevel: options.level,
            warnings: warnings, schema: frame.schema, event: event, failures: failures)
    }
}
