import Models
import Output

/// The site-summary file `fit --export-summary` writes and `pool` reads: aggregates only, described in words.
extension SiteSummary {
    public static let formatVersion = 1

    /// The file's JSON. `minCell` is the small-cell rule it passed.
    public func json(minCell: Int) -> JSONValue {
        var contains = ["the number of rows used (n)", "the model, formula, coefficient names and the levels of categorical predictors"]
        var fields: [(String, JSONValue)] = []
        switch content {
        case .crossProducts(let xtx, let xty, let yty):
            contains.append("the sums of squares and cross-products of the design columns and the outcome (XᵀX, Xᵀy, yᵀy)")
            fields = [("cross_products", .object([
                ("xtx", .array(xtx.map { .array($0.map { .number($0) }) })),
                ("xty", .array(xty.map { .number($0) })),
                ("yty", .number(yty)),
            ]))]
        case .estimates(let b, let v):
            contains.append("the site's coefficient estimates and their covariance matrix")
            fields = [("estimates", .array(b.map { .number($0) })), ("covariance", .array(v.map { .array($0.map { .number($0) }) }))]
        }
        let description = "An alliance site summary for `alliance pool`. It holds aggregates only: "
            + contains.joined(separator: "; ") + ". It holds no row of data, no identifier and no data file name; "
            + "every level count it implies passed the small-cell rule (at least \(minCell) rows)."
        return .object([
            ("alliance_site_summary", .integer(Self.formatVersion)),
            ("description", .string(description)),
            ("contains", .array(contains.map { .string($0) })),
            ("model", .string(model)),
            ("formula", .string(formula)),
            ("terms", .array(terms.map { .string($0) })),
            ("variables", .array(variables.map { v in
                switch v.coding {
                case .numeric: return .object([("label", .string(v.label)), ("coding", .string("numeric"))])
                case .categorical(let levels):
                    return .object([("label", .string(v.label)), ("coding", .string("categorical")), ("levels", .array(levels.map { .string($0) }))])
                }
            })),
            ("has_intercept", .bool(hasIntercept)),
            ("n", .integer(n)),
            ("level", .number(level)),
            ("vcov", .string(vcov)),
            ("min_cell", .integer(minCell)),
        ] + fields)
    }

    /// Reads a summary back; `nil` with the reason when the file is not one.
    public static func parse(_ value: JSONValue) -> Result<SiteSummary, SiteSummaryFormatError> {
        guard case .object(let fields) = value else { return .failure(.init("the file is not a JSON object")) }
        let map = Dictionary(fields, uniquingKeysWith: { a, _ in a })
        guard case .integer(let version)? = map["alliance_site_summary"] else {
            return .failure(.init("it is not an alliance site summary (no 'alliance_site_summary' key); write one with `fit … --export-summary FILE`"))
        }
        guard version == formatVersion else { return .failure(.init("site-summary format \(version) is not supported (this build reads \(formatVersion))")) }
        func string(_ key: String) -> String? { if case .string(let s)? = map[key] { return s }; return nil }
        func number(_ v: JSONValue?) -> Double? {
            switch v { case .number(let x)?: return x; case .integer(let i)?: return Double(i); default: return nil }
        }
        func numbers(_ v: JSONValue?) -> [Double]? {
            guard case .array(let a)? = v else { return nil }
            let out = a.compactMap { number($0) }
            return out.count == a.count ? out : nil
        }
        func matrix(_ v: JSONValue?) -> [[Double]]? {
            guard case .array(let a)? = v else { return nil }
            let out = a.compactMap { numbers($0) }
            return out.count == a.count ? out : nil
        }
        guard let model = string("model"), let formula = string("formula"), case .array(let termValues)? = map["terms"],
              case .array(let variableValues)? = map["variables"], case .integer(let n)? = map["n"], let level = number(map["level"]) else {
            return .failure(.init("a required field (model, formula, terms, variables, n, level) is missing"))
        }
        let terms = termValues.compactMap { v -> String? in if case .string(let s) = v { return s }; return nil }
        var variables: [ModelSchema.Variable] = []
        for v in variableValues {
            guard case .object(let f) = v else { return .failure(.init("a variable entry is not an object")) }
            let m = Dictionary(f, uniquingKeysWith: { a, _ in a })
            guard case .string(let label)? = m["label"] else { return .failure(.init("a variable has no label")) }
            if case .array(let levels)? = m["levels"] {
                variables.append(.init(label: label, coding: .categorical(levels: levels.compactMap { if case .string(let s) = $0 { return s }; return nil })))
            } else {
                variables.append(.init(label: label, coding: .numeric))
            }
        }
        let p = terms.count
        let content: Content
        if case .object(let cp)? = map["cross_products"] {
            let c = Dictionary(cp, uniquingKeysWith: { a, _ in a })
            guard let xtx = matrix(c["xtx"]), let xty = numbers(c["xty"]), let yty = number(c["yty"]),
                  xtx.count == p, xtx.allSatisfy({ $0.count == p }), xty.count == p else {
                return .failure(.init("its cross-products do not match its \(p) terms"))
            }
            if let problem = Self.inconsistency(xtx: xtx, xty: xty, yty: yty, n: n, hasIntercept: map["has_intercept"] == .bool(true)) {
                return .failure(.init("its cross-products are not those of any data (\(problem)); export it again with fit --export-summary"))
            }
            content = .crossProducts(xtx: xtx, xty: xty, yty: yty)
        } else if let b = numbers(map["estimates"]), let v = matrix(map["covariance"]), b.count == p, v.count == p, v.allSatisfy({ $0.count == p }) {
            guard n >= 1 else { return .failure(.init("its row count n is \(n)")) }
            if let problem = Self.covarianceProblem(v) {
                return .failure(.init("its covariance is not that of any fit (\(problem)); export it again with fit --export-summary"))
            }
            content = .estimates(estimates: b, covariance: v)
        } else {
            return .failure(.init("it holds neither cross-products nor estimates with a covariance matching its \(p) terms"))
        }
        return .success(SiteSummary(model: model, formula: formula, terms: terms, variables: variables,
                                    hasIntercept: map["has_intercept"] == .bool(true), n: n, level: level, content: content,
                                    vcov: string("vcov") ?? "classical"))
    }
}

extension SiteSummary {
    /// What makes exported cross-products impossible (a summary edited by hand or damaged): XᵀX not symmetric, a
    /// negative or non-finite diagonal, yᵀy negative, n below 1, with an intercept XᵀX's first entry other than n or
    /// (Σy)² above n·yᵀy. `fit --export-summary` writes XᵀX symmetric and Σ1·1 = n exactly; the Cauchy–Schwarz test
    /// allows for rounding. Pooling such a summary gave SE 0 and R² = 1 (yᵀy = −1000) or R² below 0 (n = −5).
    static func inconsistency(xtx: [[Double]], xty: [Double], yty: Double, n: Int, hasIntercept: Bool) -> String? {
        let p = xtx.count
        guard n >= 1 else { return "n is \(n)" }
        guard yty.isFinite, yty >= 0 else { return "yᵀy is \(yty)" }
        for a in 0..<p {
            guard xtx[a][a].isFinite, xtx[a][a] >= 0, xty[a].isFinite else { return "XᵀX or Xᵀy holds \(xtx[a][a]) or \(xty[a])" }
            for b in 0..<a where xtx[a][b] != xtx[b][a] || !xtx[a][b].isFinite {
                return "XᵀX is not symmetric at (\(a + 1), \(b + 1))"
            }
        }
        if hasIntercept, p > 0 {
            guard xtx[0][0] == Double(n) else { return "n is \(n) but the intercept's XᵀX entry is \(xtx[0][0])" }
            guard xty[0] * xty[0] <= Double(n) * yty * (1 + 1e-12) else { return "(Σy)² exceeds n·yᵀy" }
        }
        return nil
    }

    /// A covariance matrix that is not symmetric or has a negative or non-finite variance (rows in term order, so the
    /// diagonal is checked before the entries that need it).
    static func covarianceProblem(_ v: [[Double]]) -> String? {
        for a in v.indices {
            guard v[a][a].isFinite, v[a][a] >= 0 else { return "variance \(v[a][a]) for term \(a + 1)" }
            // Rounding in a sandwich product leaves asymmetry far below 1e-10 of the two SDs' product.
            for b in 0..<a where !(abs(v[a][b] - v[b][a]) <= 1e-10 * (v[a][a] * v[b][b]).squareRoot()) {
                return "not symmetric at (\(a + 1), \(b + 1))"
            }
        }
        return nil
    }
}

public struct SiteSummaryFormatError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension TwoStagePooledFit {
    /// `pool` of GLM summaries: the coefficient table of `fit` with each coefficient's between-site heterogeneity.
    public func report(files: [String]) -> Report {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let json: JSONValue = .object([
            ("model", .string(model)),
            ("formula", .string(formula)),
            ("pooling", .string("two-stage random-effects meta-analysis of each coefficient (REML)")),
            ("sites", .integer(sites)),
            ("files", .array(files.map { .string($0) })),
            ("vcov", .string("pooled")),
            ("coefficients", .array(coefficients.map { c in
                .object([("term", .string(c.coefficient.term)), ("estimate", number(c.coefficient.estimate)),
                         ("std_error", number(c.coefficient.stdError)), ("statistic", number(c.coefficient.statistic)),
                         ("p_value", number(c.coefficient.pValue)), ("conf_low", number(c.coefficient.confLow)),
                         ("conf_high", number(c.coefficient.confHigh)), ("tau2", number(c.tau2)), ("i2", number(c.i2)),
                         ("q", number(c.q)), ("q_p_value", number(c.qPValue))])
            })),
            ("fit", .object([("n", .integer(n)), ("sites", .integer(sites))])),
            ("warnings", .array([])),
        ])
        let percent = PlotNumber.percent(level)
        let rows: [[Cell]] = coefficients.map { c in
            [.text(c.coefficient.term), .number(c.coefficient.estimate), .number(c.coefficient.stdError), .number(c.coefficient.statistic),
             .number(c.coefficient.pValue), .interval(c.coefficient.confLow, c.coefficient.confHigh), .number(c.tau2), .number(c.i2)]
        }
        let table = ResultTable(
            title: "\(model) pooled across \(sites) sites (two-stage, REML)",
            columns: [TableColumn("Term"), TableColumn("Estimate", kind: .estimate(3)), TableColumn("SE", kind: .estimate(3)),
                      TableColumn("z", kind: .decimal(2)), TableColumn("p", kind: .pValue), TableColumn("\(percent) CI", kind: .interval(3)),
                      TableColumn("τ²", kind: .decimal(4)), TableColumn("I² (%)", kind: .decimal(1))],
            rows: rows,
            notes: ["\(n) rows over \(sites) sites; each coefficient pooled by a random-effects meta-analysis of the sites' estimates; "
                    + "τ² and I² are its heterogeneity between sites."])
        return Report(json: json, tables: [table])
    }
}
