import DataTable
import Models
import Output

/// `fit cox`: the §7 object (coefficients with hazard ratios, `fit` with the events, concordance and the three
/// tests, `ph_test` with --zph), the APA tables, the hazard-ratio plot and the scaled Schoenfeld residual plots.
extension CoxResult {
    public func report(data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        Report(json: json(data: data), tables: tables(data: data, labels: labels),
               plots: [hazardRatioPlot(labels: labels)], warnings: warnings)
    }

    private var vcovLabel: String { clusterColumn.map { "cluster:\($0)" } ?? "classical" }

    private func json(data: DataProvenance) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        func test(_ t: SurvivalTestStatistic) -> JSONValue {
            .object([("statistic", number(t.statistic)), ("df", .integer(t.degreesOfFreedom)), ("p_value", number(t.pValue))])
        }
        let coefficients: [JSONValue] = self.coefficients.map { c in
            var fields: [(String, JSONValue)] = [
                ("term", .string(c.term)), ("estimate", number(c.estimate)), ("std_error", number(c.standardError)),
                ("statistic", number(c.statistic)), ("p_value", number(c.pValue)), ("conf_low", number(c.confLow)),
                ("conf_high", number(c.confHigh)), ("exp_estimate", number(c.hazardRatio)),
                ("exp_conf_low", number(c.hazardRatioLow)), ("exp_conf_high", number(c.hazardRatioHigh)),
            ]
            if let naive = c.naiveStandardError { fields.append(("naive_std_error", number(naive))) }
            return .object(fields)
        }
        var tests: [(String, JSONValue)] = [("likelihood_ratio", test(likelihoodRatio)), ("wald", test(wald)), ("score", test(score))]
        if let r = robustScore { tests.append(("robust_score", test(r))) }
        let fit: JSONValue = .object([
            ("events", .integer(events)), ("n", .integer(counts.rowsUsed)), ("ties", .string(ties.rawValue)),
            ("counting_process", .bool(countingProcess)), ("strata", .string(strataLabel)), ("strata_levels", .integer(strata)),
            ("log_likelihood", number(logLikelihood)), ("null_log_likelihood", number(logLikelihoodNull)),
            ("concordance", number(concordance?.value)), ("iterations", .integer(iterations)), ("converged", .bool(true)),
            ("tests", .object(tests)),
        ])
        var top: [(String, JSONValue)] = [
            ("model", .string("cox")), ("formula", .string(formula)), ("data", data.json(used: counts.rowsUsed)),
            ("vcov", .string(vcovLabel)),
        ]
        if let clusters { top.append(("clusters", .integer(clusters))) }
        top += [("event", .string(eventLevel)), ("level", .number(level)), ("coefficients", .array(coefficients)), ("fit", fit)]
        if let ph = proportionalHazards {
            top.append(("ph_test", .array(ph.rows.map { r in
                .object([("term", .string(r.term)), ("chisq", number(r.chisq)), ("df", .integer(r.df)), ("p_value", number(r.pValue))])
            })))
        }
        top.append(("warnings", .array(warnings.map { .string($0) })))
        return .object(top)
    }

    private func tables(data: DataProvenance, labels: VariableLabels) -> [ResultTable] {
        let percent = PlotNumber.percent(level)
        let rows: [[Cell]] = coefficients.map { c in
            [.text(labels.display(c.term)), .number(c.hazardRatio), .interval(c.hazardRatioLow, c.hazardRatioHigh),
             .number(c.estimate), .number(c.standardError), .number(c.statistic), .number(c.pValue)]
        }
        let stdErrors = clusterColumn.map { "cluster-robust by \($0) (\(clusters ?? 0) clusters, as coxph's cluster())" } ?? "model-based"
        var notes = [
            "\(data.file): \(counts.rowsUsed) of \(counts.rowsRead) rows used (\(counts.rowsDropped) dropped for missing values); "
                + "\(events) events (event level \(eventLevel))" + (countingProcess ? "; (start, stop] intervals" : "") + ".",
            "Ties: \(ties == .efron ? "Efron" : "Breslow"); standard errors \(stdErrors)"
                + (strataLabel.map { "; stratified by \($0) (\(strata) strata)" } ?? "") + ".",
            (concordance.map { "Concordance \(NumberFormat.fixed($0.value, places: 3)). " } ?? "") + "Likelihood-ratio χ²(\(likelihoodRatio.degreesOfFreedom)) = "
                + "\(NumberFormat.fixed(likelihoodRatio.statistic, places: 2)), \(SurvivalText.p(likelihoodRatio.pValue)); Wald χ²("
                + "\(wald.degreesOfFreedom)) = \(NumberFormat.fixed(wald.statistic, places: 2)), \(SurvivalText.p(wald.pValue)); score χ²("
                + "\(score.degreesOfFreedom)) = \(NumberFormat.fixed(score.statistic, places: 2)), \(SurvivalText.p(score.pValue))"
                + (robustScore.map { "; robust score χ²(\($0.degreesOfFreedom)) = \(NumberFormat.fixed($0.statistic, places: 2)), \(SurvivalText.p($0.pValue))" } ?? "")
                + ".",
        ]
        notes += warnings
        var tables = [ResultTable(
            title: "Cox proportional hazards: \(formula)",
            columns: [TableColumn("Term"), TableColumn("HR", kind: .estimate(3), key: "hazard_ratio"),
                      TableColumn("\(percent) CI", kind: .interval(3), key: "hazard_ratio_ci"),
                      TableColumn("b", kind: .estimate(3), key: "estimate"), TableColumn("SE", kind: .estimate(3), key: "std_error"),
                      TableColumn("z", kind: .decimal(2), key: "statistic"), TableColumn("p", kind: .pValue, key: "p_value")],
            rows: rows, notes: notes)]
        if let ph = proportionalHazards {
            tables.append(ResultTable(
                title: "Proportional-hazards test (scaled Schoenfeld residuals, KM time scale)",
                columns: [TableColumn("Term"), TableColumn("χ²", kind: .decimal(3), key: "chisq"), TableColumn("df", kind: .integer),
                          TableColumn("p", kind: .pValue, key: "p_value")],
                rows: ph.rows.map { r in [.text(r.term == "GLOBAL" ? "GLOBAL" : labels.display(r.term)), .number(r.chisq), .integer(r.df), .number(r.pValue)] },
                notes: ["As survival's cox.zph (version 3): a score test of a time-varying coefficient β(t) = β + θ·g(t), with g = 1 − KM(t−); "
                        + "a small p suggests the hazard ratio changes over follow-up."]))
        }
        return tables
    }

    /// Hazard ratios with their intervals on a log axis, reference 1.
    public func hazardRatioPlot(labels: VariableLabels = VariableLabels()) -> Plot {
        let positions = coefficients.indices.map(Double.init)
        let names = coefficients.map { labels.display($0.term) }
        let percent = PlotNumber.percent(level)
        let summary = zip(coefficients, names).map { "\($1) \(NumberFormat.fixed($0.hazardRatio, places: 3))" }.joined(separator: "; ")
        return Plot(title: "Cox model: \(formula)",
                    description: "Hazard ratios of \(coefficients.count) terms with \(percent) confidence intervals"
                        + (clusterColumn.map { " (cluster-robust by \($0))" } ?? "") + ": \(summary).",
                    x: .log10("Hazard ratio (\(percent) CI)", including: [1]), y: .categorical(nil, names),
                    layers: [
                        Layer(.reference(.vertical(x: 1)), style: MarkStyle(color: Color.okabeIto[7], dash: .dashed)),
                        Layer(.intervals(positions: positions, low: coefficients.map(\.hazardRatioLow),
                                         high: coefficients.map(\.hazardRatioHigh), orientation: .horizontal, capSize: 4),
                              style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: coefficients.map(\.hazardRatio), y: positions), style: MarkStyle(color: Color.okabeIto[4])),
                    ],
                    width: max(640, 380 + (names.map(Plot.estimatedTickLabelWidth).max() ?? 0)),
                    height: max(200, 80 + 28 * Double(coefficients.count)), idPrefix: "cox")
    }

    /// One plot per term: the scaled Schoenfeld residuals (β̂ + scaled residual) against the KM time scale, with
    /// the fitted coefficient as a reference line (as `plot(cox.zph(fit))`, without its smoother). Keyed by a file suffix.
    public func schoenfeldPlots(labels: VariableLabels = VariableLabels()) -> [(String, Plot)] {
        guard let ph = proportionalHazards else { return [] }
        var plots: [(String, Plot)] = []
        for (t, term) in ph.terms.enumerated() {
            let points = ph.scaledResiduals.indices.compactMap { i in ph.scaledResiduals[i][t].map { (ph.transformedTime[i], $0) } }
            let row = ph.rows[t]
            let name = labels.display(term)
            let coefficient = coefficients.first { $0.term == term }?.estimate
            var layers = [Layer(.points(x: points.map(\.0), y: points.map(\.1)),
                                style: MarkStyle(color: Color.okabeIto[4], pointRadius: 2.5, opacity: 0.6))]
            if let coefficient {
                layers.insert(Layer(.reference(.horizontal(y: coefficient)), style: MarkStyle(color: Color.okabeIto[5], dash: .dashed)), at: 0)
            }
            let plot = Plot(title: "Proportional hazards: \(name)",
                            description: "Scaled Schoenfeld residuals of \(name) at \(points.count) event times against 1 − KM(t−); "
                                + "a flat cloud around the dashed line at the coefficient supports proportional hazards. Test: χ²(\(row.df)) = "
                                + "\(NumberFormat.fixed(row.chisq, places: 2)), \(SurvivalText.p(row.pValue)).",
                            x: .linear("Time (1 − Kaplan–Meier, as cox.zph's \"km\" transform)"),
                            y: .linear("β(t) for \(name)"), layers: layers, idPrefix: "zph")
            plots.append(("zph-\(SurvivalText.slug(term))", plot))
        }
        return plots
    }
}
