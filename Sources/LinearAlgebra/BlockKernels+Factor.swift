import CLapack

/// Kernels for blocked Cholesky factorisations held in plain column-major buffers (the mixed-model
/// factor `L` of DESIGN.md's `Mixed/`, whose blocks are updated in place at every objective evaluation).
extension BlockKernels {
    /// Factors the order × order symmetric block at `a` in place as L·Lᵀ (lower triangle; `dpotrf`).
    /// Returns false when it is not numerically positive definite.
    public static func choleskyLower(_ a: UnsafeMutablePointer<Double>, order: Int, leadingDimension ld: Int) -> Bool {
        guard order > 0 else { return true }
        return LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(order), a, Int32(ld)) == 0
    }

    /// B := B·L⁻ᵀ for the rows × order block B and the lower-triangular L (`dtrsm`, right side).
    public static func solveRightLowerTransposed(_ b: UnsafeMutablePointer<Double>, rows: Int, order: Int,
                                                 leadingDimension ldb: Int, _ l: UnsafePointer<Double>, lowerLeading ldl: Int) {
        guard rows > 0, order > 0 else { return }
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(rows), Int32(order), 1,
                    l, Int32(ldl), b, Int32(ldb))
    }

    /// x := L⁻¹x (`trans` false) or L⁻ᵀx (`trans` true) for the lower-triangular L (`dtrsv`).
    public static func solveLower(_ l: UnsafePointer<Double>, order: Int, leadingDimension ld: Int, transposed: Bool,
                                  _ x: UnsafeMutablePointer<Double>) {
        guard order > 0 else { return }
        cblas_dtrsv(CblasColMajor, CblasLower, transposed ? CblasTrans : CblasNoTrans, CblasNonUnit, Int32(order), l,
                    Int32(ld), x, 1)
    }

    /// C −= A·Aᵀ on the lower triangle of the n × n block C, for the n × k block A (`dsyrk`).
    public static func subtractOuterLower(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, leadingDimension lda: Int,
                                          from c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        guard n > 0, k > 0 else { return }
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, Int32(n), Int32(k), -1, a, Int32(lda), 1, c, Int32(ldc))
    }

    /// C −= A·Bᵀ for the m × k block A and the n × k block B into the m × n block C (`dgemm`).
    public static func subtractProductTransposed(_ a: UnsafePointer<Double>, rows m: Int, leadingDimension lda: Int,
                                                 _ b: UnsafePointer<Double>, rows n: Int, leadingDimension ldb: Int,
                                                 inner k: Int, from c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), -1, a, Int32(lda), b, Int32(ldb),
                    1, c, Int32(ldc))
    }

    /// C += Aᵀ·A on the lower triangle of the k × k block C, for the n × k block A (`dsyrk`), for streamed
    /// cross-products.
    public static func addGramLower(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, leadingDimension lda: Int,
                                    into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        guard n > 0, k > 0 else { return }
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, Int32(k), Int32(n), 1, a, Int32(lda), 1, c, Int32(ldc))
    }
}

extension BlockKernels {
    /// B := L⁻¹B for the lower-triangular order × order L and the order × columns B (`dtrsm`, left side).
    public static func solveLowerMatrix(_ l: UnsafePointer<Double>, order: Int, _ b: UnsafeMutablePointer<Double>, columns: Int) {
        guard order > 0, columns > 0 else { return }
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(order), Int32(columns), 1, l,
                    Int32(order), b, Int32(order))
    }
}

extension BlockKernels {
    /// C = AᵀA for the rows × columns block A, full symmetric columns × columns C (`dsyrk`, then mirrored).
    public static func gramOfColumns(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into c: UnsafeMutablePointer<Double>) {
        guard rows > 0, columns > 0 else { return }
        c.update(repeating: 0, count: columns * columns)
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, Int32(columns), Int32(rows), 1, a, Int32(rows), 0, c, Int32(columns))
        for j in 0..<columns { for i in (j + 1)..<columns { c[i * columns + j] = c[j * columns + i] } }
    }
}
