import DataTable
import Output
import Privacy

extension ColumnSummary {
    /// `describe`: per column its type, n, missing, mean, sd, min, median, max and distinct count; for categorical
    /// columns the first `maxLevels` levels with counts, counts under `minCell` suppressed (with complementary
    /// suppression, so the column's n cannot reveal them).
    public static func report(_ columns: [(name: String, summary: ColumnSummary)], maxLevels: Int, minCell: Int,
                              data: DataProvenance) throws(SuppressionError) -> Report {
        var suppression: [OneWaySuppression?] = []
        for (_, summary) in columns {
            // Code-like columns (client codes) list no levels, so there is nothing to suppress.
            guard case .categorical(let c) = summary, !c.isCodeLike else { suppression.append(nil); continue }
            suppression.append(try SmallCellSuppressor(minimumCell: minCell).suppressionPlan(counts: c.levels.map(\.count)))
        }
        return Report(json: json(columns, suppression, maxLevels: maxLevels, data: data),
                      tables: tables(columns, suppression, maxLevels: maxLevels, minCell: minCell, data: data))
    }

    private static func json(_ summaries: [(name: String, summary: ColumnSummary)], _ suppression: [OneWaySuppression?],
                             maxLevels: Int, data: DataProvenance) -> JSONValue {
        let columns: [JSONValue] = zip(summaries, suppression).map { entry, hidden in
            let (name, summary) = entry
            switch summary {
            case .numeric(let s):
                return .object([
                    ("name", .string(name)), ("type", .string("numeric")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("min", .number(s.min)),
                    ("median", .number(s.median)), ("max", .number(s.max)), ("distinct", .integer(s.distinct)),
                ])
            case .categorical(let s):
                let shown = s.isCodeLike ? [] : Array(s.levels.prefix(maxLevels).enumerated())
                let mask = hidden?.cells ?? []
                return .object([
                    ("name", .string(name)), ("type", .string("categorical")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("distinct", .integer(s.levels.count)),
                    ("levels", .array(shown.map { i, l in
                        .object([("level", .string(l.level)), ("count", mask[i] ? .null : .integer(l.count)),
                                 ("suppressed", .bool(mask[i]))])
                    })),
                    ("levels_omitted", .integer(s.levels.count - shown.count)),
                ])
            }
        }
        return .object([("data", data.json()), ("rows", .integer(data.rows)), ("columns", .array(columns))])
    }

    private static func tables(_ summaries: [(name: String, summary: ColumnSummary)], _ suppression: [OneWaySuppression?],
                               maxLevels: Int, minCell: Int, data: DataProvenance) -> [ResultTable] {
        var numericRows: [[Cell]] = []
        var levelRows: [[Cell]] = []
        var anySuppressed = false
        for ((name, summary), hidden) in zip(summaries, suppression) {
            switch summary {
            case .numeric(let s):
                numericRows.append([.text(name), .integer(s.n), .integer(s.missing), .number(s.mean), .number(s.sd),
                                    .number(s.min), .number(s.median), .number(s.max), .integer(s.distinct)])
            case .categorical(let s):
                if s.isCodeLike {
                    levelRows.append([.text(name), .text("(\(s.levels.count) distinct codes; not listed)"), .integer(s.n), .number(nil)])
                    continue
                }
                let shown = s.levels.prefix(maxLevels)
                let mask = hidden?.cells ?? []
                for (i, level) in shown.enumerated() {
                    if mask[i] {
                        anySuppressed = true
                        levelRows.append([.text(i == 0 ? name : ""), .text(level.level), .text("suppressed"), .number(nil)])
                    } else {
                        levelRows.append([.text(i == 0 ? name : ""), .text(level.level), .integer(level.count),
                                          .number(s.n > 0 ? 100 * Double(level.count) / Double(s.n) : nil)])
                    }
                }
                let omitted = s.levels.count - shown.count
                if omitted > 0 {
                    levelRows.append([.text(shown.isEmpty ? name : ""), .text("(\(omitted) more levels)"), .integer(nil), .number(nil)])
                }
                if s.missing > 0 {
                    levelRows.append([.text(""), .text("(missing)"), .integer(s.missing), .number(nil)])
                }
            }
        }
        let note = "\(data.file): \(data.rows) rows, \(summaries.count) columns. sd uses n − 1."
        var result: [ResultTable] = []
        if !numericRows.isEmpty {
            result.append(ResultTable(
                title: "Numeric columns",
                columns: [TableColumn("Column"), TableColumn("n", kind: .integer), TableColumn("Missing", kind: .integer),
                          TableColumn("Mean", kind: .decimal(2)), TableColumn("SD", kind: .decimal(2)),
                          TableColumn("Min", kind: .decimal(2)), TableColumn("Median", kind: .decimal(2)),
                          TableColumn("Max", kind: .decimal(2)), TableColumn("Distinct", kind: .integer)],
                rows: numericRows, notes: [note]))
        }
        if !levelRows.isEmpty {
            result.append(ResultTable(
                title: "Categorical columns",
                columns: [TableColumn("Column"), TableColumn("Level"), TableColumn("Count", kind: .integer),
                          TableColumn("%", kind: .decimal(1))],
                rows: levelRows,
                notes: (numericRows.isEmpty ? [note] : [])
                    + (anySuppressed ? ["Counts below \(minCell) are suppressed, with complementary suppression so that totals cannot reveal them (--min-cell)."] : [])))
        }
        return result
    }
}

extension CategoricalSummary {
    /// A code column (most levels seen once, like client codes) has nothing to show level by level.
    public var isCodeLike: Bool {
        levels.count > 20 && levels.count * 2 > n
    }
}
