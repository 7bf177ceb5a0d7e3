import DataTable

/// `alliance transform`: recodes, then computations in the order given, then the filter, then `--keep` or
/// `--drop`, as a dplyr pipeline `recode |> mutate |> filter |> select` would run them. Each step's change
/// is recorded for the report.
public struct DataTransform: Sendable {
    public var recodes: [RecodeRule]
    public var computes: [ComputeStep]
    public var filter: (condition: RowCondition, text: String)?
    public var keep: [String]?
    public var drop: [String]

    public init(recodes: [RecodeRule] = [], computes: [ComputeStep] = [], filter: (condition: RowCondition, text: String)? = nil,
                keep: [String]? = nil, drop: [String] = []) {
        self.recodes = recodes
        self.computes = computes
        self.filter = filter
        self.keep = keep
        self.drop = drop
    }

    /// The columns the recodes rewrite.
    public var recodedColumns: Set<String> { Set(recodes.map(\.column)) }

    /// The columns the computations and the filter read, in the order given.
    public var expressionColumns: [String] { computes.flatMap(\.value.columnNames) + (filter?.condition.columnNames ?? []) }

    /// Which of `columnNames` the selection leaves out of the output: those `--drop` names, or those `--keep` does not.
    public func removedColumns(from columnNames: [String]) -> Set<String> {
        guard let keep else { return Set(drop) }
        let kept = Set(keep)
        return Set(columnNames.filter { !kept.contains($0) })
    }

    public func apply(to input: Table) throws(DataStepInputError) -> TransformResult {
        var table = input
        var changes: [DataStepChange] = []
        var warnings: [String] = []
        for rule in recodes {
            let (next, summary) = try rule.apply(to: table)
            table = next
            changes.append(.recode(summary))
            for (pair, count) in zip(summary.pairs, summary.matchedCells) where count == 0 {
                warnings.append("--recode \(summary.column): '\(pair.old)' matched no cell")
            }
        }
        for step in computes {
            guard !step.name.isEmpty else { throw DataStepInputError("--compute \"\(step.text)\": the new column needs a name") }
            let computed = try DataStepEvaluation.compute(step, table: table)
            let column = Column(name: step.name, data: .numeric(computed.column))
            var columns = table.columns
            let replaced = columns.firstIndex { $0.name == step.name }
            if let k = replaced { columns[k] = column } else { columns.append(column) }
            table = try Self.table(columns, like: input)
            changes.append(.compute(ComputeSummary(name: step.name, expression: step.text, replaced: replaced != nil,
                                                   missing: computed.column.missingCount, nonFinite: computed.nonFinite)))
            if let repeated = computed.repeatedOrder { warnings.append("--compute \(step.name): \(repeated)") }
            if computed.nonFinite > 0, let detail = computed.nonFiniteDetail {
                warnings.append("--compute \(step.name): \(computed.nonFinite) row\(computed.nonFinite == 1 ? "" : "s") not finite, set missing (\(detail))")
            }
        }
        if let filter {
            let step = "--filter \"\(filter.text)\""
            let truth = try DataStepEvaluation.evaluate(filter.condition, table: table, step: step)
            let kept = truth.indices.filter { truth[$0] == true }
            let undecided = truth.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
            changes.append(.filter(FilterSummary(condition: filter.text, rowsIn: table.rowCount, rowsKept: kept.count,
                                                 rowsMissingCondition: undecided)))
            if undecided > 0 {
                warnings.append("\(step): \(undecided) row\(undecided == 1 ? "" : "s") had a missing value in the condition and were dropped (as dplyr's filter drops NA)")
            }
            table = table.subset(rows: kept)
        }
        if let keep {
            for name in keep { _ = try DataStepEvaluation.require(name, table: table, step: "--keep") }
            var seen = Set<String>()
            let columns = keep.filter { seen.insert($0).inserted }.compactMap { table.column(named: $0) }
            let dropped = table.columnNames.filter { !seen.contains($0) }
            table = try Self.table(columns, like: input)
            changes.append(.select(kept: columns.map(\.name), dropped: dropped))
        }
        if !drop.isEmpty {
            for name in drop { _ = try DataStepEvaluation.require(name, table: table, step: "--drop") }
            let removed = Set(drop)
            let columns = table.columns.filter { !removed.contains($0.name) }
            table = try Self.table(columns, like: input)
            changes.append(.select(kept: columns.map(\.name), dropped: drop))
        }
        return TransformResult(table: table, rowsIn: input.rowCount, columnsIn: input.columns.count, changes: changes, warnings: warnings)
    }

    private static func table(_ columns: [Column], like input: Table) throws(DataStepInputError) -> Table {
        do { return try Table(columns: columns, source: input.source) } catch {
            throw DataStepInputError(error.description)
        }
    }
}

/// What `transform` produced: the table and each step's change.
public struct TransformResult: Sendable {
    public let table: Table
    public let rowsIn: Int
    public let columnsIn: Int
    public let changes: [DataStepChange]
    public let warnings: [String]

    public var rowsOut: Int { table.rowCount }
}

public enum DataStepChange: Sendable, Equatable {
    case recode(RecodeSummary)
    case compute(ComputeSummary)
    case filter(FilterSummary)
    case select(kept: [String], dropped: [String])
}

public struct ComputeSummary: Sendable, Equatable {
    public let name: String
    public let expression: String
    /// True when the name was an existing column (replaced in place, as dplyr's mutate does).
    public let replaced: Bool
    /// Missing cells of the new column (inputs missing, too few values for a row mean, first rows of a lag, …).
    public let missing: Int
    /// Of those, the cells whose value was not finite (log of 0, division by zero).
    public let nonFinite: Int
}

public struct FilterSummary: Sendable, Equatable {
    public let condition: String
    public let rowsIn: Int
    public let rowsKept: Int
    /// Rows where the condition was missing (a missing value compared), dropped.
    public let rowsMissingCondition: Int
}
