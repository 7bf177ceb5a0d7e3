import Distributions
import Foundation
import LinearAlgebra
import Optimization

/// The parts of a GLMM's result that do not depend on the number of grouping factors, written once for the one-factor
/// (`GeneralizedLinearMixedModel+Fit.swift`) and several-factor (`+SeveralFactors.swift`) fits.
extension GeneralizedLinearMixedModel.Setup {
    /// The Wald z table of the fixed effects (as glmer's summary), after the separation check.
    func fixedEffects(_ beta: [Double], covariance: Matrix, mu: [Double], warnings: inout [String]) throws(ModelError) -> [Coefficient] {
        let coefficients = Inference.coefficientTable(names: design.columnNames, kept: kept, estimates: beta, vcov: covariance,
                                                      level: options.level, dfResidual: nil)
        try checkSeparation(mu: mu, covariance: covariance, warnings: &warnings)
        return coefficients
    }

    /// Separation: fitted probabilities (or rates) at the boundary with diverging coefficients (as the GLM check) is an
    /// error naming the terms; boundary fits without diverging coefficients are a warning.
    func checkSeparation(mu: [Double], covariance: Matrix, warnings: inout [String]) throws(ModelError) {
        let family = options.family.glmFamily
        let n = frame.counts.rowsUsed
        let eps = 10 * Double.ulpOfOne
        let boundary = mu.reduce(0) { $0 + ((family == .binomial ? ($1 < eps || $1 > 1 - eps) : $1 < eps) ? 1 : 0) }
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
    }

    /// A between-level SD of 10 on the link scale (odds or rates varying by e^20 between levels) has no finite
    /// estimate behind it: the outcome is (nearly) constant within levels, which separates it by group.
    /// `cov` is the block's q × q covariance λλᵀ.
    func separatedVarianceWarnings(_ block: RandomEffectsBlock, covariance cov: [Double]) -> [String] {
        let q = block.q
        var warnings: [String] = []
        for c in 0..<q where cov[c * q + c].squareRoot() > GeneralizedLinearMixedModel.separatedStandardDeviation {
            warnings.append("the SD of the \(block.columnNames[c]) random effects of \(block.group) is \(String(format: "%.3g", cov[c * q + c].squareRoot())) "
                            + "on the \(options.family == .logit ? "log-odds" : "log-rate") scale: the outcome is (nearly) the same for every row "
                            + "within levels of \(block.group) (the groups separate it), so this variance has no finite estimate and the fixed "
                            + "effects and their standard errors are not reliable; check the data, or model the groups another way")
        }
        return warnings
    }

    /// A stage 2 that BOBYQA ended at the deviance's rounding floor, said as such.
    func stageTwoWarnings(_ summary: OptimizerSummary) -> [String] {
        guard !summary.converged else { return [] }
        return ["BOBYQA stopped at the rounding floor of the deviance (\(summary.stopReason)) after \(summary.evaluations) evaluations; "
                + "Newton steps then checked the optimum"]
    }

    /// One factor's conditional modes and conditional SDs (level-major, q per level), with the rows of each level.
    func conditionalModes(_ block: RandomEffectsBlock, effects b: [Double], variances: [Double], rows: [Int]) -> [ConditionalMode] {
        var modes: [ConditionalMode] = []
        for j in 0..<block.levelCount {
            for a in 0..<block.q {
                let v = variances[j * block.q + a]
                modes.append(ConditionalMode(group: block.group, level: block.levels[j], term: block.columnNames[a],
                                             estimate: b[j * block.q + a], conditionalSD: v >= 0 ? v.squareRoot() : nil,
                                             rows: rows[j]))
            }
        }
        return modes
    }

    /// Poisson fits: Pearson χ² at the conditional modes on n − (#β + #θ) df (as the usual glmer overdispersion check),
    /// with a warning above 1.5; nil for other families or no residual df.
    func pearsonOverdispersion(mu: [Double], parameterCount npar: Int, warnings: inout [String]) -> Overdispersion? {
        guard options.family == .poisson else { return nil }
        let family = options.family.glmFamily
        let n = frame.counts.rowsUsed
        var chi2 = 0.0
        for i in 0..<n where weights[i] > 0 {
            let r = y[i] - mu[i]
            chi2 += weights[i] * r * r / family.variance(mu[i])
        }
        let df = n - npar
        guard df > 0 else { return nil }
        let o = Overdispersion(pearsonChiSquared: chi2, degreesOfFreedom: df, pValue: ChiSquared(degreesOfFreedom: Double(df)).ccdf(chi2))
        if o.ratio > 1.5 {
            warnings.append("the counts are overdispersed: Pearson χ²/df = \(String(format: "%.2f", o.ratio)) at the conditional modes "
                            + "(a Poisson model expects about 1), so standard errors are too small; consider a random effect per "
                            + "observation ((1 | row id)) or a negative binomial model")
        }
        return o
    }

    /// The result: the log-likelihood on the scale of `compare` (AGQ adds the saturated part that glmer's AGQ deviance
    /// leaves out; docs/decisions.md "GLMM log-likelihood under AGQ"), AIC and BIC with #β + #θ parameters.
    func result(coefficients: [Coefficient], covariance: Matrix, components: [VarianceComponent], groups: [(group: String, levels: Int)],
                theta: [Double], deviance: Double, saturatedDeviance: Double, singular: Bool, summary: OptimizerSummary,
                stageOne: OptimizerSummary, modes: [ConditionalMode], iccs: [IntraclassCorrelation], overdispersion: Overdispersion?,
                warnings: [String]) -> GeneralizedLinearMixedModelResult {
        let n = frame.counts.rowsUsed
        let npar = kept.count + theta.count
        let logLik = -(deviance + (options.quadraturePoints > 1 ? saturatedDeviance : 0)) / 2
        return GeneralizedLinearMixedModelResult(
            family: options.family, formula: formulaText, quadraturePoints: options.quadraturePoints,
            rowsRead: frame.counts.rowsRead, rowsUsed: n, coefficients: coefficients, covariance: covariance, keptColumns: kept,
            varianceComponents: components, groups: groups, theta: theta, deviance: deviance,
            logLikelihood: logLik, parameterCount: npar, aic: -2 * logLik + 2 * Double(npar),
            bic: -2 * logLik + log(Double(n)) * Double(npar), singular: singular, optimizer: summary, stageOne: stageOne,
            conditionalModes: modes, intraclassCorrelations: iccs, overdispersion: overdispersion, confidenceLevel: options.level,
            warnings: warnings, schema: frame.schema, event: event, failures: failures)
    }
}
