import ArgumentParser
import DataTable
import Measures
import Models
import Output
import Reporting

/// `alliance track <sessions> --client C --session S --score COL (--instrument ID | --reliable-change X)`: expected
/// treatment response curves (Finch, Lambert & Schaalje 2001) and not-on-track flags per session.
public struct TrackCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Expected treatment response curves and not-on-track flags (Finch, Lambert & Schaalje 2001).",
        discussion: """
            Fits score ~ intake * log(session) + (log(session) | client) by REML on the sessions after each client's \
            first (intake) session (--session numbers at least 1; 1 = intake), in --reference FILE or else in the data \
            itself (with a warning), and flags each session beyond the one-sided --coverage tolerance boundary as not on \
            track. Sensitivity and specificity are for predicting no reliable improvement from intake to the last \
            session (the key's criterion, or --reliable-change). --alliance COL adds the PCOMS rule: a session with the \
            alliance (SRS) total below the key's alert cut-off is flagged, at every session with an alliance score, intake \
            included. --out writes client, session, score, expected, boundary, flag (with --alliance, also alliance, \
            alliance_flag, and a row for each intake or other unchecked session with an alliance score, its expected, \
            boundary and flag empty).
            """
    )

    @OptionGroup public var input: DataInput

    @OptionGroup public var columns: SessionColumnOptions

    @Option(name: .long, help: ArgumentHelp("Symptom score column (e.g. phq_9_total).", valueName: "col"))
    public var score: String

    @Option(name: .long, help: ArgumentHelp("Instrument id of the score (its direction and reliable-change criterion).", valueName: "id"))
    public var instrument: String?

    @Option(name: .long, help: ArgumentHelp("Reliable-change criterion in points (overrides the instrument's).", valueName: "x"))
    public var reliableChange: Double?

    @Option(name: .long, help: ArgumentHelp("lower-better or higher-better (default: the instrument's, else lower-better).", valueName: "direction"))
    public var direction: String?

    @Option(name: .long, help: ArgumentHelp("Fit the expected-response model on this file (same column names) instead of the data.", valueName: "file"))
    public var reference: String?

    @Option(name: .long, help: ArgumentHelp("Coverage of the one-sided tolerance boundary.", valueName: "c"))
    public var coverage: Double = 0.8

    @Option(name: .long, help: ArgumentHelp("Session-level alliance column (PCOMS rule: below the key's cut-off is flagged).", valueName: "col"))
    public var alliance: String?

    @Option(name: .customLong("alliance-instrument"), help: ArgumentHelp("Instrument of --alliance (its alert cut-off).", valueName: "id"))
    public var allianceInstrument: String = "srs"

    @Option(name: .customLong("alliance-cutoff"), help: ArgumentHelp("Alliance alert cut-off (overrides the key's).", valueName: "x"))
    public var allianceCutoff: Double?

    @Option(name: .long, help: ArgumentHelp("Write the per-session flags to this CSV file.", valueName: "flags.csv"))
    public var out: String?

    @Option(name: .customLong("client-chart"), help: ArgumentHelp("Chart this one client (with --plot).", valueName: "id"))
    public var clientChart: String?

    @OptionGroup public var figure: FigureOptions<ClientChartFigure>

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("track --out writes the flags as CSV: give a file name ending in .csv (got '\(out)')")
        }
        guard (clientChart == nil) == (figure.plot == nil) else {
            throw CLIError.usage("--client-chart ID and --plot FILE go together: the chart is of one client chosen by the clinician")
        }
        try figure.check()
        guard coverage > 0.5 && coverage < 1 else {
            throw CLIError.usage(MonitoringError.invalidCoverage(coverage).description)
        }
        if let reliableChange, !(reliableChange > 0 && reliableChange.isFinite) {
            throw CLIError.usage("--reliable-change must be a positive number of points, got \(reliableChange)")
        }
        let key = try InstrumentSelection(instrument: instrument, keyFile: nil).key(in: context)
        let dir = try MonitoringColumns.direction(key, override: direction)
        var allianceKey: ScoringKey?
        if alliance != nil {
            allianceKey = try InstrumentSelection(instrument: allianceInstrument, keyFile: nil).key(in: context)
            guard allianceCutoff != nil || allianceKey?.alert != nil else {
                throw CLIError.usage("the \(allianceInstrument) key has no alert cut-off; give --alliance-cutoff X")
            }
        }

        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([columns.session, score, alliance], in: context)
        let panel = try columns.panel(data, score: score, scoreFlag: "--score", in: context)
        try checkTotals(data, key: key)
        warnLateIntake(panel, file: data.path, in: context)
        var referenceProvenance: DataProvenance?
        var referencePanel = panel
        var quoting = data.levelQuoting
        if let reference {
            var referenceInput = input
            referenceInput.file = reference
            let referenceData = try referenceInput.load(in: context)
            referenceData.warnSuspectedMissingCodes([columns.session, score], in: context)
            referencePanel = try columns.panel(referenceData, score: score, scoreFlag: "--score", in: context)
            try checkTotals(referenceData, key: key)
            warnLateIntake(referencePanel, file: referenceData.path, in: context)
            referenceProvenance = try referenceData.provenance
            quoting = LevelQuoting(withholding: data.allowedColumns + referenceData.allowedColumns)
        }
        var result: TrackResult
        do {
            let model = try ExpectedTreatmentResponse.fit(referencePanel)
            result = try TrackResult(model: model, panel: panel, coverage: coverage, direction: dir)
        } catch {
            throw MonitoringColumns.cliError(error, file: reference ?? data.path, quoting: quoting, clientColumn: columns.client)
        }

        // The outcome the flags predict: reliable improvement from intake to the last session (Measures' criterion).
        let criterion = reliableChange ?? key?.reliableChange
        let source = reliableChange != nil ? "--reliable-change" : key.flatMap { k in k.reliableChange.map { _ in "\(k.id) key" } }
        if let criterion {
            let change: ChangeResult
            do {
                change = try Measures.reliableChange(pre: result.clients.map { Optional($0.intake) },
                                                     post: result.clients.map { Optional($0.final) }, criterion: criterion,
                                                     cutoff: nil, direction: dir == .lowerBetter ? .lowerBetter : .higherBetter)
            } catch {
                throw CLIError.usage(error.description)
            }
            let improved: [Bool?] = change.rows.map { row in row.map { $0.category == .improved || $0.category == .recovered } }
            let checkpoints = Array(Set(result.sessions.map(\.session))).sorted().prefix(12)
            do { result = try result.evaluating(improved: improved, checkpoints: Array(checkpoints)) } catch {
                throw MonitoringColumns.cliError(error, file: data.path, quoting: quoting, clientColumn: columns.client)
            }
        }

        var allianceAlerts: AllianceAlerts?
        if let alliance {
            // Every session with an alliance score, intake included: the PCOMS rule needs no expected curve, and a low
            // SRS at the first session is its key dropout warning (the trajectory starts after intake).
            let alliancePanel = try columns.panel(data, score: alliance, scoreFlag: "--alliance", in: context)
            struct Key: Hashable { let client: String; let session: Double }
            var symptom: [Key: Double] = [:]
            var trajectoryRows = Set<Int>()
            var firstRow: [String: Int] = [:]
            for c in 0..<panel.clientCount {
                for (t, y) in zip(panel.sessions[c], panel.scores[c]) { symptom[Key(client: panel.clients[c], session: t)] = y }
                if panel.sessions[c].count >= 2 { trajectoryRows.formUnion(panel.rows[c]) }
                firstRow[panel.clients[c]] = panel.rows[c].min()
            }
            var sessions: [AllianceSession] = []
            var beyond = 0
            for c in 0..<alliancePanel.clientCount {
                let label = alliancePanel.clients[c]
                for (i, (t, a)) in zip(alliancePanel.sessions[c], alliancePanel.scores[c]).enumerated() {
                    sessions.append(AllianceSession(client: label, session: t, alliance: a,
                                                    score: symptom[Key(client: label, session: t)], intake: i == 0))
                }
                beyond += alliancePanel.rows[c].count { !trajectoryRows.contains($0) }
                if let row = alliancePanel.rows[c].min() { firstRow[label] = min(firstRow[label] ?? row, row) }
            }
            let order = firstRow.sorted { $0.value < $1.value }.map(\.key)
            let cutoff = allianceCutoff ?? allianceKey?.alert?.below ?? 0
            allianceAlerts = AllianceAlerts(column: alliance, instrument: allianceKey?.id ?? allianceInstrument, cutoff: cutoff,
                                            source: allianceKey?.source ?? [], sessions: sessions, clientOrder: order,
                                            rowsBeyondTrajectory: beyond)
        }

        var figures: [String] = []
        if let out {
            let table: Table
            do { table = try result.flagsTable(alliance: allianceAlerts) } catch {
                throw CLIError.data("\(data.path): \(error)")
            }
            figures.append(try context.writeFile(TableCSVWriter.csv(table), to: out))
        }
        if let clientChart, let plot = figure.plot {
            guard let index = result.clientLabels.firstIndex(of: clientChart) else {
                // The label the user typed is echoed, never the file's labels (the client column may be identifying).
                guard panel.clients.contains(clientChart) else {
                    throw CLIError.usage("--client-chart: no client '\(clientChart)' in column '\(columns.client)' of \(data.path) "
                        + "(with a \(score) score); check the label's spelling and case")
                }
                throw CLIError.usage("--client-chart: client '\(clientChart)' has no session after intake in \(data.path)")
            }
            guard let chart = result.clientChart(client: index, scoreName: score, instrument: key?.id) else {
                throw CLIError.usage("--client-chart: client '\(clientChart)' has no checked session")
            }
            figures.append(try figure.write(chart, to: plot, in: context))
        }
        let settings = TrackSettings(client: columns.client, session: columns.session, score: score, instrument: key?.id,
                                     reference: referenceProvenance, reliableChange: criterion, reliableChangeSource: source,
                                     out: out, plot: figure.plot, alliance: allianceAlerts)
        return CommandReport(result.report(settings: settings, data: try data.provenance), figures: figures)
    }

    /// Session 1 is the intake: a client whose session-1 score is missing has a later session taken as the intake (the
    /// start of the expected curve and of reliable change), which a researcher should know.
    /// Scores the instrument cannot give (a PHQ-9 of 35 or -3) are refused, as `change` and `audit` refuse them: tracked,
    /// they would bend every expected curve.
    private func checkTotals(_ data: LoadedData, key: ScoringKey?) throws {
        guard let key else { return }
        let values = try MonitoringColumns.numeric(score, flag: "--score", in: data)
        let range = key.totalRange
        if let found = OutOfRangeTotals.find([values], min: range.min, max: range.max, instrument: key.id) {
            throw CLIError.data("\(data.path): cannot track: \(found.description(columns: [score]))")
        }
    }

    private func warnLateIntake(_ panel: SessionPanel, file: String, in context: RunContext) {
        let (late, tracked) = panel.firstSessionsAfter(1)
        guard let first = late.first else { return }
        let when = late.allSatisfy { $0 == first } ? "session \(PlotNumber.text(first))" : "a later session"
        context.warn("\(file): \(late.count) of \(tracked) client\(tracked == 1 ? "" : "s") \(late.count == 1 ? "has" : "have") no "
            + "\(score) score at session 1: \(when) was taken as \(late.count == 1 ? "its" : "their") intake, from which the expected "
            + "curve and reliable change start; give the intake scores, or leave those clients out if they have none")
    }
}

/// `track --plot`: the chart of the `--client-chart` client.
public enum ClientChartFigure: FigureKind {
    public static var help: ArgumentHelp {
        ArgumentHelp("Write the --client-chart chart to this file (.svg, .pdf or .png).", valueName: "file")
    }
}
