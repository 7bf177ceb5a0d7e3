import DataTable
import Models
import Output

extension SessionIntervals.Result {
    /// `survival-data`: rows in, intervals and events out, and what was left out. Client identifiers are never listed.
    public func report(step: SessionIntervals, out: String, data: DataProvenance) -> Report {
        var warnings: [String] = []
        if clientsWithoutAttendance > 0 {
            warnings.append("\(clientsWithoutAttendance) client\(clientsWithoutAttendance == 1 ? "" : "s") never attended a session and add no interval")
        }
        if clientsWithoutInterval > 0 {
            let n = clientsWithoutInterval
            warnings.append("\(n) client\(n == 1 ? "" : "s") attended a session but \(n == 1 ? "has" : "have") no later session row, so "
                + "add\(n == 1 ? "s" : "") no interval (an interval runs from an attended session to the next one) and \(n == 1 ? "is" : "are") "
                + "not counted in Clients")
        }
        if events == 0 && table.rowCount > 0 {
            // A dropout recorded in a column of its own (not as missed sessions) was read as no dropout at all, and the
            // next step failed with "no row has an event" (session 21).
            warnings.append("no client dropped out: survival-data reads dropout from missed sessions (rows with "
                + "\(step.attended) = 0 after a client's last attended session); a dropout recorded in a column of its own is "
                + "not read, so add a missed-session row after each dropout's last session, or fit the client-level data "
                + "with that column as the event")
        }
        for (name, count) in missingCovariate.sorted(by: { $0.key < $1.key }) {
            warnings.append("'\(name)' is missing at the opening session of \(count) interval\(count == 1 ? "" : "s"); a model using it drops them")
        }
        let json: JSONValue = .object([
            ("step", .string("survival-data")), ("data", data.json(used: rowsIn)), ("out", .string(out)),
            ("client", .string(step.client)), ("session", .string(step.session)), ("attended", .string(step.attended)),
            ("rows_in", .integer(rowsIn)), ("intervals", .integer(table.rowCount)), ("clients", .integer(clients)),
            ("events", .integer(events)), ("columns", .array(table.columnNames.map { .string($0) })),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let summary = ResultTable(
            title: "survival-data: \(rowsIn) session rows → \(table.rowCount) (start, stop] intervals",
            columns: [TableColumn("Item"), TableColumn("Value")],
            rows: [[.text("Clients"), .text("\(clients)")], [.text("Intervals"), .text("\(table.rowCount)")],
                   [.text("Dropouts (event = 1)"), .text("\(events)")], [.text("Columns"), .text(table.columnNames.joined(separator: ", "))]],
            notes: ["\(data.file) → \(out). Time is the session number: each attended session opens an interval to the next attended one, "
                    + "carrying that session's covariates; a client whose last scheduled session was missed drops out at it (event 1); "
                    + "one whose last session was attended is censored there. Fit with: alliance fit cox \(out) --formula "
                    + "\"Surv(start, stop, event) ~ \(step.covariates.first ?? "x")\"."])
        return Report(json: json, tables: [summary], warnings: warnings)
    }
}
