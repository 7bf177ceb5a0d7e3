import DataTable
import Models
import Output

extension CorrelationMatrix {
    /// `correlate`: the pairs (DESIGN.md §7 `pairs`), an APA table of pairs, the lower-triangle matrix when there
    /// are more than two variables, and a heatmap when `plot` names a figure. `names` are the variables in the
    /// order the matrix was computed; `used` is the listwise row count (nil: pairwise, n per pair). `labels` name
    /// the variables in the tables and heatmap; the JSON keeps the names.
    public func report(names: [String], controls: [String], level: Double, used: Int?, plot: String?,
                       data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        let listwise = missing == .listwise
        var warnings: [String] = []
        var pairs: [JSONValue] = []
        var rows: [[Cell]] = []
        for entry in entries {
            let x = names[entry.first], y = names[entry.second]
            switch entry.outcome {
            case .success(let r):
                pairs.append(.object([
                    ("x", .string(x)), ("y", .string(y)), ("n", .integer(r.n)), ("estimate", .number(r.estimate)),
                    ("statistic", .number(r.statistic)), ("df", .number(r.degreesOfFreedom)), ("p_value", .number(r.pValue)),
                    ("p_adjusted", .number(entry.adjustedPValue)), ("conf_low", .number(r.confLow)), ("conf_high", .number(r.confHigh)),
                ]))
                rows.append([.text(labels.display(x)), .text(labels.display(y)), .integer(r.n), .number(r.estimate), .interval(r.confLow, r.confHigh),
                             .number(r.statistic), .number(r.pValue), .number(entry.adjustedPValue)])
            case .failure(let error):
                warnings.append("\(x) and \(y): \(error)")
                pairs.append(.object([("x", .string(x)), ("y", .string(y)), ("error", .string("\(error)"))]))
                rows.append([.text(labels.display(x)), .text(labels.display(y)), .integer(nil), .number(nil), .interval(nil, nil), .number(nil), .number(nil), .number(nil)])
            }
        }
        let json: JSONValue = .object([
            ("method", .string(method.rawValue)),
            ("partial_on", .array(controls.map { .string($0) })),
            ("adjust", .string(adjustment.rawValue)),
            ("missing", .string(listwise ? "listwise" : "pairwise")),
            ("level", .number(level)),
            ("data", data.json(used: used)),
            ("pairs", .array(pairs)),
        ])
        let statisticName = method == .pearson || !controls.isEmpty ? "t" : (method == .spearman ? "S" : "z")
        var notes = ["\(data.file): \(data.rows) rows; \(listwise ? "listwise" : "pairwise") deletion, n per pair shown."]
        if !controls.isEmpty { notes.append("Partial correlations controlling for \(controls.map(labels.display).joined(separator: ", ")).") }
        if method != .pearson { notes.append("p from cor.test(exact = FALSE); CI by Fisher z with the Bonett–Wright variance.") }
        if adjustment != .none { notes.append("p (adj.): \(adjustment.rawValue) adjustment over \(entries.count) pairs.") }
        var tables = [ResultTable(
            title: "\(method.rawValue.capitalized) correlations",
            columns: [TableColumn("x"), TableColumn("y"), TableColumn("n", kind: .integer), TableColumn(symbol, kind: .bounded(2)),
                      TableColumn("\(Int((level * 100).rounded()))% CI", kind: .interval(2, bounded: true)),
                      TableColumn(statisticName, kind: .decimal(2)), TableColumn("p", kind: .pValue),
                      TableColumn("p (adj.)", kind: .pValue)],
            rows: rows, notes: notes)]
        let shown = names.map(labels.display)
        if names.count > 2 { tables.append(matrixTable(shown)) }
        let plots = plot == nil ? [] : [heatmap(shown, file: data.file)]
        return Report(json: json, tables: tables, plots: plots, warnings: warnings)
    }

    /// r, ρ or τb.
    private var symbol: String {
        method == .pearson ? "r" : (method == .spearman ? "ρ" : "τb")
    }

    /// The lower triangle of the correlation matrix, APA style.
    private func matrixTable(_ names: [String]) -> ResultTable {
        let rows: [[Cell]] = names.indices.map { i in
            [.text("\(i + 1). \(names[i])")] + names.indices.dropLast().map { j -> Cell in
                if j == i { return .text("—") }
                if j > i { return .text("") }
                guard let entry = entry(i, j), case .success(let r) = entry.outcome else { return .number(nil) }
                return .number(r.estimate)
            }
        }
        let columns = [TableColumn("Variable")] + names.indices.dropLast().map { TableColumn("\($0 + 1)", kind: .bounded(2)) }
        return ResultTable(title: "Correlation matrix (\(symbol))", columns: columns, rows: rows)
    }

    private func heatmap(_ names: [String], file: String) -> Plot {
        let values: [[Double?]] = names.indices.map { i in
            names.indices.map { j -> Double? in
                if i == j { return 1 }
                guard let entry = entry(i, j), case .success(let r) = entry.outcome else { return nil }
                return r.estimate
            }
        }
        let strongest = entries.compactMap { entry -> (String, Double)? in
            guard case .success(let r) = entry.outcome else { return nil }
            return ("\(names[entry.first]) and \(names[entry.second])", r.estimate)
        }.max { abs($0.1) < abs($1.1) }
        let summary = strongest.map { " The strongest is between \($0.0) (\(NumberFormat.bounded($0.1, places: 2)))." } ?? ""
        let side = Double(max(360, 120 + 70 * names.count))
        return Plot(
            title: "\(method.rawValue.capitalized) correlations",
            description: "Heatmap of \(method.rawValue) correlations among \(names.count) variables from \(file).\(summary)",
            x: .categorical(nil, names), y: .categorical(nil, names),
            layers: [Layer(.heatmap(Heatmap(values: values, colorBarTitle: symbol)))],
            // Long (labelled) names widen the figure by what the y labels take beyond about 120 px.
            width: side + 100 + max(0, (names.map(Plot.estimatedTickLabelWidth).max() ?? 0) - 120), height: side)
    }
}
