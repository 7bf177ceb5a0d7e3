import Foundation
import LinearAlgebra

/// Block 0 of the factor, the part whose cost grows with the first factor's levels (20,000 clients, 500,000 in
/// `track`): per level, L₀ = chol(λ₀ᵀA₀λ₀ + I), L_{X,0} = ([X y]ᵀZ₀λ₀)L₀⁻ᵀ and that level's share of
/// Σ L_{X,0}L_{X,0}ᵀ in one fused pass (the level's numbers stay in registers), q₀ = 1 and 2 written out; then
/// L_{k,0} of the later blocks. Both passes run on the two `LevelHalves`, whose log-determinants and Gram
/// matrices are added in half order.
extension MixedFactor {
    /// The first block at `lambdas[0]`: fills `l0`, `lX[0]`, `lSparse`; returns log det of block 0's diagonal and
    /// Σ_i L_{X,0}[i]L_{X,0}[i]ᵀ (m × m, lower triangle), or nil when a level's block is not positive definite.
    func factorFirstBlock() -> (logDeterminant: Double, gram: [Double])? {
        let blocks = structure.blocks
        let q0 = blocks[0].q
        let m = p + 1
        let halves = LevelHalves(levels: blocks[0].levelCount)
        let parts = halves.ranges.count
        var logs = [Double](repeating: 0, count: parts)
        var failed = [Bool](repeating: false, count: parts)
        var grams = [Double](repeating: 0, count: parts * m * m)
        lambdas[0].withUnsafeBufferPointer { lambdaP in
            products.diagonal0.withUnsafeBufferPointer { aP in
                products.xz[0].withUnsafeBufferPointer { sP in
                    l0.withUnsafeMutableBufferPointer { lP in
                        lX[0].withUnsafeMutableBufferPointer { xP in
                            logs.withUnsafeMutableBufferPointer { logP in
                                failed.withUnsafeMutableBufferPointer { failP in
                                    grams.withUnsafeMutableBufferPointer { gP in
                                        let lambda = lambdaP.baseAddress!, a = aP.baseAddress!, s = sP.baseAddress!
                                        let l = lP.baseAddress!, x = xP.baseAddress!, g = gP.baseAddress!
                                        let logOut = logP.baseAddress!, failOut = failP.baseAddress!
                                        halves.run { part, range in
                                            let gram = g + part * m * m
                                            let result: Double?
                                            switch q0 {
                                            case 1: result = Self.firstBlockQ1(range, m: m, lambda: lambda, a: a, s: s, l: l, x: x, gram: gram)
                                            case 2: result = Self.firstBlockQ2(range, m: m, lambda: lambda, a: a, s: s, l: l, x: x, gram: gram)
                                            default: result = Self.firstBlockGeneral(range, q: q0, m: m, lambda: lambda, a: a, s: s, l: l, x: x, gram: gram)
                                            }
                                            if let result { logOut[part] = result } else { failOut[part] = true }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard !failed.contains(true) else { return nil }
        if blocks.count > 1 { factorLaterAgainstFirst(halves) }
        var gram = [Double](repeating: 0, count: m * m)
        var logDeterminant = 0.0
        for part in 0..<parts {
            logDeterminant += logs[part]
            for e in 0..<(m * m) { gram[e] += grams[part * m * m + e] }
        }
        return (logDeterminant, gram)
    }

    /// L_{k,0} = (λ_kᵀA_{k,0}λ₀)L₀⁻ᵀ entry by entry, each half over its own levels' entries.
    private func factorLaterAgainstFirst(_ halves: LevelHalves) {
        let blocks = structure.blocks
        let q0 = blocks[0].q
        for b in 1..<blocks.count {
            let sparse = products.sparse[b - 1]
            let qb = blocks[b].q
            let size = sparse.entrySize
            lambdas[0].withUnsafeBufferPointer { lambda0P in
                lambdas[b].withUnsafeBufferPointer { lambdaBP in
                    sparse.values.withUnsafeBufferPointer { sP in
                        l0.withUnsafeBufferPointer { lP in
                            lSparse[b - 1].withUnsafeMutableBufferPointer { outP in
                                let lambda0 = lambda0P.baseAddress!, lambdaB = lambdaBP.baseAddress!
                                let s = sP.baseAddress!, l = lP.baseAddress!, out = outP.baseAddress!
                                halves.run { _, range in
                                    var scratch = [Double](repeating: 0, count: qb * q0)
                                    scratch.withUnsafeMutableBufferPointer { tP in
                                        let t = tP.baseAddress!
                                        for i in range {
                                            for e in sparse.offsets[i]..<sparse.offsets[i + 1] {
                                                let at = e * size
                                                SmallBlocks.scale(s + at, rows: qb, columns: q0, leadingDimension: qb, left: lambdaB, right: lambda0,
                                                                  into: out + at, leadingDimension: qb, scratch: t)
                                                SmallBlocks.solveRightTransposed(out + at, rows: qb, leadingDimension: qb, l + i * q0 * q0, q: q0)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds log of a running product of determinants (each ≥ 1: λᵀAλ + I ⪰ I), taking the log only when the product
    /// grows large: one log per many levels instead of one per diagonal entry.
    @inline(__always)
    private static func accumulate(_ determinant: Double, product: inout Double, log sum: inout Double) {
        product *= determinant
        if product > 1e150 {
            sum += log(product)
            product = 1
        }
    }

    /// One scalar random effect per level (a random intercept): the levels' rows of L_{X,0} first, then their Gram
    /// matrix by `BlockKernels.addRowGramLower` (SIMD tiles over the rows, each entry summed in level order: the same
    /// sums as one level at a time).
    private static func firstBlockQ1(_ range: Range<Int>, m: Int, lambda: UnsafePointer<Double>, a: UnsafePointer<Double>,
                                     s: UnsafePointer<Double>, l: UnsafeMutablePointer<Double>, x: UnsafeMutablePointer<Double>,
                                     gram: UnsafeMutablePointer<Double>) -> Double? {
        let t = lambda[0]
        var product = 1.0, sum = 0.0
        for i in range {
            let d = t * a[i] * t + 1
            guard d > 0 else { return nil }
            let root = d.squareRoot()
            l[i] = root
            accumulate(d, product: &product, log: &sum)
            let f = t / root
            let src = s + i * m, out = x + i * m
            for r in 0..<m { out[r] = src[r] * f }
        }
        BlockKernels.addRowGramLower(x + range.lowerBound * m, rows: range.count, columns: m, stride: m, into: gram, leadingDimension: m)
        return sum + log(product)
    }

    /// Two random effects per level (intercept and slope), λ = [λ₀₀ 0; λ₁₀ λ₁₁].
    private static func firstBlockQ2(_ range: Range<Int>, m: Int, lambda: UnsafePointer<Double>, a: UnsafePointer<Double>,
                                     s: UnsafePointer<Double>, l: UnsafeMutablePointer<Double>, x: UnsafeMutablePointer<Double>,
                                     gram: UnsafeMutablePointer<Double>) -> Double? {
        let t00 = lambda[0], t10 = lambda[1], t11 = lambda[3]
        var product = 1.0, sum = 0.0
        for i in range {
            let block = a + 4 * i
            let a00 = block[0], a10 = block[1], a01 = block[2], a11 = block[3]
            // λᵀAλ + I, lower triangle.
            let c0 = a00 * t00 + a01 * t10, c1 = a10 * t00 + a11 * t10
            let m00 = t00 * c0 + t10 * c1 + 1
            let m10 = t11 * c1
            let m11 = t11 * (a11 * t11) + 1
            guard m00 > 0 else { return nil }
            let l00 = m00.squareRoot()
            let l10 = m10 / l00
            let d11 = m11 - l10 * l10
            guard d11 > 0 else { return nil }
            let l11 = d11.squareRoot()
            let out = l + 4 * i
            out[0] = l00; out[1] = l10; out[2] = 0; out[3] = l11
            accumulate(m00 * d11, product: &product, log: &sum)
            // ([X y]ᵀZλ)L⁻ᵀ, column by column.
            let inverse00 = 1 / l00, inverse11 = 1 / l11
            let s0 = s + i * 2 * m, s1 = s0 + m
            let x0 = x + i * 2 * m, x1 = x0 + m
            for r in 0..<m {
                let b0 = (s0[r] * t00 + s1[r] * t10) * inverse00
                x0[r] = b0
                x1[r] = (s1[r] * t11 - b0 * l10) * inverse11
            }
            for c in 0..<m {
                let v0 = x0[c], v1 = x1[c]
                for r in c..<m { gram[c * m + r] += x0[r] * v0 + x1[r] * v1 }
            }
        }
        return sum + log(product)
    }

    /// Any q: SmallBlocks' loops.
    private static func firstBlockGeneral(_ range: Range<Int>, q: Int, m: Int, lambda: UnsafePointer<Double>, a: UnsafePointer<Double>,
                                          s: UnsafePointer<Double>, l: UnsafeMutablePointer<Double>, x: UnsafeMutablePointer<Double>,
                                          gram: UnsafeMutablePointer<Double>) -> Double? {
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(q, m) * q)
        defer { scratch.deallocate() }
        var product = 1.0, sum = 0.0
        for i in range {
            let base = i * q * q
            SmallBlocks.scale(a + base, rows: q, columns: q, leadingDimension: q, left: lambda, right: lambda,
                              into: l + base, leadingDimension: q, scratch: scratch)
            for c in 0..<q { l[base + c * q + c] += 1 }
            guard SmallBlocks.cholesky(l + base, q: q) else { return nil }
            var determinant = 1.0
            for c in 0..<q { determinant *= l[base + c * q + c] * l[base + c * q + c] }
            accumulate(determinant, product: &product, log: &sum)
            let at = i * q * m
            SmallBlocks.scale(s + at, rows: m, columns: q, leadingDimension: m, left: nil, right: lambda,
                              into: x + at, leadingDimension: m, scratch: scratch)
            SmallBlocks.solveRightTransposed(x + at, rows: m, leadingDimension: m, l + base, q: q)
            for c in 0..<q {
                let column = x + at + c * m
                for j in 0..<m {
                    let v = column[j]
                    for r in j..<m { gram[j * m + r] += column[r] * v }
                }
            }
        }
        return sum + log(product)
    }
}
