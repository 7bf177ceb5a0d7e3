import CLapack

/// The R factor of a tall matrix A (m × c) fed in blocks of rows, so A never has to be held whole
/// (tall-skinny QR): after each block B, R is replaced by the R of [R; B], factored by Householder QR
/// (`dgeqrf`). Since [R; B] has the same Gram matrix as the rows seen so far, the final R is the R of
/// A (up to the signs of its rows), computed as stably as one QR of A, in one pass over the rows and
/// in a buffer that stays in cache.
///
/// Use: `fillBlock(rows:)` hands out the space for the next block; write it, then call `factorBlock()`.
public final class StreamingQR {
    public let columns: Int
    /// The most rows a block may have.
    public let blockCapacity: Int
    /// Rows fed so far.
    public private(set) var rowCount = 0
    /// [R; B] column-major with leading dimension `columns + blockCapacity`; R in the top `columns` rows.
    private let buffer: UnsafeMutablePointer<Double>
    private let leading: Int
    private let tau: UnsafeMutablePointer<Double>
    private var work: UnsafeMutablePointer<Double>
    private var workCount: Int
    private var pendingRows = 0

    /// Rows per block for a matrix of `columns` columns: a block of about 256 KiB of doubles, which stays in
    /// cache, and at least 64 rows.
    public static func blockRows(columns: Int) -> Int { max(32_768 / max(columns, 1), 64) }

    /// - Parameter blockRows: rows per block; by default `blockRows(columns:)`.
    public init(columns: Int, blockRows: Int? = nil) {
        self.columns = columns
        self.blockCapacity = max(blockRows ?? StreamingQR.blockRows(columns: columns), 1)
        leading = columns + blockCapacity
        buffer = .allocate(capacity: max(leading * columns, 1))
        buffer.initialize(repeating: 0, count: max(leading * columns, 1))
        tau = .allocate(capacity: max(columns, 1))
        tau.initialize(repeating: 0, count: max(columns, 1))
        // dgeqr2 needs `columns` doubles of work; a blocked dgeqrf wants columns × its block size.
        workCount = max(columns * 64, 1)
        work = .allocate(capacity: workCount)
    }

    deinit {
        buffer.deallocate()
        tau.deallocate()
        work.deallocate()
    }

    /// Where the next block of `rows` rows goes: column j of the block starts at `base + j * leadingDimension`.
    public func block(rows: Int) -> (base: UnsafeMutablePointer<Double>, leadingDimension: Int) {
        precondition(rows >= 0 && rows <= blockCapacity, "block of \(rows) rows exceeds the capacity \(blockCapacity)")
        pendingRows = rows
        return (buffer + columns, leading)
    }

    /// Folds the block written since `block(rows:)` into R.
    public func factorBlock() throws(LinearAlgebraError) {
        let rows = pendingRows
        pendingRows = 0
        guard rows > 0, columns > 0 else { return }
        let m = Int32(columns + rows)
        let info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, Int32(columns), buffer, Int32(leading), tau, work,
                                       Int32(workCount))
        try LinearAlgebraError.check(info, routine: "dgeqrf") { .convergenceFailure(routine: "dgeqrf", info: $0) }
        // Keep R; clear the reflectors below its diagonal (the block rows are overwritten next time).
        for j in 0..<columns {
            let column = buffer + j * leading
            for i in (j + 1)..<columns { column[i] = 0 }
        }
        rowCount += rows
    }

    /// R (columns × columns, upper triangular; with fewer rows fed than columns, the rows beyond them are
    /// zero up to rounding).
    public var r: Matrix {
        var out = Matrix(rows: columns, columns: columns)
        for j in 0..<columns {
            for i in 0...j { out[i, j] = buffer[i + j * leading] }
        }
        return out
    }
}
