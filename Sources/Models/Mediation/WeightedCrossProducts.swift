import LinearAlgebra

/// The resample fits of a bootstrap by frequency-weighted cross-products: a resample is the model's rows with
/// weights (how often each row was drawn), so every equation's slopes come from Zᵀ·diag(w)·Z of one augmented
/// matrix Z = [1 | variables], accumulated in one pass over the rows, and a Cholesky solve of a small block.
/// The columns are centred at the full-sample means first (a shift only moves intercepts), which keeps the
/// blocks well conditioned; the results agree with `lm` on the resampled rows to about 1e-13 (tested against
/// R on exported resample indices). This is the one place the project forms normal equations: see
/// docs/decisions.md (mediation bootstrap) for why.
struct WeightedCrossProducts: Sendable {
    /// Columns of Z: 0 is the intercept, then the variables.
    let width: Int
    let rows: Int
    /// Z row-major, variables centred: z[r · width + j].
    let z: [Double]
    /// The full-sample mean of each column (0 for the intercept), to recover raw column norms for the rank rule.
    let means: [Double]

    init(variables: [[Double]]) {
        let n = variables.first?.count ?? 0
        let q = variables.count + 1
        var means = [Double](repeating: 0, count: q)
        for (j, v) in variables.enumerated() { means[j + 1] = v.reduce(0, +) / Double(max(n, 1)) }
        var z = [Double](repeating: 0, count: n * q)
        for r in 0..<n {
            z[r * q] = 1
            for (j, v) in variables.enumerated() { z[r * q + j + 1] = v[r] - means[j + 1] }
        }
        self.width = q
        self.rows = n
        self.z = z
        self.means = means
    }

    /// Zᵀ diag(w) Z (full q × q, symmetric), rows with weight 0 skipped.
    func products(weights: [Double], into c: inout [Double]) {
        let q = width
        if c.count != q * q { c = [Double](repeating: 0, count: q * q) } else { for t in c.indices { c[t] = 0 } }
        z.withUnsafeBufferPointer { zb in
            c.withUnsafeMutableBufferPointer { cb in
                for r in 0..<rows {
                    let w = weights[r]
                    if w == 0 { continue }
                    let row = zb.baseAddress! + r * q
                    for i in 0..<q {
                        let wi = w * row[i]
                        for j in i..<q { cb[i * q + j] += wi * row[j] }
                    }
                }
                for i in 0..<q { for j in 0..<i { cb[i * q + j] = cb[j * q + i] } }
            }
        }
    }

    /// The outer product of row r (for leave-one-out cross-products).
    func addRow(_ r: Int, times factor: Double, to c: inout [Double]) {
        let q = width
        for i in 0..<q {
            let wi = factor * z[r * q + i]
            for j in 0..<q { c[i * q + j] += wi * z[r * q + j] }
        }
    }

    /// Coefficients of column `outcome` on columns `predictors` (which include 0, the intercept) from the cross
    /// products `c` of the rows weighted by `weights`, by Cholesky; nil when a predictor is aliased by `lm`'s rule
    /// (its residual norm at most 1e-10 of its raw weighted norm, the rule of alliance's fits). Cross-products square the norms, so
    /// their rounding (≈ 1e-16 of a squared norm, more after a small earlier pivot) can hide exact collinearity (a
    /// covariate equal to X in every drawn row; two distinct rows for three terms): a rule on the Cholesky pivots
    /// alone let such resamples through as fits with meaningless slopes. So whenever a pivot keeps less than 1e-6 of
    /// its column's raw squared norm (rare: degenerate resamples of small or binary data), the equation is decided and
    /// solved by Householder QR on the weighted rows instead (`qrSolve`), as `lm` would.
    func solve(_ c: [Double], predictors: [Int], outcome: Int, weights: [Double]) -> [Double]? {
        let k = predictors.count
        let q = width
        var l = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in 0...a {
                var s = c[predictors[a] * q + predictors[b]]
                for e in 0..<b { s -= l[a * k + e] * l[b * k + e] }
                if a == b {
                    let raw = rawSquaredNorm(c, column: predictors[a])
                    guard raw > 0, s > Self.suspiciousPivot * raw, s.isFinite else {
                        return qrSolve(predictors: predictors, outcome: outcome, weights: weights)
                    }
                    l[a * k + a] = s.squareRoot()
                } else {
                    l[a * k + b] = s / l[b * k + b]
                }
            }
        }
        // L u = Zᵀy, then Lᵀ β = u.
        var u = [Double](repeating: 0, count: k)
        for a in 0..<k {
            var s = c[predictors[a] * q + outcome]
            for e in 0..<a { s -= l[a * k + e] * u[e] }
            u[a] = s / l[a * k + a]
        }
        var beta = [Double](repeating: 0, count: k)
        for a in stride(from: k - 1, through: 0, by: -1) {
            var s = u[a]
            for e in (a + 1)..<k { s -= l[e * k + a] * beta[e] }
            beta[a] = s / l[a * k + a]
        }
        return beta
    }

    /// A Cholesky pivot below this share of its column's raw squared norm sends the equation to `qrSolve`.
    static let suspiciousPivot = 1e-6
    /// The rank tolerance on norms of alliance's own fits (`LeastSquares.rankTolerance`, 1e-10), not `lm`'s 1e-7: with
    /// X = 1e7 + N(0, 1) the full-sample fit kept X while 198 of 200 resamples were called collinear (session 21).
    /// Exact collinearity (|r_jj| ~ 1e-16 of the norm) is caught by either.
    static let rankTolerance = LeastSquares.rankTolerance

    /// Σ w·x² of column `j` uncentred, from the centred cross-products (the intercept's row gives Σ w and Σ w·x).
    private func rawSquaredNorm(_ c: [Double], column j: Int) -> Double {
        let mu = means[j]
        return c[j * width + j] + 2 * mu * c[j] + mu * mu * c[0]
    }

    /// The equation by Householder QR (`QRDecomposition`, no pivoting) of [A | b], the rows of positive weight scaled
    /// by √w, columns in model order: nil when a column's |r_jj| is at most `rankTolerance` of its raw weighted norm
    /// (or that norm is 0: a 0/1 X never 1 in the resample), as the full fit would mark it aliased. The centred columns
    /// give the same |r_jj| as the raw ones (the intercept comes first), and the coefficients `solve` returns.
    func qrSolve(predictors: [Int], outcome: Int, weights: [Double]) -> [Double]? {
        let k = predictors.count, q = width
        let used = (0..<rows).filter { weights[$0] > 0 }
        let m = used.count
        guard m >= k else { return nil }
        var augmented = Matrix(rows: m, columns: k + 1)
        var rawNorms = [Double](repeating: 0, count: k)
        for (i, r) in used.enumerated() {
            let w = weights[r], root = w.squareRoot()
            for (j, column) in (predictors + [outcome]).enumerated() { augmented[i, j] = root * z[r * q + column] }
            for (j, column) in predictors.enumerated() {
                let raw = z[r * q + column] + means[column]
                rawNorms[j] += w * raw * raw
            }
        }
        guard let qr = try? QRDecomposition(augmented, pivoting: false) else { return nil }
        let r = qr.r()
        for j in 0..<k {
            guard rawNorms[j] > 0, abs(r[j, j]) > Self.rankTolerance * rawNorms[j].squareRoot() else { return nil }
        }
        return try? qr.solveUpper((0..<k).map { r[$0, k] }, size: k)
    }
}
