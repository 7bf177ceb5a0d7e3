import ArgumentParser
import Foundation
import DataTable
import Models
import Output
import Reporting

/// `alliance correlate <data> --vars a,b,...`: Pearson, Spearman or Kendall correlations for every pair, optionally
/// partial on control variables, with adjusted p-values, as R's cor.test and p.adjust.
public struct CorrelateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Correlations (Pearson, Spearman, Kendall tau-b; partial) for every pair of variables, with CIs and adjusted p-values.",
        discussion: """
        Pearson: t test and Fisher-z interval, as cor.test. Spearman and Kendall: p-values as cor.test(exact = FALSE);
        intervals by Fisher z with the Bonett–Wright (2000) variances. --partial residualises on the controls.
        Missing values are dropped pairwise (default) or listwise (--listwise), and every pair reports its n.
        """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "Comma-separated numeric variables (at least two).")
    public var vars: String

    @Option(name: .long, help: "pearson, spearman or kendall.")
    public var method: String = "pearson"

    @Option(name: .long, help: "Comma-separated control variables for partial correlations (pearson or spearman).")
    public var partial: String?

    @Flag(name: .long, help: "Use only rows complete on every variable (default: pairwise deletion).")
    public var listwise = false

    @Option(name: .long, help: "p-value adjustment over all pairs: none, holm, bonferroni or bh.")
    public var adjust: String = "none"

    @Option(name: .long, help: "Confidence level of the intervals.")
    public var level: Double = 0.95

    @OptionGroup public var figure: FigureOptions<CorrelationHeatmapFigure>

    @OptionGroup public var labelOptions: LabelOptions

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let method = CorrelationMethod(rawValue: method.lowercased()) else {
            throw CLIError.usage("unknown --method '\(self.method)'; use pearson, spearman or kendall")
        }
        guard let adjustment = PValueAdjustment(rawValue: adjust.lowercased()) else {
            throw CLIError.usage("unknown --adjust '\(adjust)'; use none, holm, bonferroni or bh")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be between 0 and 1, e.g. 0.95") }
        let names = Self.list(vars)
        let controls = Self.list(partial ?? "")
        guard names.count >= 2 else { throw CLIError.usage("--vars needs at least two variables, e.g. --vars wai_sr_total,phq_post") }
        guard Set(names).count == names.count else { throw CLIError.usage("--vars names a variable twice") }
        if let overlap = controls.first(where: names.contains) {
            throw CLIError.usage("'\(overlap)' is both a variable and a --partial control")
        }
        if !controls.isEmpty && method == .kendall {
            throw CLIError.usage("partial Kendall correlations are not supported; use --method pearson or spearman")
        }
        try labelOptions.checkSyntax()
        try figure.check()
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes(names + controls, in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let columns = try (names + controls).map { try numericValues(data, $0) }
        let matrix: CorrelationMatrix
        do {
            matrix = try Correlation.matrix(Array(columns.prefix(names.count)), method: method,
                                            missing: listwise ? .listwise : .pairwise, adjustment: adjustment,
                                            controls: Array(columns.dropFirst(names.count)), confidenceLevel: level)
        } catch {
            throw CLIError.data("\(data.path): \(error)")
        }
        let used = listwise ? (0..<data.table.rowCount).filter { row in columns.allSatisfy { $0[row] != nil } }.count : nil
        let report = matrix.report(names: names, controls: controls, level: level, used: used, plot: figure.plot, data: try data.provenance,
                                   labels: labels)
        var figures: [String] = []
        if let plot = figure.plot, let heatmap = report.plots.first {
            figures.append(try figure.write(heatmap, to: plot, in: context))
        }
        return CommandReport(report, figures: figures)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func numericValues(_ data: LoadedData, _ name: String) throws -> [Double?] {
        let column: Column
        do {
            column = try data.table.requireColumn(name)
        } catch {
            throw CLIError.usage("\(data.path): \(error)")
        }
        guard let numeric = column.numeric else {
            throw CLIError.data("\(data.path): " + column.notNumeric("column '\(name)'", "correlate needs numbers"))
        }
        return (0..<numeric.count).map { numeric[$0] }
    }
}

/// `correlate --plot`: the heatmap of the correlations.
public enum CorrelationHeatmapFigure: FigureKind {
    public static var help: ArgumentHelp { "Write a heatmap of the correlations to this file (.svg, .pdf or .png)." }
}
