import Distributions
import Models
import Output

/// `meta`: the JSON of DESIGN.md §7 (`meta`), the APA tables (pooled effect, heterogeneity, moderators,
/// small-study checks, studies) and the forest and funnel plots.
extension MetaAnalysisResult {
    /// `studies` label the rows (the --study column, or "Study 1", …); `settings` echo what was asked.
    public func report(studies: [String], data: DataProvenance, forest: Bool, funnel: Bool,
                       effectLabel: String? = nil) -> Report {
        var plots: [Plot] = []
        if forest { plots.append(forestPlot(studies: studies, effectLabel: effectLabel)) }
        if funnel { plots.append(funnelPlot(effectLabel: effectLabel)) }
        return Report(json: json(studies: studies, data: data), tables: tables(studies: studies, data: data), plots: plots,
                      warnings: warnings)
    }

    /// z for the per-study intervals at the result's level.
    var studyCritical: Double { Normal.upperQuantile((1 - level) / 2) }

    private func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }

    func json(studies: [String], data: DataProvenance) -> JSONValue {
        let back = measure.backTransform
        let pooled = self.pooled
        var fields: [(String, JSONValue)] = [
            ("model", .string(kind.rawValue)),
            ("method", .string(method.label)),
            ("measure", .string(measure.rawValue)),
            ("test", .string(knapphartung ? "knha" : "z")),
            ("level", .number(level)),
            ("data", data.json(used: k)),
            ("k", .integer(k)),
            ("estimate", number(pooled.estimate)),
            ("std_error", number(pooled.stdError)),
            ("statistic", number(pooled.statistic)),
            ("df", df.map { .integer($0) } ?? .null),
            ("p_value", number(pooled.pValue)),
            ("conf_low", number(pooled.confLow)),
            ("conf_high", number(pooled.confHigh)),
            ("pred_low", number(predLow)),
            ("pred_high", number(predHigh)),
            ("tau2", number(tau2)),
            ("tau", number(tau2.map { $0.squareRoot() })),
            ("tau2_conf_low", number(tau2ConfLow)),
            ("tau2_conf_high", number(tau2ConfHigh)),
            ("i2", number(i2)),
            ("h2", number(h2)),
            ("q", number(q)),
            ("q_df", .integer(qDF)),
            ("q_p_value", number(qPValue)),
        ]
        if let back {
            fields.append(("transformed", .object([
                ("scale", .string(measure.transformedName ?? "")),
                ("estimate", number(back(pooled.estimate))),
                ("conf_low", number(back(pooled.confLow))),
                ("conf_high", number(back(pooled.confHigh))),
                ("pred_low", number(predLow.map(back))),
                ("pred_high", number(predHigh.map(back))),
            ])))
        } else {
            fields.append(("transformed", .null))
        }
        fields.append(("coefficients", .array(coefficients.map { c in
            .object([("term", .string(c.term)), ("estimate", number(c.estimate)), ("std_error", number(c.stdError)),
                     ("statistic", number(c.statistic)), ("p_value", number(c.pValue)), ("conf_low", number(c.confLow)),
                     ("conf_high", number(c.confHigh))])
        })))
        fields.append(("moderators", moderators.map { m in
            .object([("qm", number(m.statistic)), ("qm_df", .array(m.df.map { .integer($0) })),
                     ("qm_test", .string(m.df.count == 2 ? "F" : "chi2")),
                     ("qm_p_value", number(m.pValue)), ("r2", number(m.r2))])
        } ?? .null))
        fields.append(("egger", .array(egger.map { e in
            .object([("form", .string(e.form.rawValue)), ("slope", number(e.slope)), ("statistic", number(e.statistic)),
                     ("df", e.df.map { .integer($0) } ?? .null), ("p_value", number(e.pValue))])
        })))
        fields.append(("trimfill", trimfill.map { t in
            var object: [(String, JSONValue)] = [
                ("k0", .integer(t.k0)), ("side", .string(t.side.rawValue)), ("estimator", .string("L0")),
                ("estimate", number(t.estimate)), ("conf_low", number(t.confLow)), ("conf_high", number(t.confHigh)),
                ("tau2", number(t.tau2)),
            ]
            if let back {
                object.append(("transformed", .object([("estimate", number(back(t.estimate))), ("conf_low", number(back(t.confLow))),
                                                       ("conf_high", number(back(t.confHigh)))])))
            }
            return .object(object)
        } ?? .null))
        fields.append(("variance_components", .array(varianceComponents.map { v in
            .object([("level", .string(v.level)), ("tau2", number(v.tau2)), ("i2", number(v.i2))])
        })))
        if let clusters { fields.append(("clusters", .integer(clusters))) }
        if let logLikelihood { fields.append(("log_likelihood", number(logLikelihood))) }
        let z = studyCritical
        fields.append(("studies", .array(yi.indices.map { i in
            .object([("study", .string(studies[i])), ("yi", number(yi[i])), ("vi", number(vi[i])),
                     ("conf_low", number(yi[i] - z * vi[i].squareRoot())), ("conf_high", number(yi[i] + z * vi[i].squareRoot())),
                     ("weight", number(weights[i]))])
        })))
        fields.append(("warnings", .array(warnings.map { .string($0) })))
        return .object(fields)
    }

    /// "random-effects (REML)", "fixed-effect", "three-level (REML)".
    var modelDescription: String {
        switch kind {
        case .random: return "Random-effects meta-analysis (\(method.label))"
        case .fixed: return "Fixed-effect meta-analysis"
        case .threeLevel: return "Three-level meta-analysis (REML)"
        }
    }

    /// The analysis scale in words.
    var scaleName: String {
        switch measure {
        case .cor: return "Fisher's z"
        case .smd: return "Hedges' g"
        case .or: return "log odds ratio"
        case .rr: return "log risk ratio"
        case .generic: return "effect size"
        }
    }

    func tables(studies: [String], data: DataProvenance) -> [ResultTable] {
        let percent = PlotNumber.percent(level)
        let statName = df == nil ? "z" : "t(\(df ?? 0))"
        var columns = [TableColumn("Term"), TableColumn("Estimate", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3)),
                       TableColumn(statName, kind: .decimal(2)), TableColumn("p", kind: .pValue),
                       TableColumn("\(percent) CI", kind: .interval(3))]
        let back = measure.backTransform
        if back != nil {
            columns.append(TableColumn(measure.transformedName ?? "", kind: measure == .cor ? .bounded(3) : .decimal(3)))
            columns.append(TableColumn("\(percent) CI (\(measure.transformedName ?? ""))", kind: .interval(3, bounded: measure == .cor)))
        }
        let rows: [[Cell]] = coefficients.map { c in
            var row: [Cell] = [.text(c.term), .number(c.estimate), .number(c.stdError), .number(c.statistic), .number(c.pValue),
                               .interval(c.confLow, c.confHigh)]
            if let back {
                let intercept = c.term == "(Intercept)"
                row.append(intercept ? .number(back(c.estimate)) : .text(""))
                row.append(intercept ? .interval(back(c.confLow), back(c.confHigh)) : .interval(nil, nil))
            }
            return row
        }
        let counted = clusters.map { "\(k) effect sizes in \($0) clusters" } ?? "\(k) studies"
        var notes = ["\(data.file): \(counted) (\(data.rows) rows read); estimates on the \(scaleName) scale."]
        if knapphartung { notes.append("Knapp–Hartung: t tests on \(df ?? 0) df with the covariance scaled by the weighted residual variance.") }
        if let predLow, let predHigh {
            let shown = back.map { b in "\(NumberFormat.fixed(b(predLow), places: 3)) to \(NumberFormat.fixed(b(predHigh), places: 3)) (\(measure.transformedName ?? ""))" }
                ?? "\(NumberFormat.fixed(predLow, places: 3)) to \(NumberFormat.fixed(predHigh, places: 3))"
            notes.append("\(percent) prediction interval for a new study's true effect: \(shown).")
        }
        var tables = [ResultTable(title: modelDescription, columns: columns, rows: rows, notes: notes)]

        var heterogeneity: [[Cell]] = []
        if let tau2 {
            heterogeneity.append([.text("τ²"), .text(NumberFormat.fixed(tau2, places: 4)),
                                  .text(tau2ConfLow.map { "[\(NumberFormat.fixed($0, places: 4)), \(NumberFormat.fixed(tau2ConfHigh ?? 0, places: 4))] (Q-profile)" } ?? "")])
        }
        for v in varianceComponents {
            heterogeneity.append([.text("σ² (\(v.level))"), .text(NumberFormat.fixed(v.tau2, places: 4)),
                                  .text("I² share \(NumberFormat.fixed(v.i2, places: 1))%")])
        }
        if let i2 { heterogeneity.append([.text("I²"), .text("\(NumberFormat.fixed(i2, places: 1))%"), .text("")]) }
        if let h2 { heterogeneity.append([.text("H²"), .text(NumberFormat.fixed(h2, places: 2)), .text("")]) }
        heterogeneity.append([.text("Q(\(qDF))"), .text(NumberFormat.fixed(q, places: 2)), .text("p \(NumberFormat.pValue(qPValue))")])
        if let m = moderators {
            let label = m.df.count == 2 ? "QM: F(\(m.df[0]), \(m.df[1]))" : "QM: χ²(\(m.df[0]))"
            heterogeneity.append([.text(label), .text(NumberFormat.fixed(m.statistic, places: 2)), .text("p \(NumberFormat.pValue(m.pValue))")])
            if let r2 = m.r2 { heterogeneity.append([.text("R² (τ² accounted for)"), .text("\(NumberFormat.fixed(r2, places: 1))%"), .text("")]) }
        }
        tables.append(ResultTable(title: "Heterogeneity", columns: [TableColumn("Statistic"), TableColumn("Value"), TableColumn("")],
                                  rows: heterogeneity))

        if !egger.isEmpty || trimfill != nil {
            var rows: [[Cell]] = egger.map { e in
                let name = e.form == .rma ? "Egger (regtest, model = \"rma\")" : "Egger (regtest, model = \"lm\")"
                let stat = e.df.map { "t(\($0)) = \(NumberFormat.fixed(e.statistic, places: 2))" } ?? "z = \(NumberFormat.fixed(e.statistic, places: 2))"
                return [.text(name), .text(stat), .text("p \(NumberFormat.pValue(e.pValue))")]
            }
            if let t = trimfill {
                let shown = back.map { b in "\(NumberFormat.fixed(b(t.estimate), places: 3)) [\(NumberFormat.fixed(b(t.confLow), places: 3)), \(NumberFormat.fixed(b(t.confHigh), places: 3))] (\(measure.transformedName ?? ""))" }
                    ?? "\(NumberFormat.fixed(t.estimate, places: 3)) [\(NumberFormat.fixed(t.confLow, places: 3)), \(NumberFormat.fixed(t.confHigh, places: 3))]"
                rows.append([.text("Trim-and-fill (L0)"), .text("\(t.k0) filled on the \(t.side.rawValue)"), .text(shown)])
            }
            tables.append(ResultTable(title: "Small-study effects", columns: [TableColumn("Check"), TableColumn("Result"), TableColumn("")],
                                      rows: rows))
        }

        let z = studyCritical
        let studyRows: [[Cell]] = yi.indices.map { i in
            [.text(studies[i]), .number(yi[i]), .interval(yi[i] - z * vi[i].squareRoot(), yi[i] + z * vi[i].squareRoot()),
             .number(weights[i])]
        }
        tables.append(ResultTable(title: "Studies", columns: [TableColumn("Study"), TableColumn("yi", kind: .decimal(3)),
                                                              TableColumn("\(percent) CI", kind: .interval(3)),
                                                              TableColumn("Weight (%)", kind: .decimal(1))],
                                  rows: studyRows))
        return tables
    }
}
