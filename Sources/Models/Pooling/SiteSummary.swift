import DataTable
import Foundation
import LinearAlgebra

/// What one site exports for pooling (`fit … --export-summary site.json`): aggregates only, never a row.
/// OLS exports the cross-products XᵀX, Xᵀy, yᵀy and n, from which the fit of all sites' rows together follows
/// exactly; other models export their estimates and covariance for a two-stage meta-analysis.
public struct SiteSummary: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        case crossProducts(xtx: [[Double]], xty: [Double], yty: Double)
        case estimates(estimates: [Double], covariance: [[Double]])
    }

    /// `ols`, `logit`, `poisson`, `negbin` or `lmm`.
    public let model: String
    public let formula: String
    /// Design columns (coefficient names) in order.
    public let terms: [String]
    /// Each predictor's coding (levels of categorical variables), so sites' designs can be checked to agree.
    public let variables: [ModelSchema.Variable]
    public let hasIntercept: Bool
    public let n: Int
    public let level: Double
    public let content: Content
    /// How the site computed its standard errors (`classical`, `hc3`, …; echoed, since OLS pooling is classical).
    public let vcov: String

    public init(model: String, formula: String, terms: [String], variables: [ModelSchema.Variable], hasIntercept: Bool, n: Int,
                level: Double, content: Content, vcov: String) {
        self.model = model
        self.formula = formula
        self.terms = terms
        self.variables = variables
        self.hasIntercept = hasIntercept
        self.n = n
        self.level = level
        self.content = content
        self.vcov = vcov
    }
}

/// The counts the small-cell rule must see before a summary may leave a site: the rows used, each level of each
/// categorical predictor, the rows at each value of every design column of two or three values, the 2 × 2 tables of
/// pairs of two-valued columns (`designCells`), and a binary outcome's two values.
public struct SiteCells: Sendable, Equatable {
    public let cells: [(what: String, count: Int)]

    public static func == (a: SiteCells, b: SiteCells) -> Bool {
        a.cells.count == b.cells.count && zip(a.cells, b.cells).allSatisfy { $0.what == $1.what && $0.count == $1.count }
    }
}

extension SiteSummary {
    /// The summary of a fitted regression (OLS: cross-products; GLMs: estimates and covariance) and the cells the
    /// privacy check needs. The design is rebuilt from the fit's schema over the same table; it must select the rows
    /// the fit used.
    public static func of(_ result: RegressionResult, table: Table) throws(ModelError) -> (SiteSummary, SiteCells) {
        if !result.schema.addedOffsets.isEmpty || result.schema.formula.contains("offset(") {
            throw .invalidVariable(variable: "offset", detail: "a fit with an offset cannot be exported for pooling")
        }
        let formula = try result.schema.parsedFormula()
        var extra: [String] = []
        if let column = result.covariance.clusterColumn { extra.append(column) }
        let frame = try ModelFrame(formula: formula, table: table, extraColumns: extra, schema: result.schema)
        guard frame.usedRows == result.usedRows else {
            throw .numerical("the design rebuilt for the export does not select the rows the fit used")
        }
        let design = DesignMatrix(frame: frame)
        let n = design.rows, p = design.columns
        let values = design.values()
        var cells = designCells(frame: frame, design: design, values: values, schema: result.schema)
        let content: Content
        if result.model == .ols {
            guard case .numeric(let y) = frame.outcome else { throw .nonNumericOutcome(outcome: formula.outcome.label) }
            var xtx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
            var xty = Array(repeating: 0.0, count: p)
            for a in 0..<p {
                for b in 0...a {
                    var s = 0.0
                    for i in 0..<n { s += values[a * n + i] * values[b * n + i] }
                    xtx[a][b] = s
                    xtx[b][a] = s
                }
                var s = 0.0
                for i in 0..<n { s += values[a * n + i] * y[i] }
                xty[a] = s
            }
            content = .crossProducts(xtx: xtx, xty: xty, yty: y.reduce(0) { $0 + $1 * $1 })
        } else {
            guard result.estimableTerms.count == result.coefficients.count else {
                throw .numerical("the fit has aliased coefficients (\(result.coefficients.filter(\.aliased).map(\.term).joined(separator: ", "))); drop them before exporting")
            }
            if result.model == .logit, case .numeric(let y) = frame.outcome {
                let events = y.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
                cells.append(("outcome events", events))
                cells.append(("outcome non-events", n - events))
            } else if result.model == .logit, case .categorical(let levels, let codes) = frame.outcome {
                for (index, level) in levels.enumerated() { cells.append(("outcome = \(level)", codes.filter { $0 == Int32(index) }.count)) }
            }
            let k = result.estimableTerms.count
            content = .estimates(estimates: result.coefficients.map { $0.estimate ?? .nan },
                                 covariance: (0..<k).map { a in (0..<k).map { b in result.vcov[a, b] } })
        }
        let summary = SiteSummary(model: result.model.rawValue, formula: result.formula, terms: design.columnNames,
                                  variables: result.schema.variables, hasIntercept: design.hasIntercept, n: n, level: result.level,
                                  content: content, vcov: result.covariance.label)
        return (summary, SiteCells(cells: cells))
    }

    /// The counts a design implies: rows used, rows per level of each categorical predictor, the rows at each value of
    /// every column taking two or three values (0/1 indicators and interactions of levels, but equally a 1/2-coded
    /// `sex12` or `I(flag * 2)`: n, Σx and Σx² in the cross-products give those counts whatever the coding; session 21
    /// found a group of 3 exported through a 1/2 column), and the 2 × 2 table of every pair of two-valued columns of
    /// different variables (Σ x_a·x_b with the counts above gives all four cells: `site` and `sex` as separate terms
    /// exported their cross-tabulation).
    static func designCells(frame: ModelFrame, design: DesignMatrix, values: [Double], schema: ModelSchema) -> [(String, Int)] {
        let n = design.rows, p = design.columns
        var cells: [(String, Int)] = [("rows used", n)]
        for variable in schema.variables {
            if case .categorical(let levels)? = schema.coding(of: variable.label),
               case .categorical(_, let codes)? = frame.variables[variable.label] {
                var counts = Array(repeating: 0, count: levels.count)
                for c in codes where c >= 0 { counts[Int(c)] += 1 }
                for (level, count) in zip(levels, counts) { cells.append(("\(variable.label) = \(level)", count)) }
            }
        }
        func shown(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }
        // Two-valued columns: (column, its lower and higher value) for the pairs below.
        var twoValued: [(column: Int, low: Double, high: Double)] = []
        for j in 0..<p where design.columnNames[j] != "(Intercept)" {
            let column = values[(j * n)..<((j + 1) * n)]
            var distinct: [Double] = []
            for x in column where !distinct.contains(x) {
                distinct.append(x)
                if distinct.count > 3 { break }
            }
            let name = design.columnNames[j]
            if distinct.count == 1, let only = distinct.first, only == 0 || only == 1 {
                // An indicator that is all zeros or all ones still reveals a count (zero) through the cross-products.
                cells.append(("\(name) = 1", only == 1 ? n : 0))
                cells.append(("\(name) = 0", only == 0 ? n : 0))
            } else if distinct.count == 2 || distinct.count == 3 {
                // Ones first for a 0/1 column (as before), otherwise ascending.
                let ordered = Set(distinct) == [0, 1] ? [1.0, 0] : distinct.sorted()
                for v in ordered { cells.append(("\(name) = \(shown(v))", column.reduce(0) { $0 + ($1 == v ? 1 : 0) })) }
                if distinct.count == 2, let low = distinct.min(), let high = distinct.max() { twoValued.append((j, low, high)) }
            }
        }
        // A pair of columns of one variable (levels of one factor, a factor and its interaction) has structural zeros
        // that reveal nothing: only pairs of columns from different variables are checked.
        let variables = design.columnTerms.map { Set($0.split(separator: ":").map(String.init)) }
        for (a, first) in twoValued.enumerated() {
            for second in twoValued[(a + 1)...] where variables[first.column].isDisjoint(with: variables[second.column]) {
                var table = [0, 0, 0, 0]
                for i in 0..<n {
                    let hi = values[first.column * n + i] == first.high ? 2 : 0
                    let hj = values[second.column * n + i] == second.high ? 1 : 0
                    table[hi + hj] += 1
                }
                for (k, count) in table.enumerated() {
                    let va = k >= 2 ? first.high : first.low, vb = k % 2 == 1 ? second.high : second.low
                    cells.append(("\(design.columnNames[first.column]) = \(shown(va)) and \(design.columnNames[second.column]) = \(shown(vb))", count))
                }
            }
        }
        return cells
    }

    /// The summary of a linear mixed model: its fixed effects and their covariance (pooled in two stages), with the
    /// cells of its fixed-effects design. The frame is rebuilt from the fit's schema (random-effect grouping
    /// columns take part in listwise deletion, as in the fit).
    public static func of(_ result: LinearMixedModelResult, table: Table) throws(ModelError) -> (SiteSummary, SiteCells) {
        guard result.keptColumns.count == result.coefficients.count else {
            throw .numerical("the fit has aliased fixed effects (\(result.coefficients.filter(\.aliased).map(\.term).joined(separator: ", "))); drop them before exporting")
        }
        let frame = try ModelFrame(formula: try result.schema.parsedFormula(), table: table, schema: result.schema)
        guard frame.rows.count == result.rowsUsed else {
            throw .numerical("the design rebuilt for the export does not select the rows the fit used")
        }
        let design = DesignMatrix(frame: frame)
        guard design.columnNames == result.coefficients.map(\.term) else {
            throw .numerical("the fixed-effects design rebuilt for the export does not match the fit's coefficients")
        }
        let cells = designCells(frame: frame, design: design, values: design.values(), schema: result.schema)
        let k = result.coefficients.count
        let content = Content.estimates(estimates: result.coefficients.map { $0.estimate ?? .nan },
                                        covariance: (0..<k).map { a in (0..<k).map { b in result.covariance[a, b] } })
        let summary = SiteSummary(model: "lmm", formula: result.formula, terms: design.columnNames, variables: result.schema.variables,
                                  hasIntercept: design.hasIntercept, n: design.rows, level: result.confidenceLevel, content: content,
                                  vcov: result.clusterRobust == nil ? "model" : "cluster-cr2")
        return (summary, SiteCells(cells: cells))
    }
}
