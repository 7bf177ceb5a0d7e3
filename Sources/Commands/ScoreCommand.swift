import ArgumentParser
import DataTable
import Foundation
import Measures
import Output

/// `alliance score <data.csv> --instrument ID [--prefix P | --items a,b,…] --out FILE.csv`: scores one
/// instrument by its key and writes the input columns plus `<id>_total`, `<id>_<subscale>` and the key's
/// extras (severity, flags, alert). Standard output (or `--format`) gets a summary: rows scored, prorated
/// and unscored, invalid cells, and the distribution of each score.
public struct ScoreCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an instrument (totals, subscales, severity, flags) from its scoring key; --out writes the scored CSV.",
        discussion: """
            Item columns come from --items (in key order), --prefix P (P1… or P_1…), or, with neither, the usual \
            prefixes for the instrument (e.g. phq_1…phq_9 for phq-9). Item values outside the key's range stop the \
            run (exit 65) with the lines and columns named, unless --invalid missing. Shipped keys: see \
            docs/scoring-keys.md; --key FILE reads your own.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("Instrument id of a shipped key (wai-sr, srs, ors, phq-9, gad-7, core-10, bdi-ii).", valueName: "id"))
    public var instrument: String?

    @Option(name: .long, help: ArgumentHelp("A scoring-key JSON file (docs/scoring-keys.md) instead of a shipped key.", valueName: "file"))
    public var key: String?

    @Option(name: .long, help: ArgumentHelp("Item columns are P1…Pk or P_1…P_k.", valueName: "p"))
    public var prefix: String?

    @Option(name: .long, help: ArgumentHelp("Item columns, comma-separated, in the key's item order.", valueName: "a,b,..."))
    public var items: String?

    @Option(name: .long, help: ArgumentHelp("Out-of-range item values: error (refuse the data, default) or missing.", valueName: "policy"))
    public var invalid: String = "error"

    @Option(name: .customLong("alert-cutoff"), help: ArgumentHelp("Override the key's alert threshold (e.g. SRS below 36).", valueName: "x"))
    public var alertCutoff: Double?

    @Option(name: .long, help: ArgumentHelp("Write the input columns plus the scores to this CSV file (atomically).", valueName: "file.csv"))
    public var out: String?

    @Option(name: .long, help: ArgumentHelp("Format of the summary on standard output: text, json, csv, md, latex or html.", valueName: "format"))
    public var format: String?

    public init() {}

    public var outputOptions: OutputOptions? { OutputOptions(format: format, out: nil) }

    public func execute(in context: RunContext) throws -> CommandReport {
        let policy = try invalidPolicy(invalid)
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("score writes CSV: give --out a file name ending in .csv (got '\(out)')")
        }
        guard let scoringKey = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context) else {
            throw CLIError.usage("give --instrument ID or --key FILE")
        }
        let data = try input.load(in: context)
        let itemNames = try itemColumns(for: scoringKey, prefix: prefix, items: items, in: data.table, file: data.path)
        let result: ScoreResult
        do {
            result = try score(table: data.table, key: scoringKey, items: itemNames,
                               options: ScoringOptions(invalid: policy, alertCutoff: alertCutoff))
        } catch {
            throw commandError(error, file: data.path)
        }
        // Reports name the file as the user gave it: resolved paths would put machine paths into notebook results.
        var written: String?
        if let out {
            try context.writeFile(TableCSVWriter.csv(result.table), to: out)
            written = out
        }
        let scoreColumns = 1 + scoringKey.subscales.count
        return CommandReport(json: json(result, scoreColumns: scoreColumns, data: data, written: written),
                             tables: tables(result, scoreColumns: scoreColumns, data: data, written: written),
                             warnings: result.warnings)
    }

    /// The distribution of each score column: the total and the subscales (not severity, flags or alerts).
    private func scoreSummaries(_ result: ScoreResult, scoreColumns: Int) -> [(String, NumericSummary)] {
        result.newColumns.prefix(scoreColumns).compactMap { column in
            column.numeric.map { (column.name, summarize($0)) }
        }
    }

    private func json(_ result: ScoreResult, scoreColumns: Int, data: LoadedData, written: String?) -> JSONValue {
        let scores: [JSONValue] = scoreSummaries(result, scoreColumns: scoreColumns).map { name, s in
            .object([("column", .string(name)), ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                     ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("min", .number(s.min)),
                     ("max", .number(s.max))])
        }
        return .object([
            ("instrument", .string(result.instrument)),
            ("data", data.json(used: result.scored)),
            ("items", .array(result.itemColumns.map { .string($0) })),
            ("columns", .array(result.newColumns.map { .string($0.name) })),
            ("out", .string(written)),
            ("rows", .integer(result.rows)),
            ("scored", .integer(result.scored)),
            ("prorated", .integer(result.prorated)),
            ("too_many_missing", .integer(result.tooManyMissing)),
            ("invalid_cells", .integer(result.invalidCells.count)),
            ("scores", .array(scores)),
            ("warnings", .array(result.warnings.map { .string($0) })),
        ])
    }

    private func tables(_ result: ScoreResult, scoreColumns: Int, data: LoadedData, written: String?) -> [ResultTable] {
        let counts = ResultTable(
            title: "Scoring \(result.instrument)",
            columns: [TableColumn("Rows"), TableColumn("n", kind: .integer)],
            rows: [
                [.text("Read"), .integer(result.rows)],
                [.text("Scored"), .integer(result.scored)],
                [.text("Scored by prorating"), .integer(result.prorated)],
                [.text("Not scored (too many missing items)"), .integer(result.tooManyMissing)],
                [.text("Invalid item cells treated as missing"), .integer(result.invalidCells.count)],
            ],
            notes: ["\(data.path): items \(result.itemColumns.joined(separator: ", ")); new columns \(result.newColumns.map(\.name).joined(separator: ", "))."]
                + [written.map { "Scored data written to \($0)." } ?? "Scores not written: pass --out FILE.csv to write the scored data."])
        let distribution = ResultTable(
            title: "Score distribution",
            columns: [TableColumn("Score"), TableColumn("n", kind: .integer), TableColumn("M", kind: .decimal(2)),
                      TableColumn("SD", kind: .decimal(2)), TableColumn("Min", kind: .decimal(2)),
                      TableColumn("Max", kind: .decimal(2))],
            rows: scoreSummaries(result, scoreColumns: scoreColumns).map { name, s in
                [.text(name), .integer(s.n), .number(s.mean), .number(s.sd), .number(s.min), .number(s.max)]
            },
            notes: ["SD uses n − 1."])
        return [counts, distribution]
    }
}
