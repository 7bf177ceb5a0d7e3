import ArgumentParser
import DataTable
import Output
import Reporting

/// `alliance table m1.json m2.json … [--names A,B] [--ci] [--stars] [--format md|latex|html|docx] [--out F]`:
/// fitted models side by side, one column each, from the results `fit` (and every other model command) writes.
public struct TableCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Models side by side (as R's modelsummary/stargazer) from fit results saved as JSON: md, latex, html or docx.",
        discussion: """
            Each model is one column: every term's estimate with its standard error in parentheses below it (--ci: its \
            confidence interval in brackets), then fit statistics where the models report them (N, events, groups, R², \
            adjusted R², variance components and ICC of mixed models, τ², I² and Q of a meta-analysis, concordance, \
            log-likelihood, AIC, BIC), then APA notes naming each model and its data. Any model command's JSON works \
            (ols, logit, poisson, negbin, lmm, GLMMs, cox, meta): save it with --format json --out m1.json. \
            --exponentiate shows odds, rate and hazard ratios for log-link models, with intervals. Terms take labels \
            from --label and --labels; columns are named Model 1, Model 2, … unless --names gives names.
            For example: alliance table m1.json m2.json m3.json --names "Baseline,Alliance,Therapists" --stars --out table2.docx
            """
    )

    @Argument(help: "Model results written by `alliance fit … --format json --out FILE.json` (one column each).")
    public var results: [String] = []

    @Option(name: .long, help: "Column headers, comma-separated, one per model (default: Model 1, Model 2, …).")
    public var names: String?

    @Flag(name: .long, help: "Confidence intervals in brackets under the estimates instead of standard errors.")
    public var ci = false

    @Flag(name: .long, help: "Significance stars after the estimates: * p < .05, ** p < .01, *** p < .001.")
    public var stars = false

    @Flag(name: .long, help: "Odds, rate and hazard ratios for log-link models (logit, poisson, negbin, cox), with intervals.")
    public var exponentiate = false

    @Option(name: .long, help: "Decimals of estimates, standard errors and intervals.")
    public var digits = 2

    @Option(name: .long, help: "Title of the table (default: \"Models of OUTCOME\" when the models share one).")
    public var title: String?

    @OptionGroup public var labelOptions: LabelOptions

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard !results.isEmpty else {
            throw CLIError.usage("table needs one or more model results, e.g. `alliance table m1.json m2.json` (save each with fit … --format json --out m1.json)")
        }
        guard (0...6).contains(digits) else { throw CLIError.usage("--digits must be between 0 and 6 (got \(digits))") }
        let headers = try columnNames()
        let labels = try labelOptions.resolve(in: context)
        var models: [ModelTable.Model] = []
        for (file, name) in zip(results, headers) {
            let json = try context.readJSONSideInput(file) {
                "\(file): not a JSON model result (\($0)); write one with `alliance fit … --format json --out \(file)`"
            }
            models.append(ModelTable.Model(name: name, file: file, json: json))
        }
        let options = ModelTableOptions(intervals: ci, stars: stars, exponentiate: exponentiate, digits: digits,
                                        title: title, labels: labels)
        do {
            return CommandReport(try ModelTable(models, options: options).report())
        } catch {
            throw CLIError.data(error.description)
        }
    }

    func columnNames() throws -> [String] {
        guard let names else { return results.indices.map { "Model \($0 + 1)" } }
        let given = names.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard given.count == results.count, !given.contains(where: \.isEmpty) else {
            throw CLIError.usage("--names gives \(given.count) name(s) for \(results.count) model(s); give one non-empty name per model, comma-separated")
        }
        guard Set(given).count == given.count else { throw CLIError.usage("--names repeats a name; give each model its own") }
        return given
    }
}
