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
    public let hasIntercept: Bool
    /// For each column, whether its term involves a categorical variable (indicator-derived columns).
    public let columnIsCategorical: [Bool]

    public var columns: Int { columnNames.count }

    /// One factor of a design column: a column is the product of its parts.
    enum Part: Sendable {
        case numeric([Double])
        /// A transformation, kept so the column can be recomputed in extended precision.
        case transform(NumericExpression, [Double])
        case indicator(codes: [Int32], code: Int32)
    }

    /// Parts of each column (empty for the intercept).
    let columnParts: [[Part]]
    /// Used-row values of the columns transformations read.
    let transformInputs: [String: [Double]]

    public init(frame: ModelFrame) {
        self.init(frame: frame, terms: frame.formula.terms, hasIntercept: frame.formula.hasIntercept)
    }

    /// The columns of the given terms (and an intercept) over the frame's rows, coded as `model.matrix` codes
    /// them: the fixed-effects design, or the columns left of a random-effects bar (`(1 + session | client)`).
    init(frame: ModelFrame, terms: [FormulaTerm], hasIntercept: Bool) {
        let n = frame.counts.rowsUsed
        var names: [String] = []
        var termOf: [String] = []
        var categorical: [Bool] = []
        var columnParts: [[Part]] = []
        if hasIntercept {
            categorical.append(false)
            names.append("(Intercept)")
            termOf.append("(Intercept)")
            columnParts.append([])
        }
        let termSet = Set(terms)
        for term in terms {
            // Per variable: the (name, part) choices it contributes.
            var factors: [[(name: String, part: Part)]] = []
            for v in term.variables {
                guard let data = frame.variables[v.label] else { continue }
                switch data {
                case .numeric(let x):
                    if case .transform(let e) = v.kind {
                        factors.append([(v.label, .transform(e, x))])
                    } else {
                        factors.append([(v.label, .numeric(x))])
                    }
                case .numericColumns(let suffixes, let columns):
                    factors.append(zip(suffixes, columns).map { ("\(v.label)\($0)", .numeric($1)) })
                case .categorical(let levels, let codes):
                    let margin = term.variables.filter { $0 != v }
                    let contrasted = margin.isEmpty ? hasIntercept : termSet.contains(FormulaTerm(variables: margin))
                    let first = contrasted ? 1 : 0
                    factors.append((first..<levels.count).map { level in
                        ("\(v.label)[\(levels[level])]", .indicator(codes: codes, code: Int32(level)))
                    })
                }
            }
            let termIsCategorical = term.variables.contains { v in
                if case .categorical = frame.variables[v.label] { return true }
                return false
            }
            // The first variable varies fastest, as in R.
            var combination = [Int](repeating: 0, count: factors.count)
            let total = factors.reduce(1) { $0 * $1.count }
            for _ in 0..<total {
                names.append(combination.enumerated().map { factors[$0.offset][$0.element].name }.joined(separator: ":"))
                columnParts.append(combination.enumerated().map { factors[$0.offset][$0.element].part })
                termOf.append(term.label)
                categorical.append(termIsCategorical)
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
        self.hasIntercept = hasIntercept
        self.columnIsCategorical = categorical
        self.columnParts = columnParts
        self.transformInputs = frame.transformInputs
    }

    /// The intercept-only design of `n` rows (the null model of a fit with an offset).
    init(interceptOnlyRows n: Int) {
        self.rows = n
        self.columnNames = ["(Intercept)"]
        self.columnTerms = ["(Intercept)"]
        self.hasIntercept = true
        self.columnIsCategorical = [false]
        self.columnParts = [[]]
        self.transformInputs = [:]
    }

    /// Writes rows `range` of the given columns (all by default) into `base`, the k-th at `base + k·ld`.
    /// Fits read the design this way, block by block, so it is never held whole unless asked for.
    func fill(_ range: Range<Int>, columns indices: [Int]? = nil, into base: UnsafeMutablePointer<Double>,
              leadingDimension ld: Int) {
        let m = range.count
        let lower = range.lowerBound
        for (k, j) in (indices ?? Array(0..<columns)).enumerated() {
            let out = base + k * ld
            // The first part is written, later ones multiply in (1·x is x exactly, so this equals the
            // product of all parts started from 1).
            for (position, part) in columnParts[j].enumerated() {
                switch part {
                case .numeric(let x), .transform(_, let x):
                    x.withUnsafeBufferPointer { xp in
                        guard let from = xp.baseAddress else { return }
                        if position == 0 {
                            out.update(from: from + lower, count: m)
                        } else {
                            for t in 0..<m { out[t] *= from[lower + t] }
                        }
                    }
                case .indicator(let codes, let code):
                    codes.withUnsafeBufferPointer { cp in
                        guard let from = cp.baseAddress else { return }
                        DesignMatrix.indicator(from + lower, count: m, code: code, into: out, multiply: position > 0)
                    }
                }
            }
            if columnParts[j].isEmpty { out.update(repeating: 1, count: m) }
        }
    }

    /// `body` with, for each column, where its values lie when the column is one numeric variable as the frame holds it
    /// (read there, not copied), nil for a column `fill` must write (intercept, indicators, products). The pointers are
    /// valid only inside `body`.
    func withStoredColumns<R>(_ body: ([UnsafePointer<Double>?]) -> R) -> R {
        var stored: [UnsafePointer<Double>?] = []
        stored.reserveCapacity(columns)
        func next(_ j: Int) -> R {
            guard j < columns else { return body(stored) }
            guard columnParts[j].count == 1 else {
                stored.append(nil)
                return next(j + 1)
            }
            switch columnParts[j][0] {
            case .numeric(let x), .transform(_, let x):
                return x.withUnsafeBufferPointer { xp in
                    stored.append(xp.baseAddress)
                    return next(j + 1)
                }
            case .indicator:
                stored.append(nil)
                return next(j + 1)
            }
        }
        return next(0)
    }

    /// `body` with, for each column, the codes and the level of a column that is one indicator (`site[north]`), nil for
    /// the others. The pointers are valid only inside `body`.
    func withIndicatorColumns<R>(_ body: ([(codes: UnsafePointer<Int32>, code: Int32)?]) -> R) -> R {
        var found: [(codes: UnsafePointer<Int32>, code: Int32)?] = []
        found.reserveCapacity(columns)
        func next(_ j: Int) -> R {
            guard j < columns else { return body(found) }
            guard columnParts[j].count == 1, case .indicator(let codes, let code) = columnParts[j][0] else {
                found.append(nil)
                return next(j + 1)
            }
            return codes.withUnsafeBufferPointer { cp in
                guard let base = cp.baseAddress else {
                    found.append(nil)
                    return next(j + 1)
                }
                found.append((base, code))
                return next(j + 1)
            }
        }
        return next(0)
    }

    /// `out[t]` = 1 where `codes[t] == code`, else 0 (or, multiplying, `out[t]` kept where equal and set to 0 elsewhere),
    /// without a branch: the equality becomes an all-ones or all-zeros mask on the bits of 1.0 or of `out[t]`, so the
    /// loop vectorises. A branch per row mispredicted on shuffled levels: ≈ 16 ms of a fit's 1M-row pass over 5
    /// indicator columns, mostly in the misses. The same values as the comparison (1.0, +0.0 or `out[t]` itself).
    @inline(__always)
    static func indicator(_ codes: UnsafePointer<Int32>, count m: Int, code: Int32, into out: UnsafeMutablePointer<Double>,
                          multiply: Bool) {
        let one = (1.0 as Double).bitPattern
        if multiply {
            for t in 0..<m {
                let d = UInt32(bitPattern: codes[t] ^ code)
                // Bit 31 of d | −d is set exactly when d ≠ 0; the mask is all ones when the codes are equal.
                let mask = UInt64((d | (0 &- d)) >> 31) &- 1
                out[t] = Double(bitPattern: out[t].bitPattern & mask)
            }
        } else {
            for t in 0..<m {
                let d = UInt32(bitPattern: codes[t] ^ code)
                let mask = UInt64((d | (0 &- d)) >> 31) &- 1
                out[t] = Double(bitPattern: one & mask)
            }
        }
    }

    /// The given columns (all by default), column-major `rows × count`.
    public func values(columns indices: [Int]? = nil) -> [Double] {
        let chosen = indices ?? Array(0..<columns)
        return [Double](unsafeUninitializedCapacity: rows * chosen.count) { buffer, count in
            if let base = buffer.baseAddress { fill(0..<rows, columns: chosen, into: base, leadingDimension: rows) }
            count = rows * chosen.count
        }
    }

    /// Whether column `j` is 1 in every row by construction (an intercept).
    func isIntercept(_ j: Int) -> Bool { columnParts[j].isEmpty }

    /// Column `j` as an array (for tests and diagnostics).
    public func column(_ j: Int) -> [Double] { values(columns: [j]) }

    /// The design's rows followed by `outcome` as rows of a least-squares problem [X | y] (or, for the sandwich
    /// estimators, of the kept columns followed by the score residuals).
    /// Only the given columns (all by default), in that order, make up X.
    func augmentedRows(columns indices: [Int]? = nil, outcome y: [Double]) -> AugmentedRows {
        let count = indices?.count ?? columns
        return AugmentedRows(rows: rows, columns: count) { range, base, ld in
            self.fill(range, columns: indices, into: base, leadingDimension: ld)
            let out = base + count * ld
            y.withUnsafeBufferPointer { yp in
                guard let yBase = yp.baseAddress else { return }
                out.update(from: yBase + range.lowerBound, count: range.count)
            }
        }
    }

    /// The given columns recomputed in extended precision, column-major: transformations such as
    /// `I(x^10)` are evaluated from the data in extended precision rather than widened from their
    /// double-rounded values, which matters for ill-conditioned polynomial designs.
    func extendedColumns(_ indices: [Int]) -> [ExtendedDouble] {
        let n = rows
        var out = [ExtendedDouble](repeating: 1, count: n * indices.count)
        for (k, j) in indices.enumerated() {
            let base = k * n
            for part in columnParts[j] {
                switch part {
                case .numeric(let x):
                    for i in 0..<n { out[base + i] *= ExtendedDouble(x[i]) }
                case .transform(let e, _):
                    let x = e.evaluateExtended(columns: transformInputs, count: n)
                    for i in 0..<n { out[base + i] *= x[i] }
                case .indicator(let codes, let code):
                    for i in 0..<n where codes[i] != code { out[base + i] = 0 }
                }
            }
        }
        return out
    }

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
                if case .numericColumns(_, let columns) = frame.variables[v.label] {
                    product *= Double(columns.count)
                    continue
                }
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
