import LinearAlgebra
import Testing

/// `BlockKernels.addGramLowerInLanes` (the mixed model's streamed Gram matrix) against its stated summation order (four lanes),
/// entry by entry and bit for bit, and against the one-chain `addGramLower` within rounding; the upper triangle and
/// the rows past the block are left alone; and `addRowGramLower` (the mixed model's per-level Gram matrix) bit for bit
/// against the one-level-at-a-time loop it replaced.
@Suite("Gram kernels")
struct GramKernelTests {
    /// A deterministic, irregular column-major block with `ld` ≥ n rows of storage (NaN past row n).
    static func block(rows n: Int, columns k: Int, leadingDimension ld: Int) -> [Double] {
        var a = [Double](repeating: .nan, count: max(ld * k, 1))
        for j in 0..<k { for i in 0..<n { a[j * ld + i] = Double((i * 7 + j * 13) % 17) - 8.5 + Double(j) / 3 + Double(i % 5) * 0.1 } }
        return a
    }

    @Test("entries summed in four lanes, then the last rows", arguments: [0, 1, 2, 3, 4, 5, 7, 8, 37], [1, 2, 3, 4, 5, 7, 9])
    func fourLanes(rows n: Int, columns k: Int) {
        let ld = n + 3
        let a = Self.block(rows: n, columns: k, leadingDimension: ld)
        var paired = [Double](repeating: 0.5, count: k * k)
        var plain = paired
        a.withUnsafeBufferPointer { ap in
            BlockKernels.addGramLowerInLanes(ap.baseAddress!, rows: n, columns: k, leadingDimension: ld, into: &paired, leadingDimension: k)
            BlockKernels.addGramLower(ap.baseAddress!, rows: n, columns: k, leadingDimension: ld, into: &plain, leadingDimension: k)
        }
        for j in 0..<k {
            for i in 0..<k {
                guard i >= j else {
                    #expect(paired[j * k + i] == 0.5, "upper entry (\(i), \(j)) written")
                    continue
                }
                var lane = [0.0, 0.0, 0.0, 0.0]
                var r = 0
                while r + 3 < n {
                    for l in 0..<4 { lane[l] += a[i * ld + r + l] * a[j * ld + r + l] }
                    r += 4
                }
                var v = (lane[0] + lane[1]) + (lane[2] + lane[3])
                while r < n { v += a[i * ld + r] * a[j * ld + r]; r += 1 }
                #expect(paired[j * k + i] == 0.5 + v, "entry (\(i), \(j)) of \(n) × \(k)")
                let scale = (0..<n).reduce(1.0) { $0 + abs(a[i * ld + $1] * a[j * ld + $1]) }
                #expect(abs(paired[j * k + i] - plain[j * k + i]) <= 1e-14 * scale, "entry (\(i), \(j)) against one chain")
            }
        }
    }

    @Test("row Gram: each entry in row order, bit for bit the one-level-at-a-time loop", arguments: [0, 1, 2, 5, 33], [1, 3, 4, 5, 7, 8, 17])
    func rowGram(rows n: Int, columns k: Int) {
        // n rows of k values at stride k + 2 (NaN in the gaps: never read), as column-major (k + 2) × n storage.
        let stride = k + 2
        let a = Self.block(rows: k, columns: n, leadingDimension: stride)
        var tiled = [Double](repeating: 0.25, count: k * k)
        var loop = tiled
        a.withUnsafeBufferPointer { ap in
            BlockKernels.addRowGramLower(ap.baseAddress!, rows: n, columns: k, stride: stride, into: &tiled, leadingDimension: k)
        }
        var sums = [Double](repeating: 0, count: k * k)
        for r in 0..<n { for j in 0..<k { for i in j..<k { sums[j * k + i] += a[r * stride + i] * a[r * stride + j] } } }
        for j in 0..<k { for i in j..<k { loop[j * k + i] += sums[j * k + i] } }
        for e in 0..<(k * k) { #expect(tiled[e].bitPattern == loop[e].bitPattern, "entry \(e % k), \(e / k) of \(n) × \(k)") }
    }

    /// `addWeightedRowGram` (the Cox model's Σ w x xᵀ and Σ w x): per block of `weightedRowBlock` rows each entry of the
    /// upper triangle summed over the block's rows in order from 0 (xᵢ · (w xⱼ)), then added to C; the strictly lower
    /// triangle untouched. Bit for bit, for widths below, at and past the kernel's four lanes and its tiles taken in pairs
    /// (an odd tile left over at 4, 5, 12, 13), and row counts across the block boundary.
    @Test("weighted row Gram: each entry per block in row order, bit for bit", arguments: [0, 1, 5, 63, 64, 65, 130], [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 17])
    func weightedRowGram(rows n: Int, columns k: Int) {
        let x = Self.block(rows: k, columns: max(n, 1), leadingDimension: k)
        let w = (0..<max(n, 1)).map { 0.5 + Double(($0 * 5) % 11) / 7 }
        var c = (0..<(k * k)).map { Double($0) / 9 - 1 }
        var s = (0..<k).map { Double($0) * 0.3 }
        var expectedC = c, expectedS = s
        BlockKernels.addWeightedRowGram(x, weights: w, rows: n, columns: k, into: &c, sum: &s)
        let block = BlockKernels.weightedRowBlock
        var lower = 0
        while lower < n {
            let upper = min(lower + block, n)
            for j in 0..<k {
                var sum = 0.0
                for r in lower..<upper { sum += x[r * k + j] * w[r] }
                expectedS[j] += sum
                for i in 0...j {
                    var t = 0.0
                    for r in lower..<upper { t += x[r * k + i] * (x[r * k + j] * w[r]) }
                    expectedC[j * k + i] += t
                }
            }
            lower = upper
        }
        for e in 0..<(k * k) { #expect(c[e].bitPattern == expectedC[e].bitPattern, "entry \(e % k), \(e / k) of \(n) × \(k)") }
        for j in 0..<k { #expect(s[j].bitPattern == expectedS[j].bitPattern, "sum \(j) of \(n) × \(k)") }
    }
}
