/// lme4's profile parameterisation (`devfun2` with `prof.scale = "sdcor"`, `Cv_to_Sv` / `Sv_to_Cv`): one value
/// per θ — where θ is a diagonal entry of a block's λ the SD of that effect, where it is an off-diagonal entry
/// the correlation of that pair — then the residual σ. Here the SDs are kept relative to σ (SD/σ, the scale θ
/// lives on), so a point without σ maps to θ alone and σ can still be profiled out of the deviance.
struct ProfileParameterization: Sendable {
    struct Position: Sendable, Equatable {
        let block: Int
        let row: Int
        let column: Int
        var isCorrelation: Bool { row != column }
    }

    let structure: RandomEffectsStructure
    /// One per θ, in θ order.
    let positions: [Position]

    init(structure: RandomEffectsStructure) {
        self.structure = structure
        positions = structure.blocks.enumerated().flatMap { b, block in
            block.thetaPositions.map { Position(block: b, row: $0.row, column: $0.column) }
        }
    }

    /// The relative SDs and correlations at θ (lme4's `Cv_to_Sv` divided by σ): Σ = λλᵀ per block, SD = √Σ_cc,
    /// correlation Σ_dc / (SD_d SD_c). A correlation of an effect whose SD is 0 is undefined; it is given as 0
    /// (any value describes the same covariance).
    func relative(theta: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: positions.count)
        var at = 0
        for block in structure.blocks {
            let q = block.q
            let count = block.thetaPositions.count
            let lambda = block.lambda(theta[at..<(at + count)])
            var sigma = [Double](repeating: 0, count: q * q)
            for c in 0..<q { for d in 0..<q { var s = 0.0; for e in 0..<q { s += lambda[e * q + c] * lambda[e * q + d] }; sigma[d * q + c] = s } }
            for (offset, position) in block.thetaPositions.enumerated() {
                let (r, c) = (position.row, position.column)
                if r == c {
                    out[at + offset] = sigma[c * q + c].squareRoot()
                } else {
                    let denominator = (sigma[r * q + r] * sigma[c * q + c]).squareRoot()
                    out[at + offset] = denominator > 0 ? max(-1, min(1, sigma[c * q + r] / denominator)) : 0
                }
            }
            at += count
        }
        return out
    }

    /// θ from relative SDs and correlations (lme4's `Sv_to_Cv`): per block λ = D·C with D the SDs and C the
    /// Cholesky factor of the correlation matrix (the correlations not in θ are 0). nil when a correlation
    /// matrix is not positive semi-definite (three or more correlated effects).
    func theta(relative: [Double]) -> [Double]? {
        var out = [Double](repeating: 0, count: positions.count)
        var at = 0
        for block in structure.blocks {
            let q = block.q
            let count = block.thetaPositions.count
            var correlation = [Double](repeating: 0, count: q * q)
            var sd = [Double](repeating: 0, count: q)
            for c in 0..<q { correlation[c * q + c] = 1 }
            for (offset, position) in block.thetaPositions.enumerated() {
                let (r, c) = (position.row, position.column)
                if r == c { sd[c] = relative[at + offset] } else {
                    correlation[c * q + r] = relative[at + offset]
                    correlation[r * q + c] = relative[at + offset]
                }
            }
            guard let factor = Self.semidefiniteCholesky(correlation, q: q) else { return nil }
            for (offset, position) in block.thetaPositions.enumerated() {
                out[at + offset] = sd[position.row] * factor[position.column * q + position.row]
            }
            at += count
        }
        return out
    }

    /// Lower Cholesky factor (column-major) of a positive semi-definite correlation matrix; a zero pivot leaves its
    /// column zero below it (as R's pivoted `chol` in lme4's `safe_chol` gives the same covariance). nil when the
    /// matrix is indefinite.
    static func semidefiniteCholesky(_ a: [Double], q: Int) -> [Double]? {
        let tolerance = 1e-12
        var l = [Double](repeating: 0, count: q * q)
        for j in 0..<q {
            var d = a[j * q + j]
            for k in 0..<j { d -= l[k * q + j] * l[k * q + j] }
            guard d >= -tolerance else { return nil }
            let pivot = max(d, 0).squareRoot()
            l[j * q + j] = pivot
            for i in (j + 1)..<max(q, j + 1) {
                var s = a[j * q + i]
                for k in 0..<j { s -= l[k * q + i] * l[k * q + j] }
                if pivot > 0 {
                    l[j * q + i] = s / pivot
                } else {
                    guard abs(s) <= tolerance else { return nil }
                }
            }
        }
        return l
    }
}
