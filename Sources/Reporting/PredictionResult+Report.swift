import Models
import Output

extension PredictionResult {
    /// `predict`: one JSON row per data row (fit, se_fit and, with an interval, lower and upper) and a table of
    /// the predictions (the first ten when `out` holds them all). `fitFile` is the saved fit as the user named it.
    public func report(saved: SavedRegression, fitFile: String, out: String?, data: DataProvenance) -> Report {
        Report(json: json(saved: saved, fitFile: fitFile, out: out, data: data),
               tables: tables(saved: saved, fitFile: fitFile, out: out, data: data), warnings: warnings)
    }

    private func json(saved: SavedRegression, fitFile: String, out: String?, data: DataProvenance) -> JSONValue {
        let rows: [JSONValue] = fit.indices.map { i in
            var fields: [(String, JSONValue)] = [("row", .integer(i + 1)), ("fit", .number(fit[i])), ("se_fit", .number(stdError[i]))]
            if interval != .none { fields += [("lower", .number(lower[i])), ("upper", .number(upper[i]))] }
            return .object(fields)
        }
        return .object([
            ("model", .string(model.rawValue)), ("formula", .string(formula)), ("fit_file", .string(fitFile)),
            ("data", data.json(used: counts.rowsUsed)), ("vcov", .string(saved.vcovLabel)),
            ("interval", .string(interval.rawValue)), ("level", .number(level)),
            ("scale", .string(model == .ols ? "response" : "response (inverse link)")),
            ("out", .string(out)),
            ("predictions", .array(rows)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    private func tables(saved: SavedRegression, fitFile: String, out: String?, data: DataProvenance) -> [ResultTable] {
        let percent = PlotNumber.percent(level)
        var columns = [TableColumn("Row", kind: .integer), TableColumn("Fit", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3))]
        if interval != .none { columns.append(TableColumn("\(percent) \(interval == .prediction ? "PI" : "CI")", kind: .interval(3))) }
        // With --out the rows are in the file; the report then lists the first rows only.
        let shown = out == nil ? fit.count : min(fit.count, 10)
        let rows: [[Cell]] = (0..<shown).map { i in
            var row: [Cell] = [.integer(i + 1), .number(fit[i]), .number(stdError[i])]
            if interval != .none { row.append(.interval(lower[i], upper[i])) }
            return row
        }
        var notes = ["\(fitFile): \(model.rawValue) \(formula) (\(saved.vcovLabel) covariance), applied to \(data.file): "
                     + "\(counts.rowsUsed) of \(counts.rowsRead) rows predicted (\(counts.rowsDropped) with a missing predictor)."]
        switch (model, interval) {
        case (.ols, .prediction): notes.append("Prediction interval for a new observation, as predict.lm(interval = \"prediction\").")
        case (.ols, .confidence): notes.append("Confidence interval for the mean, as predict.lm(interval = \"confidence\").")
        case (.ols, .none): break
        case (_, .none): notes.append("Fitted values on the response scale with delta-method SEs, as predict.glm(type = \"response\", se.fit = TRUE).")
        default: notes.append("Response scale; the interval is computed on the link scale and transformed back.")
        }
        if let out { notes.append("All \(fit.count) rows written to \(out) (the first \(shown) shown).") }
        return [ResultTable(title: "Predictions: \(formula)", columns: columns, rows: rows, notes: notes)]
    }
}
