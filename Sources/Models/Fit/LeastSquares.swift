import LinearAlgebra

#if arch(x86_64)
/// Extended precision for ill-conditioned least squares (64-bit significand on x86-64).
typealias ExtendedDouble = Float80
#else
typealias ExtendedDouble = Double
#endif

/// Least squares by Householder QR, with R's rule for which columns are aliased.
///
/// The outcome is appended to X as a last column, so one unpivoted factorisation (`dgeqrf`) yields R
/// and Qᵀy (R's last column) without applying Q separately; coefficients by `dtrtrs`, the unscaled
/// covariance from the triangular inverse (`dtrtri`).
///
/// Rank rule (decided for alliance, see docs/models.md): columns are factored in model order without
/// pivoting. Column j is aliased when its residual norm after projection on the earlier kept columns,
/// |r_jj|, is at most `rankTolerance` (1e-10) of its own norm: the later column of a collinear set is
/// the one aliased, as with R's dqrdc2 limited pivoting. R uses 1e-7, which drops a genuine term of
/// NIST Filip (|r_jj|/‖x_j‖ ≈ 5e-8); 1e-10 keeps it while exact collinearity (~1e-15) is still caught.
///
/// Accuracy: when the kept design is ill-conditioned (smallest |r_jj|/‖x_j‖ below 1e-2), the
/// factorisation, solve and residuals are redone in extended precision (Float80 on x86-64) on
/// columns recomputed from the data in extended precision when the caller provides them.
struct LeastSquares {
    static let rankTolerance = 1e-10
    static let extendedPrecisionThreshold = 1e-2

    /// Original indices of the kept (estimable) columns, ascending.
    let kept: [Int]
    /// Original indices of aliased columns.
    let aliased: [Int]
    /// Coefficients of the kept columns, in `kept` order.
    let coefficients: [Double]
    /// (X_kᵀX_k)⁻¹ for the kept columns.
    let unscaledCovariance: Matrix
    let residuals: [Double]
    let fitted: [Double]
    let residualSumOfSquares: Double
    /// Whether the extended-precision path was taken.
    let usedExtendedPrecision: Bool
    /// R⁻¹ of the kept columns, for leverages.
    private let rInverse: Matrix

    /// - Parameters:
    ///   - x: column-major n × p.
    ///   - extendedWhenIllConditioned: whether ill-conditioned designs take the extended-precision path.
    ///   - extendedDesign: the given columns of X in extended precision, computed from the data
    ///     (see `DesignMatrix.extendedColumns`); nil widens the doubles.
    init(x: [Double], rows n: Int, columns p: Int, y: [Double], extendedWhenIllConditioned: Bool = true,
         extendedDesign: (([Int]) -> [ExtendedDouble])? = nil) throws(ModelError) {
        // Reserve first: appending y to a copy of x would copy x twice (once to unshare, once to grow).
        var storage: [Double] = []
        storage.reserveCapacity(n * (p + 1))
        storage.append(contentsOf: x)
        storage.append(contentsOf: y)
        try self.init(augmented: storage, rows: n, columns: p, extendedWhenIllConditioned: extendedWhenIllConditioned,
                      extendedDesign: extendedDesign)
    }

    /// - Parameter storage: [X | y] column-major, n × (p + 1): the caller builds it in place (IRLS
    ///   reuses one buffer), and when no column is aliased it is factored without another copy.
    init(augmented storage: [Double], rows n: Int, columns p: Int, extendedWhenIllConditioned: Bool = true,
         extendedDesign: (([Int]) -> [ExtendedDouble])? = nil) throws(ModelError) {
        // X occupies the first n·p entries with its usual offsets, so helpers taking X read `storage`.
        let x = storage
        let y = Array(storage[(n * p)..<(n * (p + 1))])
        let norms = LeastSquares.columnNorms(x, rows: n, columns: p)
        // A zero or non-finite column is aliased outright.
        var candidates = (0..<p).filter { norms[$0] > 0 && norms[$0].isFinite }
        var aliasedSet = Set((0..<p).filter { !(norms[$0] > 0 && norms[$0].isFinite) })
        var qr: QRDecomposition? = nil
        // Factor [X_k | y] in model order; alias the FIRST column whose relative |r_jj| is negligible
        // and refactor without it. Only the first flag is trusted: its Householder reflector is built
        // from rounding noise, which would distort every later diagonal in the same pass (dqrdc2 also
        // moves one column at a time).
        while !candidates.isEmpty {
            let augmented = candidates.count == p
                ? Matrix(rows: n, columns: p + 1, columnMajor: storage)
                : LeastSquares.augmented(x, rows: n, columns: p, indices: candidates, y: y)
            let decomposition: QRDecomposition
            do { decomposition = try QRDecomposition(augmented, pivoting: false) } catch {
                throw .numerical(error.description)
            }
            let d = decomposition.rDiagonal
            let firstNegligible = candidates.indices.first { k in
                k >= d.count || !(abs(d[k]) > LeastSquares.rankTolerance * norms[candidates[k]])
            }
            guard let drop = firstNegligible else { qr = decomposition; break }
            aliasedSet.insert(candidates[drop])
            candidates.remove(at: drop)
        }
        let k = candidates.count
        self.kept = candidates
        self.aliased = aliasedSet.sorted()

        var coefficients: [Double] = []
        var rInverse = Matrix(rows: 0, columns: 0)
        var residuals = y
        var extended = false
        if let qr {
            let d = qr.rDiagonal
            let conditioning = (0..<k).map { abs(d[$0]) / norms[candidates[$0]] }.min() ?? 1
            if extendedWhenIllConditioned && conditioning < LeastSquares.extendedPrecisionThreshold {
                let original = extendedDesign?(candidates) ?? LeastSquares.extendedCopy(x, rows: n, indices: candidates)
                let solution = ExtendedHouseholder(original, rows: n, columns: k, y: y)
                coefficients = solution.coefficients
                rInverse = solution.rInverse
                residuals = solution.residuals(original, rows: n, y: y)
                extended = true
            } else {
                do {
                    let r = qr.r()
                    let qty = (0..<k).map { r[$0, k] }
                    coefficients = try qr.solveUpper(qty, size: k)
                    rInverse = try qr.inverseOfR(size: k)
                } catch {
                    throw .numerical(error.description)
                }
                // X_k·b as [X | y]·(b scattered to the kept positions, 0 elsewhere): no column copies.
                var full = [Double](repeating: 0, count: p + 1)
                for (position, j) in candidates.enumerated() { full[j] = coefficients[position] }
                let fit = Matrix(rows: n, columns: p + 1, columnMajor: storage).multiplied(by: full)
                for i in 0..<n { residuals[i] = y[i] - fit[i] }
            }
        }
        self.usedExtendedPrecision = extended
        self.rInverse = rInverse
        self.coefficients = coefficients
        self.unscaledCovariance = rInverse.multiplied(by: rInverse, transposeOther: true)
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

    /// Euclidean column norms (plain sum of squares; rescaled only if it over- or underflows).
    static func columnNorms(_ x: [Double], rows n: Int, columns p: Int) -> [Double] {
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
        return norms
    }

    /// [X_indices | y], column-major, in one allocation.
    static func augmented(_ x: [Double], rows n: Int, columns p: Int, indices: [Int], y: [Double]) -> Matrix {
        // Reserve first: appending y to a copy of x would copy x twice (once to unshare, once to grow).
        var storage: [Double] = []
        storage.reserveCapacity(n * (indices.count + 1))
        if indices.count == p {
            storage.append(contentsOf: x)
        } else {
            for j in indices { storage.append(contentsOf: x[(j * n)..<((j + 1) * n)]) }
        }
        storage.append(contentsOf: y)
        return Matrix(rows: n, columns: indices.count + 1, columnMajor: storage)
    }

    /// X restricted to `indices` (sharing the buffer when every column is kept).
    static func keptMatrix(_ x: [Double], rows n: Int, columns p: Int, indices: [Int]) -> Matrix {
        if indices.count == p { return Matrix(rows: n, columns: p, columnMajor: x) }
        return Matrix(rows: n, columns: p, columnMajor: x).selectingColumns(indices)
    }

    /// The given columns widened to extended precision, column-major.
    static func extendedCopy(_ x: [Double], rows n: Int, indices: [Int]) -> [ExtendedDouble] {
        var out = [ExtendedDouble](repeating: 0, count: n * indices.count)
        for (k, j) in indices.enumerated() { for i in 0..<n { out[i + k * n] = ExtendedDouble(x[i + j * n]) } }
        return out
    }

    /// Hat values h_i = ‖(X_k R⁻¹)_i‖² of the kept columns (`x` column-major n × p, as factored).
    func leverages(x: [Double], rows n: Int, columns p: Int) -> [Double] {
        let q = LeastSquares.keptMatrix(x, rows: n, columns: p, indices: kept).multiplied(by: rInverse)
        var h = [Double](repeating: 0, count: n)
        q.storage.withUnsafeBufferPointer { qp in
            for j in 0..<kept.count {
                let base = j * n
                for i in 0..<n { h[i] += qp[base + i] * qp[base + i] }
            }
        }
        return h
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
