import ArgumentParser
import Models
import Output
import Privacy
import Reporting

/// `--export-summary FILE` and `--min-cell N`, shared by the fit commands: writes the aggregates `alliance pool`
/// combines (OLS cross-products; GLM and mixed-model estimates and covariance) after the privacy layer's small-cell check.
public struct ExportSummaryOptions: ParsableArguments {
    @Option(name: .customLong("export-summary"), help: "Also write this site's aggregates for `alliance pool` (JSON; no row of data), refused when a count falls under --min-cell.")
    public var exportSummary: String?

    @Option(name: .customLong("min-cell"), help: "With --export-summary: the smallest count (rows, rows per level, per 0/1 column) the summary may reveal.")
    public var minCell: Int = SmallCellSuppressor.defaultMinimum

    public init() {}

    /// Writes the summary of a regression when asked; returns the file written (or nothing).
    func write(_ result: RegressionResult, data: LoadedData, in context: RunContext) throws -> [String] {
        try write(data: data, in: context) { () throws(ModelError) in try SiteSummary.of(result, table: data.table) }
    }

    /// Writes the summary of a linear mixed model (fixed effects and their covariance) when asked.
    func write(_ result: LinearMixedModelResult, data: LoadedData, in context: RunContext) throws -> [String] {
        try write(data: data, in: context) { () throws(ModelError) in try SiteSummary.of(result, table: data.table) }
    }

    private func write(data: LoadedData, in context: RunContext,
                       summarise: () throws(ModelError) -> (SiteSummary, SiteCells)) throws -> [String] {
        guard let exportSummary else {
            if minCell != SmallCellSuppressor.defaultMinimum { throw CLIError.usage("--min-cell applies with --export-summary FILE") }
            return []
        }
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be at least 1 (got \(minCell))") }
        let summary: SiteSummary, cells: SiteCells
        do {
            (summary, cells) = try summarise()
        } catch {
            throw CLIError.data("\(data.path): cannot export a summary: \(error.message(quoting: data.levelQuoting))")
        }
        if let refusal = ExportDisclosureCheck.refusal(ExportDisclosureCheck.smallCells(cells.cells, minimumCell: minCell), minimumCell: minCell) {
            throw CLIError.data("\(data.path): --export-summary refused: \(refusal)")
        }
        return [try context.writeFile(summary.json(minCell: minCell).prettyPrinted() + "\n", to: exportSummary)]
    }
}
