import ArgumentParser
import DataTable
import Models
import Output

/// What `transform`, `reshape` and `aggregate` share: the CSV they write, comma lists, and their errors as
/// CLI errors (a mistake on the command line is 64, data the step cannot process 65; both name the file).
enum DataStepSupport {
    /// `--out` must be a CSV file: the steps write tables for the next command to read.
    static func requireCSV(_ out: String, command: String) throws {
        guard TableFormat(fileExtensionOf: out) == .csv else {
            throw CLIError.usage("\(command) writes CSV: give --out a file name ending in .csv (got '\(out)')")
        }
    }

    /// `a,b, c` → ["a", "b", "c"]; empty entries are refused.
    static func list(_ text: String, option: String) throws -> [String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.contains(where: \.isEmpty) else {
            throw CLIError.usage("\(option) '\(text)' has an empty entry; list column names separated by commas")
        }
        return parts
    }

    static func error(_ e: DataStepInputError, file: String) -> CLIError {
        CLIError(e.isUsage ? .usage : .data, "\(file): \(e.message)")
    }

    static func error(_ e: FormulaError, option: String, file: String) -> CLIError {
        CLIError.usage("\(file): \(option): \(e.description)")
    }

    /// Writes the table as CSV through the run context (atomic, recorded in manifests).
    static func write(_ table: Table, to out: String, in context: RunContext) throws {
        try context.writeFile(TableCSVWriter.csv(table), to: out)
    }
}

/// `--out FILE.csv` (required: a data step's product is its table) and `--format` of the summary on standard output,
/// shared by `transform`, `reshape`, `aggregate` and `survival-data`.
public struct DataStepOutput: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write the resulting data to this CSV file (atomically).", valueName: "file.csv"))
    public var out: String

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    /// The report goes to standard output in `--format`; `out` is the data.
    var reportOptions: OutputOptions { summary.outputOptions }
}
