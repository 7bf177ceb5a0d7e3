import ArgumentParser
import Foundation
import DataTable
import Models
import Output

/// `alliance correlate <data> --vars a,b,...`: Pearson, Spearman or Kendall correlations for every pair, optionally
/// partial on control variables, with adjusted p-values, as R's cor.test and p.adjust.
public struct CorrelateCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Correlations (Pearson, Spearman, Kendall tau-b; partial) for every pair of variables, with CIs and adjusted p-values.",
        discussion: """
        Pearson: t test and Fisher-z interval, as cor.test. Spearman and Kendall: p-values as cor.test(exact = FALSE);
        intervals by Fisher z with the Bonett–Wright (2000) variances. --partial residualises on the controls.
        Missing values are dropped pairwise (default) or listwise (--listwise), and every pair reports its n.
        """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "Comma-separated numeric variables (at least two).")
    public var vars: String

    @Option(name: .long, help: "pearson, spearman or kendall.")
    public var method: String = "pearson"

    @Option(name: .long, help: "Comma-separated control variables for partial correlations (pearson or spearman).")
    public var partial: String?

    @Flag(name: .long, help: "Use only rows complete on every variable (default: pairwise deletion).")
    public var listwise = false

    @Option(name: .long, help: "p-value adjustment over all pairs: none, holm, bonferroni or bh.")
    public var adjust: String = "none"

    @Option(name: .long, help: "Confidence level of the intervals.")
    public var level: Double = 0.95

    @Option(name: .long, help: "Write a heatmap of the correlations (SVG).")
    public var plot: String?

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let method = CorrelationMethod(rawValue: method.lowercased()) else {
            throw CLIError.usage("unknown --method '\(self.method)'; use pearson, spearman or kendall")
        }
        guard let adjustment = PValueAdjustment(rawValue: adjust.lowercased()) else {
            throw CLIError.usage("unknown --adjust '\(adjust)'; use none, holm, bonferroni or bh")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be between 0 and 1, e.g. 0.95") }
        let names = Self.list(vars)
        let controls = Self.list(partial ?? "")
        guard names.count >= 2 else { throw CLIError.usage("--vars needs at least two variables, e.g. --vars wai_total,phq_post") }
        guard Set(names).count == names.count else { throw CLIError.usage("--vars names a variable twice") }
        if let overlap = controls.first(where: names.contains) {
            throw CLIError.usage("'\(overlap)' is both a variable and a --partial control")
        }
        if !controls.isEmpty && method == .kendall {
            throw CLIError.usage("partial Kendall correlations are not supported; use --method pearson or spearman")
        }
        let data = try input.load(in: context)
        let columns = try (names + controls).map { try numericValues(data, $0) }
        let matrix: CorrelationMatrix
        do {
            matrix = try Correlation.matrix(Array(columns.prefix(names.count)), method: method,
                                            missing: listwise ? .listwise : .pairwise, adjustment: adjustment,
                                            controls: Array(columns.dropFirst(names.count)), confidenceLevel: level)
        } catch {
            throw CLIError.data("\(data.path): \(error)")
        }
        var warnings: [String] = []
        var pairs: [JSONValue] = []
        var rows: [[Cell]] = []
        for entry in matrix.entries {
            let x = names[entry.first], y = names[entry.second]
            switch entry.outcome {
            case .success(let r):
                pairs.append(.object([
                    ("x", .string(x)), ("y", .string(y)), ("n", .integer(r.n)), ("estimate", .number(r.estimate)),
                    ("statistic", .number(r.statistic)), ("df", .number(r.degreesOfFreedom)), ("p_value", .number(r.pValue)),
                    ("p_adjusted", .number(entry.adjustedPValue)), ("conf_low", .number(r.confLow)), ("conf_high", .number(r.confHigh)),
                ]))
                rows.append([.text(x), .text(y), .integer(r.n), .number(r.estimate), .interval(r.confLow, r.confHigh),
                             .number(r.statistic), .number(r.pValue), .number(entry.adjustedPValue)])
            case .failure(let error):
                warnings.append("\(x) and \(y): \(error)")
                pairs.append(.object([("x", .string(x)), ("y", .string(y)), ("error", .string("\(error)"))]))
                rows.append([.text(x), .text(y), .integer(nil), .number(nil), .interval(nil, nil), .number(nil), .number(nil), .number(nil)])
            }
        }
        let used = listwise ? (0..<data.table.rowCount).filter { row in columns.allSatisfy { $0[row] != nil } }.count : nil
        let json: JSONValue = .object([
            ("method", .string(method.rawValue)),
            ("partial_on", .array(controls.map { .string($0) })),
            ("adjust", .string(adjustment.rawValue)),
            ("missing", .string(listwise ? "listwise" : "pairwise")),
            ("level", .number(level)),
            ("data", data.json(used: used)),
            ("pairs", .array(pairs)),
        ])
        let statisticName = method == .pearson || !controls.isEmpty ? "t" : (method == .spearman ? "S" : "z")
        let symbol = method == .pearson ? "r" : (method == .spearman ? "ρ" : "τb")
        var notes = ["\(data.path): \(data.table.rowCount) rows; \(listwise ? "listwise" : "pairwise") deletion, n per pair shown."]
        if !controls.isEmpty { notes.append("Partial correlations controlling for \(controls.joined(separator: ", ")).") }
        if method != .pearson { notes.append("p from cor.test(exact = FALSE); CI by Fisher z with the Bonett–Wright variance.") }
        if adjustment != .none { notes.append("p (adj.): \(adjustment.rawValue) adjustment over \(matrix.entries.count) pairs.") }
        var tables = [ResultTable(
            title: "\(method.rawValue.capitalized) correlations",
            columns: [TableColumn("x"), TableColumn("y"), TableColumn("n", kind: .integer), TableColumn(symbol, kind: .bounded(2)),
                      TableColumn("\(Int((level * 100).rounded()))% CI", kind: .interval(2, bounded: true)),
                      TableColumn(statisticName, kind: .decimal(2)), TableColumn("p", kind: .pValue),
                      TableColumn("p (adj.)", kind: .pValue)],
            rows: rows, notes: notes)]
        if names.count > 2 { tables.append(matrixTable(names, matrix, symbol: symbol)) }
        var figures: [String] = []
        if let plot {
            let svg = heatmap(names, matrix, method: method, path: data.path).svg()
            figures.append(try context.writeFile(svg, to: plot))
        }
        return CommandReport(json: json, tables: tables, figures: figures, warnings: warnings)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func numericValues(_ data: LoadedData, _ name: String) throws -> [Double?] {
        let column: Column
        do {
            column = try data.table.requireColumn(name)
        } catch {
            throw CLIError.usage("\(data.path): \(error)")
        }
        guard let numeric = column.numeric else {
            throw CLIError.data("\(data.path): column '\(name)' is not numeric (it holds text such as category labels); correlate needs numbers")
        }
        return (0..<numeric.count).map { numeric[$0] }
    }

    /// The lower triangle of the correlation matrix, APA style.
    private func matrixTable(_ names: [String], _ matrix: CorrelationMatrix, symbol: String) -> ResultTable {
        let rows: [[Cell]] = names.indices.map { i in
            [.text("\(i + 1). \(names[i])")] + names.indices.dropLast().map { j -> Cell in
                if j == i { return .text("—") }
                if j > i { return .text("") }
                guard let entry = matrix.entry(i, j), case .success(let r) = entry.outcome else { return .number(nil) }
                return .number(r.estimate)
            }
        }
        let columns = [TableColumn("Variable")] + names.indices.dropLast().map { TableColumn("\($0 + 1)", kind: .bounded(2)) }
        return ResultTable(title: "Correlation matrix (\(symbol))", columns: columns, rows: rows)
    }

    private func heatmap(_ names: [String], _ matrix: CorrelationMatrix, method: CorrelationMethod, path: String) -> Plot {
        let values: [[Double?]] = names.indices.map { i in
            names.indices.map { j -> Double? in
                if i == j { return 1 }
                guard let entry = matrix.entry(i, j), case .success(let r) = entry.outcome else { return nil }
                return r.estimate
            }
        }
        let strongest = matrix.entries.compactMap { entry -> (String, Double)? in
            guard case .success(let r) = entry.outcome else { return nil }
            return ("\(names[entry.first]) and \(names[entry.second])", r.estimate)
        }.max { abs($0.1) < abs($1.1) }
        let summary = strongest.map { " The strongest is between \($0.0) (\(NumberFormat.bounded($0.1, places: 2)))." } ?? ""
        let side = Double(max(360, 120 + 70 * names.count))
        return Plot(
            title: "\(method.rawValue.capitalized) correlations",
            description: "Heatmap of \(method.rawValue) correlations among \(names.count) variables from \(path).\(summary)",
            x: .categorical(nil, names), y: .categorical(nil, names),
            layers: [Layer(.heatmap(Heatmap(values: values, colorBarTitle: method == .pearson ? "r" : (method == .spearman ? "ρ" : "τb"))))],
            width: side + 100, height: side)
    }
}
