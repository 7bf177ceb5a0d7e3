import DataTable
import Measures
import Output

extension ScoreResult {
    /// `score`: rows read, scored, prorated and unscored, invalid cells, and the distribution of each score
    /// (`distributions`, from `scoreDistributions(subscaleCount:)`). `out` is the scored CSV as the user named it.
    /// `labels` name the scores in the distribution table; the JSON keeps the column names.
    public func report(distributions: [(name: String, summary: NumericSummary)], out: String?, data: DataProvenance,
                       labels: VariableLabels = VariableLabels()) -> Report {
        let scores: [JSONValue] = distributions.map { name, s in
            .object([("column", .string(name)), ("n", .integer(s.n)), ("missing", .integer(s.missing)),
                     ("mean", .number(s.mean)), ("sd", .number(s.sd)), ("min", .number(s.min)),
                     ("max", .number(s.max))])
        }
        let json: JSONValue = .object([
            ("instrument", .string(instrument)),
            ("data", data.json(used: scored)),
            ("items", .array(itemColumns.map { .string($0) })),
            ("columns", .array(newColumns.map { .string($0.name) })),
            ("out", .string(out)),
            ("rows", .integer(rows)),
            ("scored", .integer(scored)),
            ("prorated", .integer(prorated)),
            ("too_many_missing", .integer(tooManyMissing)),
            ("invalid_cells", .integer(invalidCells.count)),
            ("scores", .array(scores)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let counts = ResultTable(
            title: "Scoring \(instrument)",
            columns: [TableColumn("Rows"), TableColumn("n", kind: .integer)],
            rows: [
                [.text("Read"), .integer(rows)],
                [.text("Scored"), .integer(scored)],
                [.text("Scored by prorating"), .integer(prorated)],
                [.text("Not scored (too many missing items)"), .integer(tooManyMissing)],
                [.text("Invalid item cells treated as missing"), .integer(invalidCells.count)],
            ],
            notes: ["\(data.file): items \(itemColumns.joined(separator: ", ")); new columns \(newColumns.map(\.name).joined(separator: ", "))."]
                + [out.map { "Scored data written to \($0)." } ?? "Scores not written: pass --out FILE.csv to write the scored data."])
        let distribution = ResultTable(
            title: "Score distribution",
            columns: [TableColumn("Score"), TableColumn("n", kind: .integer), TableColumn("M", kind: .decimal(2)),
                      TableColumn("SD", kind: .decimal(2)), TableColumn("Min", kind: .decimal(2)),
                      TableColumn("Max", kind: .decimal(2))],
            rows: distributions.map { name, s in
                [.text(labels.display(name)), .integer(s.n), .number(s.mean), .number(s.sd), .number(s.min), .number(s.max)]
            },
            notes: ["SD uses n − 1."])
        return Report(json: json, tables: [counts, distribution], warnings: warnings)
    }
}
