import DataTable
import Models
import Output

extension TransformResult {
    /// `transform`: rows in and out, and each step's change in the order the steps ran. Values of columns let
    /// through the identifier guard (`data.allowedColumns`) are never listed. `out` is the file as the user named it.
    public func report(out: String, data: DataProvenance) -> Report {
        let hidden = Set(data.allowedColumns)
        var rows: [[Cell]] = []
        var json: [JSONValue] = []
        var currentRows = rowsIn
        for change in changes {
            switch change {
            case .recode(let r):
                let unmatched = hidden.contains(r.column) ? [] : r.unmatchedValues
                json.append(.object([
                    ("step", .string("recode")), ("column", .string(r.column)), ("rule", .string(r.rule)),
                    ("matched_cells", .integer(r.matchedCells.reduce(0, +))),
                    ("pairs", .array(zip(r.pairs, r.matchedCells).map { p, n in
                        .object([("old", .string(p.old)), ("new", .string(p.new)), ("cells", .integer(n))]) })),
                    ("unmatched_cells", .integer(r.unmatchedCells)),
                    ("unmatched_values", .array(unmatched.prefix(50).map { .string($0) })),
                    ("type_before", .string(r.typeBefore)), ("type_after", .string(r.typeAfter)),
                    ("newly_missing", .integer(r.newlyMissing)),
                ]))
                var text = "\(r.column): \(r.matchedCells.reduce(0, +)) cells recoded, \(r.unmatchedCells) kept unmatched"
                if !unmatched.isEmpty { text += " (\(unmatched.prefix(10).joined(separator: ", "))\(unmatched.count > 10 ? ", …" : ""))" }
                if r.typeBefore != r.typeAfter { text += "; now \(r.typeAfter)" }
                rows.append([.text("recode"), .text(text), .integer(currentRows), .integer(currentRows)])
            case .compute(let c):
                json.append(.object([
                    ("step", .string("compute")), ("column", .string(c.name)), ("expression", .string(c.expression)),
                    ("replaced", .bool(c.replaced)), ("missing", .integer(c.missing)), ("non_finite", .integer(c.nonFinite)),
                ]))
                let text = "\(c.replaced ? "replaced" : "new") \(c.name): \(c.expression) (\(c.missing) missing)"
                rows.append([.text("compute"), .text(text), .integer(currentRows), .integer(currentRows)])
            case .filter(let f):
                json.append(.object([
                    ("step", .string("filter")), ("condition", .string(f.condition)), ("rows_in", .integer(f.rowsIn)),
                    ("rows_out", .integer(f.rowsKept)), ("rows_dropped", .integer(f.rowsIn - f.rowsKept)),
                    ("rows_missing_condition", .integer(f.rowsMissingCondition)),
                ]))
                var text = "\(f.condition): \(f.rowsIn - f.rowsKept) rows dropped"
                if f.rowsMissingCondition > 0 { text += " (\(f.rowsMissingCondition) with a missing value in the condition)" }
                rows.append([.text("filter"), .text(text), .integer(f.rowsIn), .integer(f.rowsKept)])
                currentRows = f.rowsKept
            case .select(let kept, let dropped):
                json.append(.object([
                    ("step", .string("select")), ("kept", .array(kept.map { .string($0) })),
                    ("dropped", .array(dropped.map { .string($0) })),
                ]))
                rows.append([.text("select"), .text("\(kept.count) columns kept, \(dropped.count) dropped"),
                             .integer(currentRows), .integer(currentRows)])
            }
        }
        let object: JSONValue = .object([
            ("step", .string("transform")),
            ("data", data.json(used: rowsOut)),
            ("out", .string(out)),
            ("rows_in", .integer(rowsIn)),
            ("rows_out", .integer(rowsOut)),
            ("columns_in", .integer(columnsIn)),
            ("columns_out", .integer(table.columns.count)),
            ("changes", .array(json)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let table = ResultTable(
            title: "transform: \(rowsIn) rows in, \(rowsOut) rows out",
            columns: [TableColumn("Step"), TableColumn("Change"), TableColumn("Rows in", kind: .integer, key: "rows_in"),
                      TableColumn("Rows out", kind: .integer, key: "rows_out")],
            rows: rows,
            notes: ["\(data.file) → \(out): \(columnsIn) columns in, \(self.table.columns.count) out."])
        return Report(json: object, tables: [table], warnings: warnings)
    }
}
