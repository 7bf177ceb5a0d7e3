import DataTable
import Measures
import Output

extension ChangeResult {
    /// `change`: the §7 object (contract keys first, then the settings and files), a table of the categories, and
    /// the Jacobson–Truax plot when `plot` names a figure. `pre` and `post` are the scores the result classified,
    /// row by row; `sd` and `reliability` are the user's, echoed when both were given. `labels` name the two columns
    /// in the table and plot; the JSON keeps the names.
    public func report(pre: (name: String, values: [Double?]), post: (name: String, values: [Double?]), instrument: String?,
                       sd: Double?, reliability: Double?, out: String?, plot: String?, data: DataProvenance,
                       labels: VariableLabels = VariableLabels()) -> Report {
        // The contract's keys (DESIGN.md §7) first, in its order; additions follow.
        var fields: [(String, JSONValue)] = [
            ("method", .string(method.rawValue)),
            ("n", .integer(n)),
            ("s_diff", .number(sDiff)),
            ("reliable_change", .number(reliableChange)),
            ("cutoff", .number(cutoff)),
            ("counts", .object(ChangeCategory.allCases.map { ($0.rawValue, .integer(counts[$0])) })),
            ("data", data.json(used: n)),
            ("instrument", .string(instrument)),
            ("pre", .string(pre.name)),
            ("post", .string(post.name)),
            ("direction", .string(direction == .lowerBetter ? "lower-better" : "higher-better")),
        ]
        if let sd, let reliability {
            fields.append(("sd", .number(sd)))
            fields.append(("reliability", .number(reliability)))
        }
        fields.append(("out", .string(out)))
        fields.append(("plot", .string(plot)))
        fields.append(("warnings", .array(warnings.map { .string($0) })))
        let (preName, postName) = (labels.display(pre.name), labels.display(post.name))
        let plots = plot == nil ? [] : [ChangePlot(result: self, pre: pre.values, post: post.values, preName: preName,
                                                   postName: postName, instrument: instrument).plot()]
        return Report(json: .object(fields), tables: [table(pre: preName, post: postName, instrument: instrument, data: data)],
                      plots: plots, warnings: warnings)
    }

    private func table(pre: String, post: String, instrument: String?, data: DataProvenance) -> ResultTable {
        let rows: [[Cell]] = ChangeCategory.allCases.map { category in
            let count = counts[category]
            return [.text(category.label), .integer(count), .number(n > 0 ? 100 * Double(count) / Double(n) : nil)]
        }
        let methodNote = method == .jacobsonTruax
            ? "Jacobson–Truax: S_diff = \(NumberFormat.fixed(sDiff, places: 2)); reliable when |RCI| ≥ 1.96, i.e. a change of at least \(PlotNumber.points(reliableChange)) points."
            : "Published reliable-change criterion for \(instrument ?? "the instrument"): a change of at least \(PlotNumber.points(reliableChange)) points."
        let better = direction == .lowerBetter ? "lower scores are better" : "higher scores are better"
        let cut = cutoff.map { "Recovered: reliable improvement from the clinical side of the cut-off \(PlotNumber.points($0)) to the other side; \(better)." }
            ?? "No clinical cut-off, so no row can be classed as recovered; \(better)."
        return ResultTable(
            title: "Reliable change: \(pre) to \(post)",
            columns: [TableColumn("Category", key: "category"), TableColumn("n", kind: .integer, key: "n"),
                      TableColumn("%", kind: .decimal(1), key: "percent")],
            rows: rows + [[.text("Total"), .integer(n), .number(n > 0 ? 100 : nil)]],
            notes: [methodNote, cut, "\(data.file): \(n) of \(data.rows) rows have both scores."])
    }
}

extension ChangeCategory {
    /// Capitalised name for tables and legends.
    public var label: String {
        switch self {
        case .recovered: return "Recovered"
        case .improved: return "Improved"
        case .unchanged: return "Unchanged"
        case .deteriorated: return "Deteriorated"
        }
    }
}
