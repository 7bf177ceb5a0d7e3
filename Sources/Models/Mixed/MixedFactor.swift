import Foundation
import LinearAlgebra

/// The blocked Cholesky factor L(θ) of lme4's penalised least-squares system (Bates et al. 2015, eq. 18;
/// MixedModels.jl's `updateL!`), for the blocks [Z₀ … Z_K X y]:
///   L Lᵀ = [ΛᵀZᵀZΛ + I, ΛᵀZᵀ[X y]; [X y]ᵀZΛ, [X y]ᵀ[X y]],
/// updated in place from the cross-products at each θ. Block 0's diagonal is block diagonal (one q₀ × q₀
/// factor per level) and its products with later blocks stay as sparse as the cross-products; later blocks are
/// dense. The last diagonal entry is the square root of the penalised residual sum of squares, and the
/// leading p × p part of the X block is R_X.
final class MixedFactor {
    let products: MixedCrossProducts
    let structure: RandomEffectsStructure
    let p: Int
    /// Per level of block 0, its q₀ × q₀ lower factor.
    var l0: [Double]
    /// sparse[k − 1].values scaled and solved: L_{k,0}.
    var lSparse: [[Double]]
    /// lDense[k][j], 1 ≤ j ≤ k.
    var lDense: [[[Double]]]
    /// lX[k]: (p + 1) × width_k.
    var lX: [[Double]]
    /// (p + 1) × (p + 1), lower.
    var lXX: [Double]
    /// θ of the current factor.
    private(set) var theta: [Double] = []
    /// The λ of each block at `theta`.
    private(set) var lambdas: [[Double]] = []
    /// log det(ΛᵀZᵀZΛ + I) and log det(R_XᵀR_X) at `theta`; `valid` false when a block was not positive definite.
    private(set) var logDeterminantZ = 0.0
    private(set) var logDeterminantX = 0.0
    private(set) var valid = false

    init(products: MixedCrossProducts, structure: RandomEffectsStructure) {
        self.products = products
        self.structure = structure
        self.p = products.p
        l0 = products.diagonal0
        lSparse = products.sparse.map(\.values)
        lDense = products.dense
        lX = products.xz
        lXX = products.xx
    }

    /// Penalised residual sum of squares r²(θ).
    var penalizedRSS: Double { let r = lXX[p * (p + 1) + p]; return r * r }

    /// lme4's profiled objective: the REML criterion or the deviance (−2 log-likelihood) at `theta`, with σ
    /// and β profiled out; +∞ when the factorisation fails.
    func objective(_ theta: [Double], reml: Bool) -> Double {
        update(theta)
        guard valid else { return .infinity }
        let n = Double(products.rows)
        let r2 = penalizedRSS
        guard r2 > 0 else { return .infinity }
        if reml {
            let dof = n - Double(p)
            return logDeterminantZ + logDeterminantX + dof * (1 + log(2 * Double.pi * r2 / dof))
        }
        return logDeterminantZ + n * (1 + log(2 * Double.pi * r2 / n))
    }

    /// The objective with σ not profiled: −2 log-likelihood (ML) or −2 restricted log-likelihood (REML) at
    /// (θ, σ), as lmerTest's `devfun_vp` takes them for Satterthwaite's derivatives.
    func objective(_ theta: [Double], sigma: Double, reml: Bool) -> Double {
        update(theta)
        guard valid, sigma > 0 else { return .infinity }
        let n = Double(products.rows)
        let dof = reml ? n - Double(p) : n
        let s2 = sigma * sigma
        return logDeterminantZ + (reml ? logDeterminantX : 0) + dof * log(2 * Double.pi * s2) + penalizedRSS / s2
    }

    /// Refactors at θ (skipped when θ is the current one).
    func update(_ theta: [Double]) {
        if theta == self.theta, !lambdas.isEmpty { return }
        self.theta = theta
        let blocks = structure.blocks
        let offsets = structure.thetaOffsets
        lambdas = blocks.indices.map { b in
            blocks[b].lambda(theta[offsets[b]..<(offsets[b] + blocks[b].thetaPositions.count)])
        }
        valid = false
        logDeterminantZ = 0
        logDeterminantX = 0
        let m = p + 1
        let k = blocks.count

        // Block 0: per level, L = chol(λᵀAλ + I).
        let q0 = blocks[0].q
        let lambda0 = lambdas[0]
        var logDet = 0.0
        var scratch = [Double](repeating: 0, count: max(q0 * q0, 1))
        for i in 0..<blocks[0].levelCount {
            let base = i * q0 * q0
            for e in 0..<(q0 * q0) { scratch[e] = products.diagonal0[base + e] }
            Self.scaleSymmetric(&scratch, q: q0, lambda: lambda0)
            for c in 0..<q0 {
                for d in 0..<q0 { l0[base + c * q0 + d] = scratch[c * q0 + d] }
                l0[base + c * q0 + c] += 1
            }
            let ok = l0.withUnsafeMutableBufferPointer { lp in
                BlockKernels.choleskyLower(lp.baseAddress! + base, order: q0, leadingDimension: q0)
            }
            guard ok else { return }
            for c in 0..<q0 { logDet += 2 * log(l0[base + c * q0 + c]) }
        }

        // L_{k,0} = (λ_kᵀ A_{k,0} λ₀) L₀⁻ᵀ, entry by entry.
        for a in 1..<max(k, 1) {
            let sparse = products.sparse[a - 1]
            let qa = blocks[a].q
            let lambdaA = lambdas[a]
            for i in 0..<blocks[0].levelCount {
                for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                    let at = e * sparse.entrySize
                    Self.scaleRectangular(source: sparse.values, at: at, into: &lSparse[a - 1], rows: qa, columns: q0,
                                          left: lambdaA, right: lambda0)
                    lSparse[a - 1].withUnsafeMutableBufferPointer { bp in
                        l0.withUnsafeBufferPointer { lp in
                            BlockKernels.solveRightLowerTransposed(bp.baseAddress! + at, rows: qa, order: q0, leadingDimension: qa,
                                                                   lp.baseAddress! + i * q0 * q0, lowerLeading: q0)
                        }
                    }
                }
            }
        }
        // L_{X,0} = ([X y]ᵀZ₀ λ₀) L₀⁻ᵀ, level by level.
        for i in 0..<blocks[0].levelCount {
            let at = i * q0 * m
            Self.scaleRight(source: products.xz[0], at: at, into: &lX[0], rows: m, columns: q0, right: lambda0)
            lX[0].withUnsafeMutableBufferPointer { bp in
                l0.withUnsafeBufferPointer { lp in
                    BlockKernels.solveRightLowerTransposed(bp.baseAddress! + at, rows: m, order: q0, leadingDimension: m,
                                                           lp.baseAddress! + i * q0 * q0, lowerLeading: q0)
                }
            }
        }

        // Dense blocks in order: the diagonal block, then the blocks below it, then the X rows.
        for a in 1..<max(k, 1) {
            let wa = blocks[a].width
            let qa = blocks[a].q
            // L_{a,a} = λᵀA_{a,a}λ + I − L_{a,0}L_{a,0}ᵀ − Σ_{1≤j<a} L_{a,j}L_{a,j}ᵀ.
            Self.scaleDense(source: products.dense[a][a], into: &lDense[a][a], rows: wa, columns: wa,
                            qRow: qa, qColumn: qa, left: lambdas[a], right: lambdas[a])
            for d in 0..<wa { lDense[a][a][d * wa + d] += 1 }
            subtractSparseProducts(row: a, column: a, into: &lDense[a][a], leadingDimension: wa)
            for j in 1..<a {
                let wj = blocks[j].width
                lDense[a][j].withUnsafeBufferPointer { sp in
                    lDense[a][a].withUnsafeMutableBufferPointer { cp in
                        BlockKernels.subtractOuterLower(sp.baseAddress!, rows: wa, columns: wj, leadingDimension: wa,
                                                        from: cp.baseAddress!, leadingDimension: wa)
                    }
                }
            }
            let ok = lDense[a][a].withUnsafeMutableBufferPointer { cp in
                BlockKernels.choleskyLower(cp.baseAddress!, order: wa, leadingDimension: wa)
            }
            guard ok else { return }
            for d in 0..<wa { logDet += 2 * log(lDense[a][a][d * wa + d]) }
            // Blocks below: L_{b,a} = (λ_bᵀA_{b,a}λ_a − L_{b,0}L_{a,0}ᵀ − Σ L_{b,j}L_{a,j}ᵀ) L_{a,a}⁻ᵀ.
            for b in (a + 1)..<max(k, a + 1) {
                let wb = blocks[b].width
                Self.scaleDense(source: products.dense[b][a], into: &lDense[b][a], rows: wb, columns: wa,
                                qRow: blocks[b].q, qColumn: qa, left: lambdas[b], right: lambdas[a])
                subtractSparseProducts(row: b, column: a, into: &lDense[b][a], leadingDimension: wb)
                for j in 1..<a {
                    let wj = blocks[j].width
                    let left = lDense[b][j]
                    let right = lDense[a][j]
                    lDense[b][a].withUnsafeMutableBufferPointer { cp in
                        BlockKernels.subtractProductTransposed(left, rows: wb, leadingDimension: wb, right, rows: wa,
                                                               leadingDimension: wa, inner: wj, from: cp.baseAddress!, leadingDimension: wb)
                    }
                }
                let diagonal = lDense[a][a]
                lDense[b][a].withUnsafeMutableBufferPointer { cp in
                    BlockKernels.solveRightLowerTransposed(cp.baseAddress!, rows: wb, order: wa, leadingDimension: wb,
                                                           diagonal, lowerLeading: wa)
                }
            }
            // X rows: L_{X,a} = ([X y]ᵀZ_aλ_a − L_{X,0}L_{a,0}ᵀ − Σ L_{X,j}L_{a,j}ᵀ) L_{a,a}⁻ᵀ.
            for i in 0..<blocks[a].levelCount {
                Self.scaleRight(source: products.xz[a], at: i * qa * m, into: &lX[a], rows: m, columns: qa, right: lambdas[a])
            }
            let sparse = products.sparse[a - 1]
            let entry = sparse.entrySize
            for i in 0..<blocks[0].levelCount {
                for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                    let j = Int(sparse.partners[e])
                    // lX[a][:, j-block] −= lX[0][:, i-block] · Bᵀ with B = L_{a,0} entry (qa × q0).
                    for c in 0..<qa {
                        for d in 0..<q0 {
                            let bcd = lSparse[a - 1][e * entry + d * qa + c]
                            if bcd == 0 { continue }
                            let target = (j * qa + c) * m
                            let source = (i * q0 + d) * m
                            for r in 0..<m { lX[a][target + r] -= lX[0][source + r] * bcd }
                        }
                    }
                }
            }
            for j in 1..<a {
                let wj = blocks[j].width
                let left = lX[j]
                let right = lDense[a][j]
                lX[a].withUnsafeMutableBufferPointer { cp in
                    BlockKernels.subtractProductTransposed(left, rows: m, leadingDimension: m, right, rows: wa, leadingDimension: wa,
                                                           inner: wj, from: cp.baseAddress!, leadingDimension: m)
                }
            }
            let diagonal = lDense[a][a]
            lX[a].withUnsafeMutableBufferPointer { cp in
                BlockKernels.solveRightLowerTransposed(cp.baseAddress!, rows: m, order: wa, leadingDimension: m, diagonal, lowerLeading: wa)
            }
        }

        // The X block: [X y]ᵀ[X y] − Σ_k L_{X,k}L_{X,k}ᵀ, factored.
        for e in 0..<(m * m) { lXX[e] = products.xx[e] }
        for a in 0..<k {
            let w = blocks[a].width
            let source = lX[a]
            lXX.withUnsafeMutableBufferPointer { cp in
                BlockKernels.subtractOuterLower(source, rows: m, columns: w, leadingDimension: m, from: cp.baseAddress!, leadingDimension: m)
            }
        }
        let ok = lXX.withUnsafeMutableBufferPointer { cp in BlockKernels.choleskyLower(cp.baseAddress!, order: m, leadingDimension: m) }
        guard ok else { return }
        var logDetX = 0.0
        for d in 0..<p { logDetX += 2 * log(lXX[d * m + d]) }
        logDeterminantZ = logDet
        logDeterminantX = logDetX
        valid = logDet.isFinite && logDetX.isFinite
    }

    /// target −= Σ_i L_{row,0}[i] L_{column,0}[i]ᵀ over the levels i of block 0 (the fill-in from block 0's
    /// sparse columns; nested factors touch only the diagonal).
    private func subtractSparseProducts(row a: Int, column b: Int, into target: inout [Double], leadingDimension ld: Int) {
        let blocks = structure.blocks
        let sa = products.sparse[a - 1]
        let sb = products.sparse[b - 1]
        let qa = blocks[a].q
        let qb = blocks[b].q
        let q0 = blocks[0].q
        for i in 0..<blocks[0].levelCount {
            for ea in sa.offsets[i]..<sa.offsets[i + 1] {
                let ja = Int(sa.partners[ea])
                for eb in sb.offsets[i]..<sb.offsets[i + 1] {
                    let jb = Int(sb.partners[eb])
                    for c in 0..<qb {
                        for d in 0..<qa {
                            var s = 0.0
                            for t in 0..<q0 { s += lSparse[a - 1][ea * sa.entrySize + t * qa + d] * lSparse[b - 1][eb * sb.entrySize + t * qb + c] }
                            target[(jb * qb + c) * ld + ja * qa + d] -= s
                        }
                    }
                }
            }
        }
    }

    /// S := λᵀSλ for a q × q column-major S.
    static func scaleSymmetric(_ s: inout [Double], q: Int, lambda: [Double]) {
        if q == 1 { s[0] *= lambda[0] * lambda[0]; return }
        var t = [Double](repeating: 0, count: q * q)
        // t = S λ
        for c in 0..<q { for d in 0..<q { var v = 0.0; for e in c..<q { v += s[e * q + d] * lambda[c * q + e] }; t[c * q + d] = v } }
        // s = λᵀ t
        for c in 0..<q { for d in 0..<q { var v = 0.0; for e in d..<q { v += lambda[d * q + e] * t[c * q + e] }; s[c * q + d] = v } }
    }

    /// into[at…] = λ_leftᵀ · source[at…] · λ_right for a rows × columns block.
    static func scaleRectangular(source: [Double], at: Int, into: inout [Double], rows: Int, columns: Int,
                                 left: [Double], right: [Double]) {
        if rows == 1 && columns == 1 { into[at] = source[at] * left[0] * right[0]; return }
        var t = [Double](repeating: 0, count: rows * columns)
        for c in 0..<columns { for d in 0..<rows { var v = 0.0; for e in c..<columns { v += source[at + e * rows + d] * right[c * columns + e] }; t[c * rows + d] = v } }
        for c in 0..<columns { for d in 0..<rows { var v = 0.0; for e in d..<rows { v += left[d * rows + e] * t[c * rows + e] }; into[at + c * rows + d] = v } }
    }

    /// into[at…] = source[at…] · λ for a rows × columns block (the X rows against a Z block).
    static func scaleRight(source: [Double], at: Int, into: inout [Double], rows: Int, columns: Int, right: [Double]) {
        for c in 0..<columns {
            for d in 0..<rows {
                var v = 0.0
                for e in c..<columns { v += source[at + e * rows + d] * right[c * columns + e] }
                into[at + c * rows + d] = v
            }
        }
    }

    /// into = Λ_leftᵀ · source · Λ_right for dense blocks whose Λ are block diagonal with λ blocks.
    static func scaleDense(source: [Double], into: inout [Double], rows: Int, columns: Int, qRow: Int, qColumn: Int,
                           left: [Double], right: [Double]) {
        if qRow == 1 && qColumn == 1 {
            let f = left[0] * right[0]
            for e in 0..<(rows * columns) { into[e] = source[e] * f }
            return
        }
        // Columns first (· Λ_right), then rows (Λ_leftᵀ ·), sub-block by sub-block.
        var t = [Double](repeating: 0, count: rows * columns)
        for jb in 0..<(columns / qColumn) {
            for c in 0..<qColumn {
                for d in 0..<rows {
                    var v = 0.0
                    for e in c..<qColumn { v += source[(jb * qColumn + e) * rows + d] * right[c * qColumn + e] }
                    t[(jb * qColumn + c) * rows + d] = v
                }
            }
        }
        for column in 0..<columns {
            for ib in 0..<(rows / qRow) {
                for d in 0..<qRow {
                    var v = 0.0
                    for e in d..<qRow { v += left[d * qRow + e] * t[column * rows + ib * qRow + e] }
                    into[column * rows + ib * qRow + d] = v
                }
            }
        }
    }
}
