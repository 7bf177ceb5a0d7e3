import ArgumentParser
import DataTable
import Foundation
import Measures
import Models
import Output
import Reporting

/// `alliance audit <data> --therapist T --pre COL --post COL --instrument ID --casemix "..." --out audit.html`:
/// a clinic audit report (HTML, Markdown and JSON with the run manifest).
public struct AuditCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Clinic audit: NHS Talking Therapies metrics, case-mix-adjusted therapist effects, funnel plots, small-cell suppression.",
        discussion: """
            Writes --out FILE.html (self-contained), FILE.md and FILE.json beside it (with the run manifest), and the \
            figures as FILE-recovery-funnel.svg, FILE-dropout-funnel.svg and FILE-therapist-effects.svg for the Markdown. \
            Metrics follow the NHS Talking Therapies definitions (caseness PHQ-9 ≥ 10, GAD-7 ≥ 8; reliable change 6 and 4 \
            points); with --gad-pre and --gad-post (and --instrument phq-9) the paired PHQ-9/GAD-7 definitions are used. \
            Therapist effects come from lmer(post ~ casemix + (1 | therapist)); funnels use exact binomial 95% and 99.8% \
            limits (Spiegelhalter 2005) around the pooled rate. Groups with fewer than --min-cell clients are never shown \
            under their own label, and a rate is suppressed when its denominator, count or complement is under --min-cell.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("Therapist column.", valueName: "col"))
    public var therapist: String

    @Option(name: .long, help: ArgumentHelp("Score at the start of treatment.", valueName: "col"))
    public var pre: String

    @Option(name: .long, help: ArgumentHelp("Score at the end of treatment.", valueName: "col"))
    public var post: String

    @Option(name: .long, help: ArgumentHelp("Instrument of --pre/--post (phq-9, gad-7, or a key with a cut-off and reliable change).", valueName: "id"))
    public var instrument: String

    @OptionGroup public var treatment: TalkingTherapiesOptions

    @Option(name: .long, help: ArgumentHelp("Case-mix terms of the therapist-effects model (default: the --pre column).", valueName: "terms"))
    public var casemix: String?

    @Option(name: .long, help: ArgumentHelp("Service (site) column.", valueName: "col"))
    public var service: String?

    @Option(name: .long, help: ArgumentHelp("Period column: dates (YYYY-MM-DD or YYYY-MM) become calendar quarters (Q1 = January–March, not the April financial year of NHS reporting); other text, such as your own 2024/25-Q1 labels, is used as it is.", valueName: "col"))
    public var period: String?

    @Option(name: .long, help: ArgumentHelp("Dropout column (1 dropped out, 0 did not).", valueName: "col"))
    public var dropout: String?

    @Option(name: .long, help: ArgumentHelp("Alliance score column (e.g. SRS or WAI total).", valueName: "col"))
    public var alliance: String?

    @Option(name: .customLong("min-cell"), help: ArgumentHelp("Smallest group shown under its own label.", valueName: "n"))
    public var minCell: Int = 11

    @Option(name: .long, help: ArgumentHelp("The HTML report; FILE.md and FILE.json are written beside it.", valueName: "audit.html"))
    public var out: String

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard out.lowercased().hasSuffix(".html") else {
            throw CLIError.usage("audit --out names the HTML report: give a file name ending in .html (got '\(out)'); the .md and .json are written beside it")
        }
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be at least 1, got \(minCell)") }
        try treatment.checkMinimumSessions()
        let (gadPre, gadPost, sessions, minSessions) = (treatment.gadPre, treatment.gadPost, treatment.sessions, treatment.minSessions)
        guard (gadPre == nil) == (gadPost == nil) else { throw CLIError.usage("--gad-pre and --gad-post go together") }
        let key = try InstrumentSelection(instrument: instrument, keyFile: nil).key(in: context)
        guard let key else { throw CLIError.usage("give --instrument ID") }
        guard key.direction == .lowerBetter else {
            throw CLIError.usage("the NHS Talking Therapies metrics are defined for symptom measures where lower is better; \(key.id) is higher-better")
        }
        let nhs = TalkingTherapiesThresholds.nhs
        let caseness: Double, criterion: Double
        switch key.id {
        case "phq-9": (caseness, criterion) = (nhs.phq9Caseness, nhs.phq9ReliableChange)
        case "gad-7": (caseness, criterion) = (nhs.gad7Caseness, nhs.gad7ReliableChange)
        default:
            guard let c = key.clinicalCutoff, let r = key.reliableChange else {
                throw CLIError.usage("\(key.id) has no clinical cut-off or reliable-change criterion for the metrics; use phq-9 or gad-7")
            }
            (caseness, criterion) = (c, r)
        }
        if gadPre != nil && key.id != "phq-9" {
            throw CLIError.usage("--gad-pre/--gad-post add GAD-7 to the PHQ-9 (the paired NHS definitions); use them with --instrument phq-9")
        }

        let data = try input.load(in: context)
        // --pre and --post are scanned by the therapist-effects model's frame; these columns are read directly.
        data.warnSuspectedMissingCodes([sessions, gadPre, gadPost, alliance, dropout], in: context)
        let preValues = try MonitoringColumns.numeric(pre, flag: "--pre", in: data)
        let postValues = try MonitoringColumns.numeric(post, flag: "--post", in: data)
        let sessionValues = try sessions.map { try MonitoringColumns.numeric($0, flag: "--sessions", in: data) }
        let gadPreValues = try gadPre.map { try MonitoringColumns.numeric($0, flag: "--gad-pre", in: data) }
        let gadPostValues = try gadPost.map { try MonitoringColumns.numeric($0, flag: "--gad-post", in: data) }
        let rows: [TalkingTherapiesRow]
        var definitions: [String]
        do throws(TalkingTherapiesError) {
            if let gadPreValues, let gadPostValues {
                var thresholds = nhs
                thresholds.minimumSessions = minSessions
                rows = try talkingTherapiesOutcomes(
                    phq9Pre: preValues, phq9Post: postValues,
                    gad7Pre: gadPreValues, gad7Post: gadPostValues,
                    sessions: sessionValues, thresholds: thresholds).rows
                definitions = ["Caseness: PHQ-9 ≥ 10 or GAD-7 ≥ 8 (NHS Talking Therapies). Reliable change: PHQ-9 6, GAD-7 4 points."]
            } else {
                let range = key.totalRange
                if let found = OutOfRangeTotals.find([preValues, postValues], min: range.min, max: range.max, instrument: key.id) {
                    throw TalkingTherapiesError.outOfRange(found)
                }
                rows = try talkingTherapiesRows(pre: preValues, post: postValues, caseness: caseness, reliableChange: criterion,
                                                sessions: sessionValues, minimumSessions: minSessions)
                definitions = ["Caseness: \(key.id.uppercased()) ≥ \(PlotNumber.text(caseness)). Reliable change: \(PlotNumber.text(criterion)) points "
                               + "(NHS Talking Therapies definitions on one measure)."]
            }
        } catch {
            if case .outOfRange(let found) = error {
                throw CLIError.data("\(data.path): cannot compute the outcome metrics: "
                    + found.description(columns: [pre, post, gadPre ?? "", gadPost ?? ""]))
            }
            throw CLIError.data("\(data.path): \(error.description)")
        }
        definitions.append("Recovery: at caseness at the start and not at the end, among those at caseness at the start who finished. "
                           + "Reliable improvement: a reliable fall with no reliable rise, among all who finished. "
                           + "Reliable recovery: both, among those at caseness at the start.")
        definitions.append(sessions.map { "Finished treatment: at least \(PlotNumber.text(minSessions)) sessions in \($0), with scores at start and end." }
                           ?? "Finished treatment: scores at start and end (no --sessions column).")

        let therapists = try MonitoringColumns.factor(therapist, flag: "--therapist", in: data)
        let services = try service.map { try MonitoringColumns.factor($0, flag: "--service", in: data) }
        let periods = try period.map { try MonitoringColumns.factor($0, flag: "--period", in: data) }
        let dropouts = try dropout.map { try MonitoringColumns.numeric($0, flag: "--dropout", in: data) }
        if let dropouts, let bad = dropouts.firstIndex(where: { $0 != nil && $0 != 0 && $0 != 1 }) {
            throw CLIError.data("--dropout: column '\(dropout ?? "")' in \(data.path) must be 0 or 1 (row \(bad + 1) has \(PlotNumber.text(dropouts[bad] ?? 0)))")
        }
        let allianceValues = try alliance.map { try MonitoringColumns.numeric($0, flag: "--alliance", in: data) }
        func label(_ f: GroupingFactor?, _ r: Int) -> String? {
            guard let f, f.codes[r] >= 0 else { return nil }
            return f.levels[Int(f.codes[r])]
        }
        let clients = (0..<data.table.rowCount).map { r in
            let row = rows[r]
            return ClinicAudit.Client(
                therapist: label(therapists, r), service: services == nil ? nil : (label(services, r) ?? "(missing)"),
                period: periods == nil ? nil : label(periods, r).map { ClinicAudit.quarter(of: $0) ?? $0 } ?? "(missing)",
                finished: row.exclusion == nil, casenessAtStart: row.casenessAtStart, recovered: row.recovered,
                reliablyImproved: row.reliablyImproved, reliablyRecovered: row.reliablyRecovered,
                dropout: dropouts.flatMap { $0[r] }.map { $0 == 1 }, alliance: allianceValues.flatMap { $0[r] })
        }
        let audit = ClinicAudit(clients: clients)
        let effects: TherapistEffects
        do {
            effects = try TherapistEffects(table: data.table, outcome: post, casemix: casemix ?? pre, therapist: therapist)
        } catch {
            // Its errors name no client (the therapist model's errors follow `quoting` through ModelError).
            throw MonitoringColumns.cliError(error, file: data.path, quoting: data.levelQuoting, clientColumn: therapist)
        }

        let stem = String(out.dropLast(5))
        let figureFile = { (name: String) in "\(stem)-\(name).svg" }
        let settings = AuditSettings(therapist: therapist, pre: pre, post: post, instrument: key.id, definitions: definitions,
                                     casemix: casemix ?? pre, service: service, period: period, dropout: dropout, alliance: alliance,
                                     minimumCell: minCell, out: out, manifest: try manifest(data))
        let documents = audit.documents(effects: effects, settings: settings, data: try data.provenance,
                                        figureNames: { ((figureFile($0)) as NSString).lastPathComponent })
        var files: [String] = []
        files.append(try context.writeFile(documents.html, to: out))
        files.append(try context.writeFile(documents.markdown, to: stem + ".md"))
        files.append(try context.writeFile(documents.json.prettyPrinted() + "\n", to: stem + ".json"))
        for (name, plot) in documents.plots {
            files.append(try context.writeFile(plot.svg(), to: figureFile(name)))
        }
        return CommandReport(json: documents.json, tables: documents.tables, figures: files, warnings: documents.warnings)
    }

    /// The run manifest: what ran (version, build, system) on what (file, SHA-256) with which settings. The BLAS
    /// kernel is left out: the audit's numbers do not depend on it (docs/reproducibility.md), and the report must be
    /// byte-identical under every kernel.
    private func manifest(_ data: LoadedData) throws -> JSONValue {
        var arguments = ["audit", input.file, "--therapist", therapist, "--pre", pre, "--post", post, "--instrument", instrument]
        for (flag, value) in [("--gad-pre", treatment.gadPre), ("--gad-post", treatment.gadPost), ("--sessions", treatment.sessions), ("--casemix", casemix),
                              ("--service", service), ("--period", period), ("--dropout", dropout), ("--alliance", alliance)] {
            if let value { arguments += [flag, value] }
        }
        if treatment.sessions != nil { arguments += ["--min-sessions", PlotNumber.text(treatment.minSessions)] }
        arguments += ["--min-cell", String(minCell), "--out", out]
        return .object([
            ("alliance_version", .string(AllianceVersion.string)),
            ("git_commit", .string(BuildInfo.gitCommit)),
            ("swift_version", .string(BuildInfo.swiftVersion)),
            ("os", .string(BuildInfo.operatingSystem)),
            ("input", .object([("file", .string(data.path)), ("bytes", .integer(data.byteCount)), ("sha256", .string(try data.sha256)),
                               ("rows", .integer(data.table.rowCount))])),
            ("arguments", .array(arguments.map { .string($0) })),
        ])
    }
}
