/// Options shared by every regression fit.
public struct RegressionOptions: Sendable, Equatable {
    /// Confidence level of the intervals, strictly between 0 and 1.
    public var level: Double
    public var covariance: CovarianceKind
    /// Reference level per categorical column (`--ref site=north`); default is the first level in sorted order.
    public var references: [String: String]
    /// Also report standardized coefficients (`RegressionResult.standardizedCoefficients`).
    ///
    /// Convention: every design column from a numeric variable (including transformations and
    /// numeric × numeric products) is scaled by its sample SD over the rows used; columns whose term
    /// involves a categorical variable are left in indicator units; the intercept is not reported.
    /// OLS also scales the outcome by its SD (β = b·sd(x)/sd(y)); GLMs scale predictors only
    /// (b·sd(x), change in log-odds or log-rate per SD). Standard errors and limits scale the same
    /// way, so statistics and p-values are unchanged.
    public var standardize: Bool
    /// An offset on the linear-predictor scale, as an arithmetic expression in formula syntax (e.g.
    /// `log(sessions_offered)`), added to any `offset()` terms of the formula, as R's `offset =` argument of
    /// `lm` and `glm`. Rows where it is missing are dropped with the model's other missing values.
    public var offset: String?
    /// IRLS convergence: |dev − dev_old| / (|dev| + 0.1) < epsilon, as R's glm.control.
    public var epsilon: Double
    public var maxIterations: Int

    public init(level: Double = 0.95, covariance: CovarianceKind = .classical, references: [String: String] = [:],
                standardize: Bool = false, offset: String? = nil, epsilon: Double = 1e-15, maxIterations: Int = 100) {
        self.level = level
        self.covariance = covariance
        self.references = references
        self.standardize = standardize
        self.offset = offset
        self.epsilon = epsilon
        self.maxIterations = maxIterations
    }
}
