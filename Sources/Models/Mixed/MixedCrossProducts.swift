import LinearAlgebra

/// The sparse part of a cross-product between a later random-effects block k and the first block:
/// for each level i of the first block, the levels j of block k that share rows with it and the
/// q_k × q_0 block Σ z_k z_0ᵀ over those rows (column-major). Nested factors have one entry per level.
struct SparseBlockColumn: Sendable {
    /// Entries of level i are `offsets[i]..<offsets[i + 1]`.
    var offsets: [Int]
    var partners: [Int32]
    var values: [Double]
    let entrySize: Int
}

/// The cross-products of [Z X y] that the profiled deviance needs, formed once from the rows (lme4's and
/// MixedModels.jl's `A` blocks), so that each evaluation of the objective costs nothing in the number of
/// rows. Block 0 (the factor with most levels) keeps only its diagonal q × q blocks; later blocks are dense
/// (their parts of the factor fill in), their cross-products with block 0 sparse.
struct MixedCrossProducts: Sendable {
    let rows: Int
    /// Fixed-effects columns; the X block holds them and y, p + 1 columns.
    let p: Int
    /// Per level of block 0, q₀ × q₀ (column-major).
    var diagonal0: [Double]
    /// sparse[k − 1]: block k against block 0, for k ≥ 1.
    var sparse: [SparseBlockColumn]
    /// dense[k][j] for 1 ≤ j ≤ k: width_k × width_j, column-major (empty arrays where j = 0 or j > k).
    var dense: [[[Double]]]
    /// xz[k]: (p + 1) × width_k, [X y]ᵀ Z_k, column-major with leading dimension p + 1.
    var xz: [[Double]]
    /// [X y]ᵀ[X y], (p + 1) × (p + 1), lower triangle.
    var xx: [Double]

    /// The largest number of doubles the dense blocks may hold (about 1.6 GB), past which crossed factors with
    /// very many levels are refused instead of exhausting memory.
    static let denseLimit = 200_000_000

    /// The outcome column is y − X·`shift` (the least-squares residual, formed row by row in the pass below); `keptGram`
    /// is XᵀX of the kept columns, (p + 1)² with the kept columns' lower triangle filled (entry (i, j), i ≤ j, at
    /// i · (p + 1) + j), already formed by the pass that chose them, so only the outcome's products are summed here.
    init(structure: RandomEffectsStructure, design: DesignMatrix, keptColumns: [Int], outcome y: [Double], shift: [Double],
         keptGram: [Double]) throws(ModelError) {
        let n = y.count
        let blocks = structure.blocks
        let k = blocks.count
        let p = keptColumns.count
        let m = p + 1
        rows = n
        self.p = p
        var denseCount = 0
        for a in 1..<max(k, 1) { for b in 1...a { denseCount += blocks[a].width * blocks[b].width } }
        guard denseCount <= MixedCrossProducts.denseLimit else {
            throw .randomEffectsTooLarge(detail: "the crossed grouping factors \(blocks.dropFirst().map(\.group).joined(separator: ", ")) have too many "
                                         + "levels to factor (\(denseCount) dense entries); nest them, or fit fewer crossed levels")
        }

        // Block 0's diagonal blocks and the dense blocks among later factors.
        let first = blocks[0]
        let q0 = first.q
        var diagonal0 = [Double](repeating: 0, count: first.levelCount * q0 * q0)
        var dense = [[[Double]]](repeating: [], count: k)
        for a in 1..<max(k, 1) {
            dense[a] = [[Double]](repeating: [], count: a + 1)
            for b in 1...a { dense[a][b] = [Double](repeating: 0, count: blocks[a].width * blocks[b].width) }
        }
        for r in 0..<n {
            let i = Int(first.codes[r])
            for c in 0..<q0 { for d in 0..<q0 { diagonal0[i * q0 * q0 + c * q0 + d] += first.z[d * n + r] * first.z[c * n + r] } }
            for a in 1..<max(k, 1) {
                let ba = blocks[a]
                let ia = Int(ba.codes[r])
                for b in 1...a {
                    let bb = blocks[b]
                    let ib = Int(bb.codes[r])
                    let ld = ba.width
                    for c in 0..<bb.q {
                        let zc = bb.z[c * n + r]
                        let column = (ib * bb.q + c) * ld + ia * ba.q
                        for d in 0..<ba.q { dense[a][b][column + d] += ba.z[d * n + r] * zc }
                    }
                }
            }
        }
        self.diagonal0 = diagonal0
        self.dense = dense

        // Later blocks against block 0, level by level of block 0 (partners in order of first appearance).
        let byLevel = GroupingRows(codes: first.codes, levels: first.levelCount)
        var sparse: [SparseBlockColumn] = []
        for a in 1..<max(k, 1) {
            let ba = blocks[a]
            let size = ba.q * q0
            var offsets = [0]
            var partners: [Int32] = []
            var values: [Double] = []
            var slot = [Int](repeating: -1, count: ba.levelCount)
            for i in 0..<first.levelCount {
                let start = partners.count
                for r in byLevel.rows(of: i) {
                    let j = Int(ba.codes[r])
                    var s = slot[j]
                    if s < 0 {
                        s = partners.count
                        slot[j] = s
                        partners.append(Int32(j))
                        values.append(contentsOf: repeatElement(0, count: size))
                    }
                    for c in 0..<q0 {
                        let zc = first.z[c * n + r]
                        for d in 0..<ba.q { values[s * size + c * ba.q + d] += ba.z[d * n + r] * zc }
                    }
                }
                for e in start..<partners.count { slot[Int(partners[e])] = -1 }
                offsets.append(partners.count)
            }
            sparse.append(SparseBlockColumn(offsets: offsets, partners: partners, values: values, entrySize: size))
        }
        self.sparse = sparse

        // [X r] streamed in chunks, r = y − X·shift row by row: Xᵀr and rᵀr (XᵀX is given), and the products with each Z
        // block row by row. Large data run on two fixed row halves (`RowParts`), each into its own sums, added in half
        // order: the same bytes on one core or two, and below the split the one-part sums unchanged.
        let parts = RowParts(rows: n)
        let partCount = parts.ranges.count
        let widths = blocks.map { m * $0.width }
        var partXX = [Double](repeating: 0, count: partCount * m * m)
        var partXZ = (0..<partCount).map { _ in widths.map { [Double](repeating: 0, count: $0) } }
        let chunk = 4096
        partXX.withUnsafeMutableBufferPointer { xxP in
            let xxBase = xxP.baseAddress!
            // Each part's xz arrays as raw pointers (each part writes only its own).
            var pointers: [[UnsafeMutablePointer<Double>]] = []
            for part in 0..<partCount {
                pointers.append(widths.map { UnsafeMutablePointer<Double>.allocate(capacity: max($0, 1)) })
                for (a, w) in widths.enumerated() { pointers[part][a].initialize(repeating: 0, count: max(w, 1)) }
            }
            defer {
                for part in 0..<partCount {
                    for (a, w) in widths.enumerated() {
                        partXZ[part][a] = Array(UnsafeBufferPointer(start: pointers[part][a], count: w))
                        pointers[part][a].deallocate()
                    }
                }
            }
            let shared = pointers
            parts.run { part, range in
                var buffer = [Double](repeating: 0, count: chunk * m)
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(range.upperBound, start + chunk)
                    let rowsInChunk = end - start
                    buffer.withUnsafeMutableBufferPointer { bp in
                        guard let base = bp.baseAddress else { return }
                        design.fill(start..<end, columns: keptColumns, into: base, leadingDimension: chunk)
                        let r = base + p * chunk
                        for t in 0..<rowsInChunk { r[t] = y[start + t] }
                        for (c, b) in shift.enumerated() { for t in 0..<rowsInChunk { r[t] -= base[c * chunk + t] * b } }
                        let sums = xxBase + part * m * m
                        for c in 0..<m {
                            let column = base + c * chunk
                            var s = 0.0
                            for t in 0..<rowsInChunk { s += column[t] * r[t] }
                            sums[c * m + p] += s
                        }
                        for a in 0..<k {
                            let ba = blocks[a]
                            let xp = shared[part][a]
                            for t in 0..<rowsInChunk {
                                let r = start + t
                                let level = Int(ba.codes[r])
                                for c in 0..<ba.q {
                                    let zc = ba.z[c * n + r]
                                    if zc == 0 { continue }
                                    let column = (level * ba.q + c) * m
                                    for d in 0..<m { xp[column + d] += base[d * chunk + t] * zc }
                                }
                            }
                        }
                    }
                    start = end
                }
            }
        }
        var xx = keptGram
        var xz = widths.map { [Double](repeating: 0, count: $0) }
        for c in 0..<m { xx[c * m + p] = 0 }
        for part in 0..<partCount {
            for c in 0..<m { xx[c * m + p] += partXX[part * m * m + c * m + p] }
            for a in 0..<k { for e in 0..<widths[a] { xz[a][e] += partXZ[part][a][e] } }
        }
        self.xz = xz
        self.xx = xx
    }
}

/// Rows of each level of a factor, in row order, in two flat arrays (no array per level).
struct GroupingRows: Sendable {
    let offsets: [Int]
    let indices: [Int]

    init(codes: [Int32], levels: Int) {
        var counts = [Int](repeating: 0, count: levels + 1)
        for c in codes { counts[Int(c) + 1] += 1 }
        for i in 0..<levels { counts[i + 1] += counts[i] }
        var next = counts
        var indices = [Int](repeating: 0, count: codes.count)
        for (r, c) in codes.enumerated() {
            indices[next[Int(c)]] = r
            next[Int(c)] += 1
        }
        self.offsets = counts
        self.indices = indices
    }

    func rows(of level: Int) -> ArraySlice<Int> { indices[offsets[level]..<offsets[level + 1]] }
}
