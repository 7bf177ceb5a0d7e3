import ArgumentParser
import DataTable
import Output
import Privacy
import Reporting

/// `alliance plot histogram <data> --x X [--bins N | --binwidth W] [--by G] --out F.svg`.
public struct PlotHistogramCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "histogram",
        abstract: "Histogram of a numeric column, optionally one outline per group.",
        discussion: """
            Bins are half-open [a, b), the last one closed. Default width: Freedman–Diaconis, 2·IQR·n^(-1/3) (IQR from
            R's default quantile, type 7), falling back to Sturges' ceil(log2 n + 1) bins over the range when the IQR
            is 0 or Freedman–Diaconis would need more than 200 bins (a long tail). When every value is a whole number and the width comes from a rule, the width is rounded up to a whole
            number and the edges fall at half-integers, so no whole value sits on an edge. --bins N: N equal bins from
            the minimum to the maximum. --binwidth W: edges at multiples of W. With --by each group is drawn as a step
            outline over the same bins; groups smaller than --min-cell are pooled into 'other (suppressed)'.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "Numeric column to bin.")
    public var xName: String

    @Option(name: .long, help: "Number of equal-width bins from the minimum to the maximum.")
    public var bins: Int?

    @Option(name: .long, help: "Bin width (edges at multiples of it).")
    public var binwidth: Double?

    @Option(name: .customLong("by"), help: "Group by this column: one outline per group, with a legend.")
    public var groupName: String?

    @OptionGroup public var plotOptions: PlotOutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { plotOptions.summaryOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try plotOptions.validate(command: "histogram")
        if bins != nil && binwidth != nil { throw CLIError.usage("--bins and --binwidth are alternatives; give one") }
        if let bins, bins < 1 || bins > 10_000 { throw CLIError.usage("--bins must be between 1 and 10000 (got \(bins))") }
        if let binwidth, !(binwidth > 0 && binwidth.isFinite) { throw CLIError.usage("--binwidth must be a positive number") }
        let minCell = plotOptions.minCell
        try plotOptions.labels.checkSyntax()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([xName, groupName], in: context)
        let labels = try plotOptions.labels.resolve(for: data, in: context)
        let x = try PlotColumns.numeric(data, xName, role: "--x")
        let factor = try groupName.map { try PlotColumns.groups(data, $0) }
        let complete = (0..<data.table.rowCount).filter { x[$0] != nil && (factor == nil || factor!.codes[$0] >= 0) }
        guard !complete.isEmpty else {
            throw CLIError.data("\(data.path): column '\(xName)' has no values to plot (every row is missing)")
        }
        let values = complete.compactMap { x[$0] }
        try PlotColumns.requireResolvableSpread(values, xName, path: data.path)
        let binning: HistogramBins
        do {
            binning = try HistogramBins(values, bins: bins, binwidth: binwidth)
        } catch {
            throw Self.cliError(error, column: xName, path: data.path)
        }
        let grouping = factor.map { PooledGroups($0, rows: complete, minimumCell: minCell) } ?? PooledGroups(all: complete)
        let histogram = Histogram(bins: binning, groups: grouping.groups.map { group in group.rows.compactMap { x[$0] } })
        let report = histogram.report(x: xName, by: groupName, groups: grouping, minCell: minCell, title: plotOptions.title,
                                      figure: plotOptions.out, dropped: data.table.rowCount - complete.count,
                                      data: try data.provenance, labels: labels)
        let written = try plotOptions.resolution.write(report.plots[0], to: plotOptions.out, option: "--out", in: context)
        return CommandReport(report, figures: [written])
    }

    /// Binning errors with what to do: a usage error (64) when --bins or --binwidth cannot work, a data error (65)
    /// when the values themselves cannot be binned.
    static func cliError(_ error: HistogramError, column: String, path: String) -> CLIError {
        let (kind, message): (CLIError.Kind, String)
        switch error {
        case .noValues, .spanTooWide:
            (kind, message) = (error == .noValues ? .usage : .data, error.description)
        case .tooManyBins(let count):
            (kind, message) = (.usage, "\(count) bins would be needed; use a larger --binwidth or fewer --bins (at most \(HistogramBins.maximumBins))")
        case .beyondBinLimit:
            (kind, message) = (.usage, "more than \(HistogramBins.maximumBins) bins would be needed; use a larger --binwidth or --bins N")
        case .tooClose(_, let fromRule):
            (kind, message) = (fromRule ? .data : .usage, "\(error.description); give a --binwidth that suits their scale")
        }
        return CLIError(kind, "\(path): column '\(column)': \(message)")
    }
}
