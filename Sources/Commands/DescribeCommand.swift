import ArgumentParser
import DataTable
import Output
import Privacy

/// `alliance describe <data.csv>`: per column its type, n, missing, mean, sd (n − 1), min, median, max and
/// distinct count; for categorical columns the levels with counts.
public struct DescribeCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Summarise every column: type, n, missing, mean, sd, min, median, max, distinct; levels of categorical columns."
    )

    @OptionGroup public var input: DataInput
    @OptionGroup public var output: OutputOptions

    @Option(name: .customLong("max-levels"), help: "List at most this many levels per categorical column (the rest are counted).")
    public var maxLevels: Int = 50

    @Option(name: .long, help: "Summarise numeric columns per level of this column (groups under --min-cell are suppressed).")
    public var by: String?

    @Option(name: .customLong("min-cell"), help: "Hide counts and groups with fewer than this many rows (complementary suppression keeps totals from revealing them).")
    public var minCell: Int = 11

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard maxLevels >= 0 else { throw CLIError.usage("--max-levels must be 0 or more") }
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be 1 or more") }
        if let by {
            return try GroupedDescription(data: try input.load(in: context), by: by, minCell: minCell).report()
        }
        // Each column is summarised in the same pass as the identifier guard scans it (the columns of a large
        // table spread over both cores; identical to one at a time). Nothing is shown unless the guard passes.
        let (data, columnSummaries) = try input.load(in: context) { summarize($0) }
        let summaries = Array(zip(data.table.columns.map(\.name), columnSummaries))
        let suppression = try summaries.map { _, summary -> OneWaySuppression? in
            // Code-like columns (client codes) list no levels, so there is nothing to suppress.
            guard case .categorical(let c) = summary, !isCodeLike(c) else { return nil }
            return try SmallCellSuppressor(minimumCell: minCell).suppressionPlan(counts: c.levels.map(\.count))
        }
        return CommandReport(json: json(data, summaries, suppression), tables: tables(data, summaries, suppression))
    }

    /// A code column (most levels seen once, like client codes) has nothing to show level by level.
    private func isCodeLike(_ s: CategoricalSummary) -> Bool {
        s.levels.count > 20 && s.levels.count * 2 > s.n
    }

    private func json(_ data: LoadedData, _ summaries: [(String, ColumnSummary)], _ suppression: [OneWaySuppression?]) -> JSONValue {
        let columns: [JSONValue] = zip(summaries, suppression).map { entry, hidden in
            let (name, summary) = entry
            switch summary {
            case .numeric(let s):
                return .object([
                    ("name", .string(name)), ("type", .string("numeric")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("min", .number(s.min)),
                    ("median", .number(s.median)), ("max", .number(s.max)), ("distinct", .integer(s.distinct)),
                ])
            case .categorical(let s):
                let shown = isCodeLike(s) ? [] : Array(s.levels.prefix(maxLevels).enumerated())
                let mask = hidden?.cells ?? []
                return .object([
                    ("name", .string(name)), ("type", .string("categorical")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("distinct", .integer(s.levels.count)),
                    ("levels", .array(shown.map { i, l in
                        .object([("level", .string(l.level)), ("count", mask[i] ? .null : .integer(l.count)),
                                 ("suppressed", .bool(mask[i]))])
                    })),
                    ("levels_omitted", .integer(s.levels.count - shown.count)),
                ])
            }
        }
        return .object([("data", data.json()), ("rows", .integer(data.table.rowCount)), ("columns", .array(columns))])
    }

    private func tables(_ data: LoadedData, _ summaries: [(String, ColumnSummary)], _ suppression: [OneWaySuppression?]) -> [ResultTable] {
        var numericRows: [[Cell]] = []
        var levelRows: [[Cell]] = []
        var anySuppressed = false
        for ((name, summary), hidden) in zip(summaries, suppression) {
            switch summary {
            case .numeric(let s):
                numericRows.append([.text(name), .integer(s.n), .integer(s.missing), .number(s.mean), .number(s.sd),
                                    .number(s.min), .number(s.median), .number(s.max), .integer(s.distinct)])
            case .categorical(let s):
                if isCodeLike(s) {
                    levelRows.append([.text(name), .text("(\(s.levels.count) distinct codes; not listed)"), .integer(s.n), .number(nil)])
                    continue
                }
                let shown = s.levels.prefix(maxLevels)
                let mask = hidden?.cells ?? []
                for (i, level) in shown.enumerated() {
                    if mask[i] {
                        anySuppressed = true
                        levelRows.append([.text(i == 0 ? name : ""), .text(level.level), .text("suppressed"), .number(nil)])
                    } else {
                        levelRows.append([.text(i == 0 ? name : ""), .text(level.level), .integer(level.count),
                                          .number(s.n > 0 ? 100 * Double(level.count) / Double(s.n) : nil)])
                    }
                }
                let omitted = s.levels.count - shown.count
                if omitted > 0 {
                    levelRows.append([.text(shown.isEmpty ? name : ""), .text("(\(omitted) more levels)"), .integer(nil), .number(nil)])
                }
                if s.missing > 0 {
                    levelRows.append([.text(""), .text("(missing)"), .integer(s.missing), .number(nil)])
                }
            }
        }
        let note = "\(data.path): \(data.table.rowCount) rows, \(data.table.columns.count) columns. sd uses n − 1."
        var result: [ResultTable] = []
        if !numericRows.isEmpty {
            result.append(ResultTable(
                title: "Numeric columns",
                columns: [TableColumn("Column"), TableColumn("n", kind: .integer), TableColumn("Missing", kind: .integer),
                          TableColumn("Mean", kind: .decimal(2)), TableColumn("SD", kind: .decimal(2)),
                          TableColumn("Min", kind: .decimal(2)), TableColumn("Median", kind: .decimal(2)),
                          TableColumn("Max", kind: .decimal(2)), TableColumn("Distinct", kind: .integer)],
                rows: numericRows, notes: [note]))
        }
        if !levelRows.isEmpty {
            result.append(ResultTable(
                title: "Categorical columns",
                columns: [TableColumn("Column"), TableColumn("Level"), TableColumn("Count", kind: .integer),
                          TableColumn("%", kind: .decimal(1))],
                rows: levelRows,
                notes: (numericRows.isEmpty ? [note] : [])
                    + (anySuppressed ? ["Counts below \(minCell) are suppressed, with complementary suppression so that totals cannot reveal them (--min-cell)."] : [])))
        }
        return result
    }
}
