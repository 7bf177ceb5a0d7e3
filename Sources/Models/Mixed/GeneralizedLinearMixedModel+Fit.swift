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
        let stageOne = first.summary, betaOne = first.beta, stageOneSE = first.standardErrors

        // Stage 2: (θ, β) on the Laplace or AGQ deviance, the modes by PIRLS for each.
        let deviance = stageTwoDeviance(state, thetaCount: nTheta) { state in
            rule.map { state.adaptiveQuadratureDeviance(rule: $0) } ?? state.laplaceDeviance
        }
        let start = first.stageTwoStart, lower = first.stageTwoLower
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
        let optimum = try covarianceAtOptimum(parameters: parameters, hessian: hessian, thetaCount: nTheta, deviance: deviance)
        return try estimates(state: state, parameters: parameters, deviance: optimum.deviance, covariance: optimum.covariance,
                             summary: summary, stageOne: stageOne, warnings: optimum.warnings)
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
        let coefficients = try fixedEffects(Array(parameters[nTheta...]), covariance: covariance, mu: state.mu, warnings: &warnings)

        // Variance components Σ = λλᵀ (no residual variance in binomial and Poisson models).
        let q = block.q
        let (cov, components) = block.varianceComponents(theta: theta[...], scale: 1)
        warnings += separatedVarianceWarnings(block, covariance: cov)
        // lme4's isSingular: a diagonal θ below 1e-4.
        let singular = zip(block.thetaPositions, theta).contains { $0.isDiagonal && $1 < LinearMixedModel.singularTolerance }
        if singular {
            warnings.append("the model is singular (as lme4's isSingular): a random-effect variance is estimated at or near zero, or a "
                            + "correlation at ±1; the data carry little evidence of that variation between levels of \(block.group), "
                            + "so consider simplifying the random effects")
        }
        warnings += stageTwoWarnings(summary)

        var modes: [ConditionalMode] = []
        if options.conditionalModes {
            let (b, variances) = state.conditionalModes()
            modes = conditionalModes(block, effects: b, variances: variances, rows: state.rowsPerLevel)
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

        let npar = kept.count + nTheta
        let overdispersion = pearsonOverdispersion(mu: state.mu, parameterCount: npar, warnings: &warnings)

        return result(coefficients: coefficients, covariance: covariance, components: components, groups: [(block.group, block.levelCount)],
                      theta: theta, deviance: deviance, saturatedDeviance: state.saturatedDeviance, singular: singular, summary: summary,
                      stageOne: stageOne, modes: modes, iccs: iccs, overdispersion: overdispersion, warnings: warnings)
    }
}
