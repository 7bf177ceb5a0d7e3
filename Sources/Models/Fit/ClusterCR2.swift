import Foundation
import LinearAlgebra

/// The CR2 ("bias-reduced linearization") cluster-robust covariance with Satterthwaite degrees of freedom per
/// coefficient, exactly as clubSandwich computes `vcovCR(fit, cluster =, type = "CR2")` followed by
/// `coef_test(fit, vcov, test = "Satterthwaite")` and `conf_int(...)` for `lm` and `glm` fits
/// (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018).
///
/// Notation (clubSandwich's `vcov_CR`, `CR2` and `get_GH`, inverse-variance case): M is the model's unscaled
/// covariance (XᵀX)⁻¹ or (XᵀWX)⁻¹ of the kept columns, M = LLᵀ; per cluster j, Z_j are the rows of X scaled by the
/// square-root working weights, S_j = diag(√V(μ)) the square-root target variance (the identity for OLS), r_j the
/// response residuals. With Y_j = Z_j·L and H_j = Y_jY_jᵀ:
///   G_j = S_j²(I − H_j)S_j²,  A_j = S_j G_j^(−1/2) S_j  (eigenvalues ≤ 1e-12 of G_j give 0, as `matrix_power`),
///   R_j = Y_jᵀ G_j^(−1/2) S_j²,  so M·c_j = L·R_j·(r_j/s_j) and V = Σ_j (M c_j)(M c_j)ᵀ.
/// For coefficient i, with g_ij = (L R_j R_jᵀ Lᵀ)_ii and h_ij the i-th row of L·R_j·Y_j, clubSandwich's
/// P_i = diag(g_i·) − [h_ijᵀh_ik]_jk and df_i = tr(P_i)² / ‖P_i‖²_F.
///
/// OLS (S = I): G_j = I − Y_jY_jᵀ, and by the push-through identity R_j = φ(B_j)Y_jᵀ with B_j = Y_jᵀY_j (p × p) and
/// φ(λ) = (1 − λ)^(−1/2); so clusters of any size cost O(n_j·p²). GLMs need the dense n_j × n_j eigen-decomposition,
/// O(n_j³) per cluster, so their Σ n_j³ is limited to `maximumDenseWork`.
enum ClusterCR2 {
    /// Rows for the adjustment: [X_k | e] with X_k the kept design columns and e = r/s (OLS residuals, or GLM
    /// Pearson residuals (y − μ)/√V(μ)), with each row of X_k scaled by `rootWeights` and the target `targetSD`.
    struct WorkingRows {
        let rows: AugmentedRows
        /// √(working weight) per row, |dμ/dη|/√V(μ) at the final μ; nil for OLS (all 1).
        let rootWeights: [Double]?
        /// √V(μ) per row; nil for OLS (the target is the identity and the low-rank path applies).
        let targetSD: [Double]?
    }

    struct Result {
        let vcov: Matrix
        /// Satterthwaite degrees of freedom, one per kept coefficient.
        let df: [Double]
    }

    /// The most Σ n_j³ a GLM's CR2 adjustment takes on: an n_j × n_j eigen-decomposition costs about 5 s of one core
    /// at n_j = 2,000, so this allows about five such clusters (or one of 3,400 rows, or 40,000 clusters of 100) and
    /// refuses larger ones up front rather than running for many minutes.
    static let maximumDenseWork = 4e10

    /// Rows gathered per pass (times the columns, in doubles): the cluster-sorted rows are gathered in batches
    /// of whole clusters, so memory stays bounded whatever the row count. A task-local so tests can force many passes.
    @TaskLocal static var batchCells = 1 << 22

    /// matrix_power's tolerance: eigenvalues at or below it are treated as zero.
    static let eigenvalueTolerance = 1e-12

    /// `basis`: the working rows hold Q = X_k·R⁻¹ in place of X_k (`OrthonormalDesign`, an ill-conditioned fit), and
    /// this is R⁻¹: then Y_j is Q's rows as they are, and R⁻¹ (with R⁻¹R⁻ᵀ = M) takes the place of L.
    static func compute(bread: Matrix, working: WorkingRows, clusters: [Int], clusterCount: Int,
                        column: String, basis: Matrix? = nil) throws(ModelError) -> Result {
        let p = working.rows.columns
        let n = working.rows.rows
        let l: Matrix
        if let basis {
            l = basis
        } else {
            do { l = try Cholesky(bread).factor.transposed } catch {
                throw .numerical("the model's covariance is not positive definite, so the CR2 adjustment cannot be formed")
            }
        }
        // The map from the working rows to Y_j: L, or nothing when the rows are already in Q's basis.
        let rowMap = basis == nil ? l : Matrix.identity(p)
        // Sort rows by cluster once: cluster g occupies positions start[g]..<start[g + 1].
        var sizes = [Int](repeating: 0, count: clusterCount)
        for g in clusters { sizes[g] += 1 }
        var start = [Int](repeating: 0, count: clusterCount + 1)
        for g in 0..<clusterCount { start[g + 1] = start[g] + sizes[g] }
        var next = start
        var position = [Int](repeating: 0, count: n)
        for i in 0..<n { position[i] = next[clusters[i]]; next[clusters[i]] += 1 }
        let largest = sizes.max() ?? 0
        let dense = working.targetSD != nil
        if dense && sizes.reduce(0.0, { $0 + pow(Double($1), 3) }) > maximumDenseWork {
            throw .clusterTooLarge(column: column, largestCluster: largest)
        }

        var accumulator = Accumulator(p: p, l: l)
        let batchRows = max(largest, batchCells / (p + 2))
        var firstCluster = 0
        while firstCluster < clusterCount {
            var lastCluster = firstCluster
            while lastCluster < clusterCount && start[lastCluster + 1] - start[firstCluster] <= batchRows { lastCluster += 1 }
            let lower = start[firstCluster], upper = start[lastCluster]
            let ld = upper - lower
            // Gather the batch's rows in cluster order: [Z | e | s], Z already scaled by the root weights.
            let width = p + 2
            var buffer = [Double](repeating: 0, count: ld * width)
            buffer.withUnsafeMutableBufferPointer { out in
                working.rows.forEachBlock { range, base, blockLD in
                    for (t, i) in range.enumerated() {
                        let at = position[i] - lower
                        guard at >= 0 && at < ld else { continue }
                        let w = working.rootWeights?[i] ?? 1
                        for j in 0..<p { out[at + j * ld] = base[t + j * blockLD] * w }
                        out[at + p * ld] = base[t + p * blockLD]
                        out[at + (p + 1) * ld] = working.targetSD?[i] ?? 1
                    }
                }
            }
            for g in firstCluster..<lastCluster {
                let rows = (start[g] - lower)..<(start[g + 1] - lower)
                var z = Matrix(rows: rows.count, columns: p)
                for j in 0..<p { for (t, r) in rows.enumerated() { z[t, j] = buffer[r + j * ld] } }
                let e = rows.map { buffer[$0 + p * ld] }
                let piece = dense ? try denseCluster(z: z, e: e, s: rows.map { buffer[$0 + (p + 1) * ld] }, l: rowMap)
                                  : try lowRankCluster(z: z, e: e, l: rowMap)
                accumulator.add(piece)
            }
            firstCluster = lastCluster
        }
        return accumulator.result()
    }

    /// One cluster's contribution in the L basis: R_j·e_j, R_jR_jᵀ and R_jY_j (see the type's comment).
    struct ClusterPiece {
        let re: [Double]
        let rrt: Matrix
        let ry: Matrix
    }

    /// OLS: R_j = φ(B)Y_jᵀ, B = Y_jᵀY_j, φ applied to 1 − λ as matrix_power applies ^(−1/2) to I − H_j's eigenvalues.
    static func lowRankCluster(z: Matrix, e: [Double], l: Matrix) throws(ModelError) -> ClusterPiece {
        let y = z.multiplied(by: l)
        let b = y.gram()
        let ye = y.multiplied(by: e, transpose: true)
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(b) } catch { throw .numerical("CR2: \(error)") }
        let v = eigen.vectors
        let p = b.rows
        var phi = [Double](repeating: 0, count: p)
        for k in 0..<p {
            let value = 1 - eigen.values[k]
            phi[k] = value > eigenvalueTolerance ? 1 / value.squareRoot() : 0
        }
        let lambda = eigen.values.map { max($0, 0) }
        return ClusterPiece(re: spectral(v, phi).multiplied(by: ye),
                            rrt: spectral(v, (0..<p).map { phi[$0] * phi[$0] * lambda[$0] }),
                            ry: spectral(v, (0..<p).map { phi[$0] * lambda[$0] }))
    }

    /// GLMs: G_j = S²(I − Y_jY_jᵀ)S² decomposed whole, R_j = Y_jᵀG_j^(−1/2)S².
    static func denseCluster(z: Matrix, e: [Double], s: [Double], l: Matrix) throws(ModelError) -> ClusterPiece {
        let m = z.rows
        let y = z.multiplied(by: l)
        let hat = y.multiplied(by: y, transposeOther: true)
        var g = Matrix(rows: m, columns: m)
        for b in 0..<m {
            let sb = s[b] * s[b]
            for a in 0..<m { g[a, b] = s[a] * s[a] * ((a == b ? 1 : 0) - hat[a, b]) * sb }
        }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(g) } catch { throw .numerical("CR2: \(error)") }
        let f = eigen.values.map { $0 > eigenvalueTolerance ? 1 / $0.squareRoot() : 0 }
        // R = ((YᵀU)·diag(f))·Uᵀ·S², in O(p·n²) after the decomposition (never the n × n G^(−1/2) itself).
        var yu = y.multiplied(by: eigen.vectors, transposeSelf: true)
        for k in 0..<m { for i in 0..<yu.rows { yu[i, k] *= f[k] } }
        var r = yu.multiplied(by: eigen.vectors, transposeOther: true)
        for b in 0..<m { let sb = s[b] * s[b]; for i in 0..<r.rows { r[i, b] *= sb } }
        return ClusterPiece(re: r.multiplied(by: e), rrt: r.multiplied(by: r, transposeOther: true), ry: r.multiplied(by: y))
    }

    /// V·diag(d)·Vᵀ.
    static func spectral(_ v: Matrix, _ d: [Double]) -> Matrix {
        var scaled = v
        for k in 0..<v.columns { for i in 0..<v.rows { scaled[i, k] *= d[k] } }
        return scaled.multiplied(by: v, transposeOther: true)
    }

    /// Sums over clusters: the covariance, and per coefficient the pieces of tr(P_i) and ‖P_i‖²_F, with
    /// ‖[h_ijᵀh_ik]_jk‖²_F = ‖Σ_j h_ij h_ijᵀ‖²_F accumulated as p × p matrices (upper triangles).
    struct Accumulator {
        let p: Int
        let l: Matrix
        var vcov: Matrix
        var trace: [Double]
        var sumG2: [Double]
        var sumGH: [Double]
        var outer: [Double]

        init(p: Int, l: Matrix) {
            self.p = p
            self.l = l
            vcov = Matrix(rows: p, columns: p)
            trace = [Double](repeating: 0, count: p)
            sumG2 = trace
            sumGH = trace
            outer = [Double](repeating: 0, count: p * p * p)
        }

        mutating func add(_ piece: ClusterPiece) {
            let v = l.multiplied(by: piece.re)
            for b in 0..<p { for a in 0..<p { vcov[a, b] += v[a] * v[b] } }
            let lr = l.multiplied(by: piece.rrt)
            let h = l.multiplied(by: piece.ry)
            for i in 0..<p {
                var g = 0.0
                for k in 0..<p { g += lr[i, k] * l[i, k] }
                var hh = 0.0
                for k in 0..<p { hh += h[i, k] * h[i, k] }
                trace[i] += g - hh
                sumG2[i] += g * g
                sumGH[i] += g * hh
                let base = i * p * p
                for b in 0..<p {
                    let hb = h[i, b]
                    if hb == 0 { continue }
                    for a in 0...b { outer[base + a + b * p] += h[i, a] * hb }
                }
            }
        }

        func result() -> Result {
            var symmetric = vcov
            for b in 0..<p { for a in 0..<b { let m = (symmetric[a, b] + symmetric[b, a]) / 2; symmetric[a, b] = m; symmetric[b, a] = m } }
            let df = (0..<p).map { i -> Double in
                var frobenius = 0.0
                let base = i * p * p
                for b in 0..<p {
                    for a in 0..<b { frobenius += 2 * outer[base + a + b * p] * outer[base + a + b * p] }
                    frobenius += outer[base + b + b * p] * outer[base + b + b * p]
                }
                return trace[i] * trace[i] / (sumG2[i] - 2 * sumGH[i] + frobenius)
            }
            return Result(vcov: symmetric, df: df)
        }
    }
}
