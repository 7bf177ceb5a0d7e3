/// The model matrix: one column per coefficient, column-major, built from a `ModelFrame` by the
/// single formula → design path (DESIGN.md §2). Categorical variables use treatment contrasts
/// (reference level = first level of the frame) where the term's margin is in the model, and full
/// indicator coding otherwise, as R's `model.matrix` does.
public struct DesignMatrix: Sendable {
    public let rows: Int
    /// Coefficient names: `(Intercept)`, `x`, `site[north]`, `site[north]:x`, `I(x^2)`.
    public let columnNames: [String]
    /// For each column, the term label it belongs to (`(Intercept)` for the intercept).
    public let columnTerms: [String]
    /// Column-major values, `rows × columnNames.count`.
    public let values: [Double]
    public let hasIntercept: Bool
    /// For each column, whether its term involves a categorical variable (indicator-derived columns).
    public let columnIsCategorical: [Bool]

    public var columns: Int { columnNames.count }

    public init(frame: ModelFrame) {
        let formula = frame.formula
        let n = frame.counts.rowsUsed
        var names: [String] = []
        var termOf: [String] = []
        var values: [Double] = []
        var categorical: [Bool] = []
        if formula.hasIntercept {
            categorical.append(false)
            names.append("(Intercept)")
            termOf.append("(Intercept)")
            values.append(contentsOf: repeatElement(1.0, count: n))
        }
        let termSet = Set(formula.terms)
        for term in formula.terms {
            // Per variable: the list of (suffix-name, column builder) it contributes.
            var factors: [[(name: String, fill: (inout [Double]) -> Void)]] = []
            for v in term.variables {
                guard let data = frame.variables[v.label] else { continue }
                switch data {
                case .numeric(let x):
                    factors.append([(v.label, { col in for i in 0..<n { col[i] *= x[i] } })])
                case .categorical(let levels, let codes):
                    let margin = term.variables.filter { $0 != v }
                    let contrasted = margin.isEmpty ? formula.hasIntercept : termSet.contains(FormulaTerm(variables: margin))
                    let first = contrasted ? 1 : 0
                    var entries: [(name: String, fill: (inout [Double]) -> Void)] = []
                    for level in first..<levels.count {
                        let code = Int32(level)
                        entries.append(("\(v.label)[\(levels[level])]", { col in
                            for i in 0..<n where codes[i] != code { col[i] = 0 }
                        }))
                    }
                    factors.append(entries)
                }
            }
            // The first variable varies fastest, as in R.
            let termIsCategorical = term.variables.contains { v in
                if case .categorical = frame.variables[v.label] { return true }
                return false
            }
            var combination = [Int](repeating: 0, count: factors.count)
            let total = factors.reduce(1) { $0 * $1.count }
            for _ in 0..<total {
                var column = [Double](repeating: 1, count: n)
                var parts: [String] = []
                for (f, k) in combination.enumerated() {
                    parts.append(factors[f][k].name)
                    factors[f][k].fill(&column)
                }
                names.append(parts.joined(separator: ":"))
                termOf.append(term.label)
                categorical.append(termIsCategorical)
                values.append(contentsOf: column)
                for f in factors.indices {
                    combination[f] += 1
                    if combination[f] < factors[f].count { break }
                    combination[f] = 0
                }
            }
        }
        self.rows = n
        self.columnNames = names
        self.columnTerms = termOf
        self.values = values
        self.hasIntercept = formula.hasIntercept
        self.columnIsCategorical = categorical
    }

    /// Column `j` as an array (for tests and diagnostics).
    public func column(_ j: Int) -> [Double] { Array(values[(j * rows)..<((j + 1) * rows)]) }

    /// The most cells (rows × columns) a design matrix may have: 2^29 doubles, 4 GiB. Fits refuse
    /// larger designs up front instead of exhausting memory (e.g. interactions of many-level factors).
    public static let maximumCells = Double(1 << 29)

    /// How many columns `init(frame:)` builds, counted without building them. A `Double` because
    /// hostile interactions of many-level factors overflow `Int`.
    public static func columnCount(frame: ModelFrame) -> Double {
        let formula = frame.formula
        let termSet = Set(formula.terms)
        var total: Double = formula.hasIntercept ? 1 : 0
        for term in formula.terms {
            var product: Double = 1
            for v in term.variables {
                guard case .categorical(let levels, _) = frame.variables[v.label] else { continue }
                let margin = term.variables.filter { $0 != v }
                let contrasted = margin.isEmpty ? formula.hasIntercept : termSet.contains(FormulaTerm(variables: margin))
                product *= Double(levels.count - (contrasted ? 1 : 0))
            }
            total += product
        }
        return total
    }
}
