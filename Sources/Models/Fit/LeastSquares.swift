import LinearAlgebra

#if arch(x86_64)
/// Extended precision for ill-conditioned least squares (64-bit significand on x86-64).
typealias ExtendedDouble = Float80
#else
typealias ExtendedDouble = Double
#endif

/// Least squares by Householder QR, with R's rule for which columns are aliased.
///
/// Rank rule (decided for alliance, documented in DESIGN.md §3 spirit): columns are scaled to unit
/// Euclidean norm and factored without pivoting, in model order. Column j is aliased when its
/// residual norm after projection on the earlier kept columns, |r_jj|, is below `rankTolerance`
/// (1e-10) of its own norm: the later column of a collinear set is the one aliased, as with R's
/// dqrdc2 limited pivoting. R uses 1e-7, which drops a genuine term of NIST Filip (|r_jj| ≈ 5e-8);
/// 1e-10 keeps it while exactly collinear columns (|r_jj| ~ 1e-15) are still aliased.
///
/// Accuracy: when the kept design is ill-conditioned (smallest scaled |r_jj| below 1e-2), the
/// factorisation, solve and residuals are redone in extended precision (Float80 on x86-64), which
/// takes NIST Wampler4/5 and Filip to their certified digits; well-conditioned designs stay on
/// LAPACK (`dgeqrf`, `dormqr`, `dtrtrs`).
struct LeastSquares {
    static let rankTolerance = 1e-10
    static let extendedPrecisionThreshold = 1e-2

    /// Original indices of the kept (estimable) columns, ascending.
    let kept: [Int]
    /// Original indices of aliased columns.
    let aliased: [Int]
    /// Coefficients of the kept columns, in `kept` order.
    let coefficients: [Double]
    /// (X_kᵀX_k)⁻¹ for the kept columns, in original units.
    let unscaledCovariance: Matrix
    /// Rows of X_k R⁻¹ squared and summed: the hat values (leverages).
    let residuals: [Double]
    let fitted: [Double]
    let residualSumOfSquares: Double
    /// Whether the extended-precision path was taken.
    let usedExtendedPrecision: Bool
    /// Scale factors used for the kept columns and the triangular inverse in scaled units,
    /// kept for leverages.
    private let scales: [Double]
    private let scaledRInverse: Matrix

    /// - Parameters:
    ///   - x: column-major n × p.
    ///   - extendedWhenIllConditioned: false for inner IRLS iterations, where speed matters more.
    ///   - extendedDesign: the given columns of X in extended precision, computed from the data
    ///     (see `DesignMatrix.extendedColumns`); nil widens the doubles.
    init(x: [Double], rows n: Int, columns p: Int, y: [Double], extendedWhenIllConditioned: Bool = true,
         extendedDesign: (([Int]) -> [ExtendedDouble])? = nil) throws(ModelError) {
        // Column norms (plain sum of squares; rescaled only if it over- or underflows).
        // A zero or non-finite column is aliased outright.
        var norms = [Double](repeating: 0, count: p)
        x.withUnsafeBufferPointer { src in
            for j in 0..<p {
                let column = UnsafeBufferPointer(rebasing: src[(j * n)..<((j + 1) * n)])
                var ssq = 0.0
                for v in column { ssq += v * v }
                if ssq.isFinite && ssq > 1e-280 {
                    norms[j] = ssq.squareRoot()
                } else {
                    let largest = column.reduce(0.0) { max($0, abs($1)) }
                    guard largest > 0 && largest.isFinite else { norms[j] = largest == 0 ? 0 : .nan; continue }
                    var scaledSum = 0.0
                    for v in column { scaledSum += (v / largest) * (v / largest) }
                    norms[j] = largest * scaledSum.squareRoot()
                }
            }
        }
        var candidates = (0..<p).filter { norms[$0] > 0 && norms[$0].isFinite }
        var aliasedSet = Set((0..<p).filter { !(norms[$0] > 0 && norms[$0].isFinite) })
        var qr: QRDecomposition? = nil
        var scaled = Matrix(rows: n, columns: 0)
        // Factor in model order; alias the FIRST column whose |r_jj| is negligible and refactor without it.
        // Only the first flag is trusted: its Householder reflector is built from rounding noise, which
        // would distort the diagonal of every later column in the same pass (dqrdc2 also moves one
        // column at a time).
        while true {
            scaled = LeastSquares.scaledColumns(x, rows: n, indices: candidates, norms: norms)
            guard !candidates.isEmpty else { qr = nil; break }
            let decomposition: QRDecomposition
            do { decomposition = try QRDecomposition(scaled, pivoting: false) } catch {
                throw .numerical(error.description)
            }
            let d = decomposition.rDiagonal
            let firstNegligible = candidates.indices.first { k in
                k >= d.count || !(abs(d[k]) > LeastSquares.rankTolerance)
            }
            guard let drop = firstNegligible else { qr = decomposition; break }
            aliasedSet.insert(candidates[drop])
            candidates.remove(at: drop)
        }
        let k = candidates.count
        self.kept = candidates
        self.aliased = aliasedSet.sorted()
        let keptScales = candidates.map { norms[$0] }
        self.scales = keptScales

        var scaledCoefficients: [Double]
        var rInverse: Matrix
        var residuals: [Double]
        var extended = false
        if let qr {
            let minDiagonal = qr.rDiagonal.map { abs($0) }.min() ?? 1
            if extendedWhenIllConditioned && minDiagonal < LeastSquares.extendedPrecisionThreshold {
                // Unscaled columns (scaling in double would itself perturb exact data such as x^k),
                // recomputed in extended precision from the data when the caller can.
                let original = extendedDesign?(candidates) ?? LeastSquares.extendedCopy(x, rows: n, indices: candidates)
                let solution = ExtendedHouseholder(original, rows: n, columns: k, y: y)
                scaledCoefficients = (0..<k).map { solution.coefficients[$0] * keptScales[$0] }
                // X_s = X·D⁻¹ gives R_s⁻¹ = D·R⁻¹.
                rInverse = solution.rInverse
                for a in 0..<k { for b in 0..<k { rInverse[a, b] *= keptScales[a] } }
                residuals = solution.residuals(original, rows: n, y: y)
                extended = true
            } else {
                do {
                    let qty = try qr.qTransposeTimes(y)
                    scaledCoefficients = try qr.solveUpper(qty, size: k)
                    rInverse = try qr.inverseOfR(size: k)
                } catch {
                    throw .numerical(error.description)
                }
                let fit = scaled.multiplied(by: scaledCoefficients)
                residuals = [Double](repeating: 0, count: n)
                for i in 0..<n { residuals[i] = y[i] - fit[i] }
            }
        } else {
            scaledCoefficients = []
            rInverse = Matrix(rows: 0, columns: 0)
            residuals = y
        }
        self.usedExtendedPrecision = extended
        self.scaledRInverse = rInverse
        self.coefficients = (0..<k).map { scaledCoefficients[$0] / keptScales[$0] }
        var cov = rInverse.multiplied(by: rInverse, transposeOther: true)
        for a in 0..<k { for b in 0..<k { cov[a, b] /= keptScales[a] * keptScales[b] } }
        self.unscaledCovariance = cov
        var fitted = [Double](repeating: 0, count: n)
        var rss = 0.0
        for i in 0..<n {
            fitted[i] = y[i] - residuals[i]
            rss += residuals[i] * residuals[i]
        }
        self.residuals = residuals
        self.fitted = fitted
        self.residualSumOfSquares = rss
    }

    /// The given columns widened to extended precision, column-major.
    static func extendedCopy(_ x: [Double], rows n: Int, indices: [Int]) -> [ExtendedDouble] {
        var out = [ExtendedDouble](repeating: 0, count: n * indices.count)
        for (k, j) in indices.enumerated() { for i in 0..<n { out[i + k * n] = ExtendedDouble(x[i + j * n]) } }
        return out
    }

    /// Copies the given columns, each divided by its norm.
    static func scaledColumns(_ x: [Double], rows n: Int, indices: [Int], norms: [Double]) -> Matrix {
        var storage = [Double](repeating: 0, count: n * indices.count)
        storage.withUnsafeMutableBufferPointer { out in
            x.withUnsafeBufferPointer { src in
                for (k, j) in indices.enumerated() {
                    let s = 1 / norms[j]
                    for i in 0..<n { out[i + k * n] = src[i + j * n] * s }
                }
            }
        }
        return Matrix(rows: n, columns: indices.count, columnMajor: storage)
    }

    /// Hat values h_i = ‖(X_k R⁻¹)_i‖² of the kept columns (`x` in original units, column-major n × p).
    func leverages(x: [Double], rows n: Int) -> [Double] {
        let scaled = LeastSquares.scaledColumns(x, rows: n, indices: kept, norms: scalesByOriginal())
        let q = scaled.multiplied(by: scaledRInverse)
        var h = [Double](repeating: 0, count: n)
        q.storage.withUnsafeBufferPointer { qp in
            for j in 0..<kept.count {
                let base = j * n
                for i in 0..<n { h[i] += qp[base + i] * qp[base + i] }
            }
        }
        return h
    }

    private func scalesByOriginal() -> [Double] {
        var s = [Double](repeating: 1, count: (kept.max() ?? 0) + 1)
        for (k, j) in kept.enumerated() { s[j] = scales[k] }
        return s
    }
}

/// Householder QR least squares carried out entirely in extended precision.
struct ExtendedHouseholder {
    let coefficients: [Double]
    let rInverse: Matrix
    private let extendedCoefficients: [ExtendedDouble]

    /// - Parameter a: column-major n × p in extended precision.
    init(_ a: [ExtendedDouble], rows n: Int, columns p: Int, y: [Double]) {
        var m = a
        var b = y.map { ExtendedDouble($0) }
        for k in 0..<min(p, n) {
            var norm: ExtendedDouble = 0
            for i in k..<n { norm += m[i + k * n] * m[i + k * n] }
            norm = norm.squareRoot()
            if norm == 0 { continue }
            let alpha = m[k + k * n] >= 0 ? -norm : norm
            // v = x − alpha e1, stored in place below the diagonal; H = I − 2vvᵀ/vᵀv.
            var v = [ExtendedDouble](repeating: 0, count: n - k)
            for i in k..<n { v[i - k] = m[i + k * n] }
            v[0] -= alpha
            var vv: ExtendedDouble = 0
            for t in v { vv += t * t }
            if vv == 0 { continue }
            let factor = 2 / vv
            for j in k..<p {
                var dot: ExtendedDouble = 0
                for i in k..<n { dot += v[i - k] * m[i + j * n] }
                let s = dot * factor
                for i in k..<n { m[i + j * n] -= s * v[i - k] }
            }
            var dot: ExtendedDouble = 0
            for i in k..<n { dot += v[i - k] * b[i] }
            let s = dot * factor
            for i in k..<n { b[i] -= s * v[i - k] }
        }
        // Back substitution and the triangular inverse, still extended.
        var beta = [ExtendedDouble](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var sum = b[i]
            for j in (i + 1)..<max(i + 1, p) { sum -= m[i + j * n] * beta[j] }
            beta[i] = sum / m[i + i * n]
        }
        var inv = [ExtendedDouble](repeating: 0, count: p * p)
        for col in 0..<p {
            for i in stride(from: col, through: 0, by: -1) {
                var sum: ExtendedDouble = i == col ? 1 : 0
                for j in (i + 1)..<(col + 1) where j > i { sum -= m[i + j * n] * inv[j + col * p] }
                inv[i + col * p] = sum / m[i + i * n]
            }
        }
        self.extendedCoefficients = beta
        self.coefficients = beta.map { Double($0) }
        self.rInverse = Matrix(rows: p, columns: p, columnMajor: inv.map { Double($0) })
    }

    /// y − A·β with the products summed in extended precision.
    func residuals(_ a: [ExtendedDouble], rows n: Int, y: [Double]) -> [Double] {
        var r = y.map { ExtendedDouble($0) }
        for (j, bj) in extendedCoefficients.enumerated() {
            for i in 0..<n { r[i] -= a[i + j * n] * bj }
        }
        return r.map { Double($0) }
    }
}
