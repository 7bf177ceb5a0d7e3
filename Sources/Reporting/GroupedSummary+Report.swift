import DataTable
import Output
import Privacy

extension GroupedSummary {
    /// `describe --by COL`: n, mean, sd and median of every numeric column within each group. Groups with fewer
    /// than `minCell` rows are suppressed, and a second group with them when one hidden group could be recovered
    /// from the overall row (complementary suppression, `SmallCellSuppressor.hiddenGroups`); the rows whose group is
    /// missing count as a group there. Minima and maxima
    /// are not shown per group: they are single clients.
    /// `labels` name the columns in the table (the JSON keeps the names).
    public func report(by: String, minCell: Int, data: DataProvenance,
                       labels: VariableLabels = VariableLabels()) throws(SuppressionError) -> Report {
        // The rows with the grouping column missing are a group too for the rule: shown as a count beside the others,
        // two of them could be recovered from `describe`'s overall row (session 20).
        let withMissing = missingGroup > 0 ? sizes + [missingGroup] : sizes
        let hiddenAll = try SmallCellSuppressor(minimumCell: minCell).hiddenGroups(sizes: withMissing)
        let hidden = Array(hiddenAll.prefix(sizes.count))
        let missingHidden = missingGroup > 0 && hiddenAll[sizes.count]
        var groupsJSON: [JSONValue] = []
        var rows: [[Cell]] = []
        var anyWithheld = false
        for (g, level) in levels.enumerated() {
            if hidden[g] {
                groupsJSON.append(.object([("level", .string(level)), ("n", .null), ("suppressed", .bool(true)), ("columns", .array([]))]))
                rows.append([.text(level), .text("suppressed"), .text(""), .number(nil), .number(nil), .number(nil), .number(nil)])
                continue
            }
            var columnsJSON: [JSONValue] = []
            for (i, (name, s)) in zip(columns, summaries[g]).enumerated() {
                // As the ungrouped `describe`: a column with fewer values than the rule in a shown group (3 of 30 answered)
                // keeps its count but not its mean, SD and median, which three values would all but give away (session 21).
                let withheld = s.n > 0 && s.n < minCell
                anyWithheld = anyWithheld || withheld
                columnsJSON.append(.object([("name", .string(name)), ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                                            ("mean", withheld ? .null : .number(s.mean)), ("sd", withheld ? .null : .number(s.sd)),
                                            ("median", withheld ? .null : .number(s.median)), ("withheld", .bool(withheld))]))
                rows.append([.text(i == 0 ? level : ""), .integer(i == 0 ? sizes[g] : nil), .text(labels.display(name)), .integer(s.n),
                             .number(withheld ? nil : s.mean), .number(withheld ? nil : s.sd), .number(withheld ? nil : s.median)])
            }
            groupsJSON.append(.object([("level", .string(level)), ("n", .integer(sizes[g])), ("suppressed", .bool(false)),
                                       ("columns", .array(columnsJSON))]))
        }
        var notes = ["\(data.file): \(data.rows) rows grouped by \(labels.display(by)). sd uses n − 1."]
        if anyWithheld {
            notes.append("A column with fewer than \(minCell) values in a group shows its count but not its mean, SD or median (—; --min-cell).")
        }
        if hidden.contains(true) {
            notes.append("Groups with fewer than \(minCell) rows are suppressed, and another group with them where the total could reveal one (--min-cell).")
        }
        if missingHidden {
            notes.append("Rows with \(by) missing are not in any group; their count is suppressed (fewer than \(minCell), or it "
                + "would reveal a suppressed group).")
        } else if missingGroup > 0 {
            notes.append("\(missingGroup) rows with \(by) missing are not in any group.")
        }
        let json: JSONValue = .object([
            ("data", data.json()), ("by", .string(by)), ("min_cell", .integer(minCell)),
            ("missing_group", missingHidden ? .null : .integer(missingGroup)), ("groups", .array(groupsJSON)),
        ])
        let table = ResultTable(
            title: "Numeric columns by \(labels.display(by))",
            columns: [TableColumn(labels.display(by)), TableColumn("Rows", kind: .integer), TableColumn("Column"), TableColumn("n", kind: .integer),
                      TableColumn("Mean", kind: .decimal(2)), TableColumn("SD", kind: .decimal(2)), TableColumn("Median", kind: .decimal(2))],
            rows: rows, notes: notes)
        return Report(json: json, tables: [table])
    }
}
