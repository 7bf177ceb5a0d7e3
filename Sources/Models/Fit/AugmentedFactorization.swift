import LinearAlgebra

/// R of [X | y] and the norms of X's columns, accumulated over blocks of rows: write a block where
/// `block(rows:)` says, add its norms (before factoring, which overwrites it), then `factorBlock()`.
///
/// Two ways to R: streamed Householder QR (`StreamingQR`, the default), or the Gram matrix [X | y]ᵀ[X | y]
/// summed block by block (`dsyrk`) and factored by Cholesky when the pass is over (`normalEquations`, for
/// large IRLS passes: see `GramFactor`). The Gram way gives R only for a well-conditioned X; otherwise
/// `factored` is nil and the caller factors the rows by QR.
final class AugmentedFactorization {
    private let streaming: StreamingQR?
    private let gram: GramAccumulator?
    private let columnNorms: ColumnNorms
    private var pendingRows = 0

    /// - Parameters:
    ///   - columns: X's columns in the factorisation (y follows them).
    ///   - normsOf: how many leading columns of each block `addNorms` measures.
    ///   - normalEquations: sum the Gram matrix instead of streaming the QR.
    init(columns: Int, normsOf: Int, normalEquations: Bool = false) {
        let blockRows = StreamingQR.blockRows(columns: max(columns, normsOf) + 1)
        if normalEquations {
            streaming = nil
            gram = GramAccumulator(columns: columns + 1, blockRows: blockRows)
        } else {
            streaming = StreamingQR(columns: columns + 1, blockRows: blockRows)
            gram = nil
        }
        columnNorms = ColumnNorms(columns: normsOf)
    }

    var blockCapacity: Int { streaming?.blockCapacity ?? gram?.blockCapacity ?? 0 }

    func block(rows: Int) -> (base: UnsafeMutablePointer<Double>, leadingDimension: Int) {
        pendingRows = rows
        if let gram { return gram.block(rows: rows) }
        guard let streaming else { preconditionFailure("AugmentedFactorization has neither QR nor Gram") }
        return streaming.block(rows: rows)
    }

    func addNorms(_ base: UnsafePointer<Double>, leadingDimension ld: Int) {
        columnNorms.add(base, rows: pendingRows, leadingDimension: ld)
    }

    func factorBlock() throws(ModelError) {
        if let gram { gram.addBlock(); return }
        do { try streaming?.factorBlock() } catch { throw .numerical(error.description) }
    }

    var norms: [Double] { columnNorms.norms }

    /// R of everything fed and the column norms; nil when the Gram way cannot give an accurate R
    /// (`GramFactor`), so that the caller factors the rows by QR instead.
    var factored: (r: Matrix, norms: [Double])? {
        if let gram {
            guard let r = GramFactor.upperFactor(gram: gram.gram) else { return nil }
            return (r, norms)
        }
        guard let streaming else { return nil }
        return (streaming.r, norms)
    }

    /// The first factorisation with the others (of other rows, in order) folded in: R of [R₁; R₂; …] (or the
    /// Gram matrices added in order) and the combined norms.
    static func merged(_ parts: [AugmentedFactorization]) throws(ModelError) -> AugmentedFactorization {
        guard let first = parts.first else { throw .numerical("no rows to factor") }
        for other in parts.dropFirst() {
            if let gram = first.gram, let otherGram = other.gram {
                gram.absorb(otherGram)
            } else if let streaming = first.streaming, let otherStreaming = other.streaming {
                let r = otherStreaming.r
                var row = 0
                while row < r.rows {
                    let count = min(first.blockCapacity, r.rows - row)
                    let (base, ld) = streaming.block(rows: count)
                    for j in 0..<r.columns { for t in 0..<count { base[t + j * ld] = r[row + t, j] } }
                    try first.factorBlock()
                    row += count
                }
            } else {
                throw .numerical("cannot merge a QR factorisation with a Gram matrix")
            }
            first.columnNorms.absorb(other.columnNorms)
        }
        return first
    }
}

/// Euclidean norms of columns fed in row blocks. Sums of squares are plain (`ddot`) while they stay in
/// range; a block whose sum over- or underflows is summed scaled by its largest value, as LAPACK's dlassq.
final class ColumnNorms {
    /// Each norm is scale·√sumOfSquares.
    private var scale: [Double]
    private var sumOfSquares: [Double]

    init(columns: Int) {
        scale = [Double](repeating: 1, count: columns)
        sumOfSquares = [Double](repeating: 0, count: columns)
    }

    func add(_ base: UnsafePointer<Double>, rows: Int, leadingDimension ld: Int) {
        for j in scale.indices {
            let x = base + j * ld
            let plain = BlockKernels.sumOfSquares(x, count: rows)
            if plain.isFinite && (plain == 0 || plain > 1e-280) {
                combine(j, scale: 1, sumOfSquares: plain)
                continue
            }
            var largest = 0.0
            for i in 0..<rows {
                let a = abs(x[i])
                guard a.isFinite else { largest = .nan; break }
                largest = max(largest, a)
            }
            guard largest.isFinite else { scale[j] = .nan; continue }
            guard largest > 0 else { continue }
            let inverse = 1 / largest
            var s = 0.0
            for i in 0..<rows { let v = x[i] * inverse; s += v * v }
            combine(j, scale: largest, sumOfSquares: s)
        }
    }

    /// Adds scale²·s to column j's running (scale, sum of squares).
    private func combine(_ j: Int, scale t: Double, sumOfSquares s: Double) {
        guard s > 0 else { return }
        if t > scale[j] {
            sumOfSquares[j] = sumOfSquares[j] * (scale[j] / t) * (scale[j] / t) + s
            scale[j] = t
        } else {
            sumOfSquares[j] += s * (t / scale[j]) * (t / scale[j])
        }
    }

    var norms: [Double] { zip(scale, sumOfSquares).map { $0 * $1.squareRoot() } }

    /// Adds the sums of another set of rows.
    func absorb(_ other: ColumnNorms) {
        for j in scale.indices {
            if !other.scale[j].isFinite { scale[j] = other.scale[j]; continue }
            combine(j, scale: other.scale[j], sumOfSquares: other.sumOfSquares[j])
        }
    }
}
