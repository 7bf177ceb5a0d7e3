import ArgumentParser
import DataTable
import Models
import Output
import Privacy
import Reporting

/// `alliance survival <data> --time COL --event COL [--by COL] [--strata COL] [--rho R] [--conf-type T] [--at 4,8,12]
/// [--plot FILE.svg]`: Kaplan–Meier curves and the log-rank (G-rho) test, as R's survfit and survdiff.
public struct SurvivalCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "survival",
        abstract: "Kaplan–Meier curves, median survival and the log-rank (G-rho) test, as R's survfit and survdiff.",
        discussion: """
            --event is 0/1 (1 = event), 1/2 (2 = event, as R's survival reads it), yes/no or true/false (yes/true the \
            event; other text is refused: recode it 0/1), or an SPSS/Stata labelled variable (its codes decide). Greenwood variance; pointwise intervals on the log scale by default \
            (--conf-type log-log or plain); the median as quantile.survfit. --by draws a curve per level and tests them \
            (--rho 0: log-rank, 1: Peto–Peto), --strata stratifies the test. --at gives survival at chosen times. \
            --plot writes the Kaplan–Meier plot with confidence bands, censoring marks and the number at risk.
            """
    )

    @OptionGroup public var input: DataInput
    @OptionGroup public var labelOptions: LabelOptions

    @Option(name: .long, help: ArgumentHelp("Follow-up time (weeks, sessions, days): the time of the event or of censoring.", valueName: "col"))
    public var time: String

    @Option(name: .long, help: ArgumentHelp("Event indicator: 1 = event (e.g. dropout), 0 = censored.", valueName: "col"))
    public var event: String

    @Option(name: .long, help: ArgumentHelp("A curve per level of this column, and the test between them.", valueName: "col"))
    public var by: String?

    @Option(name: .long, help: ArgumentHelp("Stratify the test by this column (as strata() in survdiff).", valueName: "col"))
    public var strata: String?

    @Option(name: .long, help: "G-rho weight of the test: 0 = log-rank, 1 = Peto–Peto (as survdiff's rho).")
    public var rho: Double = 0

    @Option(name: .customLong("conf-type"), help: "Pointwise intervals: log (as survfit), log-log or plain.")
    public var confType: String = "log"

    @Option(name: .long, help: "Confidence level.")
    public var level: Double = 0.95

    @Option(name: .long, help: ArgumentHelp("Report survival at these times, e.g. 4,8,12.", valueName: "t1,t2,..."))
    public var at: String?

    @OptionGroup public var figure: FigureOptions<KaplanMeierFigure>

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let type = SurvivalConfidenceType(rawValue: confType.lowercased()) else {
            throw CLIError.usage("unknown --conf-type '\(confType)'; use log, log-log or plain")
        }
        var times: [Double] = []
        if let at {
            for part in at.split(separator: ",") {
                guard let t = Double(part.trimmingCharacters(in: .whitespaces)), t.isFinite, t >= 0 else {
                    throw CLIError.usage("--at takes non-negative times separated by commas, e.g. --at 4,8,12 (got '\(at)')")
                }
                times.append(t)
            }
        }
        if let by, let strata, by == strata {
            throw CLIError.usage("--by and --strata both name '\(by)': a stratified test compares the --by groups within each "
                + "stratum, so the stratum must be another column (or leave --strata out)")
        }
        try figure.check()
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([time, event, by, strata], in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let options = SurvivalAnalysisOptions(by: by, strata: strata, rho: rho, confidenceType: type, level: level, at: times)
        let analysis: SurvivalAnalysis
        do {
            analysis = try SurvivalEstimation.run(table: data.table, time: time, event: event, options: options)
        } catch {
            throw Self.cliError(error, file: data.path, action: "estimate the survival curves", quoting: data.levelQuoting)
        }
        // A curve of a handful of rows shows each one's time and outcome: the small-cell rule of describe, plot and
        // audit (DESIGN.md §9) is stated here rather than applied, since the curves are the analysis.
        if let by, let warning = SmallGroupWarning.message(
            file: data.path, subject: "--by \(by)", groups: analysis.curves.map { ($0.group, $0.n) }, unit: "row",
            describes: "their curves and counts") {
            context.warn(warning)
        }
        let report = analysis.report(data: try data.provenance, plot: figure.plot != nil, labels: labels)
        var figures: [String] = []
        if let plot = figure.plot, let kaplanMeier = report.plots.first { figures.append(try figure.write(kaplanMeier, to: plot, in: context)) }
        return CommandReport(report, figures: figures)
    }

    /// Naming mistakes and bad options are usage errors (64); data that cannot be analysed is 65.
    static func cliError(_ error: SurvivalError, file: String, action: String, quoting: LevelQuoting) -> CLIError {
        switch error {
        case .model(let e):
            return FitCommand.cliError(e, file: file, action: action, quoting: quoting)
        case .invalidOption(let text) where text.hasPrefix("--"):
            return CLIError.usage("\(file): \(text)")
        default:
            return CLIError.data("\(file): cannot \(action): \(error.message(quoting: quoting))")
        }
    }
}

/// `survival --plot`: the Kaplan–Meier plot.
public enum KaplanMeierFigure: FigureKind {
    public static var help: ArgumentHelp { ArgumentHelp("Write the Kaplan–Meier plot to this file (.svg, .pdf or .png).", valueName: "file") }
}
