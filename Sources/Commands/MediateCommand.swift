import ArgumentParser
import DataTable
import Foundation
import Models
import Output
import Reporting

/// `alliance mediate <data> --x X --m M --y Y`: PROCESS models 4, 7 and 14 with a bootstrap of the indirect effects.
public struct MediateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "mediate",
        abstract: "Mediation (PROCESS models 4, 7, 14): paths a, b, c, c′ and bootstrap intervals for indirect effects.",
        discussion: """
        Each equation is fitted by OLS (t-based intervals for the paths, as lm and PROCESS), with the covariates in
        every equation. Indirect effects a·b get bootstrap intervals (--boot resamples, percentile by default, --ci bca
        for boot.ci's BCa with jackknife acceleration); resample i always draws from stream i of --seed, so the
        numbers are the same on any number of cores. --cluster resamples whole clusters (e.g. therapists).
        --w W --moderate a (model 7) or b (model 14) gives conditional indirect effects at the 16th/50th/84th
        percentiles of W (or --probes mean-sd) and the index of moderated mediation.
        """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "The predictor X (numeric; a treatment arm coded 0/1).")
    public var xName: String

    @Option(name: .customLong("m"), help: "Mediator(s), comma-separated for parallel mediators.")
    public var mediators: String

    @Option(name: .customLong("y"), help: "The outcome Y.")
    public var yName: String

    @Option(name: .long, help: "Comma-separated numeric covariates, entered in every equation.")
    public var covariates: String?

    @Option(name: .customLong("w"), help: "A moderator W (with --moderate).")
    public var wName: String?

    @Option(name: .long, help: "The path W moderates: a (X → M, PROCESS model 7) or b (M → Y, model 14).")
    public var moderate: String?

    @Option(name: .long, help: "Where to probe W: percentiles (16th/50th/84th) or mean-sd.")
    public var probes: String = "percentiles"

    @Option(name: .long, help: "Bootstrap resamples.")
    public var boot: Int = 5000

    @Option(name: .long, parsing: .unconditional, help: "Seed of the bootstrap; the same seed gives the same numbers on any machine.", transform: SeedArgument.parse)
    public var seed: UInt64 = 1

    @Option(name: .long, help: "Bootstrap interval: percentile or bca.")
    public var ci: String = "percentile"

    @Option(name: .long, help: "Resample whole clusters of this column (e.g. therapist) instead of rows.")
    public var cluster: String?

    @Option(name: .long, help: "Confidence level of the intervals.")
    public var level: Double = 0.95

    @Option(name: .long, help: "Write each resample's data rows (1-based, one resample per line) to this file, to reproduce the bootstrap elsewhere.")
    public var exportResamples: String?

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        let mediatorList = CorrelateCommand.list(mediators)
        guard !mediatorList.isEmpty else { throw CLIError.usage("--m needs at least one mediator, e.g. --m wai_total") }
        guard let method = BootstrapIntervalMethod(rawValue: ci.lowercased()) else {
            throw CLIError.usage("unknown --ci '\(ci)'; use percentile or bca")
        }
        guard let probeRule = ProbeRule(rawValue: probes.lowercased()) else {
            throw CLIError.usage("unknown --probes '\(probes)'; use percentiles or mean-sd")
        }
        guard boot >= 2 && boot <= 10_000_000 else {
            throw CLIError.usage("--boot must be between 2 and 10,000,000 resamples (5000 is the default), got \(boot)")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be between 0 and 1, e.g. 0.95") }
        var path: ModeratedPath?
        if let moderate {
            guard let p = ModeratedPath(rawValue: moderate.lowercased()) else {
                throw CLIError.usage("unknown --moderate '\(moderate)'; use a (X → M, PROCESS model 7) or b (M → Y, model 14)")
            }
            path = p
        }
        if (wName == nil) != (path == nil) {
            throw CLIError.usage(wName == nil ? "--moderate needs the moderator: add --w W" : "--w needs the path it moderates: add --moderate a or --moderate b")
        }
        let spec = MediationSpecification(
            x: xName, mediators: mediatorList, y: yName, covariates: CorrelateCommand.list(covariates ?? ""), w: wName, moderate: path,
            cluster: cluster, probes: probeRule, level: level,
            bootstrap: BootstrapOptions(resamples: boot, seed: seed, method: method))
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([xName] + mediatorList + [yName] + spec.covariates + [wName], in: context)
        data.warnDichotomousOutcome(yName, command: "mediate", in: context)
        let progress: (@Sendable (Int) -> Void)?
        if context.showsProgress {
            let total = boot
            progress = { done in
                FileHandle.standardError.write(Data("\rbootstrap: \(done) of \(total) resamples\(done == total ? "\n" : "")".utf8))
            }
        } else {
            progress = nil
        }
        let result: MediationResult
        do {
            result = try Mediation.fit(spec, data: data.table, progress: progress)
        } catch {
            throw FitCommand.cliError(error, file: data.path, action: "fit the mediation model", quoting: data.levelQuoting)
        }
        context.recordBootstrap(.init(command: "mediate", resamples: boot, seed: seed, ciMethod: method.rawValue,
                                      unit: result.bootstrap.unit, failures: result.bootstrap.failures))
        var files: [String] = []
        if let exportResamples {
            var text = ""
            do {
                let rows = try Mediation.modelRows(spec, data: data.table)
                for drawn in try Mediation.resampleRows(spec, data: data.table, resamples: 0..<boot) {
                    text += drawn.map { String(rows[$0] + 1) }.joined(separator: " ") + "\n"
                }
            } catch {
                throw FitCommand.cliError(error, file: data.path, action: "export the resamples", quoting: data.levelQuoting)
            }
            files.append(try context.writeFile(text, to: exportResamples))
        }
        return CommandReport(result.report(data: try data.provenance), figures: files)
    }
}
