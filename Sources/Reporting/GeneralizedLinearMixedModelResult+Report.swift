import DataTable
import Models
import Optimization
import Output
import Privacy

/// `fit logit|poisson` with random effects: JSON as `fit lmm` (DESIGN.md §7: `coefficients` with `df` (null: Wald z
/// tests), `random_effects`, `groups`, `icc`, `fit` with `method`, `deviance`, `singular`, `optimizer`), plus
/// `fit.overdispersion` for Poisson; the fixed-effects and variance-component tables and the coefficient plot.
extension GeneralizedLinearMixedModelResult {
    public func report(exponentiate: Bool, data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        let terms = TermLabels(labels, schema: schema)
        return Report(json: json(exponentiate: exponentiate, data: data, terms: terms),
                      tables: tables(exponentiate: exponentiate, data: data, terms: terms),
                      plots: [coefficientPlot(exponentiate: exponentiate, terms: terms)], warnings: warnings)
    }

    /// "Laplace" or "AGQ(10)".
    public var methodName: String { quadraturePoints == 1 ? "Laplace" : "AGQ" }

    public var methodDescription: String {
        quadraturePoints == 1 ? "the Laplace approximation (as glmer's default nAGQ = 1)"
            : "adaptive Gauss–Hermite quadrature with \(quadraturePoints) points (as glmer's nAGQ = \(quadraturePoints))"
    }

    private var ratioName: String { family == .logit ? "Odds ratio" : "Rate ratio" }

    private func json(exponentiate: Bool, data: DataProvenance, terms: TermLabels) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let coefficients: [JSONValue] = self.coefficients.map { c in
            var fields: [(String, JSONValue)] = [("term", .string(c.term))]
            if let label = terms.label(c.term) { fields.append(("label", .string(label))) }
            fields += [("estimate", number(c.estimate)), ("std_error", number(c.stdError)), ("df", .null),
                       ("statistic", number(c.statistic)), ("p_value", number(c.pValue)),
                       ("conf_low", number(c.confLow)), ("conf_high", number(c.confHigh)), ("aliased", .bool(c.aliased))]
            if exponentiate {
                fields += [("exp_estimate", number(c.expEstimate)), ("exp_conf_low", number(c.expConfLow)),
                           ("exp_conf_high", number(c.expConfHigh))]
            }
            return .object(fields)
        }
        let random: [JSONValue] = varianceComponents.map { v in
            if let r = v.correlation {
                return .object([("group", .string(v.group)), ("terms", .array(v.terms.map { .string($0) })), ("correlation", number(r))])
            }
            var fields: [(String, JSONValue)] = [("group", .string(v.group))]
            if let term = v.terms.first { fields.append(("term", .string(term))) }
            return .object(fields + [("variance", number(v.variance)), ("std_dev", number(v.standardDeviation))])
        }
        let groups: [JSONValue] = self.groups.map { .object([("group", .string($0.group)), ("levels", .integer($0.levels))]) }
        let icc: [JSONValue] = intraclassCorrelations.map { i in
            .object([("group", .string(i.group)), ("estimate", number(i.estimate)), ("scale", .string("latent")),
                     ("conf_low", number(i.confLow)), ("conf_high", number(i.confHigh)), ("method", .string(i.method))])
        }
        var fit: [(String, JSONValue)] = [
            ("method", .string(methodName)), ("nagq", .integer(quadraturePoints)), ("deviance", number(deviance)),
            ("log_likelihood", number(logLikelihood)), ("aic", number(aic)), ("bic", number(bic)), ("npar", .integer(parameterCount)),
            ("singular", .bool(singular)), ("theta", .array(theta.map { number($0) })),
            ("optimizer", optimizer.json), ("optimizer_stage1", stageOne.json),
        ]
        if let o = overdispersion {
            fit.append(("overdispersion", .object([("pearson_chisq", number(o.pearsonChiSquared)), ("df", .integer(o.degreesOfFreedom)),
                                                   ("ratio", number(o.ratio)), ("p_value", number(o.pValue))])))
        }
        var top: [(String, JSONValue)] = [("model", .string(family.rawValue)), ("formula", .string(formula)),
                                          ("data", data.json(used: rowsUsed))]
        if let event { top.append(("event", .string(event.level))) }
        if let failures { top.append(("trials", .string("cbind: successes and failures (\(failures))"))) }
        let estimable = coefficients.indices.filter { !self.coefficients[$0].aliased }.map { self.coefficients[$0].term }
        top += [("vcov", .string("hessian")), ("level", .number(confidenceLevel)), ("coefficients", .array(coefficients)),
                ("random_effects", .array(random)), ("groups", .array(groups)), ("icc", .array(icc)), ("fit", .object(fit)),
                ("warnings", .array(warnings.map { .string($0) })), ("schema", schema.json),
                ("covariance_matrix", SavedRegression.covarianceJSON(terms: estimable, covariance))]
        return .object(top)
    }

    private func tables(exponentiate: Bool, data: DataProvenance, terms: TermLabels) -> [ResultTable] {
        let percent = PlotNumber.percent(confidenceLevel)
        var columns = [TableColumn("Term"), TableColumn("Estimate", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3)),
                       TableColumn("z", kind: .decimal(2)), TableColumn("p", kind: .pValue), TableColumn("\(percent) CI", kind: .interval(3))]
        if exponentiate {
            columns += [TableColumn(family == .logit ? "OR" : "IRR", kind: .decimal(3)), TableColumn("\(percent) CI (exp)", kind: .interval(3))]
        }
        let rows: [[Cell]] = coefficients.map { c in
            var row: [Cell] = [.text(c.aliased ? "\(terms.display(c.term)) (aliased)" : terms.display(c.term)), .number(c.estimate),
                               .number(c.stdError), .number(c.statistic), .number(c.pValue), .interval(c.confLow, c.confHigh)]
            if exponentiate { row += [.number(c.expEstimate), .interval(c.expConfLow, c.expConfHigh)] }
            return row
        }
        func fixed(_ x: Double, _ places: Int) -> String { NumberFormat.fixed(x, places: places) }
        let groupText = groups.map { "\($0.levels) \($0.group)" }.joined(separator: ", ")
        let kind = family == .logit ? "Logistic" : "Poisson"
        var notes = ["\(data.file): \(rowsUsed) of \(rowsRead) rows used (\(rowsRead - rowsUsed) dropped for missing values); groups: \(groupText).",
                     "\(kind) GLMM fitted by \(methodDescription); Wald z tests and intervals with standard errors from the Hessian of the "
                        + "deviance in (θ, β) (as glmer's default use.hessian = TRUE).",
                     "Deviance = \(fixed(deviance, 2)), log-likelihood = \(fixed(logLikelihood, 2)), AIC = \(fixed(aic, 2)), "
                        + "BIC = \(fixed(bic, 2)) (\(parameterCount) parameters).",
                     "Optimizer: stage 1 (θ, β inside PIRLS) \(stageOne.evaluations) evaluations; stage 2 (θ, β) "
                        + (optimizer.algorithm == .newtonRaphson
                            ? "\(optimizer.iterations ?? 0) Newton step\(optimizer.iterations == 1 ? "" : "s")"
                            : "BOBYQA \(optimizer.evaluations) evaluations, \(optimizer.stopReason)")
                        + (optimizer.notes.isEmpty ? "" : "; " + optimizer.notes.joined(separator: "; ")) + "."]
        if let event {
            notes.append("Outcome coded 1 = \(event.level), 0 = \(event.otherLevel)"
                         + (event.chosen ? " (--event)." : " (\(event.defaultRule), as R; choose with --event)."))
        }
        if let failures { notes.append("Binomial outcome with trials: successes out of successes + failures (\(failures)).") }
        if exponentiate {
            notes.append("\(family == .logit ? "OR: odds ratio" : "IRR: incidence rate ratio") (exp of the estimate), conditional on the random effects.")
        }
        if singular { notes.append("Singular fit: a variance is estimated at zero or a correlation at ±1 (lme4's isSingular).") }
        let fixedTable = ResultTable(title: "\(kind) GLMM fixed effects: \(formula)", columns: columns, rows: rows, notes: notes)

        let randomColumns = [TableColumn("Group"), TableColumn("Effect"), TableColumn("Variance", kind: .estimate(3)),
                             TableColumn("SD", kind: .estimate(3)), TableColumn("Correlation", kind: .bounded(2))]
        let randomRows: [[Cell]] = varianceComponents.map { v in
            if let r = v.correlation {
                return [.text(terms.display(v.group)), .text(v.terms.map(terms.display).joined(separator: " × ")), .number(nil), .number(nil), .number(r)]
            }
            return [.text(terms.display(v.group)), .text(v.terms.first.map(terms.display) ?? ""), .number(v.variance),
                    .number(v.standardDeviation), .number(nil)]
        }
        var randomNotes = ["Variances on the \(family == .logit ? "log-odds" : "log-rate") scale; there is no residual variance in a "
                           + "\(family == .logit ? "binomial" : "Poisson") model."]
        for i in intraclassCorrelations {
            randomNotes.append("Latent-scale ICC(\(i.group)) = \(NumberFormat.bounded(i.estimate, places: 3)): \(i.method).")
        }
        if let o = overdispersion {
            randomNotes.append("Overdispersion: Pearson χ² = \(fixed(o.pearsonChiSquared, 2)) on \(o.degreesOfFreedom) df, ratio "
                               + "\(fixed(o.ratio, 3)) (about 1 for Poisson counts; p = \(NumberFormat.pValue(o.pValue))).")
        }
        let randomTable = ResultTable(title: "\(kind) GLMM variance components", columns: randomColumns, rows: randomRows, notes: randomNotes)
        return [fixedTable, randomTable]
    }

    /// The fixed effects (without the intercept) with their intervals; odds or rate ratios on a log axis with --exponentiate.
    public func coefficientPlot(exponentiate: Bool, terms: TermLabels) -> Plot {
        let shown = coefficients.filter { !$0.aliased && $0.term != "(Intercept)" && $0.estimate != nil }
        let positions = shown.indices.map(Double.init)
        let percent = PlotNumber.percent(confidenceLevel)
        let estimates = shown.map { (exponentiate ? $0.expEstimate : $0.estimate) ?? .nan }
        let low = shown.map { (exponentiate ? $0.expConfLow : $0.confLow) ?? .nan }
        let high = shown.map { (exponentiate ? $0.expConfHigh : $0.confHigh) ?? .nan }
        let name = exponentiate ? ratioName : "Estimate"
        let summary = zip(shown, estimates).map { "\(terms.display($0.term)) \(NumberFormat.fixed($1, places: 3))" }.joined(separator: "; ")
        return Plot(title: "GLMM (\(family.rawValue)): \(formula)",
                    description: "Coefficient plot of \(shown.count) fixed effects with \(percent) Wald intervals: \(summary).",
                    x: exponentiate ? .log10("\(name) (\(percent) CI)", including: [1]) : .linear("\(name) (\(percent) CI)", including: [0]),
                    y: .categorical(nil, shown.map { terms.display($0.term) }),
                    layers: [
                        Layer(.reference(.vertical(x: exponentiate ? 1 : 0)), style: MarkStyle(color: Color.okabeIto[7], dash: .dashed)),
                        Layer(.intervals(positions: positions, low: low, high: high, orientation: .horizontal, capSize: 4),
                              style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: estimates, y: positions), style: MarkStyle(color: Color.okabeIto[4])),
                    ],
                    height: max(200, 80 + 28 * Double(shown.count)), idPrefix: "glmm")
    }

    /// The conditional modes as a table for `--ranef FILE.csv` (the same columns as `fit lmm`).
    public func conditionalModesTable() -> ResultTable {
        ConditionalModePlots.table(conditionalModes, formula: formula)
    }

    /// Caterpillar plots of the conditional modes, named as `fit lmm`'s.
    public func caterpillarPlots(minimumLabelledRows: Int = SmallCellSuppressor.defaultMinimum) -> [(name: String, plot: Plot)] {
        ConditionalModePlots.caterpillars(conditionalModes, formula: formula, minimumLabelledRows: minimumLabelledRows)
    }
}
