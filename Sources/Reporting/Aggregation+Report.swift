import DataTable
import Output

extension Aggregation.Result {
    /// `aggregate`: rows in, groups out, the columns written and rows left out. Group values are never listed.
    public func report(aggregation: Aggregation, out: String, data: DataProvenance) -> Report {
        var warnings: [String] = []
        if droppedMissingBy > 0 {
            warnings.append("\(droppedMissingBy) row\(droppedMissingBy == 1 ? "" : "s") with a missing \(aggregation.by) left out")
        }
        if missingOrder > 0, let order = aggregation.order {
            warnings.append("\(missingOrder) row\(missingOrder == 1 ? "" : "s") with a missing \(order) left out of first, last and slope")
        }
        let outputs = table.columnNames.dropFirst()
        let json: JSONValue = .object([
            ("step", .string("aggregate")),
            ("data", data.json(used: rowsIn - droppedMissingBy)),
            ("out", .string(out)), ("by", .string(aggregation.by)), ("order", aggregation.order.map { .string($0) } ?? .null),
            ("rows_in", .integer(rowsIn)), ("rows_out", .integer(table.rowCount)),
            ("rows_missing_by", .integer(droppedMissingBy)),
            ("columns", .array(outputs.map { .string($0) })),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let summary = ResultTable(
            title: "aggregate by \(aggregation.by): \(rowsIn) rows in, \(table.rowCount) rows out",
            columns: [TableColumn("Item"), TableColumn("Value")],
            rows: [
                [.text("Rows in"), .text("\(rowsIn)")],
                [.text("Groups (rows out)"), .text("\(table.rowCount)")],
                [.text("Columns"), .text(outputs.joined(separator: ", "))],
            ],
            notes: ["\(data.file) → \(out). Missing values skipped; first/last are the first/last non-missing"
                + (aggregation.order.map { " by \($0)" } ?? " in row order") + "; slope is the least-squares slope on the order column."])
        return Report(json: json, tables: [summary], warnings: warnings)
    }
}
