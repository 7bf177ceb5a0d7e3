import CLapack

extension BlockKernels {
    /// C += Σ rᵢ rᵢᵀ over `rows` vectors of length `columns` stored one after another (a row-major
    /// rows × columns block, i.e. the column-major columns × rows matrix A, so C += A Aᵀ); upper triangle of the
    /// column-major columns × columns C only (`dsyrk`).
    public static func addRowGram(_ a: UnsafePointer<Double>, rows: Int, columns: Int,
                                  into c: UnsafeMutablePointer<Double>) {
        guard rows > 0, columns > 0 else { return }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, Int32(columns), Int32(rows), 1, a, Int32(columns), 1, c,
                    Int32(columns))
    }
}
