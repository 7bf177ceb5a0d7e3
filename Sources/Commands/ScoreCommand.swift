import ArgumentParser
import DataTable
import Foundation
import Measures
import Output
import Reporting
import StatFiles

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
            docs/scoring-keys.md; --key FILE reads your own. An ad-hoc scale needs no key: --items a,b,c \
            [--reverse b --range 1-7] [--name NAME] [--total mean] writes NAME_total (the sum, or the mean, of the items \
            after reversal; a row with any item missing gets no score).

            Example: alliance score Datasets/clinic.csv --instrument wai-sr --prefix wai_ --out scored.csv
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

    @OptionGroup var adHoc: AdHocScaleOptions

    @Option(name: .long, help: ArgumentHelp("Without a key: the scale's name, the stem of its output column NAME_total.", valueName: "name"))
    public var name: String = "scale"

    @Option(name: .long, help: ArgumentHelp("Without a key: how items make the score, sum or mean.", valueName: "rule"))
    public var total: String = "sum"

    @Option(name: .long, help: ArgumentHelp("Out-of-range item values: error (refuse the data) or missing.", valueName: "policy"))
    public var invalid: String = "error"

    @Option(name: .customLong("alert-cutoff"), help: ArgumentHelp("Override the key's alert threshold (e.g. SRS below 36).", valueName: "x"))
    public var alertCutoff: Double?

    @Option(name: .long, help: ArgumentHelp("Write the input columns plus the scores to this file (atomically): .csv, or SPSS .sav/.zsav or Stata .dta with the input's value and variable labels.", valueName: "file"))
    public var out: String?

    @OptionGroup public var summary: SummaryFormatOption

    @OptionGroup public var labelOptions: LabelOptions

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        let policy = try invalidPolicy(invalid)
        if let out, TableFormat(fileExtensionOf: out) != .csv, StatFileFormat(path: out)?.isWritable != true {
            throw CLIError.usage("score writes CSV, SPSS or Stata files: give --out a file name ending in .csv, .sav, .zsav or .dta (got '\(out)')")
        }
        guard let scoringKey = try selectedKey(in: context) else {
            throw CLIError.usage("give --instrument ID or --key FILE, or --items a,b,… for an ad-hoc scale (with --reverse and --range as needed)")
        }
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        let itemNames = try itemColumns(for: scoringKey, prefix: prefix, items: items, in: data.table, file: data.path)
        // Items without a range (an ad-hoc scale without --range) have no check that would stop a -99.
        if !scoringKey.hasItemRange { data.warnSuspectedMissingCodes(itemNames, in: context) }
        let result: ScoreResult
        do {
            result = try score(table: data.table, key: scoringKey, items: itemNames,
                               options: ScoringOptions(invalid: policy, alertCutoff: alertCutoff,
                                                       dataRows: StatFileFormat(path: data.path) != nil))
        } catch {
            throw commandError(error, file: data.path, table: data.table)
        }
        // Reports name the file as the user gave it: resolved paths would put machine paths into notebook results.
        if let out {
            if let format = StatFileFormat(path: out) {
                try context.writeFile(try StatFileOutput.bytes(result.table, format: format, file: out, in: context), to: out)
            } else {
                try context.writeFile(TableCSVWriter.csv(result.table), to: out)
            }
        }
        let distributions = result.scoreDistributions(subscaleCount: scoringKey.subscales.count)
        let labels = try labelOptions.resolve(for: data, producing: result.newColumns.map(\.name), in: context)
        return CommandReport(result.report(distributions: distributions, out: out, data: try data.provenance, labels: labels))
    }
}

extension ScoreCommand {
    /// The key of --instrument/--key, else an ad-hoc key from --items (with --reverse/--range), else nil.
    func selectedKey(in context: RunContext) throws -> ScoringKey? {
        let adHocOnly = adHoc.isGiven || name != "scale" || total != "sum"
        if let found = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context) {
            if adHocOnly {
                throw CLIError.usage("--reverse, --range, --name and --total describe a scale without a key; the key of --instrument or --key already defines them")
            }
            return found
        }
        guard let items else {
            if adHocOnly { throw CLIError.usage("--reverse, --range, --name and --total need --items a,b,… (the scale's item columns)") }
            return nil
        }
        if prefix != nil { throw CLIError.usage("--prefix needs --instrument or --key (which say how many items there are); or use --items") }
        let rule: TotalRule
        switch total.lowercased() {
        case "sum": rule = .sum
        case "mean": rule = .mean
        default: throw CLIError.usage("unknown --total '\(total)'; use sum or mean")
        }
        return try adHoc.key(id: name, items: columnList(items), total: rule)
    }
}
