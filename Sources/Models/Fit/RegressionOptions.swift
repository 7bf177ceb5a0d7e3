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
    /// IRLS convergence: |dev − dev_old| / (|dev| + 0.1) < epsilon, as R's glm.control (default 1e-8, R's
    /// default; values below 1e-10 count as 1e-10). It decides convergence and the reported iteration count;
    /// the estimates are then polished to the rounding floor whatever epsilon is (docs/models.md).
    public var epsilon: Double
    public var maxIterations: Int
    /// Codings fixed by an earlier fit (per-site fits, bootstrap refits): the design has exactly that fit's
    /// columns, a level absent from these rows gives an all-zero (aliased) column, and an unseen level is an error.
    public var schema: ModelSchema?
    /// OLS: also compute hat values and standardized residuals (a second pass over the rows; for diagnostics).
    public var diagnostics: Bool
    /// Logit with a two-level text outcome: the level modelled as the event. Nil takes the second level in
    /// sorted order, as R's glm does with a factor outcome.
    public var event: String?

    public init(level: Double = 0.95, covariance: CovarianceKind = .classical, references: [String: String] = [:],
                standardize: Bool = false, offset: String? = nil, epsilon: Double = 1e-8, maxIterations: Int = 100,
                event: String? = nil, schema: ModelSchema? = nil, diagnostics: Bool = false) {
        self.level = level
        self.covariance = covariance
        self.references = references
        self.standardize = standardize
        self.offset = offset
        self.epsilon = epsilon
        self.maxIterations = maxIterations
        self.schema = schema
        self.diagnostics = diagnostics
        self.event = event
    }
}
