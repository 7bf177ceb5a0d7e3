import ArgumentParser
import DataTable
import Output
import Privacy

/// `alliance check <data.csv>`: the de-identification guard alone. Exit 0 only when clean; 65 otherwise.
/// Names each flagged column and why, never a value.
public struct CheckCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a CSV for identifiers (HIPAA Safe Harbor kinds) by column name and content; exit 0 only when clean."
    )

    @Argument(help: "The CSV file to check ('-' reads standard input).")
    public var file: String

    @Option(name: .customLong("na"), help: "Comma-separated tokens that mean missing (default: empty, NA, NaN, .).")
    public var missingTokens: String?

    @Option(name: .long, help: "Field delimiter: ',', ';', 'tab' (default: detected).")
    public var delimiter: String?

    @Option(name: .customLong("allow-column"), help: "Let this column through (repeatable); it is reported as allowed.")
    public var allowColumns: [String] = []

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        let input = DataInput(file: file, missingTokens: missingTokens, delimiter: delimiter, allowColumns: allowColumns)
        // The same read as every data command, without refusing: check reports what the guard finds.
        let table = try input.read(in: context).table
        let report = IdentifierGuard(allowedColumns: Set(allowColumns)).scan(table)
        context.recordAllowedColumns(report.allowed.map(\.column))
        func findingJSON(_ f: IdentifierFinding) -> JSONValue {
            .object([("column", .string(f.column)), ("kind", .string(f.kind.rawValue)), ("reason", .string(f.reason)),
                     ("matched_by", .string(f.matchedBy.rawValue)), ("cells", .integer(f.cells))])
        }
        let json: JSONValue = .object([
            ("file", .string(file)),
            ("identifiers", .array(report.findings.map(findingJSON))),
            ("allowed", .array(report.allowed.map(findingJSON))),
            ("clean", .bool(report.isClean)),
        ])
        let rows: [[Cell]] = report.findings.map { [.text($0.column), .text($0.reason), .text($0.matchedBy.rawValue), .integer($0.cells)] }
            + report.allowed.map { [.text($0.column), .text($0.reason + " (allowed)"), .text($0.matchedBy.rawValue), .integer($0.cells)] }
        let shownRows = rows.isEmpty ? [[Cell.text("(none)"), .text("no identifier-like column"), .text("—"), .integer(nil)]] : rows
        let verdict = report.isClean
            ? "\(file): no identifiers found in \(table.columns.count) columns, \(table.rowCount) rows."
            : "\(file): \(report.findings.count) column(s) look like identifiers; remove or de-identify them, or pass --allow-column NAME for a false alarm."
        let findingsTable = ResultTable(title: "Identifier check",
                                columns: [TableColumn("Column"), TableColumn("Reason"), TableColumn("Matched by"),
                                          TableColumn("Cells", kind: .integer)],
                                rows: shownRows, notes: [verdict])
        var result = CommandReport(json: json, tables: [findingsTable])
        result.exitStatus = report.isClean ? 0 : CLIError.Kind.data.rawValue
        return result
    }
}
