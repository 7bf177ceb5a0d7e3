import CLapack

/// Householder QR of an m × n matrix, with column pivoting (`dgeqp3`) or without (`dgeqrf`).
/// A·P = Q·R where P permutes columns: `pivot[k]` is the original column at position k.
/// Q is kept implicitly (reflectors + tau) and applied with `dormqr`.
public struct QRDecomposition: Sendable {
    public let rows: Int
    public let columns: Int
    /// LAPACK's packed output: R on and above the diagonal, reflectors below.
    let factored: [Double]
    let tau: [Double]
    /// 0-based original column index at each position of R.
    public let pivot: [Int]

    public init(_ a: Matrix, pivoting: Bool = true) throws(LinearAlgebraError) {
        try a.requireFinite("QR input")
        rows = a.rows
        columns = a.columns
        var f = a.storage
        var t = [Double](repeating: 0, count: min(a.rows, a.columns))
        var jpvt = [Int32](repeating: 0, count: a.columns)
        if a.rows > 0 && a.columns > 0 {
            let m = Int32(a.rows), n = Int32(a.columns)
            let info: Int32 = f.withUnsafeMutableBufferPointer { fp in
                t.withUnsafeMutableBufferPointer { tp in
                    if pivoting {
                        return jpvt.withUnsafeMutableBufferPointer { jp in
                            LAPACKE_dgeqp3(LAPACK_COL_MAJOR, m, n, fp.baseAddress, m, jp.baseAddress, tp.baseAddress)
                        }
                    }
                    return LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m, n, fp.baseAddress, m, tp.baseAddress)
                }
            }
            try LinearAlgebraError.check(info, routine: pivoting ? "dgeqp3" : "dgeqrf") { .singular(routine: "dgeqp3", index: $0) }
        }
        factored = f
        tau = t
        pivot = pivoting && a.columns > 0 ? jpvt.map { Int($0) - 1 } : Array(0..<a.columns)
    }

    /// The diagonal of R (length min(m, n)).
    public var rDiagonal: [Double] {
        (0..<min(rows, columns)).map { factored[$0 + $0 * rows] }
    }

    /// Numerical rank: the number of leading diagonal entries of R with |r_kk| > tolerance · |r_11|.
    /// Meaningful with pivoting, where |r_kk| is non-increasing.
    public func rank(tolerance: Double) -> Int {
        let d = rDiagonal
        guard let first = d.first, first != 0 else { return 0 }
        let threshold = tolerance * abs(first)
        return d.prefix { abs($0) > threshold }.count
    }

    /// The upper-triangular factor R, min(m, n) × n.
    public func r() -> Matrix {
        let k = min(rows, columns)
        var out = Matrix(rows: k, columns: columns)
        for j in 0..<columns {
            for i in 0...min(j, k - 1) where k > 0 { out[i, j] = factored[i + j * rows] }
        }
        return out
    }

    /// Qᵀ·b for a vector of length m.
    public func qTransposeTimes(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try applyQ(Matrix(rows: b.count, columns: 1, columnMajor: b), transpose: true).storage
    }

    /// Q·b for a vector of length m.
    public func qTimes(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try applyQ(Matrix(rows: b.count, columns: 1, columnMajor: b), transpose: false).storage
    }

    /// Qᵀ·B or Q·B for an m × p matrix, by `dormqr`.
    public func applyQ(_ b: Matrix, transpose: Bool) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == rows else {
            throw .dimensionMismatch("Q is \(rows) × \(rows) but the right-hand side has \(b.rows) rows")
        }
        var c = b.storage
        let k = min(rows, columns)
        if rows == 0 || b.columns == 0 || k == 0 { return b }
        var a = factored
        let info: Int32 = a.withUnsafeMutableBufferPointer { ap in
            tau.withUnsafeBufferPointer { tp in
                c.withUnsafeMutableBufferPointer { cp in
                    LAPACKE_dormqr(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")),
                                   Int8(UInt8(ascii: transpose ? "T" : "N")),
                                   Int32(rows), Int32(b.columns), Int32(k), ap.baseAddress, Int32(rows),
                                   tp.baseAddress, cp.baseAddress, Int32(rows))
                }
            }
        }
        try LinearAlgebraError.check(info, routine: "dormqr") { .convergenceFailure(routine: "dormqr", info: $0) }
        return Matrix(rows: b.rows, columns: b.columns, columnMajor: c)
    }

    /// Solves R[0..<size, 0..<size] · x = rhs[0..<size] by `dtrtrs`.
    public func solveUpper(_ rhs: [Double], size: Int) throws(LinearAlgebraError) -> [Double] {
        guard size <= min(rows, columns), rhs.count >= size else {
            throw .dimensionMismatch("triangular solve of size \(size) with R of order \(min(rows, columns))")
        }
        if size == 0 { return [] }
        var a = leadingR(size).storage
        var x = Array(rhs.prefix(size))
        let info: Int32 = a.withUnsafeMutableBufferPointer { ap in
            x.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dtrtrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int8(UInt8(ascii: "N")),
                               Int8(UInt8(ascii: "N")), Int32(size), 1, ap.baseAddress, Int32(size),
                               xp.baseAddress, Int32(size))
            }
        }
        try LinearAlgebraError.check(info, routine: "dtrtrs") { .singular(routine: "dtrtrs", index: $0) }
        return x
    }

    /// R[0..<size, 0..<size]⁻¹ (upper triangular) by `dtrtri`.
    public func inverseOfR(size: Int) throws(LinearAlgebraError) -> Matrix {
        guard size <= min(rows, columns) else {
            throw .dimensionMismatch("inverse of size \(size) with R of order \(min(rows, columns))")
        }
        var a = leadingR(size)
        if size == 0 { return a }
        let info: Int32 = a.storage.withUnsafeMutableBufferPointer { ap in
            LAPACKE_dtrtri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), Int8(UInt8(ascii: "N")),
                           Int32(size), ap.baseAddress, Int32(size))
        }
        try LinearAlgebraError.check(info, routine: "dtrtri") { .singular(routine: "dtrtri", index: $0) }
        return a
    }

    /// (R₁₁ᵀR₁₁)⁻¹ for the leading `size` columns: the unscaled covariance of least-squares coefficients,
    /// in pivoted order. Computed as R⁻¹R⁻ᵀ from the triangular inverse (never by inverting XᵀX).
    public func unscaledCovariance(size: Int) throws(LinearAlgebraError) -> Matrix {
        let rInv = try inverseOfR(size: size)
        return rInv.multiplied(by: rInv, transposeOther: true)
    }

    /// Least-squares solution of A·x ≈ b using the first `rank` pivoted columns; the remaining
    /// (aliased) coefficients are `nil`. Returned in the original column order.
    public func leastSquares(_ b: [Double], rank: Int) throws(LinearAlgebraError) -> [Double?] {
        let qtb = try qTransposeTimes(b)
        let x = try solveUpper(qtb, size: rank)
        var out = [Double?](repeating: nil, count: columns)
        for k in 0..<rank { out[pivot[k]] = x[k] }
        return out
    }

    private func leadingR(_ size: Int) -> Matrix {
        var out = Matrix(rows: size, columns: size)
        for j in 0..<size {
            for i in 0...j { out[i, j] = factored[i + j * rows] }
        }
        return out
    }
}
