import ArgumentParser
import DataTable
import Models
import Output
import Reporting

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

    @Option(name: .long, help: "Interval: none, confidence (for the mean) or prediction (a new observation; ols only).")
    public var interval: String = "none"

    @Option(name: .long, help: "Confidence level of the intervals.")
    public var level: Double = 0.95

    @Option(name: .long, help: "Write the input columns plus fit, se_fit, lower and upper to this CSV file.")
    public var out: String?

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let kind = PredictionInterval(rawValue: interval.lowercased()) else {
            throw CLIError.usage("unknown --interval '\(interval)'; use none, confidence or prediction")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("predict writes CSV: give --out a file name ending in .csv (got '\(out)')")
        }
        let json = try context.readJSONSideInput(fit) {
            "\(fit): not a JSON fit result (\($0)); write one with `alliance fit … --format json --out fit.json`"
        }
        if let refusal = Self.refusal(ofFitKindIn: json, file: fit) { throw refusal }
        let saved: SavedRegression
        do { saved = try SavedRegression(json: json) } catch { throw CLIError.data("\(fit): \(error.description)") }
        // A choice of option, not a numerical failure (it was reported as one, exit 65).
        if kind == .prediction && saved.model != .ols {
            throw CLIError.usage("--interval prediction (a new observation) is defined here for ols fits only; use --interval "
                + "confidence for the mean of this \(saved.model.rawValue) fit")
        }
        let data = try input.load(in: context)
        // The model frame skips its missing-code scan when a saved schema codes the columns; the new rows get it here.
        if let parsed = try? Formula(saved.formula, dataColumns: data.table.columnNames) {
            data.warnSuspectedMissingCodes(parsed.predictorVariables.flatMap(\.columnNames), in: context)
        }
        let result: PredictionResult
        do {
            result = try Prediction.predict(saved, data: data.table, interval: kind, level: level)
        } catch {
            var refused = FitCommand.cliError(error, file: data.path, action: "apply the saved model", quoting: data.levelQuoting)
            if case .nonNumericVariable(_, let name) = error, let column = data.table.column(named: name) {
                refused = FitCommand.pointingAtText(refused, in: column)
            }
            throw refused
        }
        if let out {
            try context.writeFile(TableCSVWriter.csv(try withPredictions(data.table, result)), to: out)
        }
        return CommandReport(result.report(saved: saved, fitFile: fit, out: out, data: try data.provenance))
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
    /// A saved mixed or Cox model is refused for what it is: SavedRegression's own message ("must be refit") sent the
    /// user round to write the same file again. The fixed effects alone would be lme4's predict(re.form = NA), a
    /// different quantity from a regression's prediction, so it is not given silently.
    static func refusal(ofFitKindIn json: JSONValue, file: String) -> CLIError? {
        let model = json["model"]?.stringValue ?? ""
        let formula = json["formula"]?.stringValue ?? ""
        let kinds = "predict applies ols, logit, poisson or negbin fits"
        if json["random_effects"] != nil || model == "lmm" {
            return .data("\(file): a mixed model with random effects ('\(formula)'); \(kinds) without random-effects terms. "
                         + "Fit the model without them (`alliance fit ols|logit|poisson …`) to predict new rows, or write each group's "
                         + "conditional modes with `fit … --ranef FILE.csv`")
        }
        if model == "cox" {
            return .data("\(file): a Cox model ('\(formula)'); \(kinds). For survival at given times use "
                         + "`alliance survival` (Kaplan–Meier curves by group)")
        }
        return nil
    }
}
