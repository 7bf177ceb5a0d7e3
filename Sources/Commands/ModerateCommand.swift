import ArgumentParser
import DataTable
import Models
import Output
import Reporting

/// `alliance moderate <data> --x X --w W --y Y`: PROCESS model 1.
public struct ModerateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "moderate",
        abstract: "Moderation (PROCESS model 1): the X×W interaction, conditional effects, Johnson–Neyman region, simple slopes.",
        discussion: """
        Fits Y ~ X + W + X·W + covariates by OLS (as lm). Conditional effects of X are given at the 16th/50th/84th
        percentiles of W over the rows used (R's quantile type 6, PROCESS's default) or at the mean ± 1 SD
        (--probes mean-sd). --jn adds the Johnson–Neyman boundaries inside W's observed range and every real root.
        --plot writes the simple slopes (.svg, .pdf or .png).
        """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "The focal predictor X.")
    public var xName: String

    @Option(name: .customLong("w"), help: "The moderator W.")
    public var wName: String

    @Option(name: .customLong("y"), help: "The outcome Y.")
    public var yName: String

    @Option(name: .long, help: "Comma-separated numeric covariates.")
    public var covariates: String?

    @Option(name: .long, help: "Where to probe W: percentiles (16th/50th/84th) or mean-sd.")
    public var probes: String = "percentiles"

    @Flag(name: .long, help: "Add the Johnson–Neyman region of significance.")
    public var jn = false

    @Option(name: .long, help: "Confidence level of the intervals (and 1 − α of the Johnson–Neyman test).")
    public var level: Double = 0.95

    @OptionGroup public var figure: FigureOptions<SimpleSlopesFigure>

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let probeRule = ProbeRule(rawValue: probes.lowercased()) else {
            throw CLIError.usage("unknown --probes '\(probes)'; use percentiles or mean-sd")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be between 0 and 1, e.g. 0.95") }
        let spec = ModerationSpecification(x: xName, w: wName, y: yName, covariates: CorrelateCommand.list(covariates ?? ""),
                                           probes: probeRule, level: level)
        try figure.check()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([xName, wName, yName] + spec.covariates, in: context)
        data.warnDichotomousOutcome(yName, command: "moderate", in: context)
        let result: ModerationResult
        do {
            result = try Moderation.fit(spec, data: data.table)
        } catch {
            throw FitCommand.cliError(error, file: data.path, action: "fit the moderation model", quoting: data.levelQuoting)
        }
        let report = result.report(data: try data.provenance, johnsonNeyman: jn)
        var figures: [String] = []
        if let plot = figure.plot, let slopes = report.plots.first {
            figures.append(try figure.write(slopes, to: plot, in: context))
        }
        return CommandReport(report, figures: figures)
    }
}

/// `moderate --plot`: the simple slopes.
public enum SimpleSlopesFigure: FigureKind {
    public static var help: ArgumentHelp { "Write the simple-slopes plot (.svg, .pdf or .png)." }
}
