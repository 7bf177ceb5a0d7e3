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

        // Stage 2: (θ, β) on the Laplace deviance, the modes by PIRLS (β fixed) for each.
        let deviance = stageTwoDeviance(state, thetaCount: nTheta) { $0.laplaceDeviance }
        let (parameters, _, summary) = try stageTwoBOBYQA(start: first.stageTwoStart, lower: first.stageTwoLower, stageOne: stageOne,
                                                          stageOneSE: first.standardErrors, thetaCount: nTheta, rule: nil, deviance: deviance)
        // Standard errors from the Hessian of the deviance in (θ, β) (glmer's use.hessian = TRUE: vcov = 2 H⁻¹, β block).
        let hessian = NumericalDerivatives.hessian(at: parameters, deviance)
        let optimum = try covarianceAtOptimum(parameters: parameters, hessian: hessian, thetaCount: nTheta, deviance: deviance)
        return try severalFactorEstimates(state: state, parameters: parameters, deviance: optimum.deviance, covariance: optimum.covariance,
                                          summary: summary, stageOne: stageOne, warnings: optimum.warnings)
    }

    private func severalFactorEstimates(state: SeveralFactorPIRLS, parameters: [Double], deviance: Double, covariance: Matrix,
                                        summary: OptimizerSummary, stageOne: OptimizerSummary,
                                        warnings inputWarnings: [String]) throws(ModelError) -> GeneralizedLinearMixedModelResult {
        var warnings = inputWarnings
        let nTheta = structure.thetaCount
        let theta = Array(parameters[0..<nTheta])
        let coefficients = try fixedEffects(Array(parameters[nTheta...]), covariance: covariance, mu: state.mu, warnings: &warnings)

        // Variance components Σ_k = λ_kλ_kᵀ per factor, in lme4's VarCorr order.
        var components: [VarianceComponent] = []
        var interceptVariances: [(group: String, variance: Double)] = []
        var singularGroups: [String] = []
        for (k, block) in structure.blocks.enumerated() {
            let from = structure.thetaOffsets[k]
            let slice = theta[from..<(from + block.thetaPositions.count)]
            let q = block.q
            let (cov, blockComponents) = block.varianceComponents(theta: slice, scale: 1)
            components += blockComponents
            warnings += separatedVarianceWarnings(block, covariance: cov)
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
        warnings += stageTwoWarnings(summary)

        var modes: [ConditionalMode] = []
        if options.conditionalModes {
            let perFactor = try state.conditionalModes()
            for (k, block) in structure.blocks.enumerated() {
                let (b, variances) = perFactor[k]
                modes += conditionalModes(block, effects: b, variances: variances, rows: state.rowsPerLevel[k])
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

        let npar = kept.count + nTheta
        let overdispersion = pearsonOverdispersion(mu: state.mu, parameterCount: npar, warnings: &warnings)

        return result(coefficients: coefficients, covariance: covariance, components: components,
                      groups: structure.blocks.map { ($0.group, $0.levelCount) }, theta: theta, deviance: deviance,
                      saturatedDeviance: state.saturatedDeviance, singular: singular, summary: summary, stageOne: stageOne, modes: modes,
                      iccs: iccs, overdispersion: overdispersion, warnings: warnings)
    }
}
