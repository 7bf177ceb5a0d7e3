import DataTable
import Foundation
import LinearAlgebra

/// Which clusters the CR2 covariance of a mixed model is robust to.
public enum MixedClusterRobust: Sendable, Equatable {
    /// The top grouping level: the factor with the fewest levels, which every other grouping factor must nest in
    /// (clubSandwich's `get_outer_group` and `is_nested_lmerMod`).
    case topLevel
    /// A column of the data that every grouping factor nests in (`--cluster COL`).
    case column(String)
}

/// What a cluster-robust mixed-model fit reports beside its coefficients.
public struct MixedClusterRobustSummary: Sendable, Equatable {
    /// The cluster column or grouping label.
    public let column: String
    public let clusters: Int
    /// Rows of the largest cluster.
    public let largestCluster: Int
}

/// clubSandwich's `vcovCR(fit, type = "CR2")` on an `lmerMod` followed by `coef_test(..., test = "Satterthwaite")`
/// (Pustejovsky & Tipton 2018). The working model is the fit's own marginal covariance, per cluster
/// V_j = I + Z_jΛΛᵀZ_jᵀ (unscaled: σ² cancels), W_j = V_j⁻¹, and M = (XᵀV⁻¹X)⁻¹ the fit's unscaled covariance.
/// With `inverse_var` (clubSandwich's default when no target is given), U_j = chol(V_j) (V_j = U_jᵀU_j):
///   G_j = U_j(V_j − X_jMX_jᵀ)U_jᵀ,  A_j = U_jᵀG_j^(−1/2)U_j  (eigenvalues ≤ 1e-12 of G_j give 0, as `matrix_power`),
///   E_j = X_jᵀW_jA_j,  V^CR2 = M(Σ_j E_j r_j r_jᵀ E_jᵀ)M  with r = y − Xβ̂ the marginal residuals.
/// The Satterthwaite df follow `get_GH`/`get_P_array`: with M = LLᵀ and R_j = LᵀE_j, g_ij = (L R_jV_jR_jᵀLᵀ)_ii and
/// h_ij the i-th row of L·R_jX_jL, which is what `ClusterCR2.Accumulator` sums (the OLS case has V_j = I).
/// Each cluster's V_j is formed and decomposed densely (O(n_j³)), so clusters are limited in size.
enum MixedClusterCR2 {
    /// The largest cluster taken on: a 1,000-row cluster takes about a second, a 2,000-row one 10–20 s (mostly `dsyevr`).
    static let maximumClusterRows = 2_000
    /// The most Σ n_j³ taken on (as `ClusterCR2.maximumDenseWork`): about five clusters of 2,000 rows, a minute or two.
    static let maximumDenseWork = ClusterCR2.maximumDenseWork

    struct Result {
        let covariance: Matrix
        let df: [Double]
        let summary: MixedClusterRobustSummary
    }
}

extension LinearMixedModel.Setup {
    /// The CR2 covariance and df at θ̂ , for β̂ on the original outcome scale and the
    /// fit's unscaled covariance (R_XᵀR_X)⁻¹.
    func clusterRobust(_ choice: MixedClusterRobust, theta: [Double], beta: [Double],
                       unscaled: Matrix) throws(ModelError) -> MixedClusterCR2.Result {
        guard options.degreesOfFreedom == .satterthwaite else {
            throw .mixedClusterRobust(detail: "cluster-robust (CR2) standard errors come with their own Satterthwaite degrees of freedom "
                                      + "(as clubSandwich's coef_test), so they cannot be combined with --df \(options.degreesOfFreedom.rawValue)")
        }
        let n = frame.counts.rowsUsed
        let p = kept.count
        let (label, codes, count) = try clusterCodes(choice)
        guard count >= 2 else { throw .clusterTooFew(column: label, clusters: count) }

        // Rows by cluster: cluster g holds order[start[g]..<start[g + 1]].
        var start = [Int](repeating: 0, count: count + 1)
        for g in codes { start[g + 1] += 1 }
        for g in 0..<count { start[g + 1] += start[g] }
        var next = start
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n { order[next[codes[i]]] = i; next[codes[i]] += 1 }
        let sizes = (0..<count).map { start[$0 + 1] - start[$0] }
        let largest = sizes.max() ?? 0
        let work = sizes.reduce(0.0) { $0 + pow(Double($1), 3) }
        if largest > MixedClusterCR2.maximumClusterRows || work > MixedClusterCR2.maximumDenseWork {
            throw .mixedClusterRobust(detail: "the CR2 adjustment of a mixed model forms and decomposes an n × n matrix for each cluster of n rows, "
                                      + "and the clusters of '\(label)' are too large for that (the largest has \(largest) rows; the limit is "
                                      + "\(MixedClusterCR2.maximumClusterRows) rows per cluster and about five clusters of that size in all); "
                                      + "use the model-based standard errors, or cluster by a finer column that every grouping factor nests in")
        }

        // X (kept columns) and the marginal residuals r = y − Xβ̂.
        guard case .numeric(let y) = frame.outcome else { throw .nonNumericOutcome(outcome: formula.outcome.label) }
        var x = [Double](repeating: 0, count: n * max(p, 1))
        x.withUnsafeMutableBufferPointer { bp in
            if let base = bp.baseAddress, p > 0 { design.fill(0..<n, columns: kept, into: base, leadingDimension: n) }
        }
        var residual = y
        for k in 0..<p { for i in 0..<n { residual[i] -= x[i + k * n] * beta[k] } }

        let l: Matrix
        do { l = try Cholesky(unscaled).factor.transposed } catch {
            throw .numerical("the fixed effects' covariance is not positive definite, so the CR2 adjustment cannot be formed")
        }
        // Per block, ΛΛᵀ (q × q, column-major).
        let offsets = structure.thetaOffsets
        let covariances: [[Double]] = structure.blocks.enumerated().map { b, block in
            let q = block.q
            let lambda = block.lambda(theta[offsets[b]..<(offsets[b] + block.thetaPositions.count)])
            var s = [Double](repeating: 0, count: q * q)
            for c in 0..<q { for d in 0..<q { var t = 0.0; for e in 0..<q { t += lambda[d + e * q] * lambda[c + e * q] }; s[d + c * q] = t } }
            return s
        }

        var accumulator = ClusterCR2.Accumulator(p: p, l: l)
        for g in 0..<count {
            let rows = Array(order[start[g]..<start[g + 1]])
            let m = rows.count
            // V_j = I + Σ_blocks [same level] z_aᵀ(ΛΛᵀ)z_b (lme4's Z Λ Λᵀ Zᵀ restricted to the cluster).
            var v = Matrix(rows: m, columns: m)
            v.storage.withUnsafeMutableBufferPointer { vp in
                for a in 0..<m { vp[a + a * m] = 1 }
                for (block, s) in zip(structure.blocks, covariances) {
                    let q = block.q
                    let levels = rows.map { block.codes[$0] }
                    // z_a and (ΛΛᵀ)z_a per cluster row, contiguous.
                    var z = [Double](repeating: 0, count: m * q)
                    var sz = [Double](repeating: 0, count: m * q)
                    if block.isIntercept {
                        z = [Double](repeating: 1, count: m)
                    } else {
                        for (a, r) in rows.enumerated() { for c in 0..<q { z[a * q + c] = block.z[c * n + r] } }
                    }
                    for a in 0..<m { for d in 0..<q { var t = 0.0; for c in 0..<q { t += s[d + c * q] * z[a * q + c] }; sz[a * q + d] = t } }
                    for b in 0..<m {
                        for a in 0...b where levels[a] == levels[b] {
                            var t = 0.0
                            for d in 0..<q { t += z[a * q + d] * sz[b * q + d] }
                            vp[a + b * m] += t
                            if a != b { vp[b + a * m] += t }
                        }
                    }
                }
            }
            var xj = Matrix(rows: m, columns: p)
            for k in 0..<p { for (t, r) in rows.enumerated() { xj[t, k] = x[r + k * n] } }
            let rj = rows.map { residual[$0] }
            let piece = try cr2Piece(v: v, x: xj, residual: rj, l: l)
            accumulator.add(piece)
        }
        let result = accumulator.result()
        return MixedClusterCR2.Result(covariance: result.vcov, df: result.df,
                                      summary: MixedClusterRobustSummary(column: label, clusters: count, largestCluster: largest))
    }

    /// One cluster's R_jr_j, R_jV_jR_jᵀ and R_j(X_jL) with R_j = LᵀE_j (see `MixedClusterCR2`). With V = UᵀU,
    /// UVUᵀ = (UUᵀ)² and V⁻¹A = U⁻¹G^(−1/2)U, so E = (U⁻ᵀX)ᵀG^(−1/2)U: two m × m products, the Cholesky factor and
    /// the eigen-decomposition are the only O(m³) steps.
    private func cr2Piece(v: Matrix, x: Matrix, residual: [Double], l: Matrix) throws(ModelError) -> ClusterCR2.ClusterPiece {
        let m = v.rows
        let p = x.columns
        let u: Matrix
        do { u = try Cholesky(v).factor } catch {
            throw .numerical("CR2: a cluster's marginal covariance is not positive definite (\(error))")
        }
        let xl = x.multiplied(by: l)
        let uxl = u.multiplied(by: xl)
        let uut = u.multiplied(by: u, transposeOther: true)
        var g = uut.multiplied(by: uut)
        let hat = uxl.multiplied(by: uxl, transposeOther: true)
        g.storage.withUnsafeMutableBufferPointer { gp in
            hat.storage.withUnsafeBufferPointer { hp in
                for j in 0..<m {
                    for i in 0..<j {
                        let s = ((gp[i + j * m] - hp[i + j * m]) + (gp[j + i * m] - hp[j + i * m])) / 2
                        gp[i + j * m] = s
                        gp[j + i * m] = s
                    }
                    gp[j + j * m] -= hp[j + j * m]
                }
            }
        }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(g) } catch { throw .numerical("CR2: \(error)") }
        // X̃ = U⁻ᵀX by forward substitution (Uᵀ is lower triangular; U's column i holds row i of Uᵀ).
        var xt = x
        u.storage.withUnsafeBufferPointer { up in
            xt.storage.withUnsafeMutableBufferPointer { xp in
                for c in 0..<p {
                    let column = c * m
                    for i in 0..<m {
                        var s = xp[column + i]
                        for k in 0..<i { s -= up[k + i * m] * xp[column + k] }
                        xp[column + i] = s / up[i + i * m]
                    }
                }
            }
        }
        var t = xt.multiplied(by: eigen.vectors, transposeSelf: true)
        for k in 0..<m {
            let f = eigen.values[k] > ClusterCR2.eigenvalueTolerance ? 1 / eigen.values[k].squareRoot() : 0
            for i in 0..<p { t[i, k] *= f }
        }
        let e = t.multiplied(by: eigen.vectors, transposeOther: true).multiplied(by: u)
        let r = l.multiplied(by: e, transposeSelf: true)
        return ClusterCR2.ClusterPiece(re: r.multiplied(by: residual), rrt: r.multiplied(by: v).multiplied(by: r, transposeOther: true),
                                       ry: r.multiplied(by: xl))
    }

    /// The cluster's label, dense codes over the used rows and count, after checking that every grouping factor
    /// nests in it (clubSandwich's `is_nested_lmerMod`; it refuses non-nested models, since V is then not
    /// block diagonal by cluster).
    private func clusterCodes(_ choice: MixedClusterRobust) throws(ModelError) -> (String, [Int], Int) {
        let label: String
        let codes: [Int]
        let count: Int
        switch choice {
        case .column(let name):
            guard let column = frame.extraColumns[name] else { throw .numerical("cluster column \(name) missing from the model frame") }
            (codes, count) = SandwichCovariance.clusterCodes(column)
            label = name
        case .topLevel:
            // Blocks are sorted by level count, largest first: the last has the fewest (clubSandwich's which.min).
            guard let top = structure.blocks.last else { throw .numerical("the model has no grouping factor") }
            label = top.group
            codes = top.codes.map { Int($0) }
            count = top.levelCount
        }
        for block in structure.blocks {
            var clusterOfLevel = [Int](repeating: -1, count: block.levelCount)
            for (i, code) in block.codes.enumerated() {
                let level = Int(code)
                if clusterOfLevel[level] < 0 { clusterOfLevel[level] = codes[i]; continue }
                guard clusterOfLevel[level] != codes[i] else { continue }
                let crossed: Bool
                if case .topLevel = choice { crossed = true } else { crossed = false }
                throw .groupNotNested(groups: structure.blocks.map(\.group), group: block.group, level: block.levels[level],
                                      cluster: label, crossed: crossed)
            }
        }
        return (label, codes, count)
    }
}
