import Foundation

/// The model matrix of a meta-analysis: an intercept and any moderator columns, one row per study.
public struct MetaDesign: Sendable, Equatable {
    /// Column names: `(Intercept)` then the moderator terms as the formula pipeline names them.
    public let names: [String]
    /// Row-major k × p values.
    public let rows: [[Double]]

    public init(names: [String], rows: [[Double]]) {
        self.names = names
        self.rows = rows
    }

    /// The intercept-only model.
    public static func intercept(k: Int) -> MetaDesign {
        MetaDesign(names: ["(Intercept)"], rows: Array(repeating: [1], count: k))
    }

    public var k: Int { rows.count }
    public var p: Int { names.count }

    /// The rows at `indices`, in that order.
    func subset(_ indices: [Int]) -> MetaDesign {
        MetaDesign(names: names, rows: indices.map { rows[$0] })
    }

    /// This design with one more column.
    func appending(_ name: String, _ column: [Double]) -> MetaDesign {
        MetaDesign(names: names + [name], rows: zip(rows, column).map { $0 + [$1] })
    }
}

/// Small dense symmetric positive-definite matrices (p × p, p = number of coefficients), row-major.
enum SmallSPD {
    /// The inverse by Cholesky, or nil when the matrix is not numerically positive definite.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        let scale = (0..<n).map { a[$0][$0] }.max() ?? 0
        for j in 0..<n {
            var d = a[j][j]
            for m in 0..<j { d -= l[j][m] * l[j][m] }
            // A pivot this small relative to the largest diagonal means collinear columns (as lm's 1e-7 QR tolerance).
            guard d > 1e-12 * max(scale, .leastNormalMagnitude) else { return nil }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<n {
                var s = a[i][j]
                for m in 0..<j { s -= l[i][m] * l[j][m] }
                l[i][j] = s / l[j][j]
            }
        }
        // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀL⁻¹.
        var li = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for j in 0..<n {
            li[j][j] = 1 / l[j][j]
            for i in (j + 1)..<n {
                var s = 0.0
                for m in j..<i { s -= l[i][m] * li[m][j] }
                li[i][j] = s / l[i][i]
            }
        }
        var inv = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var s = 0.0
                for m in i..<n { s += li[m][i] * li[m][j] }
                inv[i][j] = s
                inv[j][i] = s
            }
        }
        return inv
    }

    /// log det of a positive-definite matrix (via its Cholesky factor), nil when not positive definite.
    static func logDeterminant(_ a: [[Double]]) -> Double? {
        let n = a.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        var logDet = 0.0
        for j in 0..<n {
            var d = a[j][j]
            for m in 0..<j { d -= l[j][m] * l[j][m] }
            guard d > 0 else { return nil }
            l[j][j] = d.squareRoot()
            logDet += log(d)
            for i in (j + 1)..<n {
                var s = a[i][j]
                for m in 0..<j { s -= l[i][m] * l[j][m] }
                l[i][j] = s / l[j][j]
            }
        }
        return logDet
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count, m = b.first?.count ?? 0, inner = b.count
        var c = Array(repeating: Array(repeating: 0.0, count: m), count: n)
        for i in 0..<n { for k in 0..<inner { let aik = a[i][k]; for j in 0..<m { c[i][j] += aik * b[k][j] } } }
        return c
    }

    static func trace(_ a: [[Double]]) -> Double { a.indices.reduce(0) { $0 + a[$1][$1] } }
}

/// Weighted least squares of a univariate meta-analytic model at one τ²: wᵢ = 1/(vᵢ + τ²), the quantities
/// rma.uni forms from P = W − WX(XᵀWX)⁻¹XᵀW, computed from p × p matrices (P is never formed: k can be large).
struct WeightedMetaFit {
    let weights: [Double]
    /// (XᵀWX)⁻¹: the unscaled covariance of the coefficients.
    let unscaledCovariance: [[Double]]
    let coefficients: [Double]
    let residuals: [Double]
    /// yᵀPy = Σ wᵢeᵢ² (the generalized Q statistic at this τ²).
    let rss: Double
    /// yᵀPPy = Σ (wᵢeᵢ)².
    let rssSquared: Double
    let logDetXWX: Double
    let design: MetaDesign

    init(yi: [Double], vi: [Double], design: MetaDesign, tau2: Double) throws(MetaError) {
        try self.init(yi: yi, weights: vi.map { 1 / ($0 + tau2) }, design: design)
    }

    init(yi: [Double], weights w: [Double], design: MetaDesign) throws(MetaError) {
        let p = design.p, k = yi.count
        var xwx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        var xwy = Array(repeating: 0.0, count: p)
        for i in 0..<k {
            let row = design.rows[i]
            for a in 0..<p {
                xwy[a] += w[i] * row[a] * yi[i]
                for b in 0...a { xwx[a][b] += w[i] * row[a] * row[b] }
            }
        }
        for a in 0..<p { for b in 0..<a { xwx[b][a] = xwx[a][b] } }
        guard let inverse = SmallSPD.inverse(xwx), let logDet = SmallSPD.logDeterminant(xwx) else {
            throw .moderatorsRankDeficient(terms: design.names)
        }
        let beta = (0..<p).map { a in (0..<p).reduce(0.0) { $0 + inverse[a][$1] * xwy[$1] } }
        var e: [Double] = [], rss = 0.0, rss2 = 0.0
        for i in 0..<k {
            let fitted = (0..<p).reduce(0.0) { $0 + design.rows[i][$1] * beta[$1] }
            let r = yi[i] - fitted
            e.append(r)
            rss += w[i] * r * r
            rss2 += w[i] * w[i] * r * r
        }
        weights = w
        unscaledCovariance = inverse
        coefficients = beta
        residuals = e
        self.rss = rss
        rssSquared = rss2
        logDetXWX = logDet
        self.design = design
    }

    /// Xᵀ diag(d) X.
    private func crossProduct(_ d: [Double]) -> [[Double]] {
        let p = design.p
        var out = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for i in design.rows.indices {
            let row = design.rows[i]
            for a in 0..<p { for b in 0..<p { out[a][b] += d[i] * row[a] * row[b] } }
        }
        return out
    }

    /// tr(P) = Σwᵢ − tr((XᵀWX)⁻¹ XᵀW²X).
    var traceP: Double {
        weights.reduce(0, +) - SmallSPD.trace(SmallSPD.multiply(unscaledCovariance, crossProduct(weights.map { $0 * $0 })))
    }

    /// tr(PP) = Σwᵢ² − 2 tr(M XᵀW³X) + tr((M XᵀW²X)²), M = (XᵀWX)⁻¹.
    var tracePP: Double {
        let mw2 = SmallSPD.multiply(unscaledCovariance, crossProduct(weights.map { $0 * $0 }))
        let mw3 = SmallSPD.multiply(unscaledCovariance, crossProduct(weights.map { $0 * $0 * $0 }))
        return weights.reduce(0) { $0 + $1 * $1 } - 2 * SmallSPD.trace(mw3) + SmallSPD.trace(SmallSPD.multiply(mw2, mw2))
    }
}
