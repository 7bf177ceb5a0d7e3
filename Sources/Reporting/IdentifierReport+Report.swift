import Output
import Privacy

extension IdentifierReport {
    /// `check`: each flagged column with its reason, what matched it and how many cells, the allowed ones apart,
    /// and the verdict. `file` is the data as the user named it; `rows` and `columns` its shape. Never a value.
    public func report(file: String, rows: Int, columns: Int) -> Report {
        func findingJSON(_ f: IdentifierFinding) -> JSONValue {
            .object([("column", .string(f.column)), ("kind", .string(f.kind.rawValue)), ("reason", .string(f.reason)),
                     ("matched_by", .string(f.matchedBy.rawValue)), ("cells", .integer(f.cells))])
        }
        let json: JSONValue = .object([
            ("file", .string(file)),
            ("identifiers", .array(findings.map(findingJSON))),
            ("allowed", .array(allowed.map(findingJSON))),
            ("clean", .bool(isClean)),
        ])
        let rowsShown: [[Cell]] = findings.map { [.text($0.column), .text($0.reason), .text($0.matchedBy.rawValue), .integer($0.cells)] }
            + allowed.map { [.text($0.column), .text($0.reason + " (allowed)"), .text($0.matchedBy.rawValue), .integer($0.cells)] }
        let shownRows = rowsShown.isEmpty ? [[Cell.text("(none)"), .text("no identifier-like column"), .text("—"), .integer(nil)]] : rowsShown
        // With allowed columns the data is not identifier-free: it passes because of the --allow-column choices.
        let allowedNames = allowed.map { "'\($0.column)'" }.joined(separator: ", ")
        let verdict = isClean
            ? (allowed.isEmpty ? "\(file): no identifiers found in \(columns) columns, \(rows) rows."
               : "\(file): no identifiers found in \(columns) columns, \(rows) rows, apart from the allowed \(allowedNames), "
                 + "which \(allowed.count == 1 ? "looks like an identifier" : "look like identifiers") and \(allowed.count == 1 ? "passes" : "pass") only by --allow-column.")
            : "\(file): \(findings.count) column(s) look like identifiers; remove or de-identify them, or pass --allow-column NAME for a false alarm."
        let table = ResultTable(title: "Identifier check",
                                columns: [TableColumn("Column"), TableColumn("Reason"), TableColumn("Matched by"),
                                          TableColumn("Cells", kind: .integer)],
                                rows: shownRows, notes: [verdict] + (isClean ? [IdentifierGuard.undetected] : []))
        return Report(json: json, tables: [table])
    }
}
