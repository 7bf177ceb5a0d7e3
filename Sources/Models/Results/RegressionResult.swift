import Foundation
import LinearAlgebra

/// Which regression model was fitted.
public enum ModelKind: String, Sendable, Equatable, CaseIterable {
    case ols, logit, poisson, negbin
}

/// How standard errors were computed. Labels follow DESIGN.md §7 (`classical`, `hc3`, `cluster:therapist`,
/// `cluster-cr2:therapist`).
public enum CovarianceKind: Sendable, Equatable {
    /// Model-based: σ²(XᵀX)⁻¹ for OLS, (XᵀWX)⁻¹ for GLMs.
    case classical
    /// Heteroskedasticity-consistent sandwich, as `sandwich::vcovHC(type = "HC0"…"HC3")`.
    case robust(RobustType)
    /// Cluster-robust, as `sandwich::vcovCL(cluster = ~column, type = "HC1", cadjust = TRUE)`.
    case cluster(column: String)
    /// Cluster-robust with the CR2 bias-reduced linearization adjustment and Satterthwaite degrees of freedom per
    /// coefficient, as `clubSandwich::vcovCR(type = "CR2")` with `coef_test(test = "Satterthwaite")`.
    case clusterCR2(column: String)

    public enum RobustType: String, Sendable, Equatable, CaseIterable {
        case hc0, hc1, hc2, hc3
    }

    public var label: String {
        switch self {
        case .classical: return "classical"
        case .robust(let t): return t.rawValue
        case .cluster(let c): return "cluster:\(c)"
        case .clusterCR2(let c): return "cluster-cr2:\(c)"
        }
    }

    /// Whether tests use degrees of freedom per coefficient (`Coefficient.df`).
    public var hasCoefficientDF: Bool {
        if case .clusterCR2 = self { return true }
        return false
    }

    /// The cluster column of a cluster-robust covariance.
    public var clusterColumn: String? {
        switch self {
        case .classical, .robust: return nil
        case .cluster(let c), .clusterCR2(let c): return c
        }
    }
}

/// One row of the coefficient table. Every value is `nil` for an aliased (not estimable) column.
public struct Coefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double?
    public let stdError: Double?
    /// t for OLS, z for GLMs (as R reports).
    public let statistic: Double?
    public let pValue: Double?
    public let confLow: Double?
    public let confHigh: Double?
    public let aliased: Bool
    /// Degrees of freedom of this coefficient's t test and interval when they differ per coefficient
    /// (Satterthwaite, under `CovarianceKind.clusterCR2`); nil otherwise.
    public let df: Double?

    public init(term: String, estimate: Double?, stdError: Double?, statistic: Double?, pValue: Double?,
                confLow: Double?, confHigh: Double?, aliased: Bool, df: Double? = nil) {
        self.term = term
        self.estimate = estimate
        self.stdError = stdError
        self.statistic = statistic
        self.pValue = pValue
        self.confLow = confLow
        self.confHigh = confHigh
        self.aliased = aliased
        self.df = df
    }

    static func aliased(_ term: String) -> Coefficient {
        Coefficient(term: term, estimate: nil, stdError: nil, statistic: nil, pValue: nil,
                    confLow: nil, confHigh: nil, aliased: true)
    }

    /// exp(estimate): odds ratio (logit) or rate ratio (poisson, negbin).
    public var expEstimate: Double? { estimate.map(exp) }
    /// Exponentiated Wald limits (the interval is computed on the link scale).
    public var expConfLow: Double? { confLow.map(exp) }
    public var expConfHigh: Double? { confHigh.map(exp) }
}

/// The coding of a two-level categorical outcome of a logistic regression.
public struct OutcomeEvent: Sendable, Equatable {
    /// The level coded 1 (whose probability is modelled).
    public let level: String
    /// The level coded 0.
    public let otherLevel: String
    /// Whether the level was chosen by `RegressionOptions.event` rather than taken as the second in sorted order.
    public let chosen: Bool
}

/// Fit statistics. Fields that do not apply to a model are `nil`.
public struct FitStatistics: Sendable, Equatable {
    public var rSquared: Double?
    public var adjRSquared: Double?
    /// Residual standard error (OLS).
    public var sigma: Double?
    public var fStatistic: Double?
    public var fPValue: Double?
    /// OLS with a robust or cluster covariance: the Wald F test that every non-intercept coefficient is zero,
    /// using that covariance, on (dfModel, dfResidual) df — as lmtest::waldtest(fit, vcov = …). Nil when classical.
    public var waldFStatistic: Double?
    public var waldFPValue: Double?
    /// Model degrees of freedom: estimable coefficients minus the intercept.
    public var dfModel: Int
    public var dfResidual: Int
    public var logLikelihood: Double
    public var aic: Double
    public var bic: Double
    public var deviance: Double?
    public var nullDeviance: Double?
    public var dfNull: Int?
    /// IRLS passes (negbin: summed over the alternation of IRLS and θ updates).
    public var iterations: Int?
    public var converged: Bool?
    /// Negative binomial shape θ (variance μ + μ²/θ) and its standard error, as MASS::glm.nb.
    public var theta: Double?
    public var thetaStdError: Double?

    public init(dfModel: Int, dfResidual: Int, logLikelihood: Double, aic: Double, bic: Double) {
        self.dfModel = dfModel
        self.dfResidual = dfResidual
        self.logLikelihood = logLikelihood
        self.aic = aic
        self.bic = bic
    }
}

/// The immutable result of a regression fit. Model code never formats it; renderers read it.
public struct RegressionResult: Sendable {
    public let model: ModelKind
    /// The formula as written by the user.
    public let formula: String
    public let coefficients: [Coefficient]
    public let fit: FitStatistics
    public let covariance: CovarianceKind
    /// Confidence level of `confLow`/`confHigh`.
    public let level: Double
    public let counts: DataCounts
    /// Variance–covariance matrix of the estimable coefficients, in the order of `estimableTerms`.
    public let vcov: Matrix
    public let estimableTerms: [String]
    /// Fitted values (response scale) and response residuals for the rows used, in row order.
    public let fittedValues: [Double]
    public let residuals: [Double]
    /// Source-table indices of the rows used.
    public let usedRows: [Int]
    /// Standardized (β) coefficients when requested: see `RegressionOptions.standardize`.
    public let standardizedCoefficients: [Coefficient]?
    /// OLS with `RegressionOptions.diagnostics`: hat values hᵢᵢ of the rows used (R's `hatvalues`), else nil.
    public let hatValues: [Double]?
    /// The codings the fit fixed: re-applied to new rows by `Prediction`, and carried in the fit's JSON.
    public let schema: ModelSchema
    /// Number of clusters among the rows used, for a cluster-robust covariance.
    public let clusters: Int?
    /// For a logit of a two-level text outcome: the level modelled as the event (1) and the other level (0).
    public let event: OutcomeEvent?
    public let warnings: [String]

    public var vcovLabel: String { covariance.label }

    /// OLS: rᵢ = eᵢ / (σ̂·√(1 − hᵢᵢ)) (R's `rstandard`), NaN where hᵢᵢ = 1 or σ̂ = 0; nil without hat values.
    public var standardizedResiduals: [Double]? {
        guard let h = hatValues, let sigma = fit.sigma else { return nil }
        return zip(residuals, h).map { e, hii in
            sigma > 0 && hii < 1 - 1e-10 ? e / (sigma * (1 - hii).squareRoot()) : .nan
        }
    }

    /// The coefficient named `term`, if any.
    public func coefficient(_ term: String) -> Coefficient? { coefficients.first { $0.term == term } }
}
