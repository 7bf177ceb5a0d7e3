import ArgumentParser
import DataTable
import Distributions
import Models
import Output
import Privacy
import Reporting

/// `alliance plot scatter <data> --x X --y Y [--fit ols] [--by G] --out F.svg`: one point per complete row,
/// optionally with the OLS line and its confidence band for the mean, per group when grouped.
public struct PlotScatterCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "scatter",
        abstract: "Scatter plot of two numeric columns, optionally with an OLS line and confidence band, grouped by colour and shape.",
        discussion: """
            One mark per row with both values (and the --by value) present; the SVG's description counts rows plotted
            and dropped for missing values. --fit ols adds y = a + b·x fitted by least squares with a confidence band for
            the mean (ŷ ± t(df)·SE over 101 x values, as R's predict(lm, interval = "confidence")), one per group with
            --by. Groups smaller than --min-cell are pooled into 'other (suppressed)': drawn, never fitted or named.
            Individual clients are never labelled.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "Numeric column on the horizontal axis.")
    public var xName: String

    @Option(name: .customLong("y"), help: "Numeric column on the vertical axis.")
    public var yName: String

    @Option(name: .long, help: "Add a fitted line: ols (least-squares line with a confidence band for the mean).")
    public var fit: String?

    @Option(name: .customLong("by"), help: "Group by this column: colour, shape and line type per group, with a legend.")
    public var groupName: String?

    @Option(name: .long, help: "Confidence level of the band.")
    public var level: Double = 0.95

    @Option(name: .long, help: ArgumentHelp("Move each drawn point by up to ± this much on both axes (as R's jitter(amount = a)), so that discrete scores do not hide each other; e.g. 0.3. Lines and numbers use the values.", valueName: "amount"))
    public var jitter: Double?

    @Option(name: .long, parsing: .unconditional, help: "Seed of --jitter's generator (default 1); recorded in the JSON and the figure's description.", transform: SeedArgument.parse)
    public var seed: UInt64?

    @OptionGroup public var plotOptions: PlotOutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { plotOptions.summaryOptions }

    /// Points of the grid over which each band is evaluated.
    static let gridSize = 101

    public func execute(in context: RunContext) throws -> CommandReport {
        try plotOptions.validate(command: "scatter")
        if let fit, fit.lowercased() != "ols" { throw CLIError.usage("unknown --fit '\(fit)'; use ols") }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        if let jitter, !(jitter > 0 && jitter.isFinite) {
            throw CLIError.usage("--jitter must be a positive amount in the columns' units, e.g. 0.3 for whole-number scores (got \(jitter))")
        }
        if seed != nil && jitter == nil { throw CLIError.usage("--seed applies to --jitter; add --jitter AMOUNT") }
        let minCell = plotOptions.minCell
        try plotOptions.labels.checkSyntax()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([xName, yName, groupName], in: context)
        let labels = try plotOptions.labels.resolve(for: data, in: context)
        let x = try PlotColumns.numeric(data, xName, role: "--x")
        let y = try PlotColumns.numeric(data, yName, role: "--y")
        let factor = try groupName.map { try PlotColumns.groups(data, $0) }
        let complete = (0..<data.table.rowCount).filter { x[$0] != nil && y[$0] != nil && (factor == nil || factor!.codes[$0] >= 0) }
        try PlotColumns.requireResolvableSpread(complete.map { x[$0] }, xName, path: data.path)
        try PlotColumns.requireResolvableSpread(complete.map { y[$0] }, yName, path: data.path)
        let grouping = factor.map { PooledGroups($0, rows: complete, minimumCell: minCell) } ?? PooledGroups(all: complete)
        // Pooled small groups are drawn but never fitted.
        let fits = grouping.groups.map { group -> Result<OLSLineBand, OLSLineBand.Failure>? in
            guard fit != nil, !group.pooled else { return nil }
            return Result { () throws(OLSLineBand.Failure) in
                try OLSLineBand(x: group.rows.compactMap { x[$0] }, y: group.rows.compactMap { y[$0] }, level: level,
                                gridSize: Self.gridSize)
            }
        }
        let scatter = Scatter(x: (xName, x), y: (yName, y), by: groupName, groups: grouping, fits: fits,
                              jitter: jitter.map { amount in Self.jitterOffsets(amount: amount, seed: seed ?? 1, rows: x.count, in: context) })
        let report = scatter.report(fit: fit, level: level, minCell: minCell, title: plotOptions.title, figure: plotOptions.out,
                                    dropped: data.table.rowCount - complete.count, data: try data.provenance,
                                    labels: labels)
        let written = try plotOptions.resolution.write(report.plots[0], to: plotOptions.out, option: "--out", in: context)
        return CommandReport(report, figures: [written])
    }

    /// Offsets for every row, x then y, from one seeded stream (the seed is recorded in the run's manifest).
    static func jitterOffsets(amount: Double, seed: UInt64, rows: Int, in context: RunContext) -> ScatterJitter {
        context.recordSeed(seed)
        var generator = SeededGenerator(seed: seed)
        let x = (0..<rows).map { _ in (2 * generator.nextUniform() - 1) * amount }
        let y = (0..<rows).map { _ in (2 * generator.nextUniform() - 1) * amount }
        return ScatterJitter(amount: amount, seed: seed, x: x, y: y)
    }
}
