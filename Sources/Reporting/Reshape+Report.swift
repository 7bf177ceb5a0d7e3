import DataTable
import Output

extension Reshape.WideResult {
    /// `reshape --wide`: rows in and out, the columns spread and carried, the times. The time values are not
    /// listed when the time column was let through the identifier guard (they could be dates).
    public func report(id: String, time: String, out: String, data: DataProvenance) -> Report {
        let showTimes = !data.allowedColumns.contains(time)
        var warnings: [String] = []
        if droppedMissingKey > 0 {
            warnings.append("\(droppedMissingKey) row\(droppedMissingKey == 1 ? "" : "s") with a missing \(id) or \(time) left out")
        }
        let json: JSONValue = .object([
            ("step", .string("reshape")), ("direction", .string("wide")),
            ("data", data.json(used: rowsIn - droppedMissingKey)),
            ("out", .string(out)), ("id", .string(id)), ("time", .string(time)),
            ("rows_in", .integer(rowsIn)), ("rows_out", .integer(table.rowCount)),
            ("rows_missing_key", .integer(droppedMissingKey)),
            ("spread", .array(spread.map { .string($0) })), ("carried", .array(carried.map { .string($0) })),
            ("times", .array(showTimes ? times.map { .string($0) } : [])),
            ("columns_out", .integer(table.columns.count)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let summary = ResultTable(
            title: "reshape --wide: \(rowsIn) rows in, \(table.rowCount) rows out",
            columns: [TableColumn("Item"), TableColumn("Value")],
            rows: [
                [.text("Rows in"), .text("\(rowsIn)")],
                [.text("Rows out (one per \(id))"), .text("\(table.rowCount)")],
                [.text("Spread by \(time)"), .text(spread.joined(separator: ", "))],
                [.text("Carried once per \(id)"), .text(carried.isEmpty ? "none" : carried.joined(separator: ", "))],
                [.text("Times"), .text(showTimes ? "\(times.count): \(times.joined(separator: ", "))" : "\(times.count)")],
                [.text("Columns out"), .text("\(table.columns.count)")],
            ],
            notes: ["\(data.file) → \(out): columns named VARIABLE_TIME (e.g. \(spread.first ?? "phq")_\(showTimes ? times.first ?? "1" : "TIME"))."])
        return Report(json: json, tables: [summary], warnings: warnings)
    }
}

extension Reshape.LongResult {
    /// `reshape --long`: rows in and out, each stub's variable and the wide columns it gathered.
    public func report(id: String, time: String, out: String, data: DataProvenance) -> Report {
        let json: JSONValue = .object([
            ("step", .string("reshape")), ("direction", .string("long")),
            ("data", data.json()), ("out", .string(out)), ("id", .string(id)), ("time", .string(time)),
            ("rows_in", .integer(rowsIn)), ("rows_out", .integer(table.rowCount)),
            ("variables", .array(variables.map { v in
                .object([("name", .string(v.name)), ("columns", .array(v.columns.map { .string($0) }))]) })),
            ("times", .array(times.map { .string($0) })),
            ("columns_out", .integer(table.columns.count)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let summary = ResultTable(
            title: "reshape --long: \(rowsIn) rows in, \(table.rowCount) rows out",
            columns: [TableColumn("Variable"), TableColumn("Wide columns gathered")],
            rows: variables.map { [.text($0.name), .text($0.columns.joined(separator: ", "))] },
            notes: ["\(data.file) → \(out): one row per \(id) and \(time) (\(times.count) times)."])
        return Report(json: json, tables: [summary], warnings: warnings)
    }
}
