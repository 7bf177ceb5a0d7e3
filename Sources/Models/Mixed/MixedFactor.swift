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

    /// Whether the second factor is nested in the first: every level of the first meets one level of the second.
    let nestedInFirst: Bool

    init(products: MixedCrossProducts, structure: RandomEffectsStructure) {
        self.products = products
        self.structure = structure
        if let sparse = products.sparse.first {
            nestedInFirst = (0..<(sparse.offsets.count - 1)).allSatisfy { sparse.offsets[$0 + 1] - sparse.offsets[$0] <= 1 }
        } else {
            nestedInFirst = false
        }
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

        // Block 0 (per level, on the two level halves): see MixedFactor+FirstBlock.swift.
        guard let first = factorFirstBlock() else { return }
        var logDet = first.logDeterminant
        let q0 = blocks[0].q
        let largest = blocks.reduce(m) { max($0, $1.q) }
        var scratch = [Double](repeating: 0, count: largest * largest)

        // Dense blocks in order: the diagonal block, then the blocks below it, then the X rows.
        for a in 1..<max(k, 1) {
            let wa = blocks[a].width
            let qa = blocks[a].q
            // A factor nested in the first (each client in one therapist) keeps a block-diagonal L_{1,1}: no fill-in, so
            // factor its q × q diagonal blocks alone instead of the whole dense block (MixedModels.jl keeps it Diagonal).
            if a == 1 && nestedInFirst {
                guard factorNestedDiagonal(width: wa, q: qa, logDeterminant: &logDet) else { return }
            } else {
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
            }
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
            scratch.withUnsafeMutableBufferPointer { tp in
                lambdas[a].withUnsafeBufferPointer { lambdaP in
                    products.xz[a].withUnsafeBufferPointer { sp in
                        lX[a].withUnsafeMutableBufferPointer { bp in
                            for i in 0..<blocks[a].levelCount {
                                SmallBlocks.scale(sp.baseAddress! + i * qa * m, rows: m, columns: qa, leadingDimension: m, left: nil,
                                                  right: lambdaP.baseAddress!, into: bp.baseAddress! + i * qa * m, leadingDimension: m,
                                                  scratch: tp.baseAddress!)
                            }
                        }
                    }
                }
            }
            let sparse = products.sparse[a - 1]
            let entry = sparse.entrySize
            lSparse[a - 1].withUnsafeBufferPointer { bp in
                let source = lX[0]
                source.withUnsafeBufferPointer { xp in
                    lX[a].withUnsafeMutableBufferPointer { tp in
                        for i in 0..<blocks[0].levelCount {
                            for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                                let j = Int(sparse.partners[e])
                                // lX[a][:, j-block] −= lX[0][:, i-block] · Bᵀ with B = L_{a,0} entry (qa × q0).
                                for c in 0..<qa {
                                    for d in 0..<q0 {
                                        let bcd = bp[e * entry + d * qa + c]
                                        if bcd == 0 { continue }
                                        let target = (j * qa + c) * m
                                        let from = (i * q0 + d) * m
                                        for r in 0..<m { tp[target + r] -= xp[from + r] * bcd }
                                    }
                                }
                            }
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
            if a == 1 && nestedInFirst {
                Self.solveBlockDiagonal(&lX[a], rows: m, diagonal: lDense[a][a], width: wa, q: qa)
            } else {
                let diagonal = lDense[a][a]
                lX[a].withUnsafeMutableBufferPointer { cp in
                    BlockKernels.solveRightLowerTransposed(cp.baseAddress!, rows: m, order: wa, leadingDimension: m, diagonal, lowerLeading: wa)
                }
            }
        }

        // The X block: [X y]ᵀ[X y] − Σ_k L_{X,k}L_{X,k}ᵀ, factored.
        for e in 0..<(m * m) { lXX[e] = products.xx[e] - first.gram[e] }
        for a in 1..<max(k, 1) {
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

    /// L_{1,1} of a factor nested in the first, diagonal block by diagonal block: λᵀA_jjλ + I − Σ (the fill from the
    /// first factor lands on the diagonal blocks only), factored in place; off-diagonal blocks stay zero.
    private func factorNestedDiagonal(width w: Int, q: Int, logDeterminant: inout Double) -> Bool {
        var scratch = [Double](repeating: 0, count: q * q)
        var block = [Double](repeating: 0, count: q * q)
        var source = [Double](repeating: 0, count: q * q)
        let levels = w / q
        let lambda = lambdas[1]
        // Scale and add I on the diagonal blocks (the off-diagonal entries are zero and stay so).
        for j in 0..<levels {
            for c in 0..<q { for d in 0..<q { source[c * q + d] = products.dense[1][1][(j * q + c) * w + j * q + d] } }
            lambda.withUnsafeBufferPointer { lp in
                source.withUnsafeBufferPointer { sp in
                    block.withUnsafeMutableBufferPointer { bp in
                        scratch.withUnsafeMutableBufferPointer { tp in
                            SmallBlocks.scale(sp.baseAddress!, rows: q, columns: q, leadingDimension: q, left: lp.baseAddress!,
                                              right: lp.baseAddress!, into: bp.baseAddress!, leadingDimension: q, scratch: tp.baseAddress!)
                        }
                    }
                }
            }
            for c in 0..<q { for d in 0..<q { lDense[1][1][(j * q + c) * w + j * q + d] = block[c * q + d] + (c == d ? 1 : 0) } }
        }
        subtractSparseProducts(row: 1, column: 1, into: &lDense[1][1], leadingDimension: w)
        for j in 0..<levels {
            for c in 0..<q { for d in 0..<q { block[c * q + d] = lDense[1][1][(j * q + c) * w + j * q + d] } }
            let ok = block.withUnsafeMutableBufferPointer { SmallBlocks.cholesky($0.baseAddress!, q: q) }
            guard ok else { return false }
            for c in 0..<q {
                for d in 0..<q { lDense[1][1][(j * q + c) * w + j * q + d] = d >= c ? block[c * q + d] : 0 }
                logDeterminant += 2 * log(block[c * q + c])
            }
        }
        return true
    }

    /// B := B·L⁻ᵀ for a rows × width block B when L (width × width, lower) is block diagonal with q × q blocks, as
    /// L_{1,1} of a factor nested in the first is: the dense triangular solve's work on the zero blocks skipped.
    static func solveBlockDiagonal(_ b: inout [Double], rows: Int, diagonal l: [Double], width w: Int, q: Int) {
        b.withUnsafeMutableBufferPointer { bp in
            l.withUnsafeBufferPointer { lp in
                for j in 0..<(w / q) {
                    for c in 0..<q {
                        let column = j * q + c
                        let inverse = 1 / lp[column * w + column]
                        for r in 0..<rows {
                            var s = bp[column * rows + r]
                            for e in 0..<c { s -= bp[(j * q + e) * rows + r] * lp[(j * q + e) * w + column] }
                            bp[column * rows + r] = s * inverse
                        }
                    }
                }
            }
        }
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
        lSparse[a - 1].withUnsafeBufferPointer { ap in
            lSparse[b - 1].withUnsafeBufferPointer { bp in
                target.withUnsafeMutableBufferPointer { tp in
                    for i in 0..<blocks[0].levelCount {
                        for ea in sa.offsets[i]..<sa.offsets[i + 1] {
                            let ja = Int(sa.partners[ea])
                            for eb in sb.offsets[i]..<sb.offsets[i + 1] {
                                let jb = Int(sb.partners[eb])
                                for c in 0..<qb {
                                    for d in 0..<qa {
                                        var s = 0.0
                                        for t in 0..<q0 { s += ap[ea * sa.entrySize + t * qa + d] * bp[eb * sb.entrySize + t * qb + c] }
                                        tp[(jb * qb + c) * ld + ja * qa + d] -= s
                                    }
                                }
                            }
                        }
                    }
                }
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
