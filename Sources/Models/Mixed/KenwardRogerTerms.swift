import Foundation
import LinearAlgebra

/// The pieces of Kenward and Roger's adjustment that involve the marginal covariance Σ = σ²V, V = I + ZΛΛᵀZᵀ,
/// in pbkrtest's parametrisation (`get_SigmaG`): one parameter per free entry of each term's covariance matrix
/// (a variance, or a covariance within a term), with G_r = ∂Σ/∂γ_r = Z(I ⊗ E_r)Zᵀ, E_r the unit symmetric matrix
/// of that entry, and the residual variance last with G = I. pbkrtest forms them as dense n × n matrices
/// (`vcovAdj_internal`); here they are formed in the space of the Q random effects from the cross-products
/// ZᵀZ, ZᵀX and XᵀX, through Woodbury's identity V⁻¹ = I − ZΛC⁻¹ΛᵀZᵀ with C = ΛᵀZᵀZΛ + I:
///   M = ZᵀV⁻¹Z = A − AΛC⁻¹ΛᵀA,  N = ZᵀV⁻¹X,  V⁻¹Z = ZK with K = I − ΛC⁻¹ΛᵀA,  V⁻¹X = X − ZJ with J = ΛC⁻¹ΛᵀB,
///   tr V⁻² = n − Q + tr C⁻²,
/// so nothing is of size n. With one grouping factor every one of these matrices is block diagonal by level, and
/// the pieces are sums over levels of q × q work; with several factors they are formed densely over all Q
/// random effects (a few Q × Q products), up to `randomEffectsLimit`.
struct KenwardRogerTerms {
    /// P_r = −XᵀΣ⁻¹G_rΣ⁻¹X (pbkrtest's `PP`), p × p.
    let pMatrices: [Matrix]
    /// Q_rs = XᵀΣ⁻¹G_rΣ⁻¹G_sΣ⁻¹X (pbkrtest's `QQ`), stored for r ≤ s at `q[r][s]`.
    let qMatrices: [[Matrix]]
    /// tr(G_rΣ⁻¹G_sΣ⁻¹) (pbkrtest's `Ktrace`).
    let traces: [[Double]]

    /// Above this many random effects in a model with several grouping factors, the dense Q × Q work (about 5Q³
    /// flops, several Q × Q matrices in memory) is refused with advice to use Satterthwaite's df.
    static let randomEffectsLimit = 3000

    /// One variance parameter within a chunk of random effects: D_r = Σ S_a S_bᵀ over `pairs`, where S_a selects
    /// component a of every level in the chunk (indices into the chunk's random effects).
    private typealias Parameter = [([Int], [Int])]

    init(products: MixedCrossProducts, structure: RandomEffectsStructure, lambdas: [[Double]], sigma2: Double) throws(ModelError) {
        let blocks = structure.blocks
        let totalQ = blocks.reduce(0) { $0 + $1.width }
        let p = products.p
        let m = p + 1
        let r = blocks.reduce(0) { $0 + $1.thetaPositions.count }
        var sums = Sums(parameters: r, p: p)

        if blocks.count == 1 {
            // One factor: Σ is block diagonal by level, and so is everything below; level by level.
            let block = blocks[0]
            let q = block.q
            let lambda = RelativeFactor(blocks: [(0, q, lambdas[0])])
            let parameters: [Parameter] = block.thetaPositions.map { position in
                position.isDiagonal ? [([position.row], [position.row])] : [([position.row], [position.column]), ([position.column], [position.row])]
            }
            var a = Matrix(rows: q, columns: q)
            var b = Matrix(rows: q, columns: p)
            for level in 0..<block.levelCount {
                for c in 0..<q { for d in 0..<q { a[d, c] = products.diagonal0[level * q * q + c * q + d] } }
                for c in 0..<q { for d in 0..<p { b[c, d] = products.xz[0][(level * q + c) * m + d] } }
                try sums.add(a: a, b: b, lambda: lambda, parameters: parameters)
            }
        } else {
            guard totalQ <= Self.randomEffectsLimit else {
                throw .randomEffectsTooLarge(detail: "Kenward–Roger degrees of freedom need dense matrices over the random effects of crossed or "
                                             + "nested grouping factors, and this model has \(totalQ) ("
                                             + "\(blocks.map { "\($0.width) for \($0.group)" }.joined(separator: ", "))), above the limit of "
                                             + "\(Self.randomEffectsLimit); use --df satterthwaite (the default), which costs nothing in the number of groups")
            }
            try Self.addDense(products: products, structure: structure, lambdas: lambdas, into: &sums)
        }

        var xtx = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0..<p { xtx[i, j] = products.xx[min(i, j) * m + max(i, j)] } }
        // XᵀV⁻¹X, XᵀV⁻²X = (X − ZJ)ᵀ(X − ZJ) and XᵀV⁻³X = (X − ZJ)ᵀV⁻¹(X − ZJ).
        let xvx = xtx - sums.s1
        let xv2x = xtx - sums.s2
        let xv3x = xvx - sums.s3
        let traceV2 = Double(products.rows - totalQ) + sums.traceC2

        let s2 = 1 / (sigma2 * sigma2)
        let s3 = s2 / sigma2
        var pMatrices = sums.pn.map { (-s2) * $0 }
        pMatrices.append((-s2) * xv2x)
        var qMatrices = [[Matrix]](repeating: [Matrix](repeating: Matrix(rows: 0, columns: 0), count: r + 1), count: r + 1)
        var traces = [[Double]](repeating: [Double](repeating: 0, count: r + 1), count: r + 1)
        for i in 0..<r {
            for j in i..<r {
                qMatrices[i][j] = s3 * sums.qn[i][j]
                traces[i][j] = s2 * sums.t[i][j]
                traces[j][i] = traces[i][j]
            }
            qMatrices[i][r] = s3 * sums.qn2[i]
            traces[i][r] = s2 * sums.t2[i]
            traces[r][i] = traces[i][r]
        }
        qMatrices[r][r] = s3 * xv3x
        traces[r][r] = s2 * traceV2
        self.pMatrices = pMatrices
        self.qMatrices = qMatrices
        self.traces = traces
    }

    /// Several grouping factors: A = ZᵀZ, B = ZᵀX and Λ densely over all Q random effects, as one chunk.
    private static func addDense(products: MixedCrossProducts, structure: RandomEffectsStructure, lambdas: [[Double]],
                                 into sums: inout Sums) throws(ModelError) {
        let blocks = structure.blocks
        let totalQ = blocks.reduce(0) { $0 + $1.width }
        let p = products.p
        let m = p + 1
        var offsets: [Int] = []
        var at = 0
        for b in blocks { offsets.append(at); at += b.width }

        var a = Matrix(rows: totalQ, columns: totalQ)
        let first = blocks[0]
        let q0 = first.q
        for i in 0..<first.levelCount {
            for c in 0..<q0 { for d in 0..<q0 { a[i * q0 + d, i * q0 + c] = products.diagonal0[i * q0 * q0 + c * q0 + d] } }
        }
        for k in 1..<blocks.count {
            let sparse = products.sparse[k - 1]
            let qk = blocks[k].q
            for i in 0..<first.levelCount {
                for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                    let j = Int(sparse.partners[e])
                    for c in 0..<q0 {
                        for d in 0..<qk {
                            let v = sparse.values[e * sparse.entrySize + c * qk + d]
                            a[offsets[k] + j * qk + d, i * q0 + c] = v
                            a[i * q0 + c, offsets[k] + j * qk + d] = v
                        }
                    }
                }
            }
            for b in 1...k {
                let wk = blocks[k].width
                let dense = products.dense[k][b]
                for s in 0..<blocks[b].width {
                    for r in 0..<wk {
                        let v = dense[s * wk + r]
                        a[offsets[k] + r, offsets[b] + s] = v
                        a[offsets[b] + s, offsets[k] + r] = v
                    }
                }
            }
        }
        var b = Matrix(rows: totalQ, columns: p)
        for (k, block) in blocks.enumerated() {
            for column in 0..<block.width { for d in 0..<p { b[offsets[k] + column, d] = products.xz[k][column * m + d] } }
        }
        var lambdaBlocks: [(offset: Int, q: Int, lambda: [Double])] = []
        for (k, block) in blocks.enumerated() {
            for level in 0..<block.levelCount { lambdaBlocks.append((offsets[k] + level * block.q, block.q, lambdas[k])) }
        }
        let lambda = RelativeFactor(blocks: lambdaBlocks)
        // The parameters in pbkrtest's order: per block, the lower triangle of each term's covariance, column by column.
        var parameters: [Parameter] = []
        for (k, block) in blocks.enumerated() {
            let q = block.q
            for position in block.thetaPositions {
                let rowSet = (0..<block.levelCount).map { offsets[k] + $0 * q + position.row }
                let columnSet = (0..<block.levelCount).map { offsets[k] + $0 * q + position.column }
                parameters.append(position.isDiagonal ? [(rowSet, rowSet)] : [(rowSet, columnSet), (columnSet, rowSet)])
            }
        }
        try sums.add(a: a, b: b, lambda: lambda, parameters: parameters)
    }

    /// The random-effects parts of the pieces, summed over chunks of random effects that Σ does not couple
    /// (the levels of a single factor, or everything at once).
    private struct Sums {
        /// Σ ΛᵀB·C⁻¹ΛᵀB-type corrections: XᵀX − s1 = XᵀV⁻¹X, XᵀX − s2 = XᵀV⁻²X, XᵀV⁻¹X − s3 = XᵀV⁻³X.
        var s1: Matrix
        var s2: Matrix
        var s3: Matrix
        /// Σ tr C⁻².
        var traceC2 = 0.0
        /// NᵀD_rN, (D_rN)ᵀM(D_sN) for r ≤ s, (D_rN)ᵀ(ZᵀV⁻²X), tr(D_rMD_sM), tr(D_rZᵀV⁻²Z).
        var pn: [Matrix]
        var qn: [[Matrix]]
        var qn2: [Matrix]
        var t: [[Double]]
        var t2: [Double]

        init(parameters r: Int, p: Int) {
            s1 = Matrix(rows: p, columns: p)
            s2 = s1
            s3 = s1
            pn = [Matrix](repeating: s1, count: r)
            qn = [[Matrix]](repeating: [Matrix](repeating: s1, count: r), count: r)
            qn2 = pn
            t = [[Double]](repeating: [Double](repeating: 0, count: r), count: r)
            t2 = [Double](repeating: 0, count: r)
        }

        /// Adds one chunk with cross-products A = ZᵀZ and B = ZᵀX over its random effects and relative factor Λ.
        mutating func add(a: Matrix, b: Matrix, lambda: RelativeFactor, parameters: [Parameter]) throws(ModelError) {
            let size = a.rows
            let p = b.columns
            // C = ΛᵀAΛ + I and its inverse; Y = C⁻¹ΛᵀA, Y_B = C⁻¹ΛᵀB.
            let lambdaTA = lambda.transposeTimes(a)
            let lambdaTB = lambda.transposeTimes(b)
            var c = lambda.rightTimes(lambdaTA)
            for i in 0..<size { c[i, i] += 1 }
            for j in 0..<size { for i in (j + 1)..<max(j + 1, size) { let v = 0.5 * (c[i, j] + c[j, i]); c[i, j] = v; c[j, i] = v } }
            let cInverse: Matrix
            do { cInverse = try Cholesky(c).inverse() } catch {
                throw .numerical("Kenward–Roger: the random-effects system ΛᵀZᵀZΛ + I could not be factored: \(error)")
            }
            let y = cInverse.multiplied(by: lambdaTA)
            let yB = cInverse.multiplied(by: lambdaTB)
            // M = ZᵀV⁻¹Z, N = ZᵀV⁻¹X, K = I − ΛY (V⁻¹Z = ZK), J = ΛY_B (V⁻¹X = X − ZJ), N₂ = ZᵀV⁻²X = KᵀN.
            let mMatrix = a - lambdaTA.multiplied(by: y, transposeSelf: true)
            let nMatrix = b - lambdaTA.multiplied(by: yB, transposeSelf: true)
            var kMatrix = lambda.times(y)
            for j in 0..<size { for i in 0..<size { kMatrix[i, j] = (i == j ? 1 : 0) - kMatrix[i, j] } }
            let jMatrix = lambda.times(yB)
            let n2 = kMatrix.multiplied(by: nMatrix, transposeSelf: true)
            s1 = s1 + lambdaTB.multiplied(by: yB, transposeSelf: true)
            let jtb = jMatrix.multiplied(by: b, transposeSelf: true)
            s2 = s2 + jtb + jtb.transposed - jMatrix.multiplied(by: a.multiplied(by: jMatrix), transposeSelf: true)
            let jtn = jMatrix.multiplied(by: nMatrix, transposeSelf: true)
            s3 = s3 + jtn + jtn.transposed - jMatrix.multiplied(by: mMatrix.multiplied(by: jMatrix), transposeSelf: true)
            traceC2 += cInverse.storage.reduce(0) { $0 + $1 * $1 }

            // D_r N, and M D_r N.
            let dn: [Matrix] = parameters.map { pairs in
                var out = Matrix(rows: size, columns: p)
                for (left, right) in pairs {
                    for (x, z) in zip(left, right) { for col in 0..<p { out[x, col] += nMatrix[z, col] } }
                }
                return out
            }
            let mdn = dn.map { mMatrix.multiplied(by: $0) }
            for i in parameters.indices {
                pn[i] = pn[i] + nMatrix.multiplied(by: dn[i], transposeSelf: true)
                for j in i..<parameters.count {
                    qn[i][j] = qn[i][j] + dn[i].multiplied(by: mdn[j], transposeSelf: true)
                    // tr(S_a S_bᵀ M S_c S_dᵀ M) = Σ_l Σ_m M[b_l, c_m] M[d_m, a_l].
                    var trace = 0.0
                    for (sa, sb) in parameters[i] {
                        for (sc, sd) in parameters[j] {
                            for (al, bl) in zip(sa, sb) { for (cm, dm) in zip(sc, sd) { trace += mMatrix[bl, cm] * mMatrix[dm, al] } }
                        }
                    }
                    t[i][j] += trace
                }
                qn2[i] = qn2[i] + dn[i].multiplied(by: n2, transposeSelf: true)
                // tr(S_a S_bᵀ KᵀM) = Σ_l (KᵀM)[b_l, a_l].
                var trace = 0.0
                for (sa, sb) in parameters[i] {
                    for (al, bl) in zip(sa, sb) { for row in 0..<size { trace += kMatrix[row, bl] * mMatrix[row, al] } }
                }
                t2[i] += trace
            }
        }
    }

    /// Λ: block diagonal, one lower-triangular q × q λ (column-major) per level of each factor, so products with it
    /// cost O(Q²q) instead of a dense product's O(Q³).
    struct RelativeFactor {
        let blocks: [(offset: Int, q: Int, lambda: [Double])]

        /// Λᵀx.
        func transposeTimes(_ x: Matrix) -> Matrix { apply(x, transposed: true) }

        /// Λx.
        func times(_ x: Matrix) -> Matrix { apply(x, transposed: false) }

        /// Λx or Λᵀx, block by block: row d of λ uses entries 0…d, row d of λᵀ entries d..<q.
        private func apply(_ x: Matrix, transposed: Bool) -> Matrix {
            var out = Matrix(rows: x.rows, columns: x.columns)
            for (offset, q, l) in blocks {
                for column in 0..<x.columns {
                    let base = column * x.rows + offset
                    for d in 0..<q {
                        var v = 0.0
                        for e in (transposed ? d..<q : 0..<(d + 1)) {
                            v += (transposed ? l[d * q + e] : l[e * q + d]) * x.storage[base + e]
                        }
                        out.storage[base + d] = v
                    }
                }
            }
            return out
        }

        /// xΛ.
        func rightTimes(_ x: Matrix) -> Matrix {
            var out = Matrix(rows: x.rows, columns: x.columns)
            for (offset, q, l) in blocks {
                for c in 0..<q {
                    for e in c..<q {
                        let f = l[c * q + e]
                        if f == 0 { continue }
                        let source = (offset + e) * x.rows
                        let target = (offset + c) * x.rows
                        for row in 0..<x.rows { out.storage[target + row] += x.storage[source + row] * f }
                    }
                }
            }
            return out
        }
    }
}
