import Distributions
import Foundation
import LinearAlgebra

/// Why site summaries cannot be pooled.
public enum PoolingError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewSites(Int)
    /// Two sites fitted different models, formulas or codings; names the first difference.
    case mismatch(site: Int, detail: String)
    /// The same summary twice (the same file, or a copy): its rows would be counted twice.
    case duplicate(site: Int, of: Int)
    case singular(String)
    case meta(MetaError)

    public var description: String {
        switch self {
        case .tooFewSites(let k): return "pooling needs summaries from at least 2 sites (got \(k))"
        case .mismatch(let site, let detail):
            return "site \(site + 1) does not match site 1: \(detail); every site must run the same `fit` (model, formula, levels)"
        case .duplicate(let site, let first):
            return "site \(site + 1) is identical to site \(first + 1): the same summary given twice would count its rows twice; "
                + "give each site's summary once"
        case .singular(let detail): return detail
        case .meta(let error): return error.description
        }
    }
}

/// A coefficient pooled across sites by a random-effects meta-analysis (REML) of the sites' estimates.
public struct PooledCoefficient: Sendable, Equatable {
    public let coefficient: Coefficient
    public let tau2: Double
    public let i2: Double
    public let q: Double
    public let qPValue: Double
}

/// Two-stage pooling of models whose rows cannot be combined exactly (GLMs): each coefficient separately.
public struct TwoStagePooledFit: Sendable, Equatable {
    public let model: String
    public let formula: String
    public let sites: Int
    public let n: Int
    public let level: Double
    public let coefficients: [PooledCoefficient]
}

public enum SitePooling {
    /// Checks that every site fitted the same model with the same design (terms and levels).
    static func checkAgreement(_ sites: [SiteSummary]) throws(PoolingError) {
        guard sites.count >= 2 else { throw .tooFewSites(sites.count) }
        let first = sites[0]
        for (i, site) in sites.enumerated().dropFirst() {
            if let j = sites[..<i].firstIndex(of: site) { throw .duplicate(site: i, of: j) }
            if site.model != first.model { throw .mismatch(site: i, detail: "model \(site.model), not \(first.model)") }
            if site.terms != first.terms {
                throw .mismatch(site: i, detail: "terms \(site.terms.joined(separator: ", ")), not \(first.terms.joined(separator: ", "))")
            }
            if site.variables != first.variables {
                let differing = zip(site.variables, first.variables).first { $0 != $1 }.map { $0.0.label } ?? "the predictors"
                throw .mismatch(site: i, detail: "the coding of \(differing) differs (levels must be the same at every site; set them with --ref)")
            }
            if site.level != first.level { throw .mismatch(site: i, detail: "confidence level \(site.level), not \(first.level)") }
        }
    }

    /// OLS from summed cross-products: the fit of every site's rows together (classical covariance), with the
    /// statistics summary.lm reports, in the fit's result type.
    public static func ordinaryLeastSquares(_ sites: [SiteSummary]) throws(PoolingError) -> RegressionResult {
        try checkAgreement(sites)
        let p = sites[0].terms.count
        var xtx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        var xty = Array(repeating: 0.0, count: p)
        var yty = 0.0, n = 0
        for site in sites {
            guard case .crossProducts(let a, let b, let c) = site.content else {
                throw .mismatch(site: 0, detail: "an OLS summary without cross-products")
            }
            for i in 0..<p { xty[i] += b[i]; for j in 0..<p { xtx[i][j] += a[i][j] } }
            yty += c
            n += site.n
        }
        // The normal equations, not OrdinaryLeastSquares' QR: a site sends XᵀX, Xᵀy and yᵀy, never the rows a QR needs.
        guard let inverse = SmallSPD.inverse(xtx) else {
            throw .singular("the pooled design is rank deficient (collinear columns over all sites); drop the aliased terms at every site")
        }
        let beta = (0..<p).map { a in (0..<p).reduce(0.0) { $0 + inverse[a][$1] * xty[$1] } }
        let fittedSquares = (0..<p).reduce(0.0) { s, a in s + beta[a] * (0..<p).reduce(0.0) { $0 + xtx[a][$1] * beta[$1] } }
        let rss = max(0, yty - 2 * zip(beta, xty).reduce(0) { $0 + $1.0 * $1.1 } + fittedSquares)
        let dfResidual = n - p
        guard dfResidual > 0 else { throw .singular("the pooled data have \(n) rows for \(p) coefficients") }
        let sigma2 = rss / Double(dfResidual)
        let first = sites[0]
        let interceptIndex = first.terms.firstIndex(of: "(Intercept)")
        // summary.lm's model sum of squares: centred about the mean (Σy/n, Xᵀy's intercept entry) with an intercept.
        let mss = interceptIndex.map { fittedSquares - xty[$0] * xty[$0] / Double(n) } ?? fittedSquares
        let vcov = Matrix(rowMajor: inverse.map { $0.map { $0 * sigma2 } })
        let table = Inference.coefficientTable(names: first.terms, kept: Array(0..<p), estimates: beta, vcov: vcov, level: first.level,
                                               dfResidual: dfResidual)
        let stats = FitStatistics.leastSquares(rows: n, rank: p, hasIntercept: interceptIndex != nil, rss: rss, mss: mss)
        var warnings = ["Pooled from \(sites.count) site summaries (sums of cross-products): the same fit as all sites' rows together; no row was read."]
        let robust = Set(sites.map(\.vcov)).subtracting(["classical"])
        if !robust.isEmpty {
            warnings.append("Sites used \(robust.sorted().joined(separator: ", ")) standard errors; pooled cross-products give classical ones.")
        }
        let schema = ModelSchema(formula: first.formula, variables: first.variables, columnNames: first.terms)
        return RegressionResult(model: .ols, formula: first.formula, coefficients: table, fit: stats, covariance: .classical,
                                level: first.level, counts: DataCounts(rowsRead: n, rowsUsed: n), vcov: vcov,
                                estimableTerms: first.terms, fittedValues: [], residuals: [], usedRows: [],
                                standardizedCoefficients: nil, hatValues: nil, schema: schema, clusters: nil, event: nil,
                                warnings: warnings)
    }

    /// Two stages: each site's estimate of a coefficient with its variance, pooled by REML random effects (rma.uni),
    /// with the between-site heterogeneity of that coefficient.
    public static func twoStage(_ sites: [SiteSummary]) throws(PoolingError) -> TwoStagePooledFit {
        try checkAgreement(sites)
        let first = sites[0]
        var pooled: [PooledCoefficient] = []
        for (j, term) in first.terms.enumerated() {
            var yi: [Double] = [], vi: [Double] = []
            for (i, site) in sites.enumerated() {
                guard case .estimates(let b, let v) = site.content, j < b.count else {
                    throw .mismatch(site: i, detail: "no estimate of \(term)")
                }
                yi.append(b[j])
                vi.append(v[j][j])
            }
            let result: MetaAnalysisResult
            do {
                result = try MetaAnalysis.fit(EffectSizes(measure: .generic, yi: yi, vi: vi), options: MetaOptions(level: first.level))
            } catch {
                throw .meta(error)
            }
            let c = result.pooled
            pooled.append(PooledCoefficient(
                coefficient: Coefficient(term: term, estimate: c.estimate, stdError: c.stdError, statistic: c.statistic, pValue: c.pValue,
                                         confLow: c.confLow, confHigh: c.confHigh, aliased: false),
                tau2: result.tau2 ?? 0, i2: result.i2 ?? 0, q: result.q, qPValue: result.qPValue))
        }
        return TwoStagePooledFit(model: first.model, formula: first.formula, sites: sites.count, n: sites.reduce(0) { $0 + $1.n },
                                 level: first.level, coefficients: pooled)
    }
}
