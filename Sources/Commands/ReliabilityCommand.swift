import ArgumentParser
import DataTable
import Measures
import Output

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
            reverse-keyed items are reversed first and out-of-range values stop the run unless --invalid missing.
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

    @Flag(name: .long, help: "Also report each subscale of the instrument.")
    public var subscales = false

    @Option(name: .long, help: ArgumentHelp("Confidence level of the alpha interval.", valueName: "level"))
    public var level: Double = 0.95

    @Option(name: .long, help: ArgumentHelp("Out-of-range item values (with --instrument): error (default) or missing.", valueName: "policy"))
    public var invalid: String = "error"

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard level > 0, level < 1 else { throw CLIError.usage("--level must be between 0 and 1 (got \(level))") }
        let policy = try invalidPolicy(invalid)
        let scoringKey = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context)
        if scoringKey == nil {
            guard items != nil else { throw CLIError.usage("give --instrument ID (or --key FILE) or --items a,b,…") }
            if prefix != nil { throw CLIError.usage("--prefix needs --instrument (which says how many items there are); or use --items") }
            if subscales { throw CLIError.usage("--subscales needs --instrument (the key defines the subscales)") }
        }
        let data = try input.load(in: context)

        let total: ReliabilityResult
        var parts: [SubscaleReliability] = []
        if let scoringKey {
            let names = try itemColumns(for: scoringKey, prefix: prefix, items: items, in: data.table, file: data.path)
            do {
                let result = try reliability(table: data.table, key: scoringKey, items: names, subscales: subscales,
                                             level: level, invalid: policy)
                total = result.total
                parts = result.subscales
            } catch {
                switch error {
                case .scoring(let e): throw commandError(e, file: data.path)
                case .reliability: throw CLIError.data("\(data.path): \(error.description)")
                }
            }
        } else {
            let names = columnList(items ?? "")
            do { total = try reliability(table: data.table, items: names, level: level) } catch {
                switch error {
                case .unknownColumn, .tooFewItems, .badLevel, .lengthMismatch:
                    throw CLIError.usage("\(data.path): \(error.description)")
                case .nonNumericColumn, .tooFewCompleteRows:
                    throw CLIError.data("\(data.path): \(error.description)")
                }
            }
        }

        var json = Self.json(total)
        if case .object(var fields) = json {
            fields.insert(("instrument", .string(scoringKey?.id)), at: 0)
            fields.insert(("data", data.json(used: total.n)), at: 1)
            fields.append(("level", .number(level)))
            if subscales {
                fields.append(("subscales", .array(parts.map { part in
                    guard case .object(let inner) = Self.json(part.result) else { return .null }
                    return .object([("name", .string(part.name))] + inner)
                })))
            }
            fields.append(("warnings", .array(warnings(total, parts).map { .string($0) })))
            json = .object(fields)
        }
        return CommandReport(json: json, tables: tables(total, parts, instrument: scoringKey?.id, data: data),
                             warnings: warnings(total, parts))
    }

    /// The §7 object of one scale: n, items, alpha, its interval, standardized alpha, omega total, item stats.
    static func json(_ r: ReliabilityResult) -> JSONValue {
        .object([
            ("n", .integer(r.n)),
            ("items", .integer(r.items.count)),
            ("alpha", .number(r.alpha)),
            ("alpha_conf_low", .number(r.alphaConfLow)),
            ("alpha_conf_high", .number(r.alphaConfHigh)),
            ("std_alpha", .number(r.standardizedAlpha)),
            ("omega_total", .number(r.omega?.omegaTotal)),
            ("item_stats", .array(r.itemStats.map { s in
                .object([("item", .string(s.item)), ("item_rest_r", .number(s.itemRestCorrelation)),
                         ("alpha_if_dropped", .number(s.alphaIfDropped))])
            })),
            ("dropped", .integer(r.dropped)),
        ])
    }

    private func warnings(_ total: ReliabilityResult, _ parts: [SubscaleReliability]) -> [String] {
        var seen = Set<String>()
        let all = total.warnings + parts.flatMap { p in p.result.warnings.map { "\(p.name): \($0)" } }
        return all.filter { seen.insert($0).inserted }
    }

    private func tables(_ total: ReliabilityResult, _ parts: [SubscaleReliability], instrument: String?,
                        data: LoadedData) -> [ResultTable] {
        let percent = NumberFormat.fixed(100 * level, places: 0)
        let scaleName = instrument ?? "items"
        let scales = [(instrument.map { "\($0) total" } ?? "All items", total)] + parts.map { ($0.name, $0.result) }
        let summary = ResultTable(
            title: "Reliability of \(scaleName)",
            columns: [TableColumn("Scale", key: "scale"), TableColumn("k", kind: .integer, key: "items"),
                      TableColumn("n", kind: .integer, key: "n"), TableColumn("α", kind: .bounded(2), key: "alpha"),
                      TableColumn("\(percent)% CI", kind: .interval(2, bounded: true), key: "alpha_conf"),
                      TableColumn("Std. α", kind: .bounded(2), key: "std_alpha"),
                      TableColumn("ω", kind: .bounded(2), key: "omega_total")],
            rows: scales.map { name, r in
                [.text(name), .integer(r.items.count), .integer(r.n), .number(r.alpha),
                 .interval(r.alphaConfLow, r.alphaConfHigh), .number(r.standardizedAlpha), .number(r.omega?.omegaTotal)]
            },
            notes: ["\(data.path): rows with a missing item are dropped per scale (\(total.dropped) of \(data.table.rowCount) for the total). "
                    + "CI by Feldt's method; ω total from a one-factor maximum-likelihood model."])
        let itemTable = ResultTable(
            title: "Item statistics (\(instrument.map { "\($0) total" } ?? "all items"))",
            columns: [TableColumn("Item", key: "item"),
                      TableColumn("Item–rest r", kind: .bounded(2), key: "item_rest_r"),
                      TableColumn("α if dropped", kind: .bounded(2), key: "alpha_if_dropped")],
            rows: total.itemStats.map { [.text($0.item), .number($0.itemRestCorrelation), .number($0.alphaIfDropped)] },
            notes: ["Item–rest r: correlation of the item with the sum of the other items."])
        return [summary, itemTable]
    }
}
