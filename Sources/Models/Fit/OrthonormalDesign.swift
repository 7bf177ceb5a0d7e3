import LinearAlgebra

/// An ill-conditioned fit's kept design in an orthonormal basis: Q = X_k·R⁻¹, computed in extended precision
/// (`LeastSquares.orthonormalColumns`), and the map R⁻¹ back to the coefficients of X_k.
///
/// Why: the sandwich estimators are the same in any basis of the design's column space (x_i ↦ R⁻ᵀx_i turns B·M·B
/// into R⁻¹·(B_Q·M_Q·B_Q)·R⁻ᵀ), and in Q's the bread is the identity and the meat sums well-conditioned terms. Formed
/// from X_k in double, x ≈ 10000 ± 1 with I(x^2) gave HC0 standard errors twice the true ones and none under
/// --cluster (session 20); the hat values lost their digits the same way.
struct OrthonormalDesign {
    /// Q, n × k column-major.
    let q: [Double]
    let rows: Int
    let columns: Int
    /// R⁻¹ (k × k, upper triangular): coefficients in Q's basis map to X_k's by it.
    let map: Matrix

    /// [Q | y] for the sandwich estimators, in blocks as `DesignMatrix.augmentedRows` hands out [X_k | y].
    func augmentedRows(outcome y: [Double]) -> AugmentedRows {
        let n = rows, k = columns, q = self.q
        return AugmentedRows(rows: n, columns: k) { range, base, ld in
            for c in 0...k {
                let out = base + c * ld
                if c < k {
                    for (t, i) in range.enumerated() { out[t] = q[i + c * n] }
                } else {
                    for (t, i) in range.enumerated() { out[t] = y[i] }
                }
            }
        }
    }

    /// Hat values h_i = ‖q_i‖².
    var leverages: [Double] {
        (0..<rows).map { i in
            var sum = 0.0
            for c in 0..<columns { sum += q[i + c * rows] * q[i + c * rows] }
            return sum
        }
    }

    /// R⁻¹·V·R⁻ᵀ: a covariance in Q's basis as one of X_k's coefficients.
    func mapped(_ v: Matrix) -> Matrix {
        map.multiplied(by: v).multiplied(by: map, transposeOther: true)
    }
}
