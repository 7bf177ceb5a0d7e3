import CLapack

/// Eigen-decomposition of a symmetric matrix by `dsyevr` (uses the upper triangle).
/// Eigenvalues ascending; eigenvector k is column k of `vectors`.
public struct SymmetricEigen: Sendable {
    public let values: [Double]
    public let vectors: Matrix

    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.rows == a.columns else { throw .dimensionMismatch("eigen-decomposition needs a square matrix, got \(a.rows) × \(a.columns)") }
        try a.requireFinite("eigen-decomposition input")
        let n = a.rows
        var w = [Double](repeating: 0, count: n)
        var z = Matrix(rows: n, columns: n)
        if n > 0 {
            var work = a.storage
            var isuppz = [Int32](repeating: 0, count: 2 * n)
            var found: Int32 = 0
            let info: Int32 = work.withUnsafeMutableBufferPointer { ap in
                w.withUnsafeMutableBufferPointer { wp in
                    z.storage.withUnsafeMutableBufferPointer { zp in
                        isuppz.withUnsafeMutableBufferPointer { ip in
                            LAPACKE_dsyevr(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "A")),
                                           Int8(UInt8(ascii: "U")), Int32(n), ap.baseAddress, Int32(n), 0, 0, 0, 0,
                                           0, &found, wp.baseAddress, zp.baseAddress, Int32(n), ip.baseAddress)
                        }
                    }
                }
            }
            try LinearAlgebraError.check(info, routine: "dsyevr") { .convergenceFailure(routine: "dsyevr", info: $0) }
        }
        values = w
        vectors = z
    }
}
