import ArgumentParser
import DataTable
import Measures
import Reporting
import StatFiles

/// `alliance reliability <data.csv> (--instrument ID [--prefix P] | --items a,b,…)`: Cronbach's alpha with
/// Feldt's interval, standardized alpha, omega total (one-factor ML), and per item the item–rest
/// correlation and alpha if the item is dropped. With an instrument, reverse-keyed items are reversed and
/// `--subscales` adds each subscale.
public struct ReliabilityCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "reliability",
        abstract: "Internal consistency: alpha (Feldt CI), standardized alpha, omega total, item-rest r, alpha if dropped.",
        discussion: """
            Rows with any item missing are dropped (listwise, per scale). With --instrument the key's \
            reverse-keyed items are reversed first and out-of-range values stop the run unless --invalid missing. \
            An ad-hoc scale needs no key: --items a,b,c --reverse b --range 1-7. Two omega totals are reported \
            (docs/reliability.md): over the model-implied variance (omega_total, as lavaan) and over the observed \
            variance of the standardized items (omega_total_observed, as psych::omega).

            Example: alliance reliability Datasets/clinic.csv --instrument wai-sr --prefix wai_ --subscales
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("Instrument id of a shipped key (its items, reverse keys and subscales).", valueName: "id"))
    public var instrument: String?

    @Option(name: .long, help: ArgumentHelp("A scoring-key JSON file instead of a shipped key.", valueName: "file"))
    public var key: String?

    @Option(name: .long, help: ArgumentHelp("With --instrument: item columns are P1…Pk or P_1…P_k.", valueName: "p"))
    public var prefix: String?

    @Option(name: .long, help: ArgumentHelp("Item columns, comma-separated (in key order with --instrument).", valueName: "a,b,..."))
    public var items: String?

    @OptionGroup var adHoc: AdHocScaleOptions

    @Flag(name: .long, help: "Also report each subscale of the instrument.")
    public var subscales = false

    @Option(name: .long, help: ArgumentHelp("Confidence level of the alpha interval.", valueName: "level"))
    public var level: Double = 0.95

    @Option(name: .long, help: ArgumentHelp("Out-of-range item values (with --instrument, --key or --range): error or missing.", valueName: "policy"))
    public var invalid: String = "error"

    @OptionGroup public var labelOptions: LabelOptions

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard level > 0, level < 1 else { throw CLIError.usage("--level must be between 0 and 1 (got \(level))") }
        let policy = try invalidPolicy(invalid)
        var scoringKey = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context)
        let isAdHoc = scoringKey == nil && adHoc.isGiven
        if scoringKey != nil, adHoc.isGiven {
            throw CLIError.usage("--reverse and --range describe a scale without a key; the key of --instrument or --key already gives its reverse items and range")
        }
        if isAdHoc {
            guard let items else { throw CLIError.usage("--reverse and --range need --items a,b,… (the scale's item columns)") }
            if subscales { throw CLIError.usage("--subscales needs --instrument or --key (the key defines the subscales)") }
            scoringKey = try adHoc.key(id: "items", items: columnList(items))
        }
        if scoringKey == nil {
            guard items != nil else { throw CLIError.usage("give --instrument ID (or --key FILE) or --items a,b,…") }
            if prefix != nil { throw CLIError.usage("--prefix needs --instrument (which says how many items there are); or use --items") }
            if subscales { throw CLIError.usage("--subscales needs --instrument (the key defines the subscales)") }
        }
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        let labels = try labelOptions.resolve(for: data, in: context)

        let total: ReliabilityResult
        var parts: [SubscaleReliability] = []
        if let scoringKey {
            let names = try itemColumns(for: scoringKey, prefix: prefix, items: items, in: data.table, file: data.path)
            let dataRows = StatFileFormat(path: data.path) != nil   // a .sav has no lines: locate cells by data row
            do {
                let result = try reliability(table: data.table, key: scoringKey, items: names, subscales: subscales,
                                             level: level, invalid: policy, dataRows: dataRows)
                total = result.total
                parts = result.subscales
            } catch {
                switch error {
                case .scoring(let e): throw commandError(e, file: data.path, table: data.table)
                case .reliability: throw CLIError.data("\(data.path): \(error.description)")
                }
            }
        } else {
            let names = columnList(items ?? "")
            // Keyless items have no range check that would stop a -99 (a key's range refuses it with the --na advice).
            data.warnSuspectedMissingCodes(names, in: context)
            do { total = try reliability(table: data.table, items: names, level: level) } catch {
                switch error {
                case .unknownColumn, .tooFewItems, .badLevel, .lengthMismatch:
                    throw CLIError.usage("\(data.path): \(error.description)")
                case .nonNumericColumn(let name):
                    guard let column = data.table.column(named: name) else { throw CLIError.data("\(data.path): \(error.description)") }
                    throw CLIError.data("\(data.path): " + column.notNumeric("column '\(name)'", "reliability needs numeric items"))
                case .tooFewCompleteRows:
                    throw CLIError.data("\(data.path): \(error.description)")
                }
            }
        }

        let report = total.report(subscales: subscales ? parts : nil, instrument: isAdHoc ? nil : scoringKey?.id, level: level,
                                  data: try data.provenance, labels: labels)
        return CommandReport(report)
    }
}
