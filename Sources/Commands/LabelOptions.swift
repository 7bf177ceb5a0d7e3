import ArgumentParser
import Foundation
import DataTable
import Reporting

/// `--label name=label` (repeatable) and `--labels FILE.csv`, shared by every command that makes tables or plots.
/// The labels a command uses, each source over the one before: the variable labels of an SPSS/Stata/SAS file,
/// the notebook's front matter (`RunContext.labels`), the `--labels` file, then each `--label`.
public struct LabelOptions: ParsableArguments {
    @Option(name: .customLong("label"),
            help: ArgumentHelp("Show a column or term under this label in tables and plots, e.g. --label \"wai_sr_total=Alliance (WAI-SR)\" (repeatable; over --labels and SPSS/Stata variable labels).",
                               valueName: "name=label"))
    public var label: [String] = []

    @Option(name: .customLong("labels"),
            help: ArgumentHelp("A CSV file of labels: the header variable,label, then one row per column or term.",
                               valueName: "file.csv"))
    public var labelsFile: String?

    public init() {}

    public init(label: [String] = [], labelsFile: String? = nil) {
        self.label = label
        self.labelsFile = labelsFile
    }

    /// `--label` values as labels; a value without `name=label` is a usage error (64).
    func optionLabels() throws -> VariableLabels {
        var entries: [String: String] = [:]
        for spec in label {
            guard let equals = spec.firstIndex(of: "=") else {
                throw CLIError.usage("--label takes name=label, e.g. --label \"wai_sr_total=Alliance (WAI-SR)\" (got '\(spec)'); quote it when the label has spaces")
            }
            let name = spec[..<equals].trimmingCharacters(in: .whitespaces)
            let text = spec[spec.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                throw CLIError.usage("--label '\(spec)' has no name before '='; write name=label, e.g. --label \"wai_sr_total=Alliance (WAI-SR)\"")
            }
            guard !text.isEmpty else {
                throw CLIError.usage("--label '\(spec)' has no label after '='; write name=label, e.g. --label \"\(name)=Alliance (WAI-SR)\"")
            }
            entries[name] = text
        }
        return VariableLabels(entries)
    }

    /// Checks `--label` syntax before any data is read.
    func checkSyntax() throws {
        _ = try optionLabels()
    }

    /// The labels for `data`: its file's variable labels, then the notebook's, `--labels`, `--label`. A `--label`
    /// name that is no column (nor one of `produced`, columns the command adds) and cannot be a term (no `[`, `(`,
    /// `:` or backtick) is probably misspelt: warned.
    func resolve(for data: LoadedData, producing produced: [String] = [], in context: RunContext) throws -> VariableLabels {
        let options = try optionLabels()
        var labels = VariableLabels(table: data.table).overridden(by: context.labels)
        if let labelsFile { labels = labels.overridden(by: try Self.readFile(labelsFile, in: context)) }
        for name in options.entries.keys.sorted() where data.table.column(named: name) == nil && !produced.contains(name)
            && !name.contains(where: { "[(:`".contains($0) }) {
            context.warn("--label '\(name)' names no column in \(data.path)" + data.table.suggestionHint(for: name)
                + "; it is used only for a term of that name")
        }
        return labels.overridden(by: options)
    }

    /// The labels of a command that reads no data (`table`): the notebook's, `--labels`, then `--label`.
    func resolve(in context: RunContext) throws -> VariableLabels {
        var labels = context.labels
        if let labelsFile { labels = labels.overridden(by: try Self.readFile(labelsFile, in: context)) }
        return labels.overridden(by: try optionLabels())
    }

    /// Reads a labels file (resolved as an input, recorded with its hash). Errors: 66 when it cannot be read,
    /// 65 naming the file and line when a row is malformed.
    static func readFile(_ file: String, in context: RunContext) throws -> VariableLabels {
        let (path, bytes) = try context.readSideInput(file)
        do {
            return try VariableLabels.read(bytes, file: path)
        } catch {
            throw CLIError.data("labels file \(error.description)")
        }
    }
}
