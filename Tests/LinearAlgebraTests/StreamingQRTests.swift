import AllianceTestSupport
import Testing
@testable import LinearAlgebra

/// The streamed (tall-skinny) QR against one Householder QR of the whole matrix, and the block kernels
/// against plain loops. Tolerance 1e-12 relative: the two factorisations round differently.
@Suite struct StreamingQRTests {
    /// A deterministic 1,000 × 5 matrix with columns of different scales (a tiny LCG; no dependence on the
    /// project's generator).
    static func matrix(rows: Int = 1000, columns: Int = 5) -> Matrix {
        var state: UInt64 = 42
        var a = Matrix(rows: rows, columns: columns)
        for j in 0..<columns {
            for i in 0..<rows {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                a[i, j] = (Double(state >> 11) / Double(1 << 53) - 0.5) * Double(j + 1) * 10 + (j == 0 ? 1 : 0)
            }
        }
        return a
    }

    @Test(arguments: [1, 7, 64, 1000])
    func matchesOneQROfTheWholeMatrix(blockRows: Int) throws {
        let a = Self.matrix()
        let streaming = StreamingQR(columns: a.columns, blockRows: blockRows)
        for start in stride(from: 0, to: a.rows, by: streaming.blockCapacity) {
            let count = min(streaming.blockCapacity, a.rows - start)
            let (base, ld) = streaming.block(rows: count)
            for j in 0..<a.columns { for t in 0..<count { base[t + j * ld] = a[start + t, j] } }
            try streaming.factorBlock()
        }
        #expect(streaming.rowCount == a.rows)
        let streamed = streaming.r
        let whole = try QRDecomposition(a, pivoting: false).r()
        let scale = (0..<a.columns).map { abs(whole[$0, $0]) }.max() ?? 1
        // R is unique up to the sign of each row.
        for i in 0..<a.columns {
            let sign: Double = (streamed[i, i] < 0) == (whole[i, i] < 0) ? 1 : -1
            for j in 0..<a.columns {
                expectClose(sign * streamed[i, j], whole[i, j], absolute: 1e-12 * scale, "R[\(i), \(j)]")
                if j < i { #expect(streamed[i, j] == 0) }
            }
        }
    }

    @Test func fewerRowsThanColumnsLeavesNegligibleRows() throws {
        let streaming = StreamingQR(columns: 4, blockRows: 8)
        let (base, ld) = streaming.block(rows: 2)
        for j in 0..<4 { base[j * ld] = Double(j + 1); base[1 + j * ld] = Double(2 * j - 1) }
        try streaming.factorBlock()
        let r = streaming.r
        // Rank 2: the last two rows of R are rounding noise.
        #expect(abs(r[2, 2]) < 1e-14 && abs(r[3, 3]) < 1e-14 && abs(r[2, 3]) < 1e-14)
        // RᵀR equals AᵀA for the two rows.
        let a = Matrix(rowMajor: [[1, 2, 3, 4], [-1, 1, 3, 5]])
        let gram = a.gram(), rGram = r.gram()
        for i in 0..<4 { for j in 0..<4 { expectClose(rGram[i, j], gram[i, j], absolute: 1e-12 * 50) } }
    }

    @Test func blockKernelsMatchPlainLoops() {
        let a = Self.matrix(rows: 37, columns: 4)
        let ld = 40
        let block = UnsafeMutablePointer<Double>.allocate(capacity: ld * 4)
        defer { block.deallocate() }
        block.initialize(repeating: .nan, count: ld * 4)  // rows past 37 must never be read
        for j in 0..<4 { for i in 0..<37 { block[i + j * ld] = a[i, j] } }

        let ssq = (0..<37).reduce(0.0) { $0 + a[$1, 2] * a[$1, 2] }
        expectClose(BlockKernels.sumOfSquares(block + 2 * ld, count: 37), ssq, absolute: 1e-12 * ssq)

        let v = [0.5, -1.0, 2.0, 0.25]
        var y = [Double](repeating: 0, count: 37)
        BlockKernels.multiply(block, rows: 37, columns: 4, leadingDimension: ld, by: v, into: &y)
        let expected = a.multiplied(by: v)
        for i in 0..<37 { expectClose(y[i], expected[i], absolute: 1e-12 * 100) }

        var gram = [Double](repeating: 1, count: 16)  // accumulated into, upper triangle only
        BlockKernels.addGram(block, rows: 37, columns: 4, leadingDimension: ld, into: &gram)
        let plain = a.gram()
        for j in 0..<4 { for i in 0...j { expectClose(gram[i + j * 4], plain[i, j] + 1, absolute: 1e-12 * plain[j, j]) } }

        let u = Matrix(rowMajor: [[2, 1, 0, -1], [0, 1, 3, 1], [0, 0, -1, 2], [0, 0, 0, 0.5]])
        u.storage.withUnsafeBufferPointer { BlockKernels.multiplyByUpperTriangular(block, rows: 37, columns: 4, leadingDimension: ld, $0.baseAddress!) }
        let product = a.multiplied(by: u)
        for j in 0..<4 { for i in 0..<37 { expectClose(block[i + j * ld], product[i, j], absolute: 1e-12 * 200) } }
        for j in 0..<4 { for i in 37..<ld { #expect(block[i + j * ld].isNaN) } }
    }
}
