import ArgumentParser
import DataTable
import Foundation
import Reporting

/// `alliance reshape <data> --wide --id client --time session --out F` (one row per id, columns `VAR_TIME`) and
/// `--long --id client --stub phq_,wai_ --time session` (back to one row per id and time), as tidyr's
/// `pivot_wider` and `pivot_longer`.
public struct ReshapeCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "reshape",
        abstract: "Long ↔ wide: --wide spreads columns to VAR_TIME per --id; --long gathers --stub columns back.",
        discussion: """
            --wide: one row per --id (first-appearance order); every column that varies within an id (or those \
            in --values) becomes VAR_TIME columns, times sorted; columns constant within every id are kept once. \
            A repeated id × time is an error naming both rows. --long: columns named STUB + time are gathered; \
            the variable is the stub without its trailing _ or . (phq_ → phq), and the time is what follows the stub and \
            the separator (--stub phq or phq_ on phq_1, phq_2: times 1, 2); --time names the new column.
            """
    )

    @OptionGroup public var input: DataInput

    @Flag(name: .long, help: "Long to wide.")
    public var wide = false

    @Flag(name: .long, help: "Wide to long.")
    public var long = false

    @Option(name: .long, help: ArgumentHelp("The column identifying a unit (a client).", valueName: "col"))
    public var id: String

    @Option(name: .long, help: ArgumentHelp("--wide: the column whose values name the new columns; --long: the name of the new time column.", valueName: "col"))
    public var time: String

    @Option(name: .long, help: ArgumentHelp("--long: prefixes of the wide columns to gather (e.g. phq_,wai_).", valueName: "a_,b_"))
    public var stub: String?

    @Option(name: .long, help: ArgumentHelp("--wide: the columns to spread (default: every column that varies within an id).", valueName: "a,b,..."))
    public var values: String?

    @OptionGroup public var output: DataStepOutput

    public init() {}

    public var outputOptions: OutputOptions? { output.reportOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try DataStepSupport.requireCSV(output.out, command: "reshape")
        guard wide != long else { throw CLIError.usage("give one of --wide or --long") }
        if wide && stub != nil { throw CLIError.usage("--stub is for --long; --wide names columns VAR_TIME itself") }
        if long && values != nil { throw CLIError.usage("--values is for --wide; --long gathers the --stub columns") }
        let stubs = try stub.map { try DataStepSupport.list($0, option: "--stub") }
        let spread = try values.map { try DataStepSupport.list($0, option: "--values") }
        if long && stubs == nil { throw CLIError.usage("--long needs --stub, e.g. --stub phq_,wai_") }
        let data = try input.load(in: context)
        data.warnLeadingZeroIDs(id, in: context)
        do {
            if wide {
                let result = try Reshape.wide(data.table, id: id, time: time, values: spread)
                try DataStepSupport.write(result.table, to: output.out, in: context)
                return CommandReport(result.report(id: id, time: time, out: output.out, data: try data.provenance))
            }
            let result = try Reshape.long(data.table, id: id, stubs: stubs ?? [], time: time)
            try DataStepSupport.write(result.table, to: output.out, in: context)
            return CommandReport(result.report(id: id, time: time, out: output.out, data: try data.provenance))
        } catch let error as DataStepInputError {
            throw DataStepSupport.error(error, file: data.path)
        }
    }
}
