import ArgumentParser
import DataTable
import Output
import Privacy
import Reporting

/// `alliance check <data.csv>`: the de-identification guard alone. Exit 0 only when clean; 65 otherwise.
/// Names each flagged column and why, never a value.
public struct CheckCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a CSV for identifiers (HIPAA Safe Harbor kinds) by column name and content; exit 0 only when clean.",
        discussion: IdentifierGuard.undetected
    )

    @Argument(help: "The CSV file to check ('-' reads standard input).")
    public var file: String

    @Option(name: .customLong("na"), parsing: .unconditionalSingleValue,
            help: "Comma-separated tokens that also mean missing, added to the defaults (empty, NA, NaN, .); 'COLUMN:code' for one column (repeatable).")
    public var missingTokens: [String] = []

    @Option(name: .customLong("na-only"), parsing: .unconditional,
            help: "Comma-separated tokens that mean missing, replacing the defaults.")
    public var missingTokensOnly: String?

    @Option(name: .long, help: "Field delimiter: ',', ';', 'tab' (default: detected).")
    public var delimiter: String?

    @Option(name: .long, help: "Decimal mark: '.' or ',' (default: detected).")
    public var decimal: String?

    @Option(name: .long, help: "Text encoding: utf-8, latin-1, windows-1252 or utf-16 (default: UTF-8).")
    public var encoding: String?

    @Option(name: .customLong("allow-column"), help: "Let this column through (repeatable); it is reported as allowed.")
    public var allowColumns: [String] = []

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        let input = DataInput(file: file, missingTokens: missingTokens, missingTokensOnly: missingTokensOnly,
                              delimiter: delimiter, decimal: decimal, encoding: encoding, allowColumns: allowColumns)
        // The same read as every data command, without refusing: check reports what the guard finds.
        let table = try input.read(in: context).table
        let report = try input.identifierGuard(for: table, path: file).scan(table)
        context.recordAllowedColumns(report.allowed.map(\.column))
        var result = CommandReport(report.report(file: file, rows: table.rowCount, columns: table.columns.count))
        result.exitStatus = report.isClean ? 0 : CLIError.Kind.data.rawValue
        return result
    }
}
