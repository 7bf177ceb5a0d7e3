import ArgumentParser
import DataTable
import Output
import Privacy
import Reporting

/// `alliance describe <data.csv>`: per column its type, n, missing, mean, sd (n − 1), min, median, max and
/// distinct count; for categorical columns the levels with counts.
public struct DescribeCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Summarise every column: type, n, missing, mean, sd, min, median, max, distinct; levels of categorical columns."
    )

    @OptionGroup public var input: DataInput
    @OptionGroup public var labelOptions: LabelOptions
    @OptionGroup public var output: OutputOptions

    @Option(name: .customLong("max-levels"), help: "List at most this many levels per categorical column (the rest are counted).")
    public var maxLevels: Int = 50

    @Option(name: .long, help: "Summarise numeric columns per level of this column (groups under --min-cell are suppressed).")
    public var by: String?

    @Option(name: .customLong("min-cell"), help: "Hide counts, groups and numeric columns with fewer than this many rows or values (complementary suppression keeps totals from revealing them).")
    public var minCell: Int = 11

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard maxLevels >= 0 else { throw CLIError.usage("--max-levels must be 0 or more") }
        guard minCell >= 1 else { throw CLIError.usage("--min-cell must be 1 or more") }
        try labelOptions.checkSyntax()
        if let by {
            let data = try input.load(in: context)
            return try grouped(by: by, data: data, labels: try labelOptions.resolve(for: data, in: context))
        }
        // Each column is summarised in the same pass as the identifier guard scans it (the columns of a large
        // table spread over both cores; identical to one at a time). Nothing is shown unless the guard passes.
        // The scan for likely missing codes (-99, 999) rides along in the same pass.
        let (data, perColumn) = try input.load(in: context) { column in
            (summarize(column), column.numeric?.suspectedMissingCodes() ?? [])
        }
        let columnSummaries = perColumn.map(\.0)
        let summaries = zip(data.table.columns.map(\.name), columnSummaries).map { (name: $0, summary: $1) }
        warnAboutMissingCodes(data, summaries: columnSummaries, codes: perColumn.map(\.1), in: context)
        warnAboutCaseVariants(data, in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let report = try ColumnSummary.report(summaries, metadata: data.table.columns.map(\.metadata), maxLevels: maxLevels,
                                              minCell: minCell, data: try data.provenance, labels: labels)
        return CommandReport(report)
    }

    /// A numeric column holding -99, 999 and the like far outside its other values was probably given a missing
    /// code that was not declared. Identifier-like columns (by name, by --allow-column, or one distinct value per
    /// row) are skipped so that none of their values is printed.
    private func warnAboutMissingCodes(_ data: LoadedData, summaries: [ColumnSummary], codes: [[SuspectedMissingCode]],
                                       in context: RunContext) {
        for ((column, summary), suspected) in zip(zip(data.table.columns, summaries), codes) {
            guard case .numeric(let s) = summary,
                  !data.allowedColumns.contains(column.name), !isIdentifierLikeColumnName(column.name),
                  !(s.n > 20 && s.distinct == s.n)
            else { continue }
            for code in suspected {
                let value = code.value.rounded() == code.value ? String(Int(code.value)) : String(code.value)
                context.warn("\(input.file): column '\(column.name)' holds \(value) in \(code.count) row"
                    + "\(code.count == 1 ? "" : "s"), far outside its other values: likely a missing-value code; "
                    + "if so, pass --na \(value) (or --na \(column.name):\(value) for this column only)")
            }
        }
    }

    /// A text column with one level in two capitalisations (`North` and `north`): every analysis would treat them as
    /// different groups, and this is where a researcher first looks at the levels. The levels are named as the
    /// listing names them (`LevelQuoting`: not for a column the identifier guard flagged and the user let through).
    private func warnAboutCaseVariants(_ data: LoadedData, in context: RunContext) {
        for column in data.table.columns {
            guard let levels = column.categorical?.levels else { continue }
            let variants = LevelSpellings.caseVariants(levels)
            guard !variants.isEmpty else { continue }
            let named = data.levelQuoting.levels(variants, of: column.name, quoted: true, limit: 6)
            context.warn("\(input.file): column '\(column.name)': \(LevelSpellings.caseVariantsClause(variants, named: named)); every "
                + "analysis treats them as different groups; if they are one, give them one spelling (alliance transform --recode)")
        }
    }

    /// `--by COL`: numeric columns summarised per group (DataTable), small groups suppressed (Privacy).
    private func grouped(by: String, data: LoadedData, labels: VariableLabels) throws -> CommandReport {
        guard let groupColumn = data.table.column(named: by) else {
            throw CLIError.usage("--by '\(by)' names no column in \(data.path)" + data.table.suggestionHint(for: by))
        }
        let summary = summarize(data.table, by: GroupingFactor(groupColumn), excluding: [by])
        let provenance = try data.provenance
        do {
            return CommandReport(try summary.report(by: by, minCell: minCell, data: provenance, labels: labels))
        } catch {
            throw CLIError.data("\(error)")
        }
    }
}
