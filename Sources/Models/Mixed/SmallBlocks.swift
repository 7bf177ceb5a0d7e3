import Foundation

/// Kernels for the many tiny q × q blocks of a mixed model's first factor (q is the number of random effects per
/// level, usually 1–3): plain loops, because a BLAS or LAPACK call per block costs more than the arithmetic.
/// Column-major, lower triangular.
enum SmallBlocks {
    /// In-place Cholesky A = LLᵀ of a q × q block (lower triangle read and written). False when not positive definite.
    @inline(__always)
    static func cholesky(_ a: UnsafeMutablePointer<Double>, q: Int) -> Bool {
        if q == 1 {
            guard a[0] > 0 else { return false }
            a[0] = a[0].squareRoot()
            return true
        }
        for j in 0..<q {
            var d = a[j * q + j]
            for k in 0..<j { d -= a[k * q + j] * a[k * q + j] }
            guard d > 0 else { return false }
            let ljj = d.squareRoot()
            a[j * q + j] = ljj
            for i in (j + 1)..<q {
                var s = a[j * q + i]
                for k in 0..<j { s -= a[k * q + i] * a[k * q + j] }
                a[j * q + i] = s / ljj
            }
        }
        return true
    }

    /// B := B·L⁻ᵀ for a rows × q block B (leading dimension `ld`) and the q × q lower L.
    @inline(__always)
    static func solveRightTransposed(_ b: UnsafeMutablePointer<Double>, rows: Int, leadingDimension ld: Int,
                                     _ l: UnsafePointer<Double>, q: Int) {
        for c in 0..<q {
            let inverse = 1 / l[c * q + c]
            for r in 0..<rows {
                var s = b[c * ld + r]
                for e in 0..<c { s -= b[e * ld + r] * l[e * q + c] }
                b[c * ld + r] = s * inverse
            }
        }
    }

    /// out = λ_leftᵀ · S · λ_right for a rows × columns block S (λ_left rows × rows, λ_right columns × columns, lower),
    /// with `scratch` of rows × columns.
    @inline(__always)
    static func scale(_ s: UnsafePointer<Double>, rows: Int, columns: Int, leadingDimension lds: Int, left: UnsafePointer<Double>?,
                      right: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, leadingDimension ldo: Int,
                      scratch t: UnsafeMutablePointer<Double>) {
        if columns == 1 && rows == 1 {
            out[0] = s[0] * right[0] * (left?[0] ?? 1)
            return
        }
        for c in 0..<columns {
            for d in 0..<rows {
                var v = 0.0
                for e in c..<columns { v += s[e * lds + d] * right[c * columns + e] }
                t[c * rows + d] = v
            }
        }
        guard let left else {
            for c in 0..<columns { for d in 0..<rows { out[c * ldo + d] = t[c * rows + d] } }
            return
        }
        for c in 0..<columns {
            for d in 0..<rows {
                var v = 0.0
                for e in d..<rows { v += left[d * rows + e] * t[c * rows + e] }
                out[c * ldo + d] = v
            }
        }
    }
}
