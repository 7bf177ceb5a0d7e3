import ArgumentParser
import DataTable
import Foundation
import Models
import Reporting

/// `alliance transform <data> --out FILE.csv [--recode …] [--compute …] [--filter …] [--keep|--drop …]`: the
/// data step. Steps run in a fixed order — recodes, computations (in the order given), the filter, then the
/// column selection — and the report says what each changed, with rows in and out.
public struct TransformCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Data step: recode values, compute new columns, filter rows, keep or drop columns; --out writes the CSV.",
        discussion: """
            Order: every --recode, then every --compute in the order given (later ones may use earlier ones), then \
            --filter, then --keep/--drop. --compute "NAME = expr" takes formula arithmetic (+ - * / ^, log, exp, \
            sqrt, abs), within(x, g), between(x, g), lag(x, g, order), mean(a, b, c, min = 2) / sum(…) across \
            columns, or a condition as 1/0 ("remitted = phq_post < 10", as R's as.integer()). --filter takes comparisons (== != < <= > >=, text in quotes) joined by & | !, and is.na(col); \
            rows where the condition is missing are dropped and counted. See docs/data-steps.md.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("A new or replaced column: \"NAME = expression\" (repeatable; runs in order).", valueName: "name = expr"))
    public var compute: [String] = []

    @Option(name: .long, help: ArgumentHelp("Replace values of a column: \"col: old=new, old=new\" (repeatable; NA as new makes missing).", valueName: "col: old=new,..."))
    public var recode: [String] = []

    @Option(name: .long, help: ArgumentHelp("Keep the rows where this condition holds, e.g. \"phq_pre >= 10 & site == 'north'\".", valueName: "condition"))
    public var filter: String?

    @Option(name: .long, help: ArgumentHelp("Keep only these columns, in this order.", valueName: "a,b,..."))
    public var keep: String?

    @Option(name: .long, help: ArgumentHelp("Drop these columns; columns the identifier guard flags may be dropped (so a file is de-identified), not read by other steps.", valueName: "a,b,..."))
    public var drop: String?

    @OptionGroup public var output: DataStepOutput

    public init() {}

    public var outputOptions: OutputOptions? { output.reportOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try DataStepSupport.requireCSV(output.out, command: "transform")
        if keep != nil && drop != nil { throw CLIError.usage("give --keep or --drop, not both") }
        guard !compute.isEmpty || !recode.isEmpty || filter != nil || keep != nil || drop != nil else {
            throw CLIError.usage("nothing to do: give --compute, --recode, --filter, --keep or --drop")
        }
        var steps = DataTransform()
        let file = input.file
        for text in compute {
            do { steps.computes.append(try ComputeStep(parsing: text)) } catch {
                throw DataStepSupport.error(error, option: "--compute", file: file)
            }
        }
        for text in recode {
            do { steps.recodes.append(try RecodeRule(parsing: text)) } catch { throw DataStepSupport.error(error, file: file) }
        }
        if let filter {
            do { steps.filter = (try RowCondition(parsing: filter), filter) } catch {
                throw DataStepSupport.error(error, option: "--filter", file: file)
            }
        }
        steps.keep = try keep.map { try DataStepSupport.list($0, option: "--keep") }
        steps.drop = try drop.map { try DataStepSupport.list($0, option: "--drop") } ?? []
        // Columns the step removes may be identifiers: dropping them is how a researcher de-identifies a file, so the
        // guard does not refuse for them, but no recode, computation or filter may read them.
        let (data, removedIdentifiers) = try input.load(in: context) { [steps] table in steps.removedColumns(from: table.columnNames) }
        let recoded = steps.recodedColumns
        let expressionColumns = steps.expressionColumns
        if let finding = removedIdentifiers.first(where: { recoded.contains($0.column) || expressionColumns.contains($0.column) }) {
            throw CLIError.data("""
                \(data.path): column '\(finding.column)' looks like \(finding.reason); transform can drop it, but a --recode, \
                --compute or --filter may not read it. Drop it in a run of its own, or pass --allow-column \(finding.column) \
                if it is a false alarm (the choice is recorded).
                """)
        }
        var removedColumns = [String]()
        for finding in removedIdentifiers where !removedColumns.contains(finding.column) { removedColumns.append(finding.column) }
        for column in removedColumns {
            let reasons = removedIdentifiers.filter { $0.column == column }.map(\.reason).joined(separator: ", ")
            context.warn("\(data.path): column '\(column)' looks like \(reasons); it is not in the output (--drop/--keep)")
        }
        // A -99 read by --compute becomes a number no later scan recognises (post - pre = -119), and one read by a
        // --filter or condition passes `phq < 10`; a column a --recode rewrites is the user's own handling.
        data.warnSuspectedMissingCodes(expressionColumns.filter { !recoded.contains($0) }, in: context)
        let result: TransformResult
        do { result = try steps.apply(to: data.table) } catch { throw DataStepSupport.error(error, file: data.path) }
        try DataStepSupport.write(result.table, to: output.out, in: context)
        return CommandReport(result.report(out: output.out, data: try data.provenance))
    }
}
