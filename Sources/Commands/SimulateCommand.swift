import ArgumentParser
import Foundation
import Output
import Reporting
import Simulation

/// `alliance simulate --out DIR`: writes DIR/clinic.csv and DIR/sessions.csv, a synthetic study from the seeded
/// generator (docs/simulation.md). Prints a summary (targets asked for, latent values used, files written).
public struct SimulateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic multilevel study (therapists → clients → sessions) calibrated to published alliance findings."
    )

    @Option(name: .long, help: "Directory to write clinic.csv and sessions.csv (or trial.csv with --trial) into (created if missing).")
    public var out: String
    @Flag(name: .long, help: "Write DIR/trial.csv instead: a two-arm trial with a known indirect effect through alliance (uses --clients, --therapists, --seed, --teletherapy-share).")
    public var trial = false
    @Option(name: .customLong("teletherapy-share"), help: "With --trial: probability of teletherapy (modality = 1).")
    public var teletherapyShare: Double = TrialParameters().teletherapyShare

    @Option(name: .long, help: "Number of clients.")
    public var clients: Int = 1000
    @Option(name: .long, help: "Number of therapists.")
    public var therapists: Int = 40
    @Option(name: .long, help: "Number of sites.")
    public var sites: Int = 3
    @Option(name: .long, parsing: .unconditional, help: "Seed of the generator; the same seed gives the same bytes.", transform: SeedArgument.parse)
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
    @Option(name: .customLong("alliance-symptom-lag"), help: "Observed within-client slope of next-session PHQ-9 total on this session's client-centred WAI-SR total (PHQ-9 points per WAI-SR point).")
    public var allianceSymptomLag: Double = SimulationParameters().allianceSymptomLag
    @Option(name: .customLong("max-sessions"), help: "Maximum sessions offered to a client (at least 4).")
    public var maxSessions: Int = SimulationParameters().maxSessions

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    var parameters: SimulationParameters {
        SimulationParameters(
            clients: clients, therapists: therapists, sites: sites, seed: seed,
            allianceOutcomeR: allianceOutcomeR, therapistOutcomeShare: therapistOutcomeShare,
            dropoutRate: dropoutRate, allianceDropoutD: allianceDropoutD, homeworkOutcomeR: homeworkOutcomeR,
            betweenWithinRatio: betweenWithinRatio, allianceTherapistShare: allianceTherapistShare,
            allianceHomeworkCorrelation: allianceHomeworkCorrelation, maxSessions: maxSessions,
            allianceSymptomLag: allianceSymptomLag)
    }

    public func execute(in context: RunContext) throws -> CommandReport {
        if trial { return try executeTrial(in: context) }
        let p = parameters
        let study: SimulatedStudy
        do {
            study = try simulate(p)
        } catch {
            throw CLIError.usage(error.description)
        }
        context.recordSeed(p.seed)
        let paths = try writeFiles([("clinic.csv", study.clientCSV()), ("sessions.csv", study.sessionCSV())], in: context)
        return CommandReport(study.report(clinicFile: paths[0], sessionsFile: paths[1]))
    }

    /// Writes each (name, text) into the `--out` directory, created if missing; returns the paths as reports name them.
    func writeFiles(_ files: [(name: String, text: String)], in context: RunContext) throws -> [String] {
        let directory = context.resolveOutput(out)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create the output directory \(directory): \(error.localizedDescription)")
        }
        return try files.map { try context.writeFile($0.text, to: (directory as NSString).appendingPathComponent($0.name)) }
    }
}
