import ArgumentParser
import DataTable
import Measures
import Output
import Reporting

/// `alliance change <data.csv> --pre COL --post COL (--instrument ID | --sd X --reliability R)`: reliable and
/// clinically significant change (Jacobson & Truax 1991), or with `--nhs-talking-therapies` the NHS Talking
/// Therapies outcome metrics from paired PHQ-9 and GAD-7 totals.
public struct ChangeCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Reliable and clinically significant change (Jacobson-Truax), or NHS Talking Therapies outcome metrics.",
        discussion: """
            With --instrument the key's published reliable-change criterion is used when it has one (e.g. PHQ-9: \
            6 points), otherwise Jacobson-Truax from its norms; --sd and --reliability give Jacobson-Truax \
            directly (S_diff = sqrt(2)·SD·sqrt(1 − r); reliable when |RCI| ≥ 1.96). --out writes every input row \
            with rci and change_category; --plot draws the Jacobson-Truax plot.
            """
    )

    @OptionGroup public var input: DataInput
    @OptionGroup public var labelOptions: LabelOptions

    @Option(name: .long, help: ArgumentHelp("Column of pre-treatment scores.", valueName: "col"))
    public var pre: String?

    @Option(name: .long, help: ArgumentHelp("Column of post-treatment scores.", valueName: "col"))
    public var post: String?

    @Option(name: .long, help: ArgumentHelp("Instrument id of a shipped key (its reliable-change criterion, cut-off and direction).", valueName: "id"))
    public var instrument: String?

    @Option(name: .long, help: ArgumentHelp("A scoring-key JSON file instead of a shipped key.", valueName: "file"))
    public var key: String?

    @Option(name: .long, help: ArgumentHelp("Standard deviation for S_diff (pre-treatment or dysfunctional-norm SD).", valueName: "x"))
    public var sd: Double?

    @Option(name: .long, help: ArgumentHelp("Reliability coefficient for S_diff (test-retest or alpha), between 0 and 1.", valueName: "r"))
    public var reliability: Double?

    @Option(name: .long, help: ArgumentHelp("Clinical cut-off (overrides the instrument's).", valueName: "c"))
    public var cutoff: Double?

    @Option(name: .long, help: ArgumentHelp("lower-better or higher-better (default: the instrument's, else lower-better).", valueName: "direction"))
    public var direction: String?

    @Flag(name: .customLong("nhs-talking-therapies"), help: "NHS Talking Therapies outcome metrics from PHQ-9 and GAD-7.")
    public var talkingTherapies = false

    @Option(name: .customLong("phq-pre"), help: ArgumentHelp("PHQ-9 total at the start (with --nhs-talking-therapies).", valueName: "col"))
    public var phqPre: String?

    @Option(name: .customLong("phq-post"), help: ArgumentHelp("PHQ-9 total at the end.", valueName: "col"))
    public var phqPost: String?

    @OptionGroup public var treatment: TalkingTherapiesOptions

    @Option(name: .long, help: ArgumentHelp("Write every input row with the change columns appended to this CSV file.", valueName: "file.csv"))
    public var out: String?

    @OptionGroup public var figure: FigureOptions<JacobsonTruaxFigure>

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("change --out writes the rows as CSV: give a file name ending in .csv (got '\(out)')")
        }
        try figure.check()
        return talkingTherapies ? try talkingTherapiesReport(in: context) : try reliableChangeReport(in: context)
    }

    // MARK: Jacobson–Truax

    private func reliableChangeReport(in context: RunContext) throws -> CommandReport {
        for (flag, value) in [("--phq-pre", phqPre), ("--phq-post", phqPost), ("--gad-pre", treatment.gadPre),
                              ("--gad-post", treatment.gadPost), ("--sessions", treatment.sessions)] where value != nil {
            throw CLIError.usage("\(flag) belongs to --nhs-talking-therapies")
        }
        guard let pre, let post else { throw CLIError.usage("give --pre COL and --post COL") }
        guard (sd == nil) == (reliability == nil) else {
            throw CLIError.usage("--sd and --reliability go together (S_diff needs both)")
        }
        let scoringKey = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context)
        guard scoringKey != nil || sd != nil else {
            throw CLIError.usage("give --instrument ID (or --key FILE), or --sd X and --reliability R")
        }
        let userDirection = try direction.map(Self.parseDirection)
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([pre, post], in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let before = try MonitoringColumns.numeric(pre, flag: "--pre", in: data)
        let after = try MonitoringColumns.numeric(post, flag: "--post", in: data)

        let result: ChangeResult
        do {
            result = try reliableChange(pre: before, post: after, key: scoringKey, sd: sd, reliability: reliability,
                                        cutoff: cutoff, direction: userDirection)
        } catch {
            switch error {
            case .invalidSD, .invalidReliability: throw CLIError.usage(error.description)
            case .noCriterion, .lengthMismatch: throw CLIError.usage("\(data.path): \(error.description)")
            case .outOfRange(let found):
                throw CLIError.data("\(data.path): cannot classify change: \(found.description(columns: [pre, post]))")
            }
        }
        if let out {
            try writeRows(data, adding: result.rowColumns, to: out, in: context)
        }
        let report = result.report(pre: (pre, before), post: (post, after), instrument: scoringKey?.id, sd: sd,
                                   reliability: reliability, out: out, plot: figure.plot, data: try data.provenance,
                                   labels: labels)
        var figures: [String] = []
        if let plot = figure.plot, let jacobsonTruax = report.plots.first {
            figures.append(try figure.write(jacobsonTruax, to: plot, in: context))
        }
        return CommandReport(report, figures: figures)
    }

    static func parseDirection(_ text: String) throws -> ScoreDirection {
        switch text.lowercased() {
        case "lower-better", "lower_better", "lower": return .lowerBetter
        case "higher-better", "higher_better", "higher": return .higherBetter
        default: throw CLIError.usage("unknown --direction '\(text)'; use lower-better or higher-better")
        }
    }

    // MARK: NHS Talking Therapies

    private func talkingTherapiesReport(in context: RunContext) throws -> CommandReport {
        for (flag, value) in [("--pre", pre), ("--post", post), ("--instrument", instrument), ("--key", key),
                              ("--direction", direction)] where value != nil {
            throw CLIError.usage("\(flag) does not apply to --nhs-talking-therapies (it uses PHQ-9 and GAD-7 totals)")
        }
        if sd != nil || reliability != nil || cutoff != nil {
            throw CLIError.usage("--sd, --reliability and --cutoff do not apply to --nhs-talking-therapies")
        }
        if figure.plot != nil { throw CLIError.usage("--plot draws the Jacobson-Truax plot; it needs --pre and --post") }
        guard let phqPre, let phqPost, let gadPre = treatment.gadPre, let gadPost = treatment.gadPost else {
            throw CLIError.usage("--nhs-talking-therapies needs --phq-pre, --phq-post, --gad-pre and --gad-post")
        }
        try treatment.checkMinimumSessions()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([phqPre, phqPost, gadPre, gadPost, treatment.sessions], in: context)
        var thresholds = TalkingTherapiesThresholds.nhs
        thresholds.minimumSessions = treatment.minSessions
        let outcomes: TalkingTherapiesOutcomes
        do {
            outcomes = try talkingTherapiesOutcomes(
                phq9Pre: try MonitoringColumns.numeric(phqPre, flag: "--phq-pre", in: data),
                phq9Post: try MonitoringColumns.numeric(phqPost, flag: "--phq-post", in: data),
                gad7Pre: try MonitoringColumns.numeric(gadPre, flag: "--gad-pre", in: data),
                gad7Post: try MonitoringColumns.numeric(gadPost, flag: "--gad-post", in: data),
                sessions: try treatment.sessions.map { try MonitoringColumns.numeric($0, flag: "--sessions", in: data) },
                thresholds: thresholds)
        } catch let error as TalkingTherapiesError {
            if case .outOfRange(let found) = error {
                throw CLIError.data("\(data.path): cannot compute the outcome metrics: "
                    + found.description(columns: [phqPre, phqPost, gadPre, gadPost]))
            }
            throw CLIError.data("\(data.path): \(error.description)")
        }
        if let out {
            try writeRows(data, adding: outcomes.rowColumns, to: out, in: context)
        }
        return CommandReport(outcomes.report(sessionsGiven: treatment.sessions != nil, out: out, data: try data.provenance))
    }

    // MARK: shared

    // Reports name files as the user gave them (no machine paths in notebook results).
    @discardableResult
    private func writeRows(_ data: LoadedData, adding columns: [Column], to path: String,
                           in context: RunContext) throws -> String {
        for column in columns where data.table.column(named: column.name) != nil {
            throw CLIError.data("\(data.path) already has a column named '\(column.name)'; rename it before writing --out")
        }
        let table: Table
        do { table = try Table(columns: data.table.columns + columns, source: data.table.source) } catch {
            throw CLIError.data("\(data.path): \(error.description)")
        }
        return try context.writeFile(TableCSVWriter.csv(table), to: path)
    }
}

/// `change --plot`: the Jacobson–Truax plot.
public enum JacobsonTruaxFigure: FigureKind {
    public static var help: ArgumentHelp {
        ArgumentHelp("Write the Jacobson-Truax plot to this file (.svg, .pdf or .png).", valueName: "file.svg")
    }
}
