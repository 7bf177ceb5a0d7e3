import DataTable
import Output
import Privacy

extension ColumnSummary {
    /// `describe`: per column its type, n, missing, mean, sd, min, median, max and distinct count; for categorical
    /// columns the first `maxLevels` levels with counts, counts under `minCell` suppressed (with complementary
    /// suppression, so the column's n cannot reveal them). `metadata` (one per column, or empty) adds what an
    /// SPSS/Stata/SAS file said: a `label` key and a `declared_missing` count per column where there is one, and
    /// a "Variable labels" table. `labels` (the file's variable labels and any the user gave) name the columns in
    /// the tables, are listed in that table and are the JSON's `label` key.
    public static func report(_ columns: [(name: String, summary: ColumnSummary)], metadata: [ColumnMetadata] = [],
                              maxLevels: Int, minCell: Int, data: DataProvenance,
                              labels: VariableLabels = VariableLabels()) throws(SuppressionError) -> Report {
        var suppression: [OneWaySuppression?] = []
        for (_, summary) in columns {
            // Code-like columns (client codes) list no levels, so there is nothing to suppress.
            guard case .categorical(let c) = summary, !c.isCodeLike else { suppression.append(nil); continue }
            suppression.append(try SmallCellSuppressor(minimumCell: minCell).suppressionPlan(counts: c.levels.map(\.count)))
        }
        var annotations = metadata.count == columns.count ? metadata : Array(repeating: ColumnMetadata(), count: columns.count)
        for (i, column) in columns.enumerated() {
            if let label = labels[column.name] { annotations[i].label = label }
        }
        return Report(json: json(columns, suppression, annotations, maxLevels: maxLevels, minCell: minCell, data: data),
                      tables: tables(columns, suppression, maxLevels: maxLevels, minCell: minCell, data: data, labels: labels)
                        + labelTable(columns.map(\.name), annotations))
    }

    /// A numeric column with 1 to minCell − 1 values: its mean, median, min and max describe single clients, so
    /// they are withheld as a small group of `describe --by` is (DESIGN.md §9).
    private static func isSmall(_ s: NumericSummary, minCell: Int) -> Bool { s.n > 0 && s.n < minCell }

    /// The `label` and `declared_missing` keys a column gets when its file declared them (none for CSV input).
    private static func annotationKeys(_ metadata: ColumnMetadata) -> [(String, JSONValue)] {
        var keys: [(String, JSONValue)] = []
        if let label = metadata.label { keys.append(("label", .string(label))) }
        if metadata.declaredMissingCount > 0 { keys.append(("declared_missing", .integer(metadata.declaredMissingCount))) }
        return keys
    }

    /// Variable labels and declared-missing counts, when any column has them.
    private static func labelTable(_ names: [String], _ metadata: [ColumnMetadata]) -> [ResultTable] {
        let rows: [[Cell]] = zip(names, metadata).compactMap { name, m in
            guard m.label != nil || m.declaredMissingCount > 0 else { return nil }
            return [.text(name), .text(m.label ?? ""), .integer(m.declaredMissingCount)]
        }
        guard !rows.isEmpty else { return [] }
        return [ResultTable(
            title: "Variable labels",
            columns: [TableColumn("Column"), TableColumn("Label"), TableColumn("Declared missing", kind: .integer)],
            rows: rows,
            notes: ["Declared missing: cells holding an SPSS user-missing code (or a Stata/SAS .a–.z missing value), read as missing and counted in Missing."])]
    }

    private static func json(_ summaries: [(name: String, summary: ColumnSummary)], _ suppression: [OneWaySuppression?],
                             _ metadata: [ColumnMetadata], maxLevels: Int, minCell: Int, data: DataProvenance) -> JSONValue {
        let columns: [JSONValue] = zip(zip(summaries, suppression), metadata).map { pair, annotation in
            let (entry, hidden) = pair
            let (name, summary) = entry
            let extra = annotationKeys(annotation)
            switch summary {
            case .numeric(let s) where isSmall(s, minCell: minCell):
                return .object([
                    ("name", .string(name)), ("type", .string("numeric")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("mean", .null), ("sd", .null), ("min", .null), ("median", .null), ("max", .null),
                    ("distinct", .null), ("suppressed", .bool(true)),
                ] + extra)
            case .numeric(let s):
                return .object([
                    ("name", .string(name)), ("type", .string("numeric")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("min", .number(s.min)),
                    ("median", .number(s.median)), ("max", .number(s.max)), ("distinct", .integer(s.distinct)),
                ] + extra)
            case .categorical(let s):
                let shown = s.isCodeLike ? [] : Array(s.levels.prefix(maxLevels).enumerated())
                let mask = hidden?.cells ?? []
                return .object([
                    ("name", .string(name)), ("type", .string("categorical")),
                    ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                    ("distinct", .integer(s.levels.count)),
                    ("levels", .array(shown.map { i, l in
                        .object([("level", .string(s.shownLevel(i, hidden: mask[i]))), ("count", mask[i] ? .null : .integer(l.count)),
                                 ("suppressed", .bool(mask[i]))])
                    })),
                    ("levels_omitted", .integer(s.levels.count - shown.count)),
                ] + extra)
            }
        }
        return .object([("data", data.json()), ("rows", .integer(data.rows)), ("columns", .array(columns))])
    }

    private static func tables(_ summaries: [(name: String, summary: ColumnSummary)], _ suppression: [OneWaySuppression?],
                               maxLevels: Int, minCell: Int, data: DataProvenance, labels: VariableLabels) -> [ResultTable] {
        var numericRows: [[Cell]] = []
        var levelRows: [[Cell]] = []
        var anySuppressed = false
        var anyWithheld = false
        var anySmallColumn = false
        for ((column, summary), hidden) in zip(summaries, suppression) {
            let name = labels.display(column)
            switch summary {
            case .numeric(let s) where isSmall(s, minCell: minCell):
                anySmallColumn = true
                numericRows.append([.text(name), .integer(s.n), .integer(s.missing)]
                                   + Array(repeating: .text("suppressed"), count: 6))
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
                        let shownLevel = s.shownLevel(i, hidden: true)
                        if shownLevel != level.level { anyWithheld = true }
                        levelRows.append([.text(i == 0 ? name : ""), .text(ShownText.shortened(shownLevel)), .text("suppressed"), .number(nil)])
                    } else {
                        levelRows.append([.text(i == 0 ? name : ""), .text(ShownText.shortened(level.level)), .integer(level.count),
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
                rows: numericRows,
                notes: [note] + (anySmallColumn ? ["Columns with fewer than \(minCell) values are suppressed: their statistics would describe single clients (--min-cell)."] : [])))
        }
        if !levelRows.isEmpty {
            result.append(ResultTable(
                title: "Categorical columns",
                columns: [TableColumn("Column"), TableColumn("Level"), TableColumn("Count", kind: .integer),
                          TableColumn("%", kind: .decimal(1))],
                rows: levelRows,
                notes: (numericRows.isEmpty ? [note] : [])
                    + (anySuppressed ? ["Counts below \(minCell) are suppressed, with complementary suppression so that totals cannot reveal them (--min-cell)."] : [])
                    + (anyWithheld ? ["A rare text value in a column of numbers is described by its length, not shown: it may be a name or a date that identifies someone."] : [])))
        }
        return result
    }
}

extension CategoricalSummary {
    /// A code column (most levels seen once, like client codes) has nothing to show level by level.
    public var isCodeLike: Bool {
        levels.count > 20 && levels.count * 2 > n
    }

    /// Level `i` as `describe` lists it. In an otherwise numeric column (most cells numbers), a text level whose
    /// count is suppressed is a stray cell of a few clients, which can be a name or a date the identifier guard
    /// did not catch: it is shown only when `EchoedValue` allows it ('n/a', '12,5'), else by its length.
    func shownLevel(_ i: Int, hidden: Bool) -> String {
        let level = levels[i].level
        guard hidden, Double(level) == nil, !EchoedValue.isQuotable(level) else { return level }
        let numeric = levels.reduce(0) { $0 + (Double($1.level) != nil ? $1.count : 0) }
        guard numeric * 2 > n else { return level }
        return "(\(EchoedValue.phrase(level)))"
    }
}
