import LinearAlgebra
import Optimization

/// Poisson overdispersion at the conditional modes: Pearson's χ² = Σ (y − μ)²/V(μ) on n − npar degrees of
/// freedom (the GLMM FAQ's `overdisp_fun`); a ratio well above 1 says the counts vary more than a Poisson model allows.
public struct Overdispersion: Sendable, Equatable {
    public let pearsonChiSquared: Double
    public let degreesOfFreedom: Int
    public var ratio: Double { pearsonChiSquared / Double(degreesOfFreedom) }
    /// P(χ²_df ≥ Pearson χ²).
    public let pValue: Double
}

/// A generalized linear mixed model fitted by the Laplace approximation or adaptive Gauss–Hermite quadrature
/// (lme4's `glmer`): immutable, as every result.
public struct GeneralizedLinearMixedModelResult: Sendable {
    public let family: MixedFamily
    public let formula: String
    /// 1 for the Laplace approximation, otherwise the adaptive Gauss–Hermite points (glmer's nAGQ).
    public let quadraturePoints: Int
    public let rowsRead: Int
    public let rowsUsed: Int
    /// Fixed effects with Wald z tests and intervals (df nil).
    public let coefficients: [Coefficient]
    /// Covariance of the kept coefficients: the β block of 2·H⁻¹, H the Hessian of the deviance in (θ, β)
    /// (glmer's `use.hessian = TRUE`).
    public let covariance: Matrix
    public let keptColumns: [Int]
    public let varianceComponents: [VarianceComponent]
    public let groups: [(group: String, levels: Int)]
    public let theta: [Double]
    /// The minimised objective as glmer reports it (`deviance` of the optimizer, `-2 * logLik(fit)` for Laplace).
    public let deviance: Double
    /// The log-likelihood: −deviance/2 for Laplace (as glmer); for AGQ the saturated part that glmer's AGQ objective
    /// leaves out is added back, so that Laplace and AGQ fits (and GLMs) are on one scale (docs/mixed-models.md).
    public let logLikelihood: Double
    /// Fixed effects and θ (R's `attr(logLik(fit), "df")`).
    public let parameterCount: Int
    public let aic: Double
    public let bic: Double
    public let singular: Bool
    /// The final optimisation (stage 2, (θ, β)) and the stage-1 run that started it.
    public let optimizer: OptimizerSummary
    public let stageOne: OptimizerSummary
    public let conditionalModes: [ConditionalMode]
    /// logit: the latent-scale ICC per grouping factor, τ₀² / (τ₀² + π²/3).
    public let intraclassCorrelations: [IntraclassCorrelation]
    /// Poisson only.
    public let overdispersion: Overdispersion?
    public let confidenceLevel: Double
    public let warnings: [String]
    public let schema: ModelSchema
    /// logit with a two-level text outcome: which level is the event.
    public let event: OutcomeEvent?
    /// cbind(successes, failures): the failures as written.
    public let failures: String?
}
