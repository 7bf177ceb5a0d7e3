import Foundation
import LinearAlgebra

extension PenalizedIRLS {
    /// One pass over the rows at (u, β): the penalized deviance, and the blocks of the next Newton step:
    /// G_j = Σ W z zᵀ, h_j = Σ W z ζ, and for the joint pass C_j = Σ W z xᵀ, XᵀWX, XᵀWζ, where ζ is the working
    /// response without the offset (with Xβ only for the joint pass).
    struct Pass {
        var penalizedDeviance: Double
        /// Σ prior weight · unit deviance (the penalized deviance without ‖u‖²).
        var deviance: Double
        /// G_j level-major, [j q² + a q + e] for e ≥ a.
        var g: [Double]
        var h: [Double]
        /// C_j as [(j q + a) p + k].
        var c: [Double]
        /// XᵀWX upper, [k p + l] for l ≥ k.
        var xwx: [Double]
        var xwz: [Double]
        var mu: [Double]
    }

    /// Rows per block of √w·[X ζ] handed to dsyrk. Fixed, so the order of every sum depends on n only.
    static let passBlockRows = 256

    /// The rows' arrays as pointers for the per-row loops (no bounds checks; every index is a row < n or a column
    /// of a level < levels, both fixed at init).
    struct RowPointers: @unchecked Sendable {
        let y: UnsafePointer<Double>
        let weights: UnsafePointer<Double>
        let offset: UnsafePointer<Double>
        let x: UnsafePointer<Double>
        let z: UnsafePointer<Double>
        let codes: UnsafePointer<Int32>
    }

    func withRowPointers<R>(_ body: (RowPointers) -> R) -> R {
        // An empty X (p = 0) has no base address; its pointer is never read then.
        let placeholder = [0.0]
        return placeholder.withUnsafeBufferPointer { one in
            y.withUnsafeBufferPointer { yp in
                weights.withUnsafeBufferPointer { wp in
                    offset.withUnsafeBufferPointer { op in
                        x.withUnsafeBufferPointer { xp in
                            z.withUnsafeBufferPointer { zp in
                                codes.withUnsafeBufferPointer { cp in
                                    body(RowPointers(y: yp.baseAddress ?? one.baseAddress!, weights: wp.baseAddress ?? one.baseAddress!,
                                                     offset: op.baseAddress ?? one.baseAddress!, x: xp.baseAddress ?? one.baseAddress!,
                                                     z: zp.baseAddress ?? one.baseAddress!,
                                                     codes: cp.baseAddress ?? UnsafePointer(bitPattern: 1)!))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The pass at modes `uu` and fixed predictor `fixed` (Xβ + offset). `fromStart`: `fixed` is the starting η
    /// (glm's mustart), with no random part. Row halves for large n (RowParts: a split fixed by n, the parts' sums
    /// added in order), and within a part fixed blocks of rows whose √w·[X ζ] goes through dsyrk for XᵀWX and XᵀWζ
    /// (the joint pass's p²/2 products per row), so the same bytes on any number of cores.
    func pass(u uu: [Double], fixed: [Double], joint: Bool, fromStart: Bool = false) -> Pass {
        let b = fromStart ? [Double](repeating: 0, count: levels * q) : effects(uu)
        let withFixed = joint || fromStart
        let parts = RowParts(rows: n)
        let sums = PartSums(count: parts.ranges.count)
        var muOut = [Double](repeating: 0, count: n)
        let q = self.q, p = self.p, n = self.n, levels = self.levels, family = self.family
        let blockRows = Self.passBlockRows, width = p + 1
        withRowPointers { rows in
            fixed.withUnsafeBufferPointer { fixedP in
                b.withUnsafeBufferPointer { bP in
                    muOut.withUnsafeMutableBufferPointer { muP in
                        let out = SharedPointers(muP.baseAddress!, muP.baseAddress!)
                        let fx = fixedP.baseAddress!, effects = bP.baseAddress!
                        parts.run { part, range in
                            var g = [Double](repeating: 0, count: levels * q * q)
                            var h = [Double](repeating: 0, count: levels * q)
                            var c = [Double](repeating: 0, count: joint ? levels * q * p : 0)
                            var gram = [Double](repeating: 0, count: joint ? width * width : 0)
                            var block = [Double](repeating: 0, count: joint ? blockRows * width : 0)
                            var rowWeights = [Double](repeating: 0, count: joint ? 2 * blockRows : 0)
                            var deviance = 0.0
                            g.withUnsafeMutableBufferPointer { gB in
                            h.withUnsafeMutableBufferPointer { hB in
                            c.withUnsafeMutableBufferPointer { cB in
                            gram.withUnsafeMutableBufferPointer { gramB in
                            block.withUnsafeMutableBufferPointer { blockB in
                            rowWeights.withUnsafeMutableBufferPointer { wB in
                                let gp = gB.baseAddress!, hp = hB.baseAddress!
                                var start = range.lowerBound
                                while start < range.upperBound {
                                    let end = min(start + blockRows, range.upperBound)
                                    for i in start..<end {
                                        let j = Int(rows.codes[i])
                                        var random = 0.0
                                        for a in 0..<q { random += rows.z[a * n + i] * effects[j * q + a] }
                                        let eta = fx[i] + random
                                        let (m, d) = family.meanAndDerivative(eta)
                                        out.first[i] = m
                                        let wt = rows.weights[i], yi = rows.y[i]
                                        deviance += wt > 0 ? wt * family.deviance(yi, m) : 0
                                        let w = wt * d * d / family.variance(m)
                                        let r = (yi - m) / d
                                        // ζ: the working response minus the offset, without (u-only) or with (joint) the fixed part.
                                        let zeta = (withFixed ? fx[i] - rows.offset[i] : 0) + random + r
                                        let g0 = j * q * q
                                        for a in 0..<q {
                                            let wz = w * rows.z[a * n + i]
                                            hp[j * q + a] += wz * zeta
                                            for e in a..<q { gp[g0 + a * q + e] += wz * rows.z[e * n + i] }
                                        }
                                        if joint {
                                            let s = w.squareRoot()
                                            wB[i - start] = w
                                            wB[blockRows + i - start] = s
                                            blockB[p * blockRows + i - start] = s * zeta
                                        }
                                    }
                                    if joint {
                                        // wts: w of the block's rows, then √w.
                                        let count = end - start, blk = blockB.baseAddress!, wts = wB.baseAddress!, roots = wts + blockRows
                                        let cp = cB.baseAddress
                                        for k in 0..<p {
                                            let column = rows.x + k * n + start, dst = blk + k * blockRows
                                            for r in 0..<count { dst[r] = column[r] * roots[r] }
                                            // C_j += w x_k z (row order within the part, as the sums above).
                                            if let cp {
                                                for r in 0..<count {
                                                    let i = start + r, j = Int(rows.codes[i])
                                                    let wx = wts[r] * column[r]
                                                    for a in 0..<q { cp[(j * q + a) * p + k] += wx * rows.z[a * n + i] }
                                                }
                                            }
                                        }
                                        BlockKernels.addGram(blk, rows: count, columns: width, leadingDimension: blockRows,
                                                             into: gramB.baseAddress!)
                                    }
                                    start = end
                                }
                            }}}}}}
                            var xwx = [Double](repeating: 0, count: joint ? p * p : 0)
                            var xwz = [Double](repeating: 0, count: joint ? p : 0)
                            if joint {
                                for k in 0..<p {
                                    for l in k..<p { xwx[k * p + l] = gram[k + l * width] }
                                    xwz[k] = gram[k + p * width]
                                }
                            }
                            sums.store(part, [[deviance], g, h, c, xwx, xwz])
                        }
                    }
                }
            }
        }
        var total = sums.take(0)
        for part in parts.ranges.indices.dropFirst() {
            let next = sums.take(part)
            for a in total.indices { for e in total[a].indices { total[a][e] += next[a][e] } }
        }
        var squared = 0.0
        for v in uu { squared += v * v }
        return Pass(penalizedDeviance: total[0][0] + squared, deviance: total[0][0], g: total[1], h: total[2], c: total[3], xwx: total[4], xwz: total[5], mu: muOut)
    }
}
