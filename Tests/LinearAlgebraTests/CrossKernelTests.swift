import LinearAlgebra
import Testing

/// `BlockKernels.addCrossInLanes` (the mixed-model pass's indicator columns against the others) bit for bit against the
/// entries `addGramLowerInLanes` forms for the same two columns, with every row count mod 4 and tile edge; the entries
/// past the block are left alone.
@Suite("Cross-product kernel")
struct CrossKernelTests {
    @Test("each entry the four-lane Gram kernel's, bit for bit", arguments: [0, 1, 2, 3, 8, 37], [(1, 1), (1, 5), (2, 4), (3, 7), (6, 11), (5, 9)])
    func matchesGram(rows n: Int, shape: (Int, Int)) {
        let (ka, kb) = shape
        let k = ka + kb
        let ld = n + 3
        // Columns 0..<ka are A (some 0/1, like indicators, one all ones), the rest B; NaN past row n (never read).
        var x = GramKernelTests.block(rows: n, columns: k, leadingDimension: ld)
        for j in 0..<ka { for i in 0..<n { x[j * ld + i] = j == 0 ? 1 : Double((i * (j + 2)) % 3 == 0 ? 1 : 0) } }
        var gram = [Double](repeating: 0, count: k * k)
        // Each row of C: kb entries from 0, then two that must stay 0.75.
        var cross = (0..<ka).flatMap { _ in [Double](repeating: 0, count: kb) + [0.75, 0.75] }
        x.withUnsafeBufferPointer { xp in
            let base = xp.baseAddress!
            BlockKernels.addGramLowerInLanes(base, rows: n, columns: k, leadingDimension: ld, into: &gram, leadingDimension: k)
            let a = (0..<ka).map { base + $0 * ld }, b = (ka..<k).map { base + $0 * ld }
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    BlockKernels.addCrossInLanes(ap.baseAddress!, count: ka, bp.baseAddress!, count: kb, rows: n,
                                                into: &cross, leadingDimension: kb + 2)
                }
            }
        }
        for i in 0..<ka {
            for j in 0..<kb {
                // Gram entry (row ka + j, column i) at i · k + ka + j, also summed from 0.
                #expect(cross[i * (kb + 2) + j].bitPattern == gram[i * k + ka + j].bitPattern, "entry (\(i), \(j)) of \(n) rows, \(ka) × \(kb)")
            }
            #expect(cross[i * (kb + 2) + kb] == 0.75 && cross[i * (kb + 2) + kb + 1] == 0.75, "past the block, row \(i)")
        }
    }
}
