import CLapack

/// Thin SVD A = U·diag(s)·Vᵀ by `dgesdd`; singular values descending.
public struct SingularValueDecomposition: Sendable {
    public let singularValues: [Double]
    /// m × min(m, n)
    public let u: Matrix
    /// min(m, n) × n
    public let vt: Matrix

    public init(_ a: Matrix) throws(LinearAlgebraError) {
        try a.requireFinite("SVD input")
        let m = a.rows, n = a.columns, k = min(m, n)
        var s = [Double](repeating: 0, count: k)
        var uu = Matrix(rows: m, columns: k)
        var v = Matrix(rows: k, columns: n)
        if k > 0 {
            var work = a.storage
            let info: Int32 = work.withUnsafeMutableBufferPointer { ap in
                s.withUnsafeMutableBufferPointer { sp in
                    uu.storage.withUnsafeMutableBufferPointer { up in
                        v.storage.withUnsafeMutableBufferPointer { vp in
                            LAPACKE_dgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "S")), Int32(m), Int32(n),
                                           ap.baseAddress, Int32(m), sp.baseAddress, up.baseAddress, Int32(m),
                                           vp.baseAddress, Int32(k))
                        }
                    }
                }
            }
            try LinearAlgebraError.check(info, routine: "dgesdd") { .convergenceFailure(routine: "dgesdd", info: $0) }
        }
        singularValues = s
        u = uu
        vt = v
    }

    /// 2-norm condition number σ_max / σ_min (infinity when singular).
    public var conditionNumber: Double {
        guard let first = singularValues.first, let last = singularValues.last else { return .infinity }
        return last == 0 ? .infinity : first / last
    }
}
