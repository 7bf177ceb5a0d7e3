import ArgumentParser
import DataTable
import Output

/// `alliance plot <kind> <data.csv> ... --out FILE.svg`: exploratory plots of one data file. Statistics shown in a
/// plot (fits, bands, bins) are computed here, in Commands; the Output layer only draws the values it is given.
public struct PlotCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Exploratory plots (scatter with OLS fit, histogram) written as accessible SVG.",
        subcommands: [PlotScatterCommand.self, PlotHistogramCommand.self]
    )

    public init() {}
}

/// Options every `plot` subcommand shares: the SVG to write, the small-cell threshold for groups, a title and
/// the format of the summary printed on standard output (`--out` names the SVG, so the summary never goes to a file).
public struct PlotOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write the plot to this SVG file.", valueName: "file.svg"))
    public var out: String

    @Option(name: .long, help: "Title of the plot (default: describes the variables).")
    public var title: String?

    @Option(name: .customLong("min-cell"), help: "Groups (--by) with fewer rows are merged into 'other (suppressed)'.")
    public var minCell: Int = SmallCells.defaultMinimum

    @Option(name: .long, help: "Format of the summary on standard output: text, json, csv, md, latex or html.")
    public var format: String?

    public init() {}

    func validate(command: String) throws {
        guard out.lowercased().hasSuffix(".svg") else {
            throw CLIError.usage("plot \(command) writes SVG: give --out a file name ending in .svg (got '\(out)')")
        }
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be at least 1 (got \(minCell))") }
    }

    var summaryOptions: OutputOptions { OutputOptions(format: format, out: nil) }
}

/// Numbers in plot descriptions and notes: whole numbers without a decimal point, others in shortest form.
enum PlotNumber {
    static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? NumberFormat.integer(x) : NumberFormat.roundTrip(x)
    }

    /// "a + b × x" with the sign of b folded into the operator.
    static func line(intercept: Double, slope: Double, x: String) -> String {
        "\(NumberFormat.fixed(intercept, places: 2)) \(slope < 0 ? "-" : "+") \(NumberFormat.fixed(abs(slope), places: 3)) × \(x)"
    }
}

/// The DESIGN.md §9 default for the smallest group that may be shown on its own.
enum SmallCells {
    static let defaultMinimum = 11
}

/// Column access with the error kinds every command uses: an unknown column is a usage error (64) naming near
/// matches; a text column where a number is needed is a data error (65).
enum PlotColumns {
    static func numeric(_ data: LoadedData, _ name: String, role: String) throws -> [Double?] {
        let column = try require(data, name)
        guard let numeric = column.numeric else {
            throw CLIError.data("\(data.path): column '\(name)' (\(role)) is not numeric (it holds text such as category labels); give a numeric column")
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

    /// Group labels: text as written; numbers in shortest form (`1`, `2.5`).
    static func labels(_ data: LoadedData, _ name: String) throws -> [String?] {
        let column = try require(data, name)
        if let categorical = column.categorical {
            return (0..<categorical.count).map { categorical[$0] }
        }
        guard let numeric = column.numeric else { return Array(repeating: nil, count: column.count) }
        return (0..<numeric.count).map { row in
            numeric[row].map(PlotNumber.text)
        }
    }

    private static func require(_ data: LoadedData, _ name: String) throws -> Column {
        do {
            return try data.table.requireColumn(name)
        } catch {
            throw CLIError.usage("\(data.path): \(error)")
        }
    }
}

/// Rows split into groups for a plot. A group with fewer than `minCell` rows is not shown under its own label:
/// its rows are pooled into one "other (suppressed)" group, which is drawn (so every complete row keeps its mark)
/// but never fitted, and whose size is not printed when it is itself below `minCell`.
struct PlotGroups {
    struct Group {
        let label: String
        /// Indices into the source table.
        let rows: [Int]
        /// True for the pooled small groups.
        let suppressed: Bool
    }

    static let suppressedLabel = "other (suppressed)"

    let groups: [Group]
    /// Labels pooled into the suppressed group (never printed; counted).
    let suppressedLevelCount: Int

    /// `labels == nil`: one unlabelled group of all `rows`.
    init(rows: [Int], labels: [String?]?, minCell: Int) {
        guard let labels else {
            groups = [Group(label: "all", rows: rows, suppressed: false)]
            suppressedLevelCount = 0
            return
        }
        var byLabel: [String: [Int]] = [:]
        for row in rows { if let label = labels[row] { byLabel[label, default: []].append(row) } }
        let ordered = byLabel.keys.sorted(by: CategoricalColumn.levelOrder)
        var shown: [Group] = []
        var pooled: [Int] = []
        var pooledLevels = 0
        for label in ordered {
            let members = byLabel[label] ?? []
            if members.count >= minCell {
                shown.append(Group(label: label, rows: members, suppressed: false))
            } else {
                pooled += members
                pooledLevels += 1
            }
        }
        if !pooled.isEmpty {
            shown.append(Group(label: PlotGroups.suppressedLabel, rows: pooled.sorted(), suppressed: true))
        }
        groups = shown
        suppressedLevelCount = pooledLevels
    }

    /// Okabe–Ito has eight colours; past them colours repeat (shapes and line types still differ).
    var crowdingWarning: String? {
        let shown = groups.filter { !$0.suppressed }.count
        guard shown > Color.okabeIto.count else { return nil }
        return "\(shown) groups are shown; colours repeat after \(Color.okabeIto.count) (shapes and line types still differ). Consider a coarser --by or a larger --min-cell."
    }

    /// The legend text of a group: its label and size, except that a pooled group below `minCell` shows no count.
    static func legendLabel(_ group: Group, minCell: Int) -> String {
        if group.suppressed && group.rows.count < minCell { return "\(group.label), n < \(minCell)" }
        return "\(group.label) (n = \(group.rows.count))"
    }

    /// The size as a table cell: blank for a pooled group below `minCell`.
    static func countCell(_ group: Group, minCell: Int) -> Cell {
        group.suppressed && group.rows.count < minCell ? .text("< \(minCell)") : .integer(group.rows.count)
    }

    static func countJSON(_ group: Group, minCell: Int) -> JSONValue {
        group.suppressed && group.rows.count < minCell ? .null : .integer(group.rows.count)
    }
}
