import ArgumentParser
import DataTable
import Output
import Privacy

/// `alliance plot <kind> <data.csv> ... --out FILE.svg`: exploratory plots of one data file. Statistics shown in a
/// plot come from their owners (bins: DataTable; lines and bands: Models; pooling of small groups: Privacy);
/// Reporting arranges them into the figure, and the Output layer only draws the values it is given.
public struct PlotCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Exploratory plots (scatter with OLS fit, histogram) written as accessible SVG, or PDF/PNG rendered from it.",
        subcommands: [PlotScatterCommand.self, PlotHistogramCommand.self]
    )

    public init() {}
}

/// Options every `plot` subcommand shares: the figure to write (SVG, PDF or PNG), the small-cell threshold for groups, a title and
/// the format of the summary printed on standard output (`--out` names the SVG, so the summary never goes to a file).
public struct PlotOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write the plot to this file: .svg, .pdf or .png, by extension.", valueName: "file.svg"))
    public var out: String

    @OptionGroup public var resolution: FigureResolution

    @Option(name: .long, help: "Title of the plot (default: describes the variables).")
    public var title: String?

    @Option(name: .customLong("min-cell"), help: "Groups (--by) with fewer rows are merged into 'other (suppressed)'.")
    public var minCell: Int = SmallCells.defaultMinimum

    @OptionGroup public var summary: SummaryFormatOption

    @OptionGroup public var labels: LabelOptions

    public init() {}

    func validate(command: String) throws {
        try resolution.check(out, option: "--out")
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be at least 1 (got \(minCell))") }
    }

    var summaryOptions: OutputOptions { summary.outputOptions }
}

/// The DESIGN.md §9 default for the smallest group that may be shown on its own.
enum SmallCells {
    static let defaultMinimum = SmallCellSuppressor.defaultMinimum
}

/// Column access with the error kinds every command uses: an unknown column is a usage error (64) naming near
/// matches; a text column where a number is needed is a data error (65).
enum PlotColumns {
    static func numeric(_ data: LoadedData, _ name: String, role: String) throws -> [Double?] {
        let column = try require(data, name)
        guard let numeric = column.numeric else {
            throw CLIError.data("\(data.path): column '\(name)' (\(role)) is not numeric\(column.nonNumericClause()); give a numeric "
                                + "column, or fix that value or declare it missing with --na")
        }
        return (0..<numeric.count).map { row in numeric[row].flatMap { $0.isFinite ? $0 : nil } }
    }

    /// Output's axis ticks cannot resolve a range narrower than about 1e-300 (it would trap computing the tick
    /// step), so such columns are refused here with a message rather than drawn.
    static func requireResolvableSpread(_ values: [Double?], _ name: String, path: String) throws {
        let present = values.compactMap { $0 }
        guard let low = present.min(), let high = present.max(), high > low else { return }
        guard high - low >= 1e-290 else {
            throw CLIError.data("\(path): the values of '\(name)' differ by less than 1e-290, too little for a plot axis; rescale the column")
        }
    }

    /// Groups of a column, listed in text order of their labels (text as written; numbers in shortest form, `1`, `2.5`).
    static func groups(_ data: LoadedData, _ name: String) throws -> GroupingFactor {
        GroupingFactor(try require(data, name)).sortedByLabel()
    }

    private static func require(_ data: LoadedData, _ name: String) throws -> Column {
        do {
            return try data.table.requireColumn(name)
        } catch {
            throw CLIError.usage("\(data.path): \(error)")
        }
    }
}
