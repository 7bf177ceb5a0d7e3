/// What kind of meta-analytic model was fitted.
public enum MetaModelKind: String, Sendable, Equatable {
    case random, fixed
    case threeLevel = "three-level"
}

/// One coefficient of a meta-analytic model (the pooled effect is `(Intercept)`), on the analysis scale.
public struct MetaCoefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double
    public let stdError: Double
    /// z, or t with Knapp–Hartung.
    public let statistic: Double
    public let pValue: Double
    public let confLow: Double
    public let confHigh: Double
}

/// The test that every moderator coefficient is zero (rma's QM) and the share of τ² they account for.
public struct ModeratorTest: Sendable, Equatable {
    /// χ² (Wald), or F with Knapp–Hartung, as metafor's QM.
    public let statistic: Double
    /// [m] for χ², [m, k − p] for F.
    public let df: [Int]
    public let pValue: Double
    /// Pseudo-R² in percent, as metafor: max(0, 100·(τ²₀ − τ²)/τ²₀) with τ²₀ from the model without moderators;
    /// nil for fixed-effect and three-level models.
    public let r2: Double?
}

/// Egger's regression test for funnel-plot asymmetry in one of metafor's two forms of `regtest`.
public struct EggerTest: Sendable, Equatable {
    public enum Form: String, Sendable, Equatable {
        /// regtest(model = "rma"): the standard error as a moderator of the fitted model (same τ² method and test).
        case rma
        /// regtest(model = "lm"): weighted least squares of yᵢ on the standard error (the classical Egger test).
        case lm
    }
    public let form: Form
    /// The coefficient of the standard error (its sign gives the direction of asymmetry).
    public let slope: Double
    /// z, or t where `df` is set.
    public let statistic: Double
    public let df: Int?
    public let pValue: Double
}

/// Duval and Tweedie's trim-and-fill (estimator L0), as metafor's trimfill.rma.uni.
public struct TrimAndFill: Sendable, Equatable {
    public enum Side: String, Sendable, Equatable { case left, right }
    /// Estimated number of missing studies.
    public let k0: Int
    /// The side of the funnel on which studies are filled, chosen as metafor does (from the sign of Egger's slope).
    public let side: Side
    public let estimate: Double
    public let confLow: Double
    public let confHigh: Double
    public let tau2: Double
    /// The filled-in studies (mirror images), yᵢ and vᵢ.
    public let filledYi: [Double]
    public let filledVi: [Double]
}

/// One variance component of a multilevel model.
public struct MetaVarianceComponent: Sendable, Equatable {
    /// The level: the cluster column (between clusters), or `within` (between effects of one cluster).
    public let level: String
    public let tau2: Double
    /// This level's share of the total variance, in percent (Cheung 2014; metafor's FAQ on I² for rma.mv).
    public let i2: Double
}

/// The result of a meta-analysis. Values are on the analysis scale (Fisher's z, log OR, …); the back-transform
/// is the measure's.
public struct MetaAnalysisResult: Sendable, Equatable {
    public let kind: MetaModelKind
    public let method: TauEstimator
    public let measure: EffectMeasure
    public let knapphartung: Bool
    public let level: Double
    public let k: Int
    public let coefficients: [MetaCoefficient]
    /// Degrees of freedom of the t tests (Knapp–Hartung: k − p), nil for z tests.
    public let df: Int?
    /// τ² (nil for three-level models: see `varianceComponents`).
    public let tau2: Double?
    /// Q-profile interval of τ² (confint.rma.uni), nil for fixed-effect and three-level models.
    public let tau2ConfLow: Double?
    public let tau2ConfHigh: Double?
    /// I² and H² as metafor prints them (percent; ratio).
    public let i2: Double?
    public let h2: Double?
    /// Cochran's Q (QE with moderators) on `qDF` degrees of freedom.
    public let q: Double
    public let qDF: Int
    public let qPValue: Double
    /// Prediction interval of a new study's true effect (intercept-only models).
    public let predLow: Double?
    public let predHigh: Double?
    public let yi: [Double]
    public let vi: [Double]
    /// Each study's weight in percent (weights.rma.uni; diagonal of V⁻¹ for three-level models).
    public let weights: [Double]
    public let moderators: ModeratorTest?
    public let egger: [EggerTest]
    public let trimfill: TrimAndFill?
    public let varianceComponents: [MetaVarianceComponent]
    /// Number of clusters of a three-level model.
    public let clusters: Int?
    /// REML log-likelihood of a three-level model (rma.mv's logLik).
    public let logLikelihood: Double?
    public let iterations: Int
    public let warnings: [String]

    /// The pooled effect (the intercept).
    public var pooled: MetaCoefficient { coefficients[0] }

    /// A copy with the small-study checks added.
    public func with(egger: [EggerTest], trimfill: TrimAndFill?, warnings extra: [String] = []) -> MetaAnalysisResult {
        MetaAnalysisResult(kind: kind, method: method, measure: measure, knapphartung: knapphartung, level: level, k: k,
                           coefficients: coefficients, df: df, tau2: tau2, tau2ConfLow: tau2ConfLow, tau2ConfHigh: tau2ConfHigh,
                           i2: i2, h2: h2, q: q, qDF: qDF, qPValue: qPValue, predLow: predLow, predHigh: predHigh, yi: yi, vi: vi,
                           weights: weights, moderators: moderators, egger: egger, trimfill: trimfill,
                           varianceComponents: varianceComponents, clusters: clusters, logLikelihood: logLikelihood,
                           iterations: iterations, warnings: warnings + extra)
    }
}
