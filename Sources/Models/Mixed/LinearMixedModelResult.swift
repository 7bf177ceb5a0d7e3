import LinearAlgebra
import Optimization

/// How the degrees of freedom of the fixed-effects t tests are found.
public enum MixedDegreesOfFreedom: String, Sendable, Equatable, CaseIterable {
    /// Satterthwaite's approximation, as lmerTest's default `summary()`.
    case satterthwaite
    /// Kenward and Roger's approximation and adjusted covariance, as pbkrtest (`ddf = "Kenward-Roger"` in lmerTest).
    case kenwardRoger = "kenward-roger"
    /// n − p for every coefficient.
    case residual
}

/// A variance component: one random effect's variance and SD, or the correlation of two effects of one group.
public struct VarianceComponent: Sendable, Equatable {
    /// The grouping label, or `Residual`.
    public let group: String
    /// One term (variance) or two (correlation).
    public let terms: [String]
    public let variance: Double?
    public let standardDeviation: Double?
    public let correlation: Double?

    public init(group: String, terms: [String], variance: Double?, standardDeviation: Double?, correlation: Double?) {
        self.group = group
        self.terms = terms
        self.variance = variance
        self.standardDeviation = standardDeviation
        self.correlation = correlation
    }
}

/// A conditional mode (BLUP) of one random effect of one level, with its conditional SD.
public struct ConditionalMode: Sendable, Equatable {
    public let group: String
    public let level: String
    public let term: String
    public let estimate: Double
    public let conditionalSD: Double?
    /// Rows of the level among the rows used (for the small-cell rule of plots).
    public let rows: Int
}

/// The intraclass correlation of a grouping factor: its intercept variance over the total variance.
public struct IntraclassCorrelation: Sendable, Equatable {
    public let group: String
    public let estimate: Double
    public let confLow: Double?
    public let confHigh: Double?
    /// How the interval was found, in words.
    public let method: String
}

/// A linear mixed model fitted by REML or ML (lme4's `lmer`): immutable, as every result.
public struct LinearMixedModelResult: Sendable {
    public let formula: String
    public let reml: Bool
    public let rowsRead: Int
    public let rowsUsed: Int
    public let coefficients: [Coefficient]
    public let dfMethod: MixedDegreesOfFreedom
    /// Covariance of the kept coefficients (KR-adjusted under `.kenwardRoger`).
    public let covariance: Matrix
    public let keptColumns: [Int]
    public let varianceComponents: [VarianceComponent]
    /// Per grouping factor: its label and number of levels.
    public let groups: [(group: String, levels: Int)]
    public let sigma: Double
    public let theta: [Double]
    /// The REML criterion (REML fits) or the deviance (ML fits) at the optimum.
    public let objective: Double
    /// lme4's `logLik()`: −objective/2 (the restricted log-likelihood of a REML fit).
    public let logLikelihood: Double
    /// Parameters counted by AIC: fixed effects, θ and σ.
    public let parameterCount: Int
    public let aic: Double
    public let bic: Double
    /// lme4's `isSingular()`: some variance (a diagonal θ) is below 1e-4 of the residual SD.
    public let singular: Bool
    public let optimizer: OptimizerSummary
    public let conditionalModes: [ConditionalMode]
    public let intraclassCorrelations: [IntraclassCorrelation]
    public let confidenceLevel: Double
    public let warnings: [String]
    public let schema: ModelSchema
    /// Set when the fixed effects carry CR2 cluster-robust standard errors and df (`--robust cr2`, `--cluster`).
    public internal(set) var clusterRobust: MixedClusterRobustSummary? = nil
}
