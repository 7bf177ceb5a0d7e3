import Foundation
import LinearAlgebra

/// What the factor at θ̂ gives besides the objective: β̂ and its covariance, the spherical random effects u and
/// b = Λu (the conditional modes, lme4's `ranef`), and their conditional variances.
extension MixedFactor {
    /// β̂ = R_X⁻¹ c_β, from the y row of the X block.
    func fixedEffects() -> [Double] {
        let m = p + 1
        var beta = (0..<p).map { lXX[$0 * m + p] }
        lXX.withUnsafeBufferPointer { lp in
            beta.withUnsafeMutableBufferPointer { bp in
                BlockKernels.solveLower(lp.baseAddress!, order: p, leadingDimension: m, transposed: true, bp.baseAddress!)
            }
        }
        return beta
    }

    /// σ̂² = r²/(n − p) for REML, r²/n for ML (lme4's `sigma()`).
    func residualVariance(reml: Bool) -> Double {
        penalizedRSS / Double(reml ? products.rows - p : products.rows)
    }

    /// (R_XᵀR_X)⁻¹ at the current θ, p × p: the unscaled covariance of β̂ (multiply by σ²).
    func unscaledCovariance() -> Matrix {
        let m = p + 1
        // Lower-triangular inverse of the leading p × p part, column by column, then W = L⁻ᵀL⁻¹.
        var inverse = Matrix(rows: p, columns: p)
        var column = [Double](repeating: 0, count: p)
        for j in 0..<p {
            for i in 0..<p { column[i] = i == j ? 1 : 0 }
            lXX.withUnsafeBufferPointer { lp in
                column.withUnsafeMutableBufferPointer { cp in
                    BlockKernels.solveLower(lp.baseAddress!, order: p, leadingDimension: m, transposed: false, cp.baseAddress!)
                    BlockKernels.solveLower(lp.baseAddress!, order: p, leadingDimension: m, transposed: true, cp.baseAddress!)
                }
            }
            for i in 0..<p { inverse[i, j] = column[i] }
        }
        return inverse
    }

    /// The spherical random effects u per block (width_k each), by back-substitution through Lᵀ given β̂.
    func sphericalEffects(beta: [Double]) -> [[Double]] {
        let blocks = structure.blocks
        let k = blocks.count
        let m = p + 1
        var u = blocks.map { [Double](repeating: 0, count: $0.width) }
        // Right-hand sides: the y row of L_{X,k} minus the X rows times β̂.
        func rhs(_ a: Int) -> [Double] {
            let width = blocks[a].width
            var out = [Double](repeating: 0, count: width)
            lX[a].withUnsafeBufferPointer { xp in
                beta.withUnsafeBufferPointer { bp in
                    out.withUnsafeMutableBufferPointer { op in
                        for c in 0..<width {
                            var v = xp[c * m + p]
                            for j in 0..<p { v -= xp[c * m + j] * bp[j] }
                            op[c] = v
                        }
                    }
                }
            }
            return out
        }
        for a in stride(from: k - 1, through: 1, by: -1) {
            var x = rhs(a)
            let wa = blocks[a].width
            for b in (a + 1)..<max(k, a + 1) {
                let wb = blocks[b].width
                for c in 0..<wa { var s = 0.0; for r in 0..<wb { s += lDense[b][a][c * wb + r] * u[b][r] }; x[c] -= s }
            }
            lDense[a][a].withUnsafeBufferPointer { lp in
                x.withUnsafeMutableBufferPointer { xp in
                    BlockKernels.solveLower(lp.baseAddress!, order: wa, leadingDimension: wa, transposed: true, xp.baseAddress!)
                }
            }
            u[a] = x
        }
        var x0 = rhs(0)
        let q0 = blocks[0].q
        for a in 1..<max(k, 1) {
            let sparse = products.sparse[a - 1]
            let qa = blocks[a].q
            for i in 0..<blocks[0].levelCount {
                for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                    let j = Int(sparse.partners[e])
                    for d in 0..<q0 {
                        var s = 0.0
                        for c in 0..<qa { s += lSparse[a - 1][e * sparse.entrySize + d * qa + c] * u[a][j * qa + c] }
                        x0[i * q0 + d] -= s
                    }
                }
            }
        }
        l0.withUnsafeBufferPointer { lp in
            x0.withUnsafeMutableBufferPointer { xp in
                for i in 0..<blocks[0].levelCount {
                    BlockKernels.solveLower(lp.baseAddress! + i * q0 * q0, order: q0, leadingDimension: q0, transposed: true,
                                            xp.baseAddress! + i * q0)
                }
            }
        }
        u[0] = x0
        return u
    }

    /// b = Λu per block.
    func conditionalModes(spherical u: [[Double]]) -> [[Double]] {
        structure.blocks.indices.map { a in
            let block = structure.blocks[a]
            let q = block.q
            let lambda = lambdas[a]
            var b = [Double](repeating: 0, count: block.width)
            for i in 0..<block.levelCount {
                for d in 0..<q {
                    var s = 0.0
                    for c in 0...d { s += lambda[c * q + d] * u[a][i * q + c] }
                    b[i * q + d] = s
                }
            }
            return b
        }
    }

    /// Conditional covariances of b given y at θ̂ and β̂, per block and level (q × q, column-major): σ²Λ(LLᵀ)⁻¹Λᵀ
    /// on the level's diagonal block, as lme4's `ranef(condVar = TRUE)` and MixedModels.jl's `condVar`.
    func conditionalCovariances(sigma2: Double) -> [[Double]] {
        let blocks = structure.blocks
        let k = blocks.count
        let q0 = blocks[0].q
        // Diagonal blocks of (LLᵀ)⁻¹ = L⁻ᵀL⁻¹: for the dense blocks, from the inverse of their trailing factor.
        let trailing = blocks.dropFirst().reduce(0) { $0 + $1.width }
        var trailingOffsets: [Int] = [0]
        for a in 1..<max(k, 1) { trailingOffsets.append(trailingOffsets[a - 1] + blocks[a].width) }
        var dense = [Double](repeating: 0, count: trailing * trailing)
        for a in 1..<max(k, 1) {
            for b in 1...a {
                let wa = blocks[a].width, wb = blocks[b].width
                for c in 0..<wb {
                    for r in 0..<wa where a != b || r >= c {
                        dense[(trailingOffsets[b - 1] + c) * trailing + trailingOffsets[a - 1] + r] = lDense[a][b][c * wa + r]
                    }
                }
            }
        }
        // W = L_T⁻¹ (lower) column by column; the inverse of the trailing block is WᵀW.
        var inverseTrailing = [Double](repeating: 0, count: trailing * trailing)
        if trailing > 0 {
            var w = [Double](repeating: 0, count: trailing * trailing)
            for j in 0..<trailing { w[j * trailing + j] = 1 }
            dense.withUnsafeBufferPointer { lp in
                w.withUnsafeMutableBufferPointer { wp in
                    BlockKernels.solveLowerMatrix(lp.baseAddress!, order: trailing, wp.baseAddress!, columns: trailing)
                }
            }
            // S_T = WᵀW.
            w.withUnsafeBufferPointer { wp in
                inverseTrailing.withUnsafeMutableBufferPointer { sp in
                    BlockKernels.gramOfColumns(wp.baseAddress!, rows: trailing, columns: trailing, into: sp.baseAddress!)
                }
            }
        }
        var out: [[Double]] = []
        // Block 0: column set of level i, e = L₀ᵢ⁻¹ on its own rows, then the trailing part −L_T⁻¹ L_{T,0} e.
        var covariance0 = [Double](repeating: 0, count: blocks[0].levelCount * q0 * q0)
        for i in 0..<blocks[0].levelCount {
            var e = [Double](repeating: 0, count: q0 * q0)   // columns of L₀ᵢ⁻¹
            for c in 0..<q0 { e[c * q0 + c] = 1 }
            l0.withUnsafeBufferPointer { lp in
                e.withUnsafeMutableBufferPointer { ep in
                    BlockKernels.solveLowerMatrix(lp.baseAddress! + i * q0 * q0, order: q0, ep.baseAddress!, columns: q0)
                }
            }
            // (LLᵀ)⁻¹ on level i's block is L₀ᵢ⁻ᵀ (I + Bᵢᵀ S_T Bᵢ) L₀ᵢ⁻¹, with Bᵢ the level's (sparse) columns of
            // L_{T,0} and S_T = (L_T L_Tᵀ)⁻¹ computed once above: no solve per level.
            var middle = [Double](repeating: 0, count: q0 * q0)
            for c in 0..<q0 { middle[c * q0 + c] = 1 }
            if trailing > 0 {
                var rows: [Int] = []          // trailing positions of Bᵢ's nonzero rows
                var values: [[Double]] = []   // per such row, its q0 values
                for a in 1..<k {
                    let sparse = products.sparse[a - 1]
                    let qa = blocks[a].q
                    for entry in sparse.offsets[i]..<sparse.offsets[i + 1] {
                        let j = Int(sparse.partners[entry])
                        for r in 0..<qa {
                            rows.append(trailingOffsets[a - 1] + j * qa + r)
                            values.append((0..<q0).map { t in lSparse[a - 1][entry * sparse.entrySize + t * qa + r] })
                        }
                    }
                }
                for (x, rx) in rows.enumerated() {
                    for (y, ry) in rows.enumerated() {
                        let sxy = inverseTrailing[ry * trailing + rx]
                        if sxy == 0 { continue }
                        for c in 0..<q0 { for d in 0..<q0 { middle[d * q0 + c] += values[x][c] * sxy * values[y][d] } }
                    }
                }
            }
            var inverse = [Double](repeating: 0, count: q0 * q0)
            for c in 0..<q0 {
                for d in 0..<q0 {
                    var s = 0.0
                    for t in 0..<q0 { for u in 0..<q0 { s += e[c * q0 + t] * middle[u * q0 + t] * e[d * q0 + u] } }
                    inverse[d * q0 + c] = s
                }
            }
            let scaled = Self.sandwich(lambdas[0], inverse, q: q0, scale: sigma2)
            for x in 0..<(q0 * q0) { covariance0[i * q0 * q0 + x] = scaled[x] }
        }
        out.append(covariance0)
        for a in 1..<max(k, 1) {
            let qa = blocks[a].q
            var covariance = [Double](repeating: 0, count: blocks[a].levelCount * qa * qa)
            for j in 0..<blocks[a].levelCount {
                var inverse = [Double](repeating: 0, count: qa * qa)
                let start = trailingOffsets[a - 1] + j * qa
                for c in 0..<qa { for d in 0..<qa { inverse[c * qa + d] = inverseTrailing[(start + c) * trailing + start + d] } }
                let scaled = Self.sandwich(lambdas[a], inverse, q: qa, scale: sigma2)
                for x in 0..<(qa * qa) { covariance[j * qa * qa + x] = scaled[x] }
            }
            out.append(covariance)
        }
        return out
    }

    /// scale · λ S λᵀ for q × q matrices.
    static func sandwich(_ lambda: [Double], _ s: [Double], q: Int, scale: Double) -> [Double] {
        var t = [Double](repeating: 0, count: q * q)
        for c in 0..<q { for d in 0..<q { var v = 0.0; for e in 0..<q { v += lambda[e * q + d] * s[c * q + e] }; t[c * q + d] = v } }
        var out = [Double](repeating: 0, count: q * q)
        for c in 0..<q { for d in 0..<q { var v = 0.0; for e in 0..<q { v += t[e * q + d] * lambda[e * q + c] }; out[c * q + d] = scale * v } }
        return out
    }
}
