import Output
import Publishing
import Reporting

/// What a command produces, before rendering: the machine-readable result (DESIGN.md §7), the human tables,
/// figures written and warnings. Commands build one; the CLI and the notebook runner render it.
public struct CommandReport {
    public var json: JSONValue
    public var tables: [ResultTable]
    public var figures: [String]
    public var warnings: [String]
    /// Non-zero when the command succeeded in reporting but the verdict is a failure (e.g. `check` found identifiers).
    public var exitStatus: Int32 = 0

    public init(json: JSONValue, tables: [ResultTable], figures: [String] = [], warnings: [String] = []) {
        self.json = json
        self.tables = tables
        self.figures = figures
        self.warnings = warnings
    }

    /// A result's report as the command returns it: `figures` are the files its plots were written to.
    public init(_ report: Report, figures: [String] = []) {
        self.init(json: report.json, tables: report.tables, figures: figures, warnings: report.warnings)
    }

    /// The report as text in one format: JSON is the full-precision document; the others render the tables.
    public func rendered(as format: TableFormat) -> String {
        switch format {
        case .json:
            return json.prettyPrinted()
        default:
            return tables.map { $0.rendered(as: format) }.joined(separator: format == .csv ? "\n" : "\n\n")
        }
    }

    /// The tables as a Word document (APA layout; see `WordDocument`).
    public func wordDocument() throws -> [UInt8] {
        do {
            return try WordDocument.make(tables: tables)
        } catch {
            throw CLIError(.cannotCreate, error.description)
        }
    }
}
