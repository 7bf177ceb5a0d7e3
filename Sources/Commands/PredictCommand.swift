import ArgumentParser
import DataTable
import Models
import Output

/// `alliance predict <fit.json> <data> [--interval confidence|prediction] [--out FILE]`: a saved fit applied to
/// new rows through the schema it was fitted with (same columns, same levels; a level it never saw is an error).
public struct PredictCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a saved fit (fit --format json --out fit.json) to new rows: fitted values, SEs and intervals.",
        discussion: """
            OLS as R's predict.lm (interval = "confidence" for the mean, "prediction" for a new observation). \
            logit/poisson/negbin on the response scale as predict.glm(type = "response", se.fit = TRUE), with \
            confidence limits computed on the link scale and transformed back. Rows with a missing predictor get \
            missing predictions. --out FILE.csv writes the input columns plus fit, se_fit, lower and upper.
            """
    )

    @Argument(help: "A fit result written by `alliance fit … --format json --out fit.json`.")
    public var fit: String

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "Interval: none (default), confidence (for the mean) or prediction (a new observation; ols only).")
    public var interval: String = "none"

    @Option(name: .long, help: "Confidence level of the intervals (default 0.95).")
    public var level: Double = 0.95

    @Option(name: .long, help: "Write the input columns plus fit, se_fit, lower and upper to this CSV file.")
    public var out: String?

    @Option(name: .long, help: "Format of the report on standard output: text, json, csv, md, latex or html.")
    public var format: String?

    public init() {}

    public var outputOptions: OutputOptions? { OutputOptions(format: format, out: nil) }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let kind = PredictionInterval(rawValue: interval.lowercased()) else {
            throw CLIError.usage("unknown --interval '\(interval)'; use none, confidence or prediction")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("predict writes CSV: give --out a file name ending in .csv (got '\(out)')")
        }
        let fitPath = context.resolveInput(fit)
        let bytes = try DataInput.readBytes(fitPath)
        context.recordInput(path: fitPath, byteCount: bytes.count, sha256: SHA256.hex(of: bytes))
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch {
            throw CLIError.data("\(fit): not a JSON fit result (\(error.description)); write one with `alliance fit … --format json --out fit.json`")
        }
        let saved = try SavedRegressionJSON.savedRegression(json, file: fit)
        let data = try input.load(in: context)
        let result: PredictionResult
        do {
            result = try Prediction.predict(saved, data: data.table, interval: kind, level: level)
        } catch {
            throw FitCommand.cliError(error, file: data.path, action: "apply the saved model")
        }
        if let out {
            try context.writeFile(TableCSVWriter.csv(try withPredictions(data.table, result)), to: out)
        }
        return CommandReport(json: PredictionReport.json(result, saved: saved, data: data, fitFile: fit, out: out),
                             tables: PredictionReport.tables(result, saved: saved, data: data, fitFile: fit, out: out),
                             warnings: result.warnings)
    }

    /// The input columns followed by the predictions (columns named as R's predict: fit, se_fit, lower, upper).
    private func withPredictions(_ table: Table, _ r: PredictionResult) throws -> Table {
        var columns = table.columns
        var added: [(String, [Double?])] = [("fit", r.fit), ("se_fit", r.stdError)]
        if r.interval != .none { added += [("lower", r.lower), ("upper", r.upper)] }
        for (name, values) in added {
            guard table.column(named: name) == nil else {
                throw CLIError.usage("the data already has a column named '\(name)'; rename it before predicting")
            }
            columns.append(Column(name: name, numeric: values))
        }
        do { return try Table(columns: columns) } catch { throw CLIError.data("\(error)") }
    }
}

/// Tables and JSON of a prediction (one row per data row).
enum PredictionReport {
    static func json(_ r: PredictionResult, saved: SavedRegression, data: LoadedData, fitFile: String, out: String?) -> JSONValue {
        let rows: [JSONValue] = r.fit.indices.map { i in
            var fields: [(String, JSONValue)] = [("row", .integer(i + 1)), ("fit", .number(r.fit[i])), ("se_fit", .number(r.stdError[i]))]
            if r.interval != .none { fields += [("lower", .number(r.lower[i])), ("upper", .number(r.upper[i]))] }
            return .object(fields)
        }
        return .object([
            ("model", .string(r.model.rawValue)), ("formula", .string(r.formula)), ("fit_file", .string(fitFile)),
            ("data", data.json(used: r.counts.rowsUsed)), ("vcov", .string(saved.vcovLabel)),
            ("interval", .string(r.interval.rawValue)), ("level", .number(r.level)),
            ("scale", .string(r.model == .ols ? "response" : "response (inverse link)")),
            ("out", .string(out)),
            ("predictions", .array(rows)),
            ("warnings", .array(r.warnings.map { .string($0) })),
        ])
    }

    static func tables(_ r: PredictionResult, saved: SavedRegression, data: LoadedData, fitFile: String, out: String?) -> [ResultTable] {
        let percent = FitCommand.percentLabel(r.level)
        var columns = [TableColumn("Row", kind: .integer), TableColumn("Fit", kind: .decimal(3)), TableColumn("SE", kind: .decimal(3))]
        if r.interval != .none { columns.append(TableColumn("\(percent) \(r.interval == .prediction ? "PI" : "CI")", kind: .interval(3))) }
        // With --out the rows are in the file; the report then lists the first rows only.
        let shown = out == nil ? r.fit.count : min(r.fit.count, 10)
        let rows: [[Cell]] = (0..<shown).map { i in
            var row: [Cell] = [.integer(i + 1), .number(r.fit[i]), .number(r.stdError[i])]
            if r.interval != .none { row.append(.interval(r.lower[i], r.upper[i])) }
            return row
        }
        var notes = ["\(fitFile): \(r.model.rawValue) \(r.formula) (\(saved.vcovLabel) covariance), applied to \(data.path): "
                     + "\(r.counts.rowsUsed) of \(r.counts.rowsRead) rows predicted (\(r.counts.rowsDropped) with a missing predictor)."]
        switch (r.model, r.interval) {
        case (.ols, .prediction): notes.append("Prediction interval for a new observation, as predict.lm(interval = \"prediction\").")
        case (.ols, .confidence): notes.append("Confidence interval for the mean, as predict.lm(interval = \"confidence\").")
        case (.ols, .none): break
        case (_, .none): notes.append("Fitted values on the response scale with delta-method SEs, as predict.glm(type = \"response\", se.fit = TRUE).")
        default: notes.append("Response scale; the interval is computed on the link scale and transformed back.")
        }
        if let out { notes.append("All \(r.fit.count) rows written to \(out) (the first \(shown) shown).") }
        return [ResultTable(title: "Predictions: \(r.formula)", columns: columns, rows: rows, notes: notes)]
    }
}
