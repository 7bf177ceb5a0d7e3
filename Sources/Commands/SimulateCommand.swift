import ArgumentParser
import Foundation
import Output
import Simulation

/// `alliance simulate --out DIR`: writes DIR/clinic.csv and DIR/sessions.csv, a synthetic study from the seeded
/// generator (docs/simulation.md). Prints a summary (targets asked for, latent values used, files written).
public struct SimulateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic multilevel study (therapists → clients → sessions) calibrated to published alliance findings."
    )

    @Option(name: .long, help: "Directory to write clinic.csv and sessions.csv into (created if missing).")
    public var out: String

    @Option(name: .long, help: "Number of clients.")
    public var clients: Int = 1000
    @Option(name: .long, help: "Number of therapists.")
    public var therapists: Int = 40
    @Option(name: .long, help: "Number of sites.")
    public var sites: Int = 3
    @Option(name: .long, help: "Seed of the generator; the same seed gives the same bytes.")
    public var seed: UInt64 = SimulationParameters().seed
    @Option(name: .customLong("alliance-outcome-r"), help: "Observed r of session-3 WAI-SR total with PHQ-9 improvement among completers.")
    public var allianceOutcomeR: Double = SimulationParameters().allianceOutcomeR
    @Option(name: .customLong("therapist-outcome-share"), help: "Observed therapist ICC of the completers' PHQ-9 post score adjusted for the pre score.")
    public var therapistOutcomeShare: Double = SimulationParameters().therapistOutcomeShare
    @Option(name: .customLong("dropout-rate"), help: "Proportion of clients who drop out.")
    public var dropoutRate: Double = SimulationParameters().dropoutRate
    @Option(name: .customLong("alliance-dropout-d"), help: "Observed Cohen's d of session-3 WAI-SR total, completers minus dropouts.")
    public var allianceDropoutD: Double = SimulationParameters().allianceDropoutD
    @Option(name: .customLong("homework-outcome-r"), help: "Observed r of homework completion with PHQ-9 improvement among completers.")
    public var homeworkOutcomeR: Double = SimulationParameters().homeworkOutcomeR
    @Option(name: .customLong("between-within-ratio"), help: "Latent ratio of the between- to within-therapist alliance slopes on outcome.")
    public var betweenWithinRatio: Double = SimulationParameters().betweenWithinRatio
    @Option(name: .customLong("alliance-therapist-share"), help: "Latent share of alliance variance between therapists.")
    public var allianceTherapistShare: Double = SimulationParameters().allianceTherapistShare
    @Option(name: .customLong("alliance-homework-correlation"), help: "Latent correlation of alliance with homework propensity.")
    public var allianceHomeworkCorrelation: Double = SimulationParameters().allianceHomeworkCorrelation
    @Option(name: .customLong("max-sessions"), help: "Maximum sessions offered to a client (at least 4).")
    public var maxSessions: Int = SimulationParameters().maxSessions

    @Option(name: .long, help: "Format of the summary on standard output: text, json, csv, md, latex or html.")
    public var format: String?

    public init() {}

    public var outputOptions: OutputOptions? { OutputOptions(format: format, out: nil) }

    var parameters: SimulationParameters {
        SimulationParameters(
            clients: clients, therapists: therapists, sites: sites, seed: seed,
            allianceOutcomeR: allianceOutcomeR, therapistOutcomeShare: therapistOutcomeShare,
            dropoutRate: dropoutRate, allianceDropoutD: allianceDropoutD, homeworkOutcomeR: homeworkOutcomeR,
            betweenWithinRatio: betweenWithinRatio, allianceTherapistShare: allianceTherapistShare,
            allianceHomeworkCorrelation: allianceHomeworkCorrelation, maxSessions: maxSessions)
    }

    public func execute(in context: RunContext) throws -> CommandReport {
        let p = parameters
        let study: SimulatedStudy
        do {
            study = try simulate(p)
        } catch {
            throw CLIError.usage(error.description)
        }
        context.recordSeed(p.seed)
        let directory = context.resolveOutput(out)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create the output directory \(directory): \(error.localizedDescription)")
        }
        let clinicPath = try context.writeFile(study.clientCSV(), to: (directory as NSString).appendingPathComponent("clinic.csv"))
        let sessionsPath = try context.writeFile(study.sessionCSV(), to: (directory as NSString).appendingPathComponent("sessions.csv"))

        let l = study.latent
        let targets: [(String, String, Double, Double)] = [
            ("alliance_outcome_r", "Alliance–outcome r", p.allianceOutcomeR, l.allianceOutcomeCorrelation),
            ("therapist_outcome_share", "Therapist outcome share", p.therapistOutcomeShare, l.therapistOutcomeShare),
            ("dropout_rate", "Dropout rate", p.dropoutRate, p.dropoutRate),
            ("alliance_dropout_d", "Alliance–dropout d", p.allianceDropoutD, l.allianceDropoutD),
            ("homework_outcome_r", "Homework–outcome r", p.homeworkOutcomeR, l.homeworkOutcomeCorrelation),
        ]
        let json: JSONValue = .object([
            ("synthetic", .bool(true)),
            ("seed", .string(String(p.seed))),
            ("clients", .integer(p.clients)),
            ("therapists", .integer(p.therapists)),
            ("sites", .integer(p.sites)),
            ("max_sessions", .integer(p.maxSessions)),
            ("targets", .object(targets.map { ($0.0, .number($0.2)) })),
            ("latent", .object([
                ("alliance_outcome_correlation", .number(l.allianceOutcomeCorrelation)),
                ("homework_outcome_correlation", .number(l.homeworkOutcomeCorrelation)),
                ("therapist_outcome_share", .number(l.therapistOutcomeShare)),
                ("alliance_dropout_d", .number(l.allianceDropoutD)),
                ("alliance_therapist_share", .number(l.allianceTherapistShare)),
                ("alliance_homework_correlation", .number(l.allianceHomeworkCorrelation)),
                ("between_slope", .number(l.betweenSlope)),
                ("within_slope", .number(l.withinSlope)),
                ("homework_slope", .number(l.homeworkSlope)),
                ("therapist_effect_sd", .number(l.therapistEffectSD)),
                ("residual_sd", .number(l.residualSD)),
                ("dropout_loading", .number(l.dropoutLoading)),
                ("dropout_threshold", .number(l.dropoutThreshold)),
            ])),
            ("files", .array([
                .object([("path", .string(clinicPath)), ("rows", .integer(study.clients.rowCount))]),
                .object([("path", .string(sessionsPath)), ("rows", .integer(study.sessions.rowCount))]),
            ])),
        ])
        let table = ResultTable(
            title: "Synthetic study (seed \(p.seed))",
            columns: [TableColumn("Quantity", key: "quantity"), TableColumn("Target", kind: .decimal(3), key: "target"),
                      TableColumn("Latent value used", kind: .decimal(3), key: "latent")],
            rows: targets.map { [.text($0.1), .number($0.2), .number($0.3)] },
            notes: ["SYNTHETIC DATA. Wrote \(clinicPath) (\(study.clients.rowCount) clients) and \(sessionsPath) (\(study.sessions.rowCount) sessions).",
                    "Targets are observed quantities; latent values are corrected for attenuation (docs/simulation.md)."])
        return CommandReport(json: json, tables: [table])
    }
}
