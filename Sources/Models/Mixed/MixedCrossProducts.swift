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

    /// From one streamed pass (`RowPass`) over all design columns and r = y − X·shift: `kept` picks X's columns (the
    /// pass's column `r` is the outcome), so [X r]ᵀ[X r] and Zᵀ[X r] are the pass's entries for those columns.
    init(structure: RandomEffectsStructure, pass: RowPass, keptColumns kept: [Int]) throws(ModelError) {
        let n = pass.rows
        let blocks = structure.blocks
        let k = blocks.count
        let p = kept.count
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
        // Each block's z, the ones of a lone random intercept made here: only the loops below for several blocks or a
        // vector block read z row by row.
        let zs = k == 1 && q0 == 1 ? [] : blocks.map { $0.zValues() }
        if k == 1 && q0 == 1 {
            // One scalar block (a random intercept or a single slope): Σ z² per level, the same sums as below (a random
            // intercept's z² is 1 exactly, so its sums are the level counts, added one at a time in row order as before).
            first.codes.withUnsafeBufferPointer { codes in
                first.z.withUnsafeBufferPointer { z in
                    diagonal0.withUnsafeMutableBufferPointer { d in
                        if first.isIntercept, let j = pass.interceptColumn {
                            // The intercept column's sums per level in the pass: sums of ones, so the same exact counts,
                            // without another pass over a million codes on one thread.
                            pass.xz[0].withUnsafeBufferPointer { sums in
                                for i in 0..<first.levelCount { d[i] = sums[i * pass.columns + j] }
                            }
                        } else if first.isIntercept {
                            for r in 0..<n { d[Int(codes[r])] += 1 }
                        } else {
                            for r in 0..<n { d[Int(codes[r])] += z[r] * z[r] }
                        }
                    }
                }
            }
        } else {
            for r in 0..<n {
                let i = Int(first.codes[r])
                for c in 0..<q0 { for d in 0..<q0 { diagonal0[i * q0 * q0 + c * q0 + d] += zs[0][d * n + r] * zs[0][c * n + r] } }
                for a in 1..<max(k, 1) {
                    let ba = blocks[a]
                    let ia = Int(ba.codes[r])
                    for b in 1...a {
                        let bb = blocks[b]
                        let ib = Int(bb.codes[r])
                        let ld = ba.width
                        for c in 0..<bb.q {
                            let zc = zs[b][c * n + r]
                            let column = (ib * bb.q + c) * ld + ia * ba.q
                            for d in 0..<ba.q { dense[a][b][column + d] += zs[a][d * n + r] * zc }
                        }
                    }
                }
            }
        }
        self.diagonal0 = diagonal0
        self.dense = dense

        // Later blocks against block 0, level by level of block 0 (partners in order of first appearance).
        var sparse: [SparseBlockColumn] = []
        if k > 1 {
            let byLevel = GroupingRows(codes: first.codes, levels: first.levelCount)
            for a in 1..<k {
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
                            let zc = zs[0][c * n + r]
                            for d in 0..<ba.q { values[s * size + c * ba.q + d] += zs[a][d * n + r] * zc }
                        }
                    }
                    for e in start..<partners.count { slot[Int(partners[e])] = -1 }
                    offsets.append(partners.count)
                }
                sparse.append(SparseBlockColumn(offsets: offsets, partners: partners, values: values, entrySize: size))
            }
        }
        self.sparse = sparse

        // The kept columns' and r's entries of the pass (lower triangle: entry (i, j), i ≤ j, at i · width + j).
        let all = pass.columns
        let chosen = kept + [all - 1]
        var xx = [Double](repeating: 0, count: m * m)
        for (a, i) in chosen.enumerated() {
            for (b, j) in chosen.enumerated() where b >= a { xx[a * m + b] = pass.gram[min(i, j) * all + max(i, j)] }
        }
        self.xx = xx
        xz = (0..<k).map { a in
            let width = blocks[a].width
            var out = [Double](repeating: 0, count: m * width)
            pass.xz[a].withUnsafeBufferPointer { from in
                for column in 0..<width { for (e, j) in chosen.enumerated() { out[column * m + e] = from[column * all + j] } }
            }
            return out
        }
    }

    /// One pass over the rows, streamed in chunks: every design column and r = y − X·shift (the columns `shiftColumns`
    /// times `shift`, subtracted row by row in that order), and from them [X r]ᵀ[X r] and each block's Zᵀ[X r]. Large
    /// data run on two fixed row halves (`RowParts`), each into its own sums, added in half order: the same bytes on one
    /// core or two. The Gram entries are summed in four lanes (`BlockKernels.addGramLowerInLanes`, and
    /// `addCrossInLanes` for the intercept and indicator columns against the others: the same sums), except those between
    /// two intercept or indicator columns, whose products are 0 or 1: their sums are the counts of rows where both are 1,
    /// counted (21 of LMM a's 153 entries, with the tiles' dropped entries beside them). The products with Z in row order.
    struct RowPass: Sendable {
        let rows: Int
        /// Design columns plus r.
        let columns: Int
        /// (columns)², lower triangle: entry (i, j), i ≤ j, at i · columns + j.
        let gram: [Double]
        /// xz[k]: columns × width_k, column-major (leading dimension `columns`).
        let xz: [[Double]]
        /// The design's intercept column, if any: its sums per level of a random intercept are the level counts.
        let interceptColumn: Int?

        init(structure: RandomEffectsStructure, design: DesignMatrix, outcome y: [Double], shiftColumns: [Int], shift: [Double]) {
            let n = y.count
            let blocks = structure.blocks
            let p = design.columns
            let m = p + 1
            rows = n
            columns = m
            let widths = blocks.map { m * $0.width }
            // Columns of Z that are all 1 (random intercepts), whose products need no multiplication.
            let unit = blocks.map(\.unitColumns)
            let parts = RowParts(rows: n)
            let partCount = parts.ranges.count
            var grams = [Double](repeating: 0, count: partCount * m * m)
            // Each part's xz arrays as raw pointers (each part writes only its own).
            var pointers: [[UnsafeMutablePointer<Double>]] = []
            for _ in 0..<partCount {
                pointers.append(widths.map { w in
                    let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(w, 1))
                    pointer.initialize(repeating: 0, count: max(w, 1))
                    return pointer
                })
            }
            defer { for part in pointers { for pointer in part { pointer.deallocate() } } }
            let shared = pointers
            let chunk = 4096
            // The chunk's columns one cache line more than 4,096 rows apart: at a multiple of 4 KiB the columns read side by
            // side (a row's m values for Z, a tile's six columns for the Gram) all fall in the same cache sets.
            let ld = chunk + 8
            // Numeric columns are read where the frame holds them; only the others (intercept, indicators, products) and r
            // are written into the chunk buffer. Copying them in was ≈ 9 ms of a million-row pass (memmove).
            design.withStoredColumns { stored in design.withIndicatorColumns { indicators in
                let filled = (0..<p).filter { stored[$0] == nil }
                // The intercept and indicator columns (1 or 0 in every row), whose products with each other are counts of
                // rows, and the others with r, whose products the tiles form.
                let simple = (0..<p).filter { design.isIntercept($0) || indicators[$0] != nil }
                let general = (0..<m).filter { !simple.contains($0) }
                let g = general.count, s = simple.count
                grams.withUnsafeMutableBufferPointer { gp in
                    let gramBase = gp.baseAddress!
                    parts.run { part, range in
                        var buffer = [Double](repeating: 0, count: ld * (filled.count + 1))
                        // Each part's sums of the general columns' products (g × g, lower) and of the simple columns' with
                        // them (s × g): each entry formed chunk by chunk and added from 0, as in the part's Gram.
                        var generalSums = [Double](repeating: 0, count: g * g)
                        var crossSums = [Double](repeating: 0, count: max(s * g, 1))
                        // Where each column of the chunk's [X r] starts, and the general and simple columns among them.
                        let columns = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: m)
                        let generalColumns = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: g)
                        let simpleColumns = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: max(s, 1))
                        defer { columns.deallocate(); generalColumns.deallocate(); simpleColumns.deallocate() }
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let end = min(range.upperBound, start + chunk)
                            let count = end - start
                            buffer.withUnsafeMutableBufferPointer { bp in
                                guard let base = bp.baseAddress else { return }
                                design.fill(start..<end, columns: filled, into: base, leadingDimension: ld)
                                for (k, j) in filled.enumerated() { columns[j] = UnsafePointer(base + k * ld) }
                                for j in 0..<p { if let x = stored[j] { columns[j] = x + start } }
                                let r = base + filled.count * ld
                                columns[p] = UnsafePointer(r)
                                for t in 0..<count { r[t] = y[start + t] }
                                for (c, b) in zip(shiftColumns, shift) {
                                    let column = columns[c]
                                    for t in 0..<count { r[t] -= column[t] * b }
                                }
                                for (e, j) in general.enumerated() { generalColumns[e] = columns[j] }
                                for (e, j) in simple.enumerated() { simpleColumns[e] = columns[j] }
                                generalSums.withUnsafeMutableBufferPointer { sums in
                                    BlockKernels.addGramLowerInLanes(columns: generalColumns, rows: count, count: g,
                                                                    into: sums.baseAddress!, leadingDimension: g)
                                }
                                crossSums.withUnsafeMutableBufferPointer { sums in
                                    BlockKernels.addCrossInLanes(simpleColumns, count: s, generalColumns, count: g, rows: count,
                                                                into: sums.baseAddress!, leadingDimension: g)
                                }
                                for (a, block) in blocks.enumerated() {
                                    MixedCrossProducts.addBlockProducts(block, unit: unit[a], rows: start..<end, columns: columns,
                                                                        count: m, into: shared[part][a])
                                }
                            }
                            start = end
                        }
                        // The part's Gram: its entries as formed above, and the simple columns' products as row counts.
                        let out = gramBase + part * m * m
                        for a in 0..<g { for b in a..<g { out[general[a] * m + general[b]] = generalSums[a * g + b] } }
                        let counts = MixedCrossProducts.simpleCounts(simple.map { indicators[$0] }, in: range)
                        for a in 0..<s {
                            for b in 0..<g {
                                let i = simple[a], j = general[b]
                                out[min(i, j) * m + max(i, j)] = crossSums[a * g + b]
                            }
                            for b in a..<s { out[simple[a] * m + simple[b]] = Double(counts[a * s + b]) }
                        }
                    }
                }
            } }
            var gram = [Double](repeating: 0, count: m * m)
            for part in 0..<partCount { for e in 0..<(m * m) { gram[e] += grams[part * m * m + e] } }
            var xz = widths.map { [Double](repeating: 0, count: $0) }
            // Each part's sums from `addBlockProducts`' layout (column d of [X r] at d · width) into xz's (column of Z at · m).
            for part in 0..<partCount {
                for a in blocks.indices {
                    let width = blocks[a].width
                    for column in 0..<width { for d in 0..<m { xz[a][column * m + d] += pointers[part][a][d * width + column] } }
                }
            }
            self.gram = gram
            self.xz = xz
            interceptColumn = (0..<p).first { design.isIntercept($0) }
        }
    }

    /// The Gram entries among the intercept and indicator columns `simple` (each nil for the intercept, 1 in every row, or
    /// the codes and level of an indicator, 1 where the codes equal it) over the rows `range`: their products are 0 or 1, so
    /// each entry is the count of rows where both are 1, which the tiles' sums of those products were exactly. Entry (a, b),
    /// a ≤ b, at a · count + b. One pass per indicator and one per pair from different variables (same variable, different
    /// levels: no row), each pass branch-free so that it vectorises.
    static func simpleCounts(_ simple: [(codes: UnsafePointer<Int32>, code: Int32)?], in range: Range<Int>) -> [Int] {
        let s = simple.count
        let lower = range.lowerBound, n = range.count
        @inline(__always) func equal(_ c: Int32, _ code: Int32) -> Int {
            let d = UInt32(bitPattern: c ^ code)
            return Int((d | (0 &- d)) >> 31) ^ 1
        }
        let own = simple.map { column -> Int in
            guard let (codes, code) = column else { return n }
            let p = codes + lower
            var count = 0
            for t in 0..<n { count &+= equal(p[t], code) }
            return count
        }
        var out = [Int](repeating: 0, count: s * s)
        for a in 0..<s {
            for b in a..<s {
                switch (simple[a], simple[b]) {
                case (nil, _): out[a * s + b] = own[b]
                case (_, nil): out[a * s + b] = own[a]
                case (let one?, let other?):
                    if a == b {
                        out[a * s + b] = own[a]
                    } else if one.codes == other.codes {
                        out[a * s + b] = one.code == other.code ? own[a] : 0
                    } else {
                        let p = one.codes + lower, q = other.codes + lower
                        var count = 0
                        for t in 0..<n { count &+= equal(p[t], one.code) & equal(q[t], other.code) }
                        out[a * s + b] = count
                    }
                }
            }
        }
        return out
    }

    /// Zᵀ[X r] of one block over a chunk of rows (column d of [X r] at `columns[d]`), column by column of [X r] into sums
    /// laid out the same way (`out[d · width + column of Z]`, transposed to `xz`'s layout once per pass): a column's sums over the levels lie together (8 KB for a
    /// thousand levels, in L1), the column and the codes are read in order, four columns per read of the codes. Each entry is
    /// still summed in row order, from 0, so the sums are those of the row-by-row loop it replaced, whose level-major sums
    /// took a cache line per value and its column reads a stride each (≈ 20 ms of a million-row, 17-column pass). A random
    /// intercept's z is 1: its products are the column's sums per level, and the multiplication is skipped (x · 1 is x
    /// exactly, so the bytes are the same).
    static func addBlockProducts(_ block: RandomEffectsBlock, unit: [Bool], rows range: Range<Int>,
                                 columns: UnsafePointer<UnsafePointer<Double>>, count m: Int, into out: UnsafeMutablePointer<Double>) {
        let n = block.rows
        let q = block.q
        let width = block.width
        let lower = range.lowerBound
        let count = range.count
        block.codes.withUnsafeBufferPointer { codes in
            block.z.withUnsafeBufferPointer { z in
                let code = codes.baseAddress! + lower
                for c in 0..<q {
                    let zc: UnsafePointer<Double>? = unit[c] ? nil : z.baseAddress! + c * n + lower
                    var d = 0
                    while d + 4 <= m {
                        let s0 = out + (d &* width &+ c), s1 = s0 + width, s2 = s1 + width, s3 = s2 + width
                        let x0 = columns[d], x1 = columns[d + 1], x2 = columns[d + 2], x3 = columns[d + 3]
                        if let zc {
                            for t in 0..<count {
                                let k = Int(code[t]) &* q
                                let v = zc[t]
                                s0[k] += x0[t] * v; s1[k] += x1[t] * v; s2[k] += x2[t] * v; s3[k] += x3[t] * v
                            }
                        } else {
                            for t in 0..<count {
                                let k = Int(code[t]) &* q
                                s0[k] += x0[t]; s1[k] += x1[t]; s2[k] += x2[t]; s3[k] += x3[t]
                            }
                        }
                        d += 4
                    }
                    while d < m {
                        let s0 = out + (d &* width &+ c)
                        let x0 = columns[d]
                        if let zc {
                            for t in 0..<count { s0[Int(code[t]) &* q] += x0[t] * zc[t] }
                        } else {
                            for t in 0..<count { s0[Int(code[t]) &* q] += x0[t] }
                        }
                        d += 1
                    }
                }
            }
        }
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
