import LinearAlgebra

/// The rows of an augmented least-squares problem [X | y] (X with `columns` columns, then y), handed
/// out in blocks so that a fit never needs the whole design in memory.
struct AugmentedRows {
    let rows: Int
    /// Columns of X (y comes after them).
    let columns: Int
    /// Writes rows `range` into `base`, column j (X's, then y as column `columns`) at `base + j·ld`.
    let fill: (_ range: Range<Int>, _ base: UnsafeMutablePointer<Double>, _ ld: Int) -> Void

    /// Calls `body` with each block of rows (of `part`, by default all) written into one reused buffer
    /// (ld = block capacity).
    func forEachBlock(in part: Range<Int>? = nil,
                      _ body: (_ range: Range<Int>, _ base: UnsafeMutablePointer<Double>, _ ld: Int) -> Void) {
        let capacity = StreamingQR.blockRows(columns: columns + 1)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: capacity * (columns + 1))
        defer { scratch.deallocate() }
        let part = part ?? 0..<rows
        for start in stride(from: part.lowerBound, to: part.upperBound, by: capacity) {
            let range = start..<min(start + capacity, part.upperBound)
            fill(range, scratch, capacity)
            body(range, scratch, capacity)
        }
    }

    /// The given columns (`columns` means y) gathered whole, column-major.
    func gather(_ indices: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: rows * indices.count)
        out.withUnsafeMutableBufferPointer { o in
            forEachBlock { range, base, ld in
                for (k, j) in indices.enumerated() {
                    let from = base + j * ld
                    for (t, i) in range.enumerated() { o[k * rows + i] = from[t] }
                }
            }
        }
        return out
    }
}
