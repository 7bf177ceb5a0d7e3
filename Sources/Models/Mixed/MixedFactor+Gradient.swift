import Foundation
import LinearAlgebra
import Optimization

/// The analytic gradient of the profiled criterion in θ, for one grouping factor or a second factor nested in the
/// first (clients in therapists), where it costs O(levels · (q + p)²) from the current factor.
///
/// With M the leading part of LLᵀ without the y row (with the X rows for REML, without them for ML) and D the identity
/// on the random effects, M = Λ̃ᵀAΛ̃ + D, so for invertible Λ (Bates et al. 2015 §3; MixedModels.jl's derivations):
///   ∂ log|M| / ∂θ_k = 2 tr(Λ⁻¹Λ_k) − 2 tr([M⁻¹]_ZZ Λ⁻¹Λ_k),
/// and by the envelope theorem on the penalised least-squares problem (ΛᵀZᵀr = u at the solution)
///   ∂ r² / ∂θ_k = −2 uᵀΛ⁻¹Λ_k u.
/// Λ_k has one unit entry per level of its block, so both are sums over levels of q × q products; [M⁻¹]_ZZ is needed
/// on each level's diagonal block only, from one column block of L⁻¹ per level.
extension MixedFactor {
    /// ∂/∂θ of the log-determinants (log|L_Z|², plus log|R_X|² for REML) and of the penalised RSS r², at θ.
    struct PieceGradients {
        let logDeterminant: [Double]
        let penalizedRSS: [Double]
    }

    /// Whether the structure is one the analytic gradient covers (one factor, or a second nested in the first).
    var hasAnalyticGradient: Bool {
        structure.blocks.count == 1 || (structure.blocks.count == 2 && nestedInFirst)
    }

    /// The gradient of `objective(θ, reml:)`, or nil where it is not available (another structure, a singular Λ, a
    /// failed factorisation): callers then difference the objective.
    func objectiveGradient(_ theta: [Double], reml: Bool) -> [Double]? {
        guard let pieces = pieceGradients(theta, reml: reml) else { return nil }
        let n = Double(products.rows)
        let dof = reml ? n - Double(p) : n
        let r2 = penalizedRSS
        return zip(pieces.logDeterminant, pieces.penalizedRSS).map { $0 + dof * $1 / r2 }
    }

    /// The two pieces' gradients at θ (the factor is updated to θ), or nil as for `objectiveGradient`.
    func pieceGradients(_ theta: [Double], reml: Bool) -> PieceGradients? {
        guard hasAnalyticGradient else { return nil }
        update(theta)
        guard valid, penalizedRSS > 0 else { return nil }
        let blocks = structure.blocks
        // Λ must be invertible: every diagonal of every λ positive.
        for (b, block) in blocks.enumerated() {
            for c in 0..<block.q where !(lambdas[b][c * block.q + c] > 0) { return nil }
        }
        let m = p + 1
        let xRows = reml ? p : 0
        let u = sphericalEffects(beta: fixedEffects())
        let inverses = blocks.indices.map { Self.lowerInverse(lambdas[$0], q: blocks[$0].q) }
        // Per block, Σ_levels S_ℓ (q × q, column-major): the traces below are linear in S_ℓ.
        var sums = blocks.map { [Double](repeating: 0, count: $0.q * $0.q) }

        let q0 = blocks[0].q
        let nested = blocks.count == 2
        let q1 = nested ? blocks[1].q : 0
        let w1 = nested ? blocks[1].width : 0
        // One column of L_T⁻¹·v for the trailing rows [block 1's level j (q1 rows), X rows (xRows)]: y_Z = D_j⁻¹v_Z,
        // y_X = R⁻¹(v_X − C_j y_Z), with D_j block 1's diagonal block, C_j its X rows and R the leading X block.
        // Read through pointers: the loops below run on the two level halves.
        let d11 = nested ? lDense[1][1] : [0]
        let x1 = nested ? lX[1] : [0]
        let xx = lXX
        let rowsT = q1 + xRows
        func solveTrailing(level j: Int, vZ: UnsafePointer<Double>, vX: UnsafePointer<Double>,
                           yZ: UnsafeMutablePointer<Double>, yX: UnsafeMutablePointer<Double>,
                           d11: UnsafePointer<Double>, x1: UnsafePointer<Double>, xx: UnsafePointer<Double>) {
            if nested {
                for c in 0..<q1 {
                    var s = vZ[c]
                    for e in 0..<c { s -= d11[(j * q1 + e) * w1 + j * q1 + c] * yZ[e] }
                    yZ[c] = s / d11[(j * q1 + c) * w1 + j * q1 + c]
                }
            }
            for r in 0..<xRows {
                var s = vX[r]
                if nested { for c in 0..<q1 { s -= x1[(j * q1 + c) * m + r] * yZ[c] } }
                for e in 0..<r { s -= xx[e * m + r] * yX[e] }
                yX[r] = s / xx[r * m + r]
            }
        }
        /// sum[d·q + c] += the product of columns c and d of [head; trail] (head q × q, none for block 1; trail rowsT
        /// rows), head rows first, each in row order: one level's part of S for block 0 or block 1.
        func addColumnGram(_ q: Int, head: UnsafePointer<Double>?, trail: UnsafePointer<Double>, into sum: UnsafeMutablePointer<Double>) {
            for c in 0..<q {
                for d in 0..<q {
                    var s = 0.0
                    if let head { for x in 0..<q { s += head[c * q + x] * head[d * q + x] } }
                    for x in 0..<rowsT { s += trail[c * rowsT + x] * trail[d * rowsT + x] }
                    sum[d * q + c] += s
                }
            }
        }
        /// Per level of block 1 or of block 0, scratch for one column solve and the trailing parts of the columns.
        struct Scratch {
            var e: [Double], trail: [Double], vZ: [Double], vX: [Double], yZ: [Double], yX: [Double]
            init(q0: Int, q1: Int, xRows: Int, rowsT: Int) {
                e = [Double](repeating: 0, count: q0 * q0)
                trail = [Double](repeating: 0, count: max(max(q0, q1) * rowsT, 1))
                vZ = [Double](repeating: 0, count: max(q1, 1)); yZ = vZ
                vX = [Double](repeating: 0, count: max(xRows, 1)); yX = vX
            }
        }

        // Block 0, level i: the column block [L₀ᵢ⁻¹; −L_T⁻¹BᵢL₀ᵢ⁻¹] of L⁻¹, whose Gram matrix is S_i. On the two level
        // halves, each into its own sum, added in half order (the same bytes on one core or two).
        let entry = nested ? products.sparse[0].entrySize : 0
        let sparse0 = nested ? products.sparse[0] : SparseBlockColumn(offsets: [0], partners: [0], values: [0], entrySize: 0)
        let l0 = self.l0, lX0 = lX[0], lS0 = nested ? lSparse[0] : [0]
        let halves = LevelHalves(levels: blocks[0].levelCount)
        var partSums = [Double](repeating: 0, count: halves.ranges.count * q0 * q0)
        partSums.withUnsafeMutableBufferPointer { outP in
            let out = outP.baseAddress!
            l0.withUnsafeBufferPointer { l0P in lX0.withUnsafeBufferPointer { xP in lS0.withUnsafeBufferPointer { sP in
            d11.withUnsafeBufferPointer { dP in x1.withUnsafeBufferPointer { x1P in xx.withUnsafeBufferPointer { xxP in
                let lp = l0P.baseAddress!, xp = xP.baseAddress!, sp = sP.baseAddress!
                let dp = dP.baseAddress!, x1p = x1P.baseAddress!, xxp = xxP.baseAddress!
                halves.run { part, range in
                    var w = Scratch(q0: q0, q1: q1, xRows: xRows, rowsT: rowsT)
                    let sum = out + part * q0 * q0
                    w.e.withUnsafeMutableBufferPointer { eP in w.trail.withUnsafeMutableBufferPointer { tP in
                    w.vZ.withUnsafeMutableBufferPointer { vZP in w.vX.withUnsafeMutableBufferPointer { vXP in
                    w.yZ.withUnsafeMutableBufferPointer { yZP in w.yX.withUnsafeMutableBufferPointer { yXP in
                        let e = eP.baseAddress!, trail = tP.baseAddress!, vZ = vZP.baseAddress!, vX = vXP.baseAddress!
                        let yZ = yZP.baseAddress!, yX = yXP.baseAddress!
                        // A single random intercept: four levels at a time, the last few one by one below.
                        let first = q0 == 1 && !nested
                            ? Self.addInterceptLevels(range, m: m, xRows: xRows, l0: lp, lX0: xp, xx: xxp, into: sum) : range.lowerBound
                        for i in first..<range.upperBound {
                            for c in 0..<q0 * q0 { e[c] = 0 }
                            for c in 0..<q0 { e[c * q0 + c] = 1 }
                            BlockKernels.solveLowerMatrix(lp + i * q0 * q0, order: q0, e, columns: q0)
                            let partner = nested ? Int(sparse0.partners[sparse0.offsets[i]]) : 0
                            for c in 0..<q0 {
                                // v = Bᵢ · (column c of L₀ᵢ⁻¹): Bᵢ is L_{1,0}'s entry (q1 × q0) and L_{X,0}'s rows (xRows × q0).
                                if nested {
                                    let at = sparse0.offsets[i] * entry
                                    for r in 0..<q1 {
                                        var s = 0.0
                                        for t in 0..<q0 { s += sp[at + t * q1 + r] * e[c * q0 + t] }
                                        vZ[r] = s
                                    }
                                }
                                for r in 0..<xRows {
                                    var s = 0.0
                                    for t in 0..<q0 { s += xp[(i * q0 + t) * m + r] * e[c * q0 + t] }
                                    vX[r] = s
                                }
                                solveTrailing(level: partner, vZ: vZ, vX: vX, yZ: yZ, yX: yX, d11: dp, x1: x1p, xx: xxp)
                                for r in 0..<q1 { trail[c * rowsT + r] = yZ[r] }
                                for r in 0..<xRows { trail[c * rowsT + q1 + r] = yX[r] }
                            }
                            addColumnGram(q0, head: e, trail: trail, into: sum)
                        }
                    } } } } } }
                }
            } } } } } }
        }
        for part in halves.ranges.indices { for c in 0..<(q0 * q0) { sums[0][c] += partSums[part * q0 * q0 + c] } }
        var scratch = Scratch(q0: q0, q1: q1, xRows: xRows, rowsT: rowsT)
        // Block 1 (nested), level j: the column block [D_j⁻¹; −R⁻¹C_jD_j⁻¹] of L_T⁻¹.
        if nested {
            d11.withUnsafeBufferPointer { dP in x1.withUnsafeBufferPointer { x1P in xx.withUnsafeBufferPointer { xxP in
            scratch.trail.withUnsafeMutableBufferPointer { tP in
            scratch.vZ.withUnsafeMutableBufferPointer { vZP in scratch.vX.withUnsafeMutableBufferPointer { vXP in
            scratch.yZ.withUnsafeMutableBufferPointer { yZP in scratch.yX.withUnsafeMutableBufferPointer { yXP in
                let trail = tP.baseAddress!, vZ = vZP.baseAddress!, vX = vXP.baseAddress!, yZ = yZP.baseAddress!, yX = yXP.baseAddress!
                for j in 0..<blocks[1].levelCount {
                    for c in 0..<q1 {
                        for r in 0..<q1 { vZ[r] = r == c ? 1 : 0 }
                        for r in 0..<xRows { vX[r] = 0 }
                        solveTrailing(level: j, vZ: vZ, vX: vX, yZ: yZ, yX: yX, d11: dP.baseAddress!, x1: x1P.baseAddress!, xx: xxP.baseAddress!)
                        for r in 0..<q1 { trail[c * rowsT + r] = yZ[r] }
                        for r in 0..<xRows { trail[c * rowsT + q1 + r] = yX[r] }
                    }
                    sums[1].withUnsafeMutableBufferPointer { addColumnGram(q1, head: nil, trail: trail, into: $0.baseAddress!) }
                }
            } } } } } } } }
        }

        var logDeterminant: [Double] = []
        var rss: [Double] = []
        for (b, block) in blocks.enumerated() {
            let q = block.q
            let inverse = inverses[b]
            // Σ_ℓ S_ℓλ⁻¹ and Σ_ℓ (λ⁻ᵀu_ℓ)u_ℓᵀ, q × q.
            var traceTerm = [Double](repeating: 0, count: q * q)
            for s in 0..<q { for r in 0..<q { var v = 0.0; for t in 0..<q { v += sums[b][t * q + r] * inverse[s * q + t] }; traceTerm[s * q + r] = v } }
            var outer = [Double](repeating: 0, count: q * q)
            var w = [Double](repeating: 0, count: q)
            for level in 0..<block.levelCount {
                let base = level * q
                for r in 0..<q { var v = 0.0; for t in 0..<q { v += inverse[r * q + t] * u[b][base + t] }; w[r] = v }
                for s in 0..<q { for r in 0..<q { outer[s * q + r] += w[r] * u[b][base + s] } }
            }
            let levels = Double(block.levelCount)
            for position in block.thetaPositions {
                let r = position.row, s = position.column
                // tr(λ⁻¹E_rs) = (λ⁻¹)_sr; tr(S λ⁻¹E_rs) = (Sλ⁻¹)_sr; uᵀλ⁻¹E_rs u = (λ⁻ᵀu)_r u_s.
                logDeterminant.append(2 * (levels * inverse[r * q + s] - traceTerm[r * q + s]))
                rss.append(-2 * outer[s * q + r])
            }
        }
        return PieceGradients(logDeterminant: logDeterminant, penalizedRSS: rss)
    }

    /// Block 0's part of Σ S_i for a single random intercept (q₀ = 1, no second factor), four levels at a time in SIMD
    /// lanes: each lane does the one-level loop's operations in its order (e = 1/l, v = 0 + x·e, forward substitution
    /// through R_X, S = 0 + e² + y₀² + y₁² + …), and the S_i are added to `sum` in level order, so the bytes are that
    /// loop's; the lanes overlap the substitution's divisions, which chain within a level. Returns the first level not
    /// done (fewer than four are left to the caller).
    static func addInterceptLevels(_ range: Range<Int>, m: Int, xRows: Int, l0: UnsafePointer<Double>, lX0: UnsafePointer<Double>,
                                   xx: UnsafePointer<Double>, into sum: UnsafeMutablePointer<Double>) -> Int {
        typealias Lanes = SIMD4<Double>
        let y = UnsafeMutablePointer<Lanes>.allocate(capacity: max(xRows, 1))
        defer { y.deallocate() }
        var i = range.lowerBound
        while i + 4 <= range.upperBound {
            let e = Lanes(repeating: 1) / Lanes(l0[i], l0[i + 1], l0[i + 2], l0[i + 3])
            var total = Lanes(repeating: 0) + e * e
            let x0 = lX0 + i * m, x1 = x0 + m, x2 = x1 + m, x3 = x2 + m
            for r in 0..<xRows {
                var s = Lanes(repeating: 0) + Lanes(x0[r], x1[r], x2[r], x3[r]) * e
                for k in 0..<r { s -= Lanes(repeating: xx[k * m + r]) * y[k] }
                let v = s / Lanes(repeating: xx[r * m + r])
                y[r] = v
                total += v * v
            }
            for lane in 0..<4 { sum[0] += total[lane] }
            i += 4
        }
        return i
    }

    /// Values, gradients and Hessians of the two pieces (log-determinants, r²) at θ in the layout of
    /// `NumericalDerivatives.secondDerivatives`: the gradients exact, the Hessians their central differences (steps
    /// 1e-4 relative, at least 1e-5, kept inside θ's bounds), symmetrised; nil where the gradient is unavailable.
    func pieceSecondDerivatives(_ theta: [Double], reml: Bool) -> (value: [Double], gradient: [[Double]], hessian: [[[Double]]])? {
        guard let at = pieceGradients(theta, reml: reml) else { return nil }
        let value = [logDeterminantZ + (reml ? logDeterminantX : 0), penalizedRSS]
        let lower = structure.thetaLowerBounds
        let steps = theta.indices.map { i in
            min(1e-4 * max(abs(theta[i]), 0.1), lower[i].isFinite ? (theta[i] - lower[i]) / 2 : .infinity)
        }
        guard steps.allSatisfy({ $0 > 0 }),
              let jacobian = NumericalDerivatives.centralDifferences(at: theta, steps: steps, { t in
                  pieceGradients(t, reml: reml).map { $0.logDeterminant + $0.penalizedRSS }
              }) else { return nil }
        update(theta)
        let k = theta.count
        let hessian = [0, 1].map { piece in
            (0..<k).map { a in (0..<k).map { b in (jacobian[piece * k + a][b] + jacobian[piece * k + b][a]) / 2 } }
        }
        return (value, [at.logDeterminant, at.penalizedRSS], hessian)
    }

    /// The inverse of a q × q lower-triangular λ (column-major), by forward substitution.
    static func lowerInverse(_ l: [Double], q: Int) -> [Double] {
        var inverse = [Double](repeating: 0, count: q * q)
        for c in 0..<q {
            for r in c..<q {
                var s = r == c ? 1.0 : 0.0
                for t in c..<r { s -= l[t * q + r] * inverse[c * q + t] }
                inverse[c * q + r] = s / l[r * q + r]
            }
        }
        return inverse
    }
}
