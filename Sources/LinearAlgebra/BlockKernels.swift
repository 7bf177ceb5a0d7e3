import CLapack

/// BLAS kernels on raw column-major blocks, for code that streams a large matrix through a small buffer
/// (see `StreamingQR`) instead of holding it as a `Matrix`.
public enum BlockKernels {
    /// Σ xᵢ² over `count` contiguous values (`ddot`; may over- or underflow, callers check).
    public static func sumOfSquares(_ x: UnsafePointer<Double>, count: Int) -> Double {
        cblas_ddot(Int32(count), x, 1, x, 1)
    }

    /// C += AᵀA for the rows × columns block A (upper triangle of the columns × columns C only; `dsyrk`).
    public static func addGram(_ a: UnsafePointer<Double>, rows: Int, columns: Int, leadingDimension ld: Int,
                               into c: UnsafeMutablePointer<Double>) {
        guard rows > 0, columns > 0 else { return }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1, a, Int32(ld), 1, c,
                    Int32(columns))
    }

    /// B := B·U for the rows × columns block B and the columns × columns upper-triangular U (`dtrmm`).
    public static func multiplyByUpperTriangular(_ b: UnsafeMutablePointer<Double>, rows: Int, columns: Int,
                                                 leadingDimension ld: Int, _ u: UnsafePointer<Double>) {
        guard rows > 0, columns > 0 else { return }
        cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(rows), Int32(columns), 1,
                    u, Int32(columns), b, Int32(ld))
    }

    /// y = A·v for the rows × columns block A at `a` with leading dimension `ld` (`dgemv`).
    public static func multiply(_ a: UnsafePointer<Double>, rows: Int, columns: Int, leadingDimension ld: Int,
                                by v: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        guard rows > 0 else { return }
        guard columns > 0 else { y.update(repeating: 0, count: rows); return }
        cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, a, Int32(ld), v, 1, 0, y, 1)
    }
}
