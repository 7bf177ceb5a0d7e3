import LinearAlgebra

/// The Gram matrix AᵀA of a tall matrix A fed in blocks of rows (`dsyrk` per block, upper triangle), for
/// `AugmentedFactorization`'s normal-equations way. Blocks are summed in the order they come; parts of the rows
/// summed separately are added in part order (`absorb`), so the sum depends on the row count only.
final class GramAccumulator {
    let columns: Int
    let blockCapacity: Int
    /// AᵀA, column-major columns × columns; only the upper triangle is summed.
    private(set) var gram: [Double]
    private let buffer: UnsafeMutablePointer<Double>
    private var pendingRows = 0

    init(columns: Int, blockRows: Int) {
        self.columns = columns
        blockCapacity = max(blockRows, 1)
        gram = [Double](repeating: 0, count: columns * columns)
        buffer = .allocate(capacity: max(blockCapacity * columns, 1))
    }

    deinit { buffer.deallocate() }

    func block(rows: Int) -> (base: UnsafeMutablePointer<Double>, leadingDimension: Int) {
        precondition(rows >= 0 && rows <= blockCapacity, "block of \(rows) rows exceeds the capacity \(blockCapacity)")
        pendingRows = rows
        return (buffer, blockCapacity)
    }

    /// Adds the block written since `block(rows:)`.
    func addBlock() {
        let rows = pendingRows, columns = self.columns, ld = blockCapacity
        pendingRows = 0
        let base = UnsafePointer(buffer)
        gram.withUnsafeMutableBufferPointer { g in
            guard let out = g.baseAddress else { return }
            BlockKernels.addGram(base, rows: rows, columns: columns, leadingDimension: ld, into: out)
        }
    }

    /// Adds the Gram matrix of other rows.
    func absorb(_ other: GramAccumulator) {
        for t in gram.indices { gram[t] += other.gram[t] }
    }
}

/// R of [X | z] from the Gram matrix [X | z]ᵀ[X | z], for large IRLS passes (docs/decisions.md, "normal equations
/// for large IRLS passes"). X's columns are scaled to unit norm (D), the scaled XᵀX factored by Cholesky (`dpotrf`),
/// UᵀU = D⁻¹XᵀXD⁻¹, so R_X = U·D; R's last column c solves R_Xᵀc = Xᵀz, and its corner is √(zᵀz − cᵀc).
/// Normal equations lose accuracy as κ(XD⁻¹)², so R is returned only when the estimate ‖U‖_F·‖U⁻¹‖_F (at least
/// κ₂) is at most `maximumCondition`: the relative error of the solve is then below κ²·ε ≈ 2.2e-10 at worst, far
/// inside the tolerances of every reference (and the fixed point IRLS polishes to absorbs it). Otherwise (aliased
/// or nearly collinear columns, zero or non-finite columns) nil: the caller factors the rows by Householder QR,
/// whose rank rule then decides what is aliased.
enum GramFactor {
    static let maximumCondition = 1e3

    /// - Parameter gram: (p + 1) × (p + 1) column-major, upper triangle filled (X's p columns, then z).
    static func upperFactor(gram: [Double]) -> Matrix? {
        let c = Int(Double(gram.count).squareRoot().rounded())
        guard c * c == gram.count, c >= 2 else { return nil }
        let p = c - 1
        func g(_ i: Int, _ j: Int) -> Double { gram[min(i, j) + max(i, j) * c] }
        for j in 0..<c { for i in 0...j where !gram[i + j * c].isFinite { return nil } }
        let d = (0..<p).map { g($0, $0).squareRoot() }
        guard d.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        var scaled = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0..<p { scaled[i, j] = g(i, j) / (d[i] * d[j]) } }
        guard let u = try? Cholesky(scaled).factor else { return nil }
        guard let inverse = upperInverse(u), frobenius(u) * frobenius(inverse) <= maximumCondition else { return nil }
        var r = Matrix(rows: c, columns: c)
        for j in 0..<p { for i in 0...j { r[i, j] = u[i, j] * d[j] } }
        // Uᵀw = D⁻¹Xᵀz by forward substitution; w is R's last column.
        var sumOfSquares = 0.0
        for i in 0..<p {
            var s = g(i, p) / d[i]
            for k in 0..<i { s -= u[k, i] * r[k, p] }
            r[i, p] = s / u[i, i]
            sumOfSquares += r[i, p] * r[i, p]
        }
        r[p, p] = max(0, g(p, p) - sumOfSquares).squareRoot()
        return r
    }

    /// U⁻¹ of an upper-triangular U by back substitution; nil if a diagonal entry is zero.
    static func upperInverse(_ u: Matrix) -> Matrix? {
        let n = u.rows
        var v = Matrix(rows: n, columns: n)
        for col in 0..<n {
            for i in stride(from: col, through: 0, by: -1) {
                guard u[i, i] != 0 else { return nil }
                var s = i == col ? 1.0 : 0.0
                for k in (i + 1)..<(col + 1) { s -= u[i, k] * v[k, col] }
                v[i, col] = s / u[i, i]
            }
        }
        return v
    }

    static func frobenius(_ m: Matrix) -> Double {
        m.storage.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
