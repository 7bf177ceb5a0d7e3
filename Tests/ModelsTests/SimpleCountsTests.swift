@testable import Models
import Testing

/// `MixedCrossProducts.simpleCounts` (the row pass's Gram entries among intercept and indicator columns) against the
/// sums of the 0/1 products it replaces, over sub-ranges of rows, for an intercept, levels of one variable and of two.
@Suite("Mixed row pass: indicator counts")
struct SimpleCountsTests {
    @Test("counts equal the sums of the 0/1 products", arguments: [0..<0, 0..<1, 3..<40, 0..<97, 17..<97])
    func countsMatchProducts(range: Range<Int>) {
        let n = 97
        let site: [Int32] = (0..<n).map { (r: Int) -> Int32 in Int32((r * 7 + r / 5) % 4) }
        let modality: [Int32] = (0..<n).map { (r: Int) -> Int32 in Int32((r * 3 + 1) % 3) }
        site.withUnsafeBufferPointer { sp in
            modality.withUnsafeBufferPointer { mp in
                let s = sp.baseAddress!, m = mp.baseAddress!
                let columns: [(codes: UnsafePointer<Int32>, code: Int32)?] = [nil, (s, 1), (s, 2), (s, 3), (m, 1), (m, 2), (s, 1)]
                let counts = MixedCrossProducts.simpleCounts(columns, in: range)
                func value(_ column: (codes: UnsafePointer<Int32>, code: Int32)?, _ r: Int) -> Double {
                    guard let column else { return 1 }
                    return column.codes[r] == column.code ? 1 : 0
                }
                let k = columns.count
                for a in 0..<k {
                    for b in a..<k {
                        var sum = 0.0
                        for r in range { sum += value(columns[a], r) * value(columns[b], r) }
                        #expect(Double(counts[a * k + b]) == sum, "entry (\(a), \(b)) over \(range)")
                    }
                }
            }
        }
    }
}
