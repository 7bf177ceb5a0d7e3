import DataTable
import Models
import Output

/// `survival`: the §7 object (groups with their Kaplan–Meier table, medians and `--at` rows; the G-rho test), the
/// human tables and the Kaplan–Meier plot.
extension SurvivalAnalysis {
    public func report(data: DataProvenance, plot: Bool, labels: VariableLabels = VariableLabels()) -> Report {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let groups: [JSONValue] = curves.map { c in
            let table: [JSONValue] = c.eventRows.map { i in
                .object([("time", .number(c.time[i])), ("n_risk", .integer(c.nRisk[i])), ("n_event", .integer(c.nEvent[i])),
                         ("survival", number(c.survival[i])), ("std_error", number(c.standardError(at: i))),
                         ("conf_low", number(c.confLow[i])), ("conf_high", number(c.confHigh[i]))])
            }
            let at: [JSONValue] = options.at.map { t in
                let p = c.point(at: t)
                return .object([("time", .number(t)), ("n_risk", .integer(p.nRisk)), ("survival", number(p.survival)),
                                ("std_error", number(p.standardError)), ("conf_low", number(p.confLow)),
                                ("conf_high", number(p.confHigh))])
            }
            return .object([("group", .string(c.group)), ("n", .integer(c.n)), ("events", .integer(c.events)),
                            ("median", number(c.median)), ("median_conf_low", number(c.medianLow)),
                            ("median_conf_high", number(c.medianHigh)), ("table", .array(table)), ("at", .array(at))])
        }
        var logrank: JSONValue = .null
        if let t = test {
            let rows: [JSONValue] = t.groups.indices.map { k in
                .object([("group", .string(t.groups[k])), ("n", .integer(t.n[k])), ("observed", .number(t.observed[k])),
                         ("expected", .number(t.expected[k]))])
            }
            logrank = .object([("statistic", .number(t.statistic)), ("df", .integer(t.degreesOfFreedom)), ("p_value", .number(t.pValue)),
                               ("rho", .number(t.rho)), ("strata", .string(options.strata)), ("groups", .array(rows))])
        }
        let json: JSONValue = .object([
            ("model", .string("kaplan-meier")),
            ("data", data.json(used: counts.rowsUsed)),
            ("time", .string(time)), ("event", .string(event)), ("event_level", .string(eventLevel)),
            ("by", .string(options.by)), ("conf_type", .string(options.confidenceType.rawValue)), ("level", .number(options.level)),
            ("groups", .array(groups)), ("logrank", logrank), ("warnings", .array([])),
        ])
        let percent = PlotNumber.percent(options.level)
        let summary = ResultTable(
            title: "Kaplan–Meier estimates: time to \(labels.display(event))",
            columns: [TableColumn("Group", key: "group"), TableColumn("n", kind: .integer), TableColumn("Events", kind: .integer, key: "events"),
                      TableColumn("Median", kind: .decimal(2), key: "median"), TableColumn("\(percent) CI", kind: .interval(2), key: "median_ci")],
            rows: curves.map { c in [.text(c.group), .integer(c.n), .integer(c.events), .number(c.median), .interval(c.medianLow, c.medianHigh)] },
            notes: notes(data: data))
        var tables = [summary]
        if !options.at.isEmpty {
            var rows: [[Cell]] = []
            for c in curves {
                for t in options.at {
                    let p = c.point(at: t)
                    rows.append([.text(c.group), .number(t), .integer(p.nRisk), .number(p.survival), .number(p.standardError),
                                 .interval(p.confLow, p.confHigh)])
                }
            }
            tables.append(ResultTable(
                title: "Survival at the requested times",
                columns: [TableColumn("Group", key: "group"), TableColumn("Time", kind: .decimal(2), key: "time"),
                          TableColumn("At risk", kind: .integer, key: "n_risk"), TableColumn("Survival", kind: .bounded(3), key: "survival"),
                          TableColumn("SE", kind: .bounded(3), key: "std_error"),
                          TableColumn("\(percent) CI", kind: .interval(3, bounded: true), key: "ci")],
                rows: rows, notes: SurvivalAnalysis.extendedNote(curves: curves, at: options.at)))
        }
        let plots = plot ? [SurvivalPlot.plot(self, timeLabel: labels.display(time), byLabel: options.by.map { labels.display($0) })] : []
        return Report(json: json, tables: tables, plots: plots, warnings: [])
    }

    /// For `--at` times after a group's last follow-up: which groups, where their follow-up ends, and why the rows are
    /// there (summary.survfit's `extend = TRUE`), since "0 at risk" beside a survival estimate is the only sign otherwise.
    static func extendedNote(curves: [KaplanMeierCurve], at times: [Double]) -> [String] {
        let ended = curves.compactMap { c -> String? in
            guard let last = c.lastFollowUp, times.contains(where: { $0 > last }) else { return nil }
            return curves.count == 1 ? NumberFormat.fixed(last, places: 2) : "group \(c.group): \(NumberFormat.fixed(last, places: 2))"
        }
        guard !ended.isEmpty else { return [] }
        let whose = curves.count == 1 ? "after the last follow-up (\(ended[0]))" : "after a group's last follow-up (\(ended.joined(separator: "; ")))"
        return ["Times \(whose) carry the last estimate with no one at risk, as summary(fit, times, extend = TRUE); "
                + "R's default (extend = FALSE) leaves them out."]
    }

    private func notes(data: DataProvenance) -> [String] {
        var notes = ["\(data.file): \(counts.rowsUsed) of \(counts.rowsRead) rows used (\(counts.rowsDropped) dropped for missing values); "
                     + "event: \(event) = \(eventLevel).",
                     "Pointwise intervals on the \(options.confidenceType.rawValue) scale with Greenwood's variance (as survfit); "
                     + "median as quantile.survfit (midpoint of a flat at 0.5); a missing median or confidence limit (—) was not reached."]
        if let t = test {
            let name = t.rho == 0 ? "Log-rank test" : "G-rho test (rho = \(PlotNumber.text(t.rho)))"
            let strata = options.strata.map { ", stratified by \($0)" } ?? ""
            notes.append("\(name)\(strata): χ²(\(t.degreesOfFreedom)) = \(NumberFormat.fixed(t.statistic, places: 2)), "
                         + "\(SurvivalText.p(t.pValue)).")
        }
        if timesMergedAsTied > 0 { notes.append(TiedTimes.note(timesMergedAsTied) + ".") }
        return notes
    }
}
