import ArgumentParser
import DataTable
import Foundation
import Reporting

/// `alliance aggregate <data> --by client [--order session] --mean a,b --first a --last a --min a --max a
/// --slope a --count --out F`: one row per group with `a_mean`, `a_first`, `a_last`, `a_min`, `a_max`,
/// `a_slope` and `n`, as dplyr's `group_by() |> summarise()`.
public struct AggregateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "One row per group: mean, first, last, min, max, slope over --order, and the row count n.",
        discussion: """
            Groups are sorted (numbers ascending, text in code-point order). Missing values are skipped; first and \
            last are the first and last non-missing values in --order (row order without it); --slope is the \
            least-squares slope on --order (missing with fewer than two distinct order values). Rows with a missing \
            --by are left out and counted.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("The grouping column (e.g. client).", valueName: "col"))
    public var by: String

    @Option(name: .long, help: ArgumentHelp("The numeric column that orders rows within a group (e.g. session).", valueName: "col"))
    public var order: String?

    @Option(name: .long, help: ArgumentHelp("Columns to average → COL_mean.", valueName: "a,b,..."))
    public var mean: String?

    @Option(name: .long, help: ArgumentHelp("First non-missing value → COL_first.", valueName: "a,b,..."))
    public var first: String?

    @Option(name: .long, help: ArgumentHelp("Last non-missing value → COL_last.", valueName: "a,b,..."))
    public var last: String?

    @Option(name: .long, help: ArgumentHelp("Smallest value → COL_min.", valueName: "a,b,..."))
    public var min: String?

    @Option(name: .long, help: ArgumentHelp("Largest value → COL_max.", valueName: "a,b,..."))
    public var max: String?

    @Option(name: .long, help: ArgumentHelp("Least-squares slope on --order → COL_slope.", valueName: "a,b,..."))
    public var slope: String?

    @Flag(name: .long, help: "Add n, the group's row count.")
    public var count = false

    @OptionGroup public var output: DataStepOutput

    public init() {}

    public var outputOptions: OutputOptions? { output.reportOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try DataStepSupport.requireCSV(output.out, command: "aggregate")
        var statistics: [(statistic: Aggregation.Statistic, column: String)] = []
        let requested: [(Aggregation.Statistic, String?)] = [(.mean, mean), (.first, first), (.last, last), (.min, min), (.max, max), (.slope, slope)]
        for (statistic, text) in requested {
            guard let text else { continue }
            for column in try DataStepSupport.list(text, option: "--\(statistic.rawValue)") { statistics.append((statistic, column)) }
        }
        let aggregation = Aggregation(by: by, order: order, statistics: statistics, count: count)
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([order] + statistics.map(\.column), in: context)
        data.warnLeadingZeroIDs(by, in: context)
        let result: Aggregation.Result
        do { result = try aggregation.apply(to: data.table) } catch { throw DataStepSupport.error(error, file: data.path) }
        try DataStepSupport.write(result.table, to: output.out, in: context)
        return CommandReport(result.report(aggregation: aggregation, out: output.out, data: try data.provenance))
    }
}
