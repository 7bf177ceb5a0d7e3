import DataTable
import Output
import Privacy

/// `describe --by COL`: n, mean, sd and median of every numeric column within each level of COL. Groups with fewer
/// than `minCell` rows are suppressed, and a second group with them when one hidden group could be recovered from
/// the overall row (complementary suppression). Minima and maxima are not shown per group: they are single clients.
struct GroupedDescription {
    let data: LoadedData
    let by: String
    let minCell: Int

    func report() throws -> CommandReport {
        let table = data.table
        guard let groupColumn = table.column(named: by) else {
            let near = table.nearestNames(to: by)
            throw CLIError.usage("--by '\(by)' names no column in \(data.path)"
                + (near.isEmpty ? "" : " (did you mean \(near.map { "'\($0)'" }.joined(separator: ", "))?)"))
        }
        let groups = GroupingFactor(groupColumn)
        let levels = groups.levels
        // Rows of each group in one pass (a group column can have a level per row).
        let rowsOfGroup = groups.rowsByLevel()
        let sizes = rowsOfGroup.map(\.count)
        let missingGroup = groups.missingCount
        let hidden: [Bool]
        do {
            hidden = try SmallCellSuppressor(minimumCell: minCell).hiddenGroups(sizes: sizes)
        } catch {
            throw CLIError.data("\(error)")
        }
        let numeric = table.columns.filter { $0.name != by }.compactMap { c in c.numeric.map { (c.name, $0) } }
        var groupsJSON: [JSONValue] = []
        var rows: [[Cell]] = []
        for (g, level) in levels.enumerated() {
            if hidden[g] {
                groupsJSON.append(.object([("level", .string(level)), ("n", .null), ("suppressed", .bool(true)), ("columns", .array([]))]))
                rows.append([.text(level), .text("suppressed"), .text(""), .number(nil), .number(nil), .number(nil), .number(nil)])
                continue
            }
            var columnsJSON: [JSONValue] = []
            for (i, (name, column)) in numeric.enumerated() {
                var values: [Double?] = []
                for r in rowsOfGroup[g] { values.append(column[r]) }
                let s = summarize(NumericColumn(values))
                columnsJSON.append(.object([("name", .string(name)), ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                                            ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("median", .number(s.median))]))
                rows.append([.text(i == 0 ? level : ""), .integer(i == 0 ? sizes[g] : nil), .text(name), .integer(s.n),
                             .number(s.mean), .number(s.sd), .number(s.median)])
            }
            groupsJSON.append(.object([("level", .string(level)), ("n", .integer(sizes[g])), ("suppressed", .bool(false)),
                                       ("columns", .array(columnsJSON))]))
        }
        var notes = ["\(data.path): \(table.rowCount) rows grouped by \(by). sd uses n − 1."]
        if hidden.contains(true) {
            notes.append("Groups with fewer than \(minCell) rows are suppressed, and another group with them where the total could reveal one (--min-cell).")
        }
        if missingGroup > 0 { notes.append("\(missingGroup) rows with \(by) missing are not in any group.") }
        let json: JSONValue = .object([
            ("data", data.json()), ("by", .string(by)), ("min_cell", .integer(minCell)),
            ("missing_group", .integer(missingGroup)), ("groups", .array(groupsJSON)),
        ])
        let result = ResultTable(
            title: "Numeric columns by \(by)",
            columns: [TableColumn(by), TableColumn("Rows", kind: .integer), TableColumn("Column"), TableColumn("n", kind: .integer),
                      TableColumn("Mean", kind: .decimal(2)), TableColumn("SD", kind: .decimal(2)), TableColumn("Median", kind: .decimal(2))],
            rows: rows, notes: notes)
        return CommandReport(json: json, tables: [result])
    }

}
