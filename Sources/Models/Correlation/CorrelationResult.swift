/// Which correlation coefficient to compute.
public enum CorrelationMethod: String, Sendable, CaseIterable, Codable {
    /// Pearson's product-moment r; t test with n − 2 df, Fisher-z interval (as R's cor.test).
    case pearson
    /// Spearman's ρ on average ranks; p-value from the t approximation (cor.test(exact = FALSE)).
    case spearman
    /// Kendall's τ-b with tie corrections; normal approximation (cor.test(exact = FALSE)).
    case kendall
}

/// One correlation between two variables, with its test and confidence interval (two-sided).
public struct CorrelationResult: Sendable, Equatable, Codable {
    public let method: CorrelationMethod
    /// Number of complete observations used.
    public let n: Int
    /// Number of control variables partialled out (0 for a zero-order correlation).
    public let controls: Int
    /// r, ρ or τ-b.
    public let estimate: Double
    /// The test statistic R reports: t (Pearson and every partial correlation), S = (n³−n)(1−ρ)/6
    /// (zero-order Spearman), z (Kendall).
    public let statistic: Double
    /// Degrees of freedom of the t statistic (n − 2 − controls); nil where the statistic is S or z.
    public let degreesOfFreedom: Double?
    /// Two-sided p-value.
    public let pValue: Double
    public let confidenceLevel: Double
    /// Fisher-z confidence limits: variance 1/(n−3−controls) for Pearson, (1 + ρ²/2)/(n−3−controls) for
    /// Spearman and 0.437/(n−4) for Kendall (Bonett & Wright 2000). NaN when n is too small for the variance.
    public let confLow: Double
    public let confHigh: Double
}

/// Why a correlation could not be computed.
public enum CorrelationError: Error, Equatable, Sendable, CustomStringConvertible {
    case lengthMismatch(first: Int, second: Int)
    case tooFewObservations(needed: Int, available: Int)
    case nonFiniteValue
    case zeroVariance
    case invalidConfidenceLevel(Double)
    case singularControls
    /// A variable that the controls explain exactly (its residual is rounding noise): no partial correlation exists.
    case explainedByControls
    case unsupportedPartialMethod(CorrelationMethod)
    case tooFewVariables(Int)

    public var description: String {
        switch self {
        case let .lengthMismatch(first, second):
            return "variables have different lengths (\(first) and \(second))"
        case let .tooFewObservations(needed, available):
            return "needs at least \(needed) complete observations, has \(available)"
        case .nonFiniteValue:
            return "values must be finite (drop missing values first)"
        case .zeroVariance:
            return "a variable is constant, so its correlation is undefined"
        case let .invalidConfidenceLevel(level):
            return "confidence level must be strictly between 0 and 1 (got \(level))"
        case .singularControls:
            return "the control variables are collinear (with each other or the intercept)"
        case .explainedByControls:
            return "a variable is a linear function of the controls (what is left after them is rounding noise), so its partial "
                + "correlation is not defined; leave that control out or that variable"
        case let .unsupportedPartialMethod(method):
            return "partial correlations are available for pearson and spearman, not \(method.rawValue)"
        case let .tooFewVariables(count):
            return "a correlation matrix needs at least two variables (got \(count))"
        }
    }
}
