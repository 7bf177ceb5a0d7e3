import Distributions
import Foundation
import LinearAlgebra
import Optimization

extension GeneralizedLinearMixedModel.Setup {
    /// glmer's two stages, then Newton steps on the stage-2 deviance, then the Hessian for the standard errors.
    func fit() throws(ModelError) -> GeneralizedLinearMixedModelResult {
        let family = options.family.glmFamily
        let p = kept.count
        let state = PenalizedIRLS(family: family, y: y, weights: weights, offset: offset, x: x, p: p, block: block)
        let nTheta = block.thetaPositions.count
        let thetaLower = block.thetaPositions.map { $0.isDiagonal ? 0 : -Double.infinity }
        let thetaStart = block.thetaPositions.map { $0.isDiagonal ? 1.0 : 0.0 }
        let rule = options.quadraturePoints > 1 ? GaussHermite(points: options.quadraturePoints) : nil

        // Stage 1 (glmer's nAGQ = 0): θ by BOBYQA, with the modes and β from the joint PIRLS at each θ.
        let first = try LaplaceStageOne(state: state, start: thetaStart, lower: thetaLower, p: p)
        let stageOne = first.summary
        let betaOne = first.beta
        let stageOneSE = first.standardErrors

        // Stage 2: (θ, β) on the Laplace or AGQ deviance, the modes by PIRLS for each.
        func deviance(_ parameters: [Double]) -> Double {
            state.setTheta(parameters[0..<nTheta])
            state.setBeta(Array(parameters[nTheta...]))
            do { try state.run(joint: false) } catch { return .nan }
            if let rule { return state.adaptiveQuadratureDeviance(rule: rule) }
            return state.laplaceDeviance
        }
        let start = stageOne.parameters + betaOne
        let lower = thetaLower + [Double](repeating: -.infinity, count: p)
        var parameters: [Double]
        var value: Double
        var summary: OptimizerSummary
        var hessian: [[Double]]
        // Laplace: Newton in (θ, β) on the analytic gradient (LaplaceNewton); AGQ, or when Newton cannot proceed: BOBYQA.
        let scales = stageOne.parameters.map { max(abs($0), 0.1) } + zip(stageOneSE, betaOne).map { se, b in
            se > 0 && se.isFinite ? se : 0.01 * max(abs(b), 1)
        }
        if rule == nil, let newton = LaplaceNewton.minimize(start: start, scales: scales, thetaCount: nTheta, state: state) {
            parameters = newton.parameters
            value = newton.value
            hessian = newton.hessian
            // A negative diagonal θ is the same model as its column of λ negated (ΛΛᵀ unchanged; the deviance and the β
            // block of the Hessian's inverse do not change): report the non-negative one, as glmer's bounds do.
            for (k, position) in block.thetaPositions.enumerated() where position.isDiagonal && parameters[k] < 0 {
                for (m, other) in block.thetaPositions.enumerated() where other.column == position.column {
                    parameters[m] = -parameters[m]
                    for c in 0..<hessian.count { hessian[m][c] = -hessian[m][c]; hessian[c][m] = -hessian[c][m] }
                }
            }
            summary = OptimizerSummary(algorithm: .newtonRaphson, start: start, lowerBounds: lower,
                                       upperBounds: lower.map { _ in .infinity }, initialValue: newton.initialValue, parameters: parameters,
                                       value: value, evaluations: newton.gradientEvaluations, iterations: newton.steps,
                                       stopReason: .relativeChangeReached,
                                       settings: [OptimizerSetting("xtol_rel", LaplaceNewton.relativeStep)],
                                       notes: ["Newton steps on the Laplace deviance with its analytic gradient in (θ, β); the Hessian by "
                                               + "differences of the gradient (\(newton.gradientEvaluations) gradient evaluations, "
                                               + "\(newton.pirlsIterations) PIRLS iterations)"])
            let before = parameters
            (parameters, value) = LinearMixedModel.checkBoundary(theta: parameters, value: value, lowerBounds: lower,
                                                                 slack: 1e-12 * max(1, abs(value)), objective: deviance)
            if parameters != before { hessian = NumericalDerivatives.hessian(at: parameters, deviance) }
        } else {
            (parameters, value, summary) = try stageTwoBOBYQA(start: start, lower: lower, stageOne: stageOne, stageOneSE: stageOneSE,
                                                              thetaCount: nTheta, rule: rule, deviance: deviance)
            // Standard errors from the Hessian of the deviance in (θ, β) (glmer's use.hessian = TRUE: vcov = 2 H⁻¹, β block).
            hessian = NumericalDerivatives.hessian(at: parameters, deviance)
        }
        value = deviance(parameters)
        guard value.isFinite else { throw .numerical("the deviance is not finite at the optimum") }
        var warnings = self.warnings
        let covariance = try betaCovariance(hessian: hessian, thetaCount: nTheta, p: p, warnings: &warnings)
        return try estimates(state: state, parameters: parameters, deviance: value, covariance: covariance,
                             summary: summary, stageOne: stageOne, warnings: warnings)
    }

    /// glmer's stage 2 by BOBYQA on the Laplace or AGQ deviance, then Newton steps with Richardson derivatives, then
    /// lme4's boundary check.
    private func stageTwoBOBYQA(start: [Double], lower: [Double], stageOne: OptimizerSummary, stageOneSE: [Double], thetaCount nTheta: Int,
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

    /// The β block of 2H⁻¹; when H is not positive definite (a variance at its bound can make it so), the β block of
    /// H alone (θ held fixed), with a warning, as glmer falls back from the Hessian.
    private func betaCovariance(hessian: [[Double]], thetaCount k: Int, p: Int, warnings: inout [String]) throws(ModelError) -> Matrix {
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

    /// Errors inside PIRLS at a fixed point of the optimisation, in plain words.
    static func plainWords(_ error: ModelError, stage: String) -> ModelError {
        switch error {
        case .numerical(let detail), .mixedNotConverged(let detail):
            return .mixedNotConverged(detail: "\(stage) could not be computed: \(detail)")
        default:
            return error
        }
    }

    private func estimates(state: PenalizedIRLS, parameters: [Double], deviance: Double, covariance: Matrix, summary: OptimizerSummary,
                           stageOne: OptimizerSummary, warnings inputWarnings: [String]) throws(ModelError) -> GeneralizedLinearMixedModelResult {
        var warnings = inputWarnings
        let nTheta = block.thetaPositions.count
        let theta = Array(parameters[0..<nTheta])
        let beta = Array(parameters[nTheta...])
        let p = kept.count
        let n = frame.counts.rowsUsed
        let family = options.family.glmFamily
        let coefficients = Inference.coefficientTable(names: design.columnNames, kept: kept, estimates: beta, vcov: covariance,
                                                      level: options.level, dfResidual: nil)

        // Separation: fitted probabilities (or rates) at the boundary with diverging coefficients (as the GLM check).
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

        // Variance components Σ = λλᵀ (no residual variance in binomial and Poisson models).
        let q = block.q
        let (cov, components) = block.varianceComponents(theta: theta[...], scale: 1)
        // A between-level SD of 10 on the link scale (odds or rates varying by e^20 between levels) has no finite
        // estimate behind it: the outcome is (nearly) constant within levels, which separates it by group.
        for c in 0..<q where cov[c * q + c].squareRoot() > GeneralizedLinearMixedModel.separatedStandardDeviation {
            warnings.append("the SD of the \(block.columnNames[c]) random effects of \(block.group) is \(String(format: "%.3g", cov[c * q + c].squareRoot())) "
                            + "on the \(options.family == .logit ? "log-odds" : "log-rate") scale: the outcome is (nearly) the same for every row "
                            + "within levels of \(block.group) (the groups separate it), so this variance has no finite estimate and the fixed "
                            + "effects and their standard errors are not reliable; check the data, or model the groups another way")
        }
        // lme4's isSingular: a diagonal θ below 1e-4.
        let singular = zip(block.thetaPositions, theta).contains { $0.isDiagonal && $1 < LinearMixedModel.singularTolerance }
        if singular {
            warnings.append("the model is singular (as lme4's isSingular): a random-effect variance is estimated at or near zero, or a "
                            + "correlation at ±1; the data carry little evidence of that variation between levels of \(block.group), "
                            + "so consider simplifying the random effects")
        }
        if !summary.converged {
            warnings.append("BOBYQA stopped at the rounding floor of the deviance (\(summary.stopReason)) after \(summary.evaluations) evaluations; "
                            + "Newton steps then checked the optimum")
        }

        var modes: [ConditionalMode] = []
        if options.conditionalModes {
            let (b, variances) = state.conditionalModes()
            for j in 0..<block.levelCount {
                for a in 0..<q {
                    let v = variances[j * q + a]
                    modes.append(ConditionalMode(group: block.group, level: block.levels[j], term: block.columnNames[a],
                                                 estimate: b[j * q + a], conditionalSD: v >= 0 ? v.squareRoot() : nil,
                                                 rows: state.rowsPerLevel[j]))
                }
            }
        }

        var iccs: [IntraclassCorrelation] = []
        if options.family == .logit, let intercept = block.columnNames.firstIndex(of: "(Intercept)") {
            let tau2 = cov[intercept * q + intercept]
            let residual = Double.pi * Double.pi / 3
            iccs.append(IntraclassCorrelation(
                group: block.group, estimate: tau2 / (tau2 + residual), confLow: nil, confHigh: nil,
                method: "latent-scale ICC τ₀²/(τ₀² + π²/3): the share of variance in the latent logistic propensity that lies between "
                    + "levels of \(block.group), the logistic residual variance being π²/3"
                    + (q > 1 ? ", at predictors of the random slopes equal to 0" : "") + "; no interval"))
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

        let logLik = -(deviance + (options.quadraturePoints > 1 ? state.saturatedDeviance : 0)) / 2
        return GeneralizedLinearMixedModelResult(
            family: options.family, formula: formulaText, quadraturePoints: options.quadraturePoints,
            rowsRead: frame.counts.rowsRead, rowsUsed: n, coefficients: coefficients, covariance: covariance, keptColumns: kept,
            varianceComponents: components, groups: [(block.group, block.levelCount)], theta: theta, deviance: deviance,
            logLikelihood: logLik, parameterCount: npar, aic: -2 * logLik + 2 * Double(npar),
            bic: -2 * logLik + log(Double(n)) * Double(npar), singular: singular, optimizer: summary, stageOne: stageOne,
            conditionalModes: modes, intraclassCorrelations: iccs, overdispersion: overdispersion, confidenceLevel: options.level,
            warnings: warnings, schema: frame.schema, event: event, failures: failures)
    }
}
