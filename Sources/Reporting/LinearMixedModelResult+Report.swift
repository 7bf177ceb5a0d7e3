import DataTable
import Models
import Optimization
import Output

/// `fit lmm`: fixed effects with their df (JSON per DESIGN.md §7: `coefficients` with `df`, `random_effects`,
/// `groups`, `icc`, `fit` with `method`, the criterion, `singular` and `optimizer`), the APA tables of fixed
/// effects and variance components, and the coefficient plot.
extension LinearMixedModelResult {
    public func report(data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        let terms = TermLabels(labels, schema: schema)
        return Report(json: json(data: data, terms: terms), tables: tables(data: data, terms: terms),
                      plots: [coefficientPlot(terms: terms)], warnings: warnings)
    }

    /// How the fixed-effects df were found, in words.
    public var dfDescription: String {
        if let robust = clusterRobust {
            return "CR2 cluster-robust standard errors by \(robust.column) with their Satterthwaite degrees of freedom (as clubSandwich)"
        }
        switch dfMethod {
        case .satterthwaite: return "Satterthwaite degrees of freedom (as lmerTest)"
        case .kenwardRoger: return "Kenward–Roger degrees of freedom and adjusted standard errors (as pbkrtest)"
        case .residual: return "residual degrees of freedom n − p"
        }
    }

    public var methodName: String { reml ? "REML" : "ML" }

    private func json(data: DataProvenance, terms: TermLabels) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let coefficients: [JSONValue] = self.coefficients.map { c in
            var fields: [(String, JSONValue)] = [("term", .string(c.term))]
            if let label = terms.label(c.term) { fields.append(("label", .string(label))) }
            fields += [("estimate", number(c.estimate)), ("std_error", number(c.stdError)),
                       ("df", number(c.df)), ("statistic", number(c.statistic)), ("p_value", number(c.pValue)),
                       ("conf_low", number(c.confLow)), ("conf_high", number(c.confHigh)), ("aliased", .bool(c.aliased))]
            return .object(fields)
        }
        let random: [JSONValue] = varianceComponents.map { v in
            // The interval (of the SD, or of the correlation) where one was computed: conf_method "profile".
            var interval: [(String, JSONValue)] = []
            if let method = v.confMethod {
                interval = [("conf_low", number(v.confLow)), ("conf_high", number(v.confHigh)), ("conf_method", .string(method))]
            }
            if let r = v.correlation {
                return .object([("group", .string(v.group)), ("terms", .array(v.terms.map { .string($0) })), ("correlation", number(r))] + interval)
            }
            var fields: [(String, JSONValue)] = [("group", .string(v.group))]
            if let term = v.terms.first { fields.append(("term", .string(term))) }
            fields += [("variance", number(v.variance)), ("std_dev", number(v.standardDeviation))]
            return .object(fields + interval)
        }
        let groups: [JSONValue] = self.groups.map { .object([("group", .string($0.group)), ("levels", .integer($0.levels))]) }
        let icc: [JSONValue] = intraclassCorrelations.map { i in
            .object([("group", .string(i.group)), ("estimate", number(i.estimate)), ("conf_low", number(i.confLow)),
                     ("conf_high", number(i.confHigh)), ("method", .string(i.method))])
        }
        let fit: [(String, JSONValue)] = [
            ("method", .string(methodName)), (reml ? "reml_criterion" : "deviance", number(objective)),
            ("log_likelihood", number(logLikelihood)), ("aic", number(aic)), ("bic", number(bic)), ("npar", .integer(parameterCount)),
            ("sigma", number(sigma)), ("df_method", .string(dfMethod.rawValue)), ("singular", .bool(singular)),
            ("theta", .array(theta.map { number($0) })), ("optimizer", optimizer.json),
        ]
        let estimable = zip(coefficients, self.coefficients).filter { !$0.1.aliased }.map { $0.1.term }
        var robust: [(String, JSONValue)] = []
        if let r = clusterRobust { robust = [("vcov", .string("cluster-cr2:\(r.column)")), ("clusters", .integer(r.clusters))] }
        return .object([
            ("model", .string("lmm")), ("formula", .string(formula)), ("data", data.json(used: rowsUsed)),
            ("level", .number(confidenceLevel)), ("coefficients", .array(coefficients)), ("random_effects", .array(random)),
            ("groups", .array(groups)), ("icc", .array(icc)), ("fit", .object(fit)),
        ] + robust + [
            ("warnings", .array(warnings.map { .string($0) })), ("schema", schema.json),
            ("covariance_matrix", SavedRegression.covarianceJSON(terms: estimable, covariance)),
        ])
    }

    private func tables(data: DataProvenance, terms: TermLabels) -> [ResultTable] {
        let percent = PlotNumber.percent(confidenceLevel)
        let fixedColumns = [TableColumn("Term"), TableColumn("Estimate", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3)),
                            TableColumn("df", kind: .decimal(1)), TableColumn("t", kind: .decimal(2)), TableColumn("p", kind: .pValue),
                            TableColumn("\(percent) CI", kind: .interval(3))]
        let fixedRows: [[Cell]] = coefficients.map { c in
            [.text(c.aliased ? "\(terms.display(c.term)) (aliased)" : terms.display(c.term)), .number(c.estimate), .number(c.stdError), .number(c.df),
             .number(c.statistic), .number(c.pValue), .interval(c.confLow, c.confHigh)]
        }
        func fixed(_ x: Double, _ places: Int) -> String { NumberFormat.fixed(x, places: places) }
        let groupText = groups.map { "\($0.levels) \($0.group)" }.joined(separator: ", ")
        var notes = ["\(data.file): \(rowsUsed) of \(rowsRead) rows used (\(rowsRead - rowsUsed) dropped for missing values); groups: \(groupText).",
                     "Fitted by \(methodName) (lme4's profiled criterion); t tests and intervals on \(dfDescription).",
                     (reml ? "REML criterion" : "Deviance") + " = \(fixed(objective, 2)), log-likelihood = \(fixed(logLikelihood, 2)), "
                        + "AIC = \(fixed(aic, 2)), BIC = \(fixed(bic, 2)) (\(parameterCount) parameters)."]
        if let r = clusterRobust {
            notes.append("Standard errors: CR2 cluster-robust by \(terms.display(r.column)) (\(r.clusters) clusters, largest \(r.largestCluster) rows), "
                         + "with the fitted model's marginal covariance as the working model and Satterthwaite degrees of freedom per "
                         + "coefficient (clubSandwich's coef_test(vcov = \"CR2\")); robust to a misspecified covariance within clusters.")
        }
        if singular { notes.append("Singular fit: a variance is estimated at zero or a correlation at ±1 (lme4's isSingular).") }
        let fixedTable = ResultTable(title: "LMM fixed effects: \(formula)", columns: fixedColumns, rows: fixedRows, notes: notes)

        let profiled = varianceComponents.contains { $0.confMethod != nil }
        var randomColumns = [TableColumn("Group"), TableColumn("Effect"), TableColumn("Variance", kind: .estimate(3)),
                             TableColumn("SD", kind: .estimate(3)), TableColumn("Correlation", kind: .bounded(2))]
        if profiled { randomColumns.append(TableColumn("\(percent) CI", kind: .interval(3))) }
        let randomRows: [[Cell]] = varianceComponents.map { v in
            var row: [Cell]
            if let r = v.correlation {
                row = [.text(terms.display(v.group)), .text(v.terms.map(terms.display).joined(separator: " × ")), .number(nil), .number(nil), .number(r)]
            } else {
                row = [.text(v.group == "Residual" ? v.group : terms.display(v.group)), .text(v.terms.first.map(terms.display) ?? ""),
                       .number(v.variance), .number(v.standardDeviation), .number(nil)]
            }
            if profiled { row.append(.interval(v.confLow, v.confHigh)) }
            return row
        }
        var randomNotes: [String] = []
        if profiled {
            randomNotes.append("\(percent) CIs of the SDs and correlations are profile-likelihood intervals (as lme4's confint(method = \"profile\"), "
                               + "ends solved exactly)" + (reml ? "; as in lme4 they profile the ML deviance, so they centre on the ML estimates rather than "
                                                           + "the REML estimates shown." : "."))
        }
        let adjusted = coefficients.contains { $0.term != "(Intercept)" }
        for i in intraclassCorrelations {
            var text = "ICC(\(i.group)) = \(NumberFormat.bounded(i.estimate, places: 3))"
            if let low = i.confLow, let high = i.confHigh {
                text += " [\(NumberFormat.bounded(low, places: 3)), \(NumberFormat.bounded(high, places: 3))]"
            }
            if adjusted {
                text += " — the conditional ICC: the proportion of outcome variance due to \(i.group) after case-mix (the fixed effects)"
            }
            randomNotes.append(text + ". Interval: \(i.method).")
        }
        let randomTable = ResultTable(title: "LMM variance components", columns: randomColumns, rows: randomRows, notes: randomNotes)
        return [fixedTable, randomTable]
    }

    /// The fixed effects (without the intercept) with their intervals.
    public func coefficientPlot(terms: TermLabels) -> Plot {
        let shown = coefficients.filter { !$0.aliased && $0.term != "(Intercept)" && $0.estimate != nil }
        let positions = shown.indices.map(Double.init)
        let percent = PlotNumber.percent(confidenceLevel)
        let summary = shown.map { "\(terms.display($0.term)) \($0.estimate.map { NumberFormat.fixed($0, places: 3) } ?? "—")" }.joined(separator: "; ")
        return Plot(title: ModelWords.title(model: "lmm", formula: formula, labels: terms.labels),
                    description: "Coefficient plot of \(shown.count) fixed effects with \(percent) confidence intervals (\(dfDescription)): \(summary).",
                    x: .linear("Estimate (\(percent) CI)", including: [0]), y: .categorical(nil, shown.map { terms.display($0.term) }),
                    layers: [
                        Layer(.reference(.vertical(x: 0)), style: MarkStyle(color: Color.okabeIto[7], dash: .dashed)),
                        Layer(.intervals(positions: positions, low: shown.map { $0.confLow ?? .nan }, high: shown.map { $0.confHigh ?? .nan },
                                         orientation: .horizontal, capSize: 4), style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: shown.map { $0.estimate ?? .nan }, y: positions), style: MarkStyle(color: Color.okabeIto[4])),
                    ],
                    height: max(200, 80 + 28 * Double(shown.count)), idPrefix: "lmm")
    }
}

extension LinearMixedModelResult {
    /// The conditional modes (lme4's `ranef(condVar = TRUE)`) as a table for `--ranef FILE.csv`: one row per group,
    /// level and effect, with the conditional SD and the level's number of rows.
    public func conditionalModesTable() -> ResultTable {
        ConditionalModePlots.table(conditionalModes, formula: formula)
    }
}
