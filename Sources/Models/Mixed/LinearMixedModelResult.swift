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
    /// The confidence interval of the SD (or of the correlation), and how it was found ("profile"); nil when
    /// none was computed or an end does not exist.
    public internal(set) var confLow: Double?
    public internal(set) var confHigh: Double?
    public internal(set) var confMethod: String?

    public init(group: String, terms: [String], variance: Double?, standardDeviation: Double?, correlation: Double?,
                confLow: Double? = nil, confHigh: Double? = nil, confMethod: String? = nil) {
        self.group = group
        self.terms = terms
        self.variance = variance
        self.standardDeviation = standardDeviation
        self.correlation = correlation
        self.confLow = confLow
        self.confHigh = confHigh
        self.confMethod = confMethod
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

/// The intraclass correlation of a grouping factor: its intercept variance over the total variance. With
/// covariates in the model it is the conditional (case-mix-adjusted) ICC: the share of the outcome variance
/// left after the fixed effects that lies between the groups.
public struct IntraclassCorrelation: Sendable, Equatable {
    public let group: String
    public let estimate: Double
    public internal(set) var confLow: Double?
    public internal(set) var confHigh: Double?
    /// How the interval was found (or why there is none), in words.
    public internal(set) var method: String
}

/// When the profile-likelihood intervals of the variance components are computed.
public enum ProfileIntervalChoice: Sendable, Equatable {
    /// Unless the model's objective is costly to evaluate (`VarianceProfile.isAffordable`); skipped with a warning.
    case automatic
    /// Always (`--profile`).
    case always
    /// Never (`--no-profile`): no variance-component intervals and no one-factor ICC interval.
    case never
}

/// `--boot N --seed S`: resamples of the parametric bootstrap and the seed of its generator.
public struct MixedBootstrapOptions: Sendable, Equatable {
    public var resamples: Int
    public var seed: UInt64

    public init(resamples: Int, seed: UInt64) {
        self.resamples = resamples
        self.seed = seed
    }
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
    public internal(set) var varianceComponents: [VarianceComponent]
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
    public internal(set) var intraclassCorrelations: [IntraclassCorrelation]
    public let confidenceLevel: Double
    public internal(set) var warnings: [String]
    public let schema: ModelSchema
    /// Set when the fixed effects carry CR2 cluster-robust standard errors and df (`--robust cr2`, `--cluster`).
    public internal(set) var clusterRobust: MixedClusterRobustSummary? = nil
}
