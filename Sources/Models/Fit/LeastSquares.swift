import LinearAlgebra

#if arch(x86_64)
/// Extended precision for ill-conditioned least squares (64-bit significand on x86-64).
typealias ExtendedDouble = Float80
#else
typealias ExtendedDouble = Double
#endif

/// Least squares by Householder QR, with R's rule for which columns are aliased.
///
/// [X | y] is factored in row blocks by tall-skinny QR (`StreamingQR`): R of the augmented matrix holds
/// R of X and Qᵀy in its last column, so Q is never formed and X is never held whole. Coefficients by
/// `dtrtrs`, the unscaled covariance from the triangular inverse (`dtrtri`).
///
/// Rank rule (decided for alliance, see docs/models.md): columns are factored in model order without
/// pivoting. Column j is aliased when its residual norm after projection on the earlier kept columns,
/// |r_jj|, is at most `rankTolerance` (1e-10) of its own norm: the later column of a collinear set is
/// the one aliased, as with R's dqrdc2 limited pivoting. R uses 1e-7, which drops a genuine term of
/// NIST Filip (|r_jj|/‖x_j‖ ≈ 5e-8); 1e-10 keeps it while exact collinearity (~1e-15) is still caught.
/// Dropping a column refactors the small R with that column removed (X_k = Q·R_k, so the R of X_k is the
/// R of R_k), not the data.
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
    /// Residuals y − X_k·b and fitted values (empty unless asked for).
    let residuals: [Double]
    let fitted: [Double]
    let residualSumOfSquares: Double
    /// Whether the extended-precision path was taken.
    let usedExtendedPrecision: Bool
    /// R⁻¹ of the kept columns, for leverages and `orthonormalDesign`.
    private let rInverse: Matrix
    /// R⁻¹ in extended precision, when the extended-precision path was taken (for `orthonormalDesign`).
    private let extendedRInverse: [ExtendedDouble]?

    /// - Parameters:
    ///   - source: the rows of [X | y].
    ///   - withResiduals: whether to compute residuals and fitted values (a second pass over the rows).
    ///   - extendedWhenIllConditioned: whether ill-conditioned designs take the extended-precision path.
    ///   - extendedDesign: the given columns of X in extended precision, computed from the data
    ///     (see `DesignMatrix.extendedColumns`); nil widens the doubles.
    ///   - factored: R of the whole of `source` and its column norms, when the caller has already streamed
    ///     the rows through an `AugmentedFactorization` (IRLS does, while computing the weights).
    ///   - normalEquations: factor the rows through the Gram matrix [X | y]ᵀ[X | y] (`dsyrk`, then Cholesky on
    ///     unit-norm columns: `GramFactor`) when X is well-conditioned, as large IRLS passes do; otherwise by QR.
    init(_ source: AugmentedRows, factored: (r: Matrix, norms: [Double])? = nil, withResiduals: Bool = true,
         extendedWhenIllConditioned: Bool = true, normalEquations: Bool = false,
         extendedDesign: (([Int]) -> [ExtendedDouble])? = nil) throws(ModelError) {
        let n = source.rows, p = source.columns
        var (r, norms): (Matrix, [Double])
        if let factored {
            (r, norms) = factored
        } else if normalEquations, let gram = try LeastSquares.factor(source, columns: Array(0..<p), normalEquations: true) {
            (r, norms) = gram
        } else {
            guard let qr = try LeastSquares.factor(source, columns: Array(0..<p)) else {
                throw .numerical("the QR factorisation gave no R")
            }
            (r, norms) = qr
        }
        // A zero or non-finite column is aliased outright.
        var candidates = (0..<p).filter { norms[$0] > 0 && norms[$0].isFinite }
        var aliasedSet = Set((0..<p).filter { !(norms[$0] > 0 && norms[$0].isFinite) })
        // R's columns: `inR[t]` is the original column at position t (y follows them).
        var inR = Array(0..<p)
        if (0..<p).contains(where: { !norms[$0].isFinite }) {
            // Non-finite values poisoned R: factor again without those columns.
            inR = candidates
            guard let refactored = try LeastSquares.factor(source, columns: candidates) else {
                throw .numerical("the QR factorisation gave no R")
            }
            r = refactored.r
        }
        var positionInR = [Int](repeating: -1, count: p)
        for (t, j) in inR.enumerated() { positionInR[j] = t }
        var qr: QRDecomposition? = nil
        // Factor [X_k | y] in model order; alias the FIRST column whose relative |r_jj| is negligible
        // and refactor without it. Only the first flag is trusted: its Householder reflector is built
        // from rounding noise, which would distort every later diagonal in the same pass (dqrdc2 also
        // moves one column at a time).
        while !candidates.isEmpty {
            let selected = r.selectingColumns(candidates.map { positionInR[$0] } + [inR.count])
            let decomposition: QRDecomposition
            do { decomposition = try QRDecomposition(selected, pivoting: false) } catch {
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
        var residuals: [Double] = []
        var extended = false
        var extendedRInverse: [ExtendedDouble]? = nil
        if let qr {
            let d = qr.rDiagonal
            let conditioning = (0..<k).map { abs(d[$0]) / norms[candidates[$0]] }.min() ?? 1
            if extendedWhenIllConditioned && conditioning < LeastSquares.extendedPrecisionThreshold {
                let original = extendedDesign?(candidates)
                    ?? source.gather(candidates).map { ExtendedDouble($0) }
                let y = source.gather([p])
                let solution = ExtendedHouseholder(original, rows: n, columns: k, y: y)
                coefficients = solution.coefficients
                rInverse = solution.rInverse
                extendedRInverse = solution.extendedRInverse
                if withResiduals { residuals = solution.residuals(original, rows: n, y: y) }
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
            }
        }
        var fitted: [Double] = []
        var rss = 0.0
        if withResiduals {
            if qr == nil || !extended {
                (residuals, fitted) = LeastSquares.residuals(source, kept: candidates, coefficients: coefficients)
            } else {
                let y = source.gather([p])
                fitted = (0..<n).map { y[$0] - residuals[$0] }
            }
            for e in residuals { rss += e * e }
        }
        self.usedExtendedPrecision = extended
        self.rInverse = rInverse
        self.extendedRInverse = extendedRInverse
        self.coefficients = coefficients
        self.unscaledCovariance = rInverse.multiplied(by: rInverse, transposeOther: true)
        self.residuals = residuals
        self.fitted = fitted
        self.residualSumOfSquares = rss
    }

    /// R of [X_columns | y] in one pass over the rows, with the Euclidean norms of all of X's columns; by the normal
    /// equations, nil when X is too ill-conditioned for them (`GramFactor`).
    private static func factor(_ source: AugmentedRows, columns: [Int],
                               normalEquations: Bool = false) throws(ModelError) -> (r: Matrix, norms: [Double])? {
        let p = source.columns
        let all = columns.count == p
        let parts = RowParts(rows: source.rows)
        let factorizations = parts.ranges.map { _ in
            AugmentedFactorization(columns: columns.count, normsOf: p, normalEquations: normalEquations)
        }
        try parts.run { k, range throws(ModelError) in
            let factorization = factorizations[k]
            // When some columns are left out, blocks are written to a scratch buffer and the others copied.
            let capacity = factorization.blockCapacity
            let scratch = all ? nil : UnsafeMutablePointer<Double>.allocate(capacity: capacity * (p + 1))
            defer { scratch?.deallocate() }
            for start in stride(from: range.lowerBound, to: range.upperBound, by: capacity) {
                let rows = start..<min(start + capacity, range.upperBound)
                let (base, ld) = factorization.block(rows: rows.count)
                if let scratch {
                    source.fill(rows, scratch, capacity)
                    factorization.addNorms(scratch, leadingDimension: capacity)
                    for (t, j) in (columns + [p]).enumerated() {
                        (base + t * ld).update(from: scratch + j * capacity, count: rows.count)
                    }
                } else {
                    source.fill(rows, base, ld)
                    factorization.addNorms(base, leadingDimension: ld)
                }
                try factorization.factorBlock()
            }
        }
        return try AugmentedFactorization.merged(factorizations).factored
    }

    /// y − X_k·b and X_k·b, one block at a time.
    private static func residuals(_ source: AugmentedRows, kept: [Int], coefficients: [Double]) -> (residuals: [Double], fitted: [Double]) {
        let n = source.rows, p = source.columns
        let full = scattered(coefficients, kept: kept, columns: p)
        var residuals = [Double](repeating: 0, count: n)
        var fitted = [Double](repeating: 0, count: n)
        residuals.withUnsafeMutableBufferPointer { e in
            fitted.withUnsafeMutableBufferPointer { f in
                guard let fittedBase = f.baseAddress, let residualBase = e.baseAddress else { return }
                // Each part writes only its own rows.
                let out = SharedPointers(fittedBase, residualBase)
                RowParts(rows: n).run { _, part in
                    source.forEachBlock(in: part) { range, base, ld in
                        let m = range.count
                        let fit = out.first + range.lowerBound
                        BlockKernels.multiply(base, rows: m, columns: p, leadingDimension: ld, by: full, into: fit)
                        let y = base + p * ld
                        let residual = out.second + range.lowerBound
                        for t in 0..<m { residual[t] = y[t] - fit[t] }
                    }
                }
            }
        }
        return (residuals, fitted)
    }

    /// Coefficients of the kept columns spread over all `columns` columns (0 for aliased ones), for X·b by `dgemv`.
    static func scattered(_ coefficients: [Double], kept: [Int], columns: Int) -> [Double] {
        var full = [Double](repeating: 0, count: columns)
        for (position, j) in kept.enumerated() { full[j] = coefficients[position] }
        return full
    }

    /// The kept design in an orthonormal basis, Q = X_k·R⁻¹ computed in extended precision from `x` (the kept columns
    /// in extended precision, as they were factored); nil unless the extended-precision path was taken.
    func orthonormalDesign(_ x: [ExtendedDouble]) -> OrthonormalDesign? {
        guard let inverse = extendedRInverse else { return nil }
        let k = kept.count
        let n = k == 0 ? 0 : x.count / k
        var q = [Double](repeating: 0, count: n * k)
        var row = [ExtendedDouble](repeating: 0, count: k)
        for i in 0..<n {
            for c in 0..<k { row[c] = x[i + c * n] }
            // Row i of X_k·R⁻¹, R⁻¹ upper triangular.
            for c in 0..<k {
                var sum: ExtendedDouble = 0
                for j in 0...c { sum += row[j] * inverse[j + c * k] }
                q[i + c * n] = Double(sum)
            }
        }
        return OrthonormalDesign(q: q, rows: n, columns: k, map: rInverse)
    }

    /// Hat values h_i = ‖(X_k R⁻¹)_i‖² of the kept columns, for the rows of `source` (as factored).
    func leverages(_ source: AugmentedRows) -> [Double] {
        var h = [Double](repeating: 0, count: source.rows)
        let k = kept.count
        guard k > 0 else { return h }
        let inverse = rInverse.storage
        let kept = self.kept
        h.withUnsafeMutableBufferPointer { hp in
            inverse.withUnsafeBufferPointer { rInv in
                guard let rInvBase = rInv.baseAddress else { return }
                var compact: UnsafeMutablePointer<Double>? = nil
                defer { compact?.deallocate() }
                source.forEachBlock { range, base, ld in
                    let m = range.count
                    // The kept columns side by side, then times R⁻¹ in place (dtrmm): row i of X_k R⁻¹.
                    let q = compact ?? UnsafeMutablePointer<Double>.allocate(capacity: ld * k)
                    compact = q
                    for (c, j) in kept.enumerated() { (q + c * ld).update(from: base + j * ld, count: m) }
                    BlockKernels.multiplyByUpperTriangular(q, rows: m, columns: k, leadingDimension: ld, rInvBase)
                    for t in 0..<m {
                        var sum = 0.0
                        for c in 0..<k { sum += q[t + c * ld] * q[t + c * ld] }
                        hp[range.lowerBound + t] = sum
                    }
                }
            }
        }
        return h
    }
}

/// Householder QR least squares carried out entirely in extended precision.
struct ExtendedHouseholder {
    let coefficients: [Double]
    let rInverse: Matrix
    let extendedRInverse: [ExtendedDouble]
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
        self.extendedRInverse = inv
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
