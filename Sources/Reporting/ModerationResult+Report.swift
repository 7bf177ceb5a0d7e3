import Models
import Output

/// `moderate` (PROCESS model 1): the coefficients as `fit`, the test of the interaction, conditional effects of X
/// at the probe values of W, the Johnson–Neyman region with `--jn`, and the simple-slopes plot.
extension ModerationResult {
    public func report(data: DataProvenance, johnsonNeyman requested: Bool) -> Report {
        // A region of a two-valued W means nothing (its boundaries fell between 0 and 1): none, with a word.
        let includeJN = requested && !dichotomousModerator
        let skipped = requested && dichotomousModerator
            ? ["\(w) takes only two values, so there is no Johnson–Neyman region (it needs a continuous moderator); the "
               + "conditional effects at both values are reported instead, as PROCESS does"] : []
        return Report(json: json(data: data, includeJN: includeJN, extraWarnings: skipped),
                      tables: tables(data: data, includeJN: includeJN), plots: [simpleSlopesPlot()], warnings: warnings + skipped)
    }

    /// Where the effect of X is significant, in words, from the Johnson–Neyman regions.
    public var johnsonNeymanSummary: String {
        let jn = johnsonNeyman
        let alpha = NumberFormat.bounded(1 - level, places: 2)
        func f(_ v: Double) -> String { NumberFormat.fixed(v, places: 2) }
        let significant = jn.regions.filter(\.significant)
        let range = "observed \(w) from \(f(jn.minimum)) to \(f(jn.maximum))"
        if significant.isEmpty { return "The effect of \(x) on \(y) is not significant (α = \(alpha)) anywhere in the \(range)." }
        if significant.count == jn.regions.count { return "The effect of \(x) on \(y) is significant (α = \(alpha)) across the whole \(range)." }
        let pieces = significant.map { "\(f($0.from)) to \(f($0.to))" }.joined(separator: " and ")
        return "The effect of \(x) on \(y) is significant (α = \(alpha)) for \(w) from \(pieces), and not elsewhere in the \(range); "
            + "boundaries at \(w) = \(jn.bounds.map(f).joined(separator: ", "))."
    }

    private func json(data: DataProvenance, includeJN: Bool, extraWarnings: [String]) -> JSONValue {
        typealias J = MediationJSON
        var top: [(String, JSONValue)] = [
            ("model", .string("moderation")), ("process_model", .integer(processModel)), ("x", .string(x)), ("w", .string(w)),
            ("y", .string(y)), ("covariates", .array(covariates.map { .string($0) })), ("data", data.json(used: counts.rowsUsed)),
            ("level", .number(level)), ("coefficients", .array(equation.coefficients.map(J.coefficient))), ("fit", J.fitStatistics(equation)),
            ("interaction", .object([("term", .string(interaction.term)), ("r_squared_change", J.number(rSquaredChange)),
                                     ("f_statistic", J.number(fChange)), ("df1", .integer(1)), ("df2", .integer(equation.dfResidual)),
                                     ("p_value", J.number(fChangePValue))])),
            ("probes", .object([("rule", .string(probeRule.rawValue)), ("values", .array(probes.map(J.number)))])),
            ("conditional_effects", .array(conditionalEffects.map { c in
                .object([("w", J.number(c.w)), ("estimate", J.number(c.estimate)), ("std_error", J.number(c.stdError)),
                         ("statistic", J.number(c.statistic)), ("p_value", J.number(c.pValue)), ("conf_low", J.number(c.confLow)),
                         ("conf_high", J.number(c.confHigh))])
            })),
        ]
        if includeJN {
            let jn = johnsonNeyman
            top.append(("johnson_neyman", .object([
                ("bounds", .array(jn.bounds.map(J.number))), ("roots", .array(jn.roots.map(J.number))),
                ("critical_t", J.number(jn.criticalT)), ("w_min", J.number(jn.minimum)), ("w_max", J.number(jn.maximum)),
                ("regions", .array(jn.regions.map { .object([("from", J.number($0.from)), ("to", J.number($0.to)), ("significant", .bool($0.significant))]) })),
                ("significant", .string(johnsonNeymanSummary)),
            ])))
        }
        top.append(("warnings", .array((warnings + extraWarnings).map { .string($0) })))
        return .object(top)
    }

    private func tables(data: DataProvenance, includeJN: Bool) -> [ResultTable] {
        let percent = PlotNumber.percent(level)
        var model = MediationJSON.equationTable(equation, level: level, title: "PROCESS model 1 (moderation: W = \(w) moderates \(x) → \(y)), outcome")
        model.notes = ["\(data.file): \(counts.rowsUsed) of \(counts.rowsRead) rows used (\(counts.rowsDropped) dropped for missing values).",
                       "Interaction \(interaction.term): ΔR² = \(NumberFormat.bounded(rSquaredChange, places: 3)), F(1, \(equation.dfResidual)) = "
                        + "\(NumberFormat.fixed(fChange, places: 2)), p \(MediationJSON.pText(fChangePValue))."]
        let conditional = ResultTable(
            title: "Conditional effects of \(x) on \(y) at values of \(w)",
            columns: [TableColumn(w, kind: .decimal(2), key: "w"), TableColumn("Effect", kind: .estimate(3), key: "estimate"),
                      TableColumn("SE", kind: .estimate(3), key: "std_error"), TableColumn("t", kind: .decimal(2), key: "statistic"),
                      TableColumn("p", kind: .pValue, key: "p_value"), TableColumn("\(percent) CI", kind: .interval(3), key: "ci")],
            rows: conditionalEffects.map { c in
                [.number(c.w), .number(c.estimate), .number(c.stdError), .number(c.statistic), .number(c.pValue), .interval(c.confLow, c.confHigh)]
            },
            notes: [dichotomousModerator ? "\(w) takes two values over the rows used: probed at both (as PROCESS)."
                                         : "\(w) probed at its \(probeRule.description) over the rows used."]
                + (includeJN ? ["Johnson–Neyman: \(johnsonNeymanSummary)"] : []))
        return [model, conditional]
    }

    /// Predicted Y against X at each probe value of W, covariates at their means (PROCESS's plot = 1 data).
    public func simpleSlopesPlot() -> Plot {
        let low = xRange.lowerBound, high = xRange.upperBound
        let layers: [Layer] = simpleSlopes.enumerated().map { k, s in
            Layer(.line(x: [low, high], y: [s.intercept + s.slope * low, s.intercept + s.slope * high]),
                  label: "\(w) = \(NumberFormat.fixed(s.w, places: 2))", style: MarkStyle.group(k))
        }
        let summary = simpleSlopes.map { "at \(w) = \(NumberFormat.fixed($0.w, places: 2)) the slope of \(x) is \(NumberFormat.fixed($0.slope, places: 3))" }
            .joined(separator: "; ")
        return Plot(title: "Simple slopes of \(x) on \(y) by \(w)",
                    description: "Predicted \(y) against \(x) from \(NumberFormat.fixed(low, places: 2)) to \(NumberFormat.fixed(high, places: 2))"
                        + (covariates.isEmpty ? "" : " with covariates at their means") + ": \(summary).",
                    x: .linear(x), y: .linear("Predicted \(y)"), layers: layers, legendTitle: w, idPrefix: "slopes")
    }
}
