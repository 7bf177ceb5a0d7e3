import DataTable
import Models
import Output

/// `fit`: the coefficient table (JSON per DESIGN.md §7 and the APA text table), the fit statistics, the schema and
/// covariance matrix `predict` reads back, and the coefficient plot. Diagnostic plots are in
/// `RegressionResult+Diagnostics.swift`.
extension RegressionResult {
    /// `exponentiate`, `standardize` and `offset` are what the user asked for (the JSON echoes the offset).
    /// `labels` name the variables in the table and plot (`TermLabels`); the JSON keeps each term and adds its
    /// `label` where it has one.
    public func report(exponentiate: Bool, standardize: Bool, offset: String?, data: DataProvenance,
                       labels: VariableLabels = VariableLabels()) -> Report {
        let terms = TermLabels(labels, schema: schema)
        return Report(json: json(exponentiate: exponentiate, offset: offset, data: data, terms: terms),
                      tables: tables(exponentiate: exponentiate, standardize: standardize, offset: offset, data: data, terms: terms),
                      plots: [coefficientPlot(exponentiate: exponentiate, labels: labels)], warnings: warnings)
    }

    /// Forest-style plot of the estimable non-intercept coefficients with their intervals; on the ratio
    /// scale (log axis, reference 1) with --exponentiate, else on the coefficient scale (reference 0).
    public func coefficientPlot(exponentiate: Bool, labels: VariableLabels = VariableLabels()) -> Plot {
        let r = self
        let terms = TermLabels(labels, schema: schema)
        let shown = r.coefficients.filter { !$0.aliased && $0.term != "(Intercept)" && $0.estimate != nil }
        let ratio = exponentiate && r.model != .ols
        let estimates = shown.map { ratio ? ($0.expEstimate ?? .nan) : ($0.estimate ?? .nan) }
        let low = shown.map { ratio ? ($0.expConfLow ?? .nan) : ($0.confLow ?? .nan) }
        let high = shown.map { ratio ? ($0.expConfHigh ?? .nan) : ($0.confHigh ?? .nan) }
        let positions = shown.indices.map(Double.init)
        let percent = PlotNumber.percent(r.level)
        let name = ratio ? (r.model == .logit ? "Odds ratio" : "Rate ratio") : "Estimate"
        let x: Axis = ratio ? .log10("\(name) (\(percent) CI)", including: [1]) : .linear("\(name) (\(percent) CI)", including: [0])
        let names = shown.map { terms.display($0.term) }
        let summary = zip(shown, names).map { c, name -> String in
            let e = ratio ? c.expEstimate : c.estimate
            return "\(name) \(e.map { NumberFormat.fixed($0, places: 3) } ?? "—")"
        }.joined(separator: "; ")
        return Plot(title: ModelWords.title(model: r.model.rawValue, formula: r.formula, labels: labels),
                    description: "Coefficient plot of \(shown.count) terms with \(percent) confidence intervals"
                        + " (\(r.covariance.reportDescription) standard errors): \(summary).",
                    x: x, y: .categorical(nil, names),
                    layers: [
                        Layer(.reference(ratio ? .vertical(x: 1) : .vertical(x: 0)),
                              style: MarkStyle(color: Color.okabeIto[7], dash: .dashed)),
                        Layer(.intervals(positions: positions, low: low, high: high, orientation: .horizontal, capSize: 4),
                              style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: estimates, y: positions), style: MarkStyle(color: Color.okabeIto[4])),
                    ],
                    // Long (labelled) terms widen the figure instead of squeezing the panel below about 380 px.
                    width: max(640, 380 + (names.map(Plot.estimatedTickLabelWidth).max() ?? 0)),
                    height: max(200, 80 + 28 * Double(shown.count)), idPrefix: "fit")
    }

    private func json(exponentiate: Bool, offset: String?, data: DataProvenance, terms: TermLabels) -> JSONValue {
        let r = self
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let standardized = r.standardizedCoefficients
        let coefficients: [JSONValue] = r.coefficients.enumerated().map { k, c in
            var fields: [(String, JSONValue)] = [("term", .string(c.term))]
            if let label = terms.label(c.term) { fields.append(("label", .string(label))) }
            fields += [
                ("estimate", number(c.estimate)), ("std_error", number(c.stdError)),
                ("statistic", number(c.statistic)), ("p_value", number(c.pValue)),
                ("conf_low", number(c.confLow)), ("conf_high", number(c.confHigh)), ("aliased", .bool(c.aliased)),
            ]
            if r.covariance.hasCoefficientDF { fields.append(("df", number(c.df))) }
            if exponentiate {
                fields += [("exp_estimate", number(c.expEstimate)), ("exp_conf_low", number(c.expConfLow)),
                           ("exp_conf_high", number(c.expConfHigh))]
            }
            if let s = standardized?[k] {
                fields += [("beta", number(s.estimate)), ("beta_std_error", number(s.stdError)),
                           ("beta_conf_low", number(s.confLow)), ("beta_conf_high", number(s.confHigh))]
            }
            return .object(fields)
        }
        let f = r.fit
        var fit: [(String, JSONValue)] = []
        if r.model == .ols {
            fit += [("r_squared", number(f.rSquared)), ("adj_r_squared", number(f.adjRSquared)), ("sigma", number(f.sigma)),
                    ("f_statistic", number(f.fStatistic)), ("f_p_value", number(f.fPValue))]
            if r.covariance != .classical {
                fit += [("wald_f_statistic", number(f.waldFStatistic)), ("wald_f_p_value", number(f.waldFPValue))]
            }
        }
        fit += [("df_model", .integer(f.dfModel)), ("df_residual", .integer(f.dfResidual)),
                ("log_likelihood", number(f.logLikelihood)), ("aic", number(f.aic)), ("bic", number(f.bic))]
        if r.model != .ols {
            fit += [("deviance", number(f.deviance)), ("null_deviance", number(f.nullDeviance)),
                    ("iterations", f.iterations.map { .integer($0) } ?? .null), ("converged", f.converged.map { .bool($0) } ?? .null)]
        }
        if r.model == .negbin {
            fit += [("theta", number(f.theta)), ("theta_std_error", number(f.thetaStdError))]
        }
        var top: [(String, JSONValue)] = [
            ("model", .string(r.model.rawValue)), ("formula", .string(r.formula)),
        ] + (offset.map { [("offset", JSONValue.string($0))] } ?? []) + [
            ("data", data.json(used: r.counts.rowsUsed)), ("vcov", .string(r.vcovLabel)),
        ]
        if let clusters = r.clusters { top.append(("clusters", .integer(clusters))) }
        if let event = r.event { top.append(("event", .string(event.level))) }
        top += [("level", .number(r.level)), ("coefficients", .array(coefficients)), ("fit", .object(fit)),
                ("warnings", .array(r.warnings.map { .string($0) })),
                ("schema", r.schema.json),
                ("covariance_matrix", SavedRegression.covarianceJSON(terms: r.estimableTerms, r.vcov))]
        return .object(top)
    }

    private func tables(exponentiate: Bool, standardize: Bool, offset: String?, data: DataProvenance,
                        terms: TermLabels) -> [ResultTable] {
        let r = self
        let perCoefficientDF = r.covariance.hasCoefficientDF
        let statisticName = r.model == .ols || perCoefficientDF ? "t" : "z"
        let percent = PlotNumber.percent(r.level)
        var columns = [TableColumn("Term"), TableColumn("Estimate", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3)),
                       TableColumn(statisticName, kind: .decimal(2))]
        if perCoefficientDF { columns.append(TableColumn("df", kind: .decimal(1))) }
        columns += [TableColumn("p", kind: .pValue), TableColumn("\(percent) CI", kind: .interval(3))]
        let ratio = r.model == .logit ? "OR" : "IRR"
        if exponentiate {
            columns += [TableColumn(r.model == .ols ? "exp(b)" : ratio, kind: .estimate(3)),
                        TableColumn("\(percent) CI (exp)", kind: .interval(3))]
        }
        if standardize { columns.append(TableColumn("β", kind: .bounded(2))) }
        let rows: [[Cell]] = r.coefficients.enumerated().map { k, c in
            let term = terms.display(c.term)
            var row: [Cell] = [.text(c.aliased ? "\(term) (aliased)" : term), .number(c.estimate), .number(c.stdError),
                               .number(c.statistic)]
            if perCoefficientDF { row.append(.number(c.df)) }
            row += [.number(c.pValue), .interval(c.confLow, c.confHigh)]
            if exponentiate { row += [.number(c.expEstimate), .interval(c.expConfLow, c.expConfHigh)] }
            if standardize { row.append(.number(r.standardizedCoefficients?[k].estimate)) }
            return row
        }
        let f = r.fit
        var notes = ["\(data.file): \(r.counts.rowsUsed) of \(r.counts.rowsRead) rows used (\(r.counts.rowsDropped) dropped for missing values).",
                     "Standard errors: \(r.covariance.reportDescription)"
                        + (r.clusters.map { ", \($0) clusters." } ?? ".")]
        if perCoefficientDF {
            notes.append("CR2: t tests and intervals on Satterthwaite degrees of freedom per coefficient (df column), "
                         + "as clubSandwich's coef_test and conf_int; with few or unbalanced clusters df can be far below the cluster count.")
        }
        if let outcome = try? schema.parsedFormula().outcome, let label = Self.outcomeLabel(outcome, terms.labels) {
            notes.append("Outcome: \(label) (\(outcome.label)).")
        }
        if let event = r.event {
            notes.append("Outcome coded 1 = \(event.level), 0 = \(event.otherLevel)"
                         + (event.chosen ? " (--event)." : " (\(event.defaultRule), as R; choose with --event)."))
        }
        if let offset { notes.append("Offset: \(offset) (added to the linear predictor with coefficient 1).") }
        func fixed(_ x: Double?, _ places: Int) -> String { x.map { NumberFormat.fixed($0, places: places) } ?? "—" }
        switch r.model {
        case .ols:
            notes.append("R² = \(f.rSquared.map { NumberFormat.bounded($0, places: 3) } ?? "—"), adjusted R² = \(f.adjRSquared.map { NumberFormat.bounded($0, places: 3) } ?? "—"), "
                         + "F(\(f.dfModel), \(f.dfResidual)) = \(fixed(f.fStatistic, 2)), p \(ReportText.pEquals(f.fPValue))"
                         + (r.covariance == .classical ? "" : " (classical, as summary(lm))")
                         + ", σ = \(fixed(f.sigma, 3)).")
            if perCoefficientDF {
                notes.append("No robust overall F test is reported under CR2 (it would need clubSandwich's HTZ Wald test).")
            } else if r.covariance != .classical, let wald = f.waldFStatistic {
                notes.append("Robust Wald test of all slopes: F(\(f.dfModel), \(f.dfResidual)) = \(fixed(wald, 2)), p \(ReportText.pEquals(f.waldFPValue)) (as lmtest::waldtest with the same covariance).")
            }
        case .logit, .poisson, .negbin:
            notes.append("Deviance = \(fixed(f.deviance, 2)) on \(f.dfResidual) df (null \(fixed(f.nullDeviance, 2)) on \(f.dfNull ?? 0) df), "
                         + "\(f.iterations ?? 0) IRLS iterations.")
            if r.model == .negbin { notes.append("θ = \(fixed(f.theta, 3)) (SE \(fixed(f.thetaStdError, 3))).") }
        }
        notes.append("Log-likelihood = \(fixed(f.logLikelihood, 2)), AIC = \(fixed(f.aic, 2)), BIC = \(fixed(f.bic, 2)).")
        if standardize {
            notes.append(r.model == .ols
                ? "β: numeric predictors and the outcome per SD; indicator columns per unit, outcome per SD."
                : "β: change on the link scale per SD of numeric predictors; indicator columns per unit.")
        }
        return [ResultTable(title: "\(r.model.rawValue.uppercased()): \(r.formula)", columns: columns, rows: rows, notes: notes)]
    }
}

extension RegressionResult {
    /// The label of the outcome as written (`log(y)` only under that name), or of the column it is.
    static func outcomeLabel(_ outcome: FormulaVariable, _ labels: VariableLabels) -> String? {
        if let own = labels[outcome.label] { return own }
        if case .column(let column) = outcome.kind { return labels[column] }
        return nil
    }
}

extension CovarianceKind {
    /// How the standard errors were computed, in words.
    public var reportDescription: String {
        switch self {
        case .classical: return "classical (model-based)"
        case .robust(let t): return "heteroskedasticity-robust \(t.rawValue.uppercased())"
        case .cluster(let column): return "cluster-robust by \(column) (HC1, cluster-adjusted)"
        case .clusterCR2(let column): return "cluster-robust by \(column) (CR2 bias-reduced, Satterthwaite df)"
        }
    }
}

/// Phrases shared by report notes.
public enum ReportText {
    /// "= .032" or "< .001": a p-value after its symbol in a sentence.
    public static func pEquals(_ p: Double?) -> String {
        guard let p else { return "= —" }
        let s = NumberFormat.pValue(p)
        return s.hasPrefix("<") ? s : "= \(s)"
    }

    static func covarianceDescription(_ c: CovarianceKind) -> String {
        switch c {
        case .classical: return "classical (model-based)"
        case .robust(let t): return "heteroskedasticity-robust \(t.rawValue.uppercased())"
        case .cluster(let column): return "cluster-robust by \(column) (HC1, cluster-adjusted)"
        case .clusterCR2(let column): return "cluster-robust by \(column) (CR2 bias-reduced, Satterthwaite df)"
        }
    }
}

extension OutcomeEvent {
    /// The rule that made `level` the 1 when --event is not given, as R: the second level, which is the second in
    /// sorted order for text, or in the column's own order (value-label codes, --levels) when that order differs.
    var defaultRule: String {
        CategoricalColumn.levelOrder(otherLevel, level) ? "the second level in sorted order"
            : "the second level in the column's order (value-label codes or --levels)"
    }
}
