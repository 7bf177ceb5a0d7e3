import LinearAlgebra
import DataTable

/// Sandwich covariance estimators, B·M·B with B the model's unscaled covariance ((XᵀWX)⁻¹) and the
/// meat M built from score contributions u_i·x_i, as the `sandwich` package computes them
/// (`estfun` is u_i·x_i; for GLMs u_i is the working residual times the working weight).
enum SandwichCovariance {
    /// A robust covariance with what the result reports beside it.
    struct Robust {
        let vcov: Matrix
        /// Number of clusters (cluster-robust kinds).
        let clusters: Int?
        /// Satterthwaite degrees of freedom per kept coefficient (CR2).
        let df: [Double]?
        let warnings: [String]
    }

    /// A hat value within this of 1 counts as leverage 1 for HC2/HC3.
    static let leverageOne = 1e-10

    /// Below this many clusters the default cluster-robust errors are warned about: CR1-type sandwich estimators
    /// are biased downwards with few clusters (Cameron & Miller 2015; Pustejovsky & Tipton 2018).
    static let fewClusters = 30

    /// The covariance a robust `kind` asks for (nil for `.classical`, which each model scales itself):
    /// HC0–HC3 from [X_k | u] (hat values asked for only by HC2/HC3), cluster-robust by the frame's column, or CR2
    /// from the model's working rows (see `ClusterCR2`). With `basis` (an ill-conditioned fit) the rows hand out Q in
    /// place of X_k, the bread is the identity, and the covariance is mapped back by R⁻¹ (`OrthonormalDesign`).
    static func robust(_ kind: CovarianceKind, bread: Matrix, scoreRows: () -> AugmentedRows,
                       leverages: () -> [Double], workingRows: () -> ClusterCR2.WorkingRows,
                       frame: ModelFrame, basis: OrthonormalDesign? = nil) throws(ModelError) -> Robust? {
        let inner = basis.map { Matrix.identity($0.columns) } ?? bread
        let outward: (Matrix) -> Matrix = { v in basis?.mapped(v) ?? v }
        switch kind {
        case .classical:
            return nil
        case .robust(let type):
            let h = (type == .hc2 || type == .hc3) ? leverages() : []
            // A row of leverage 1 (a factor level of one row) makes 1 − h zero: sandwich::vcovHC gives NaN with a warning;
            // from rounding the quotient was a finite, meaningless SE with p < .001 and no word (session 21).
            if let top = h.max(), top > 1 - leverageOne {
                let k = bread.rows
                let count = h.filter { $0 > 1 - leverageOne }.count
                return Robust(vcov: Matrix(rows: k, columns: k, repeating: .nan), clusters: nil, df: nil,
                              warnings: ["\(count) row\(count == 1 ? " has" : "s have") leverage 1 (a hat value of 1, such as the only "
                                + "row of a factor level), where \(type.rawValue.uppercased()) divides by 1 − h: no robust standard "
                                + "errors are reported (sandwich gives NaN); use --robust hc1, or merge or drop that level"])
            }
            return Robust(vcov: outward(heteroskedasticityConsistent(type, bread: inner, rows: scoreRows(), leverages: h)),
                          clusters: nil, df: nil, warnings: [])
        case .cluster(let column), .clusterCR2(let column):
            guard let c = frame.extraColumns[column] else { throw .numerical("cluster column \(column) missing") }
            let (codes, g) = clusterCodes(c)
            guard g >= 2 else { throw .clusterTooFew(column: column, clusters: g) }
            if case .clusterCR2 = kind {
                let cr2 = try ClusterCR2.compute(bread: bread, working: workingRows(), clusters: codes, clusterCount: g,
                                                 column: column, basis: basis?.map)
                return Robust(vcov: cr2.vcov, clusters: g, df: cr2.df, warnings: [])
            }
            var warnings: [String] = []
            if g < fewClusters {
                warnings.append("only \(g) clusters of '\(column)': with fewer than \(fewClusters) clusters cluster-robust "
                                + "standard errors may be too small and tests too liberal; consider the CR2 adjustment with "
                                + "Satterthwaite degrees of freedom (--cluster-adjust cr2)")
            }
            return Robust(vcov: outward(clusterRobust(bread: inner, rows: scoreRows(), clusters: codes, clusterCount: g)),
                          clusters: g, df: nil, warnings: warnings)
        }
    }

    /// `sandwich::vcovHC(type:)`. `rows` are [X_k | u]: the kept design columns and the score residuals, read
    /// block by block. `leverages` are the hat values of the (weighted) fit, needed for HC2/HC3.
    static func heteroskedasticityConsistent(_ type: CovarianceKind.RobustType, bread: Matrix, rows: AugmentedRows,
                                             leverages: [Double]) -> Matrix {
        let n = rows.rows, k = rows.columns
        // Σ ω_i x_i x_iᵀ: each block's rows scaled in place by √ω_i, then added to the Gram matrix.
        var meat = Matrix(rows: k, columns: k)
        meat.storage.withUnsafeMutableBufferPointer { m in
            guard let meatBase = m.baseAddress else { return }
            rows.forEachBlock { range, base, ld in
                let u = base + k * ld
                for (t, i) in range.enumerated() {
                    var omega = u[t] * u[t]
                    switch type {
                    case .hc0: break
                    case .hc1: omega *= Double(n) / Double(n - k)
                    case .hc2: omega /= 1 - leverages[i]
                    case .hc3: omega /= (1 - leverages[i]) * (1 - leverages[i])
                    }
                    let s = omega.squareRoot()
                    for j in 0..<k { base[t + j * ld] *= s }
                }
                BlockKernels.addGram(base, rows: range.count, columns: k, leadingDimension: ld, into: meatBase)
            }
        }
        meat.symmetrizeFromUpper()
        return sandwich(bread: bread, meat: meat)
    }

    /// `sandwich::vcovCL(cluster:, type = "HC1", cadjust = TRUE)`:
    /// M = G/(G−1) · (n−1)/(n−k) · Σ_g (Σ_{i∈g} u_i x_i)(Σ_{i∈g} u_i x_i)ᵀ, with `rows` = [X_k | u] as above.
    static func clusterRobust(bread: Matrix, rows: AugmentedRows, clusters: [Int], clusterCount g: Int) -> Matrix {
        let n = rows.rows, k = rows.columns
        var sums = Matrix(rows: g, columns: k)
        sums.storage.withUnsafeMutableBufferPointer { s in
            rows.forEachBlock { range, base, ld in
                let u = base + k * ld
                for j in 0..<k {
                    let x = base + j * ld
                    for (t, i) in range.enumerated() { s[clusters[i] + j * g] += u[t] * x[t] }
                }
            }
        }
        var meat = sums.gram()
        let adjust = Double(g) / Double(g - 1) * Double(n - 1) / Double(n - k)
        for t in meat.storage.indices { meat.storage[t] *= adjust }
        return sandwich(bread: bread, meat: meat)
    }

    private static func sandwich(bread: Matrix, meat: Matrix) -> Matrix {
        var v = bread.multiplied(by: meat).multiplied(by: bread)
        // Symmetrize against rounding.
        for a in 0..<v.rows { for b in (a + 1)..<max(a + 1, v.columns) { let m = (v[a, b] + v[b, a]) / 2; v[a, b] = m; v[b, a] = m } }
        return v
    }

    /// Cluster identifiers as dense codes 0..<G in level order: the one grouping type for clusters, random-effect
    /// groups, --by and strata (DataTable's `GroupingFactor`), with levels absent from the rows used dropped.
    static func clusterCodes(_ column: DataTable.Column) -> (codes: [Int], count: Int) {
        let groups = GroupingFactor(column).droppingUnusedLevels()
        return (groups.codes.map { Int($0) }, groups.levelCount)
    }
}
