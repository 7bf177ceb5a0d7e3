import CLapack

/// A dense column-major matrix of `Double`, owning its storage. Element (i, j) lives at `storage[i + j * rows]`,
/// the layout BLAS and LAPACK expect, so wrappers pass the buffer without copying.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    public var storage: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, columnMajor: [Double]) {
        precondition(columnMajor.count == rows * columns, "storage size must equal rows × columns")
        self.rows = rows
        self.columns = columns
        self.storage = columnMajor
    }

    /// From rows of equal length (convenient for literals in tests).
    public init(rowMajor: [[Double]]) {
        let r = rowMajor.count
        let c = rowMajor.first?.count ?? 0
        var s = [Double](repeating: 0, count: r * c)
        for i in 0..<r {
            precondition(rowMajor[i].count == c, "all rows must have the same length")
            for j in 0..<c { s[i + j * r] = rowMajor[i][j] }
        }
        self.init(rows: r, columns: c, columnMajor: s)
    }

    /// From columns of equal length.
    public init(columns cols: [[Double]]) {
        let r = cols.first?.count ?? 0
        var s: [Double] = []
        s.reserveCapacity(r * cols.count)
        for col in cols {
            precondition(col.count == r, "all columns must have the same length")
            s.append(contentsOf: col)
        }
        self.init(rows: r, columns: cols.count, columnMajor: s)
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public static func diagonal(_ d: [Double]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in d.indices { m[i, i] = d[i] }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get { storage[row + column * rows] }
        set { storage[row + column * rows] = newValue }
    }

    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { storage[i + $0 * rows] }
    }

    public var diagonal: [Double] {
        (0..<min(rows, columns)).map { self[$0, $0] }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
        }
        return t
    }

    /// The sub-matrix of the given columns, in the given order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var s: [Double] = []
        s.reserveCapacity(rows * indices.count)
        for j in indices { s.append(contentsOf: storage[(j * rows)..<((j + 1) * rows)]) }
        return Matrix(rows: rows, columns: indices.count, columnMajor: s)
    }

    public var description: String {
        (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: "\t") }.joined(separator: "\n")
    }
}

// MARK: - BLAS

extension Matrix {
    /// `op(self) · op(other)` by dgemm, where op transposes when asked.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let k2 = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == k2, "inner dimensions differ: \(k) vs \(k2)")
        var result = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 { return result }
        if k == 0 { return result }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasColMajor,
                                transposeSelf ? CblasTrans : CblasNoTrans,
                                transposeOther ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1.0,
                                a.baseAddress, Int32(max(1, rows)),
                                b.baseAddress, Int32(max(1, other.rows)),
                                0.0, c.baseAddress, Int32(max(1, m)))
                }
            }
        }
        return result
    }

    /// `op(self) · v` by dgemv.
    public func multiplied(by vector: [Double], transpose: Bool = false) -> [Double] {
        let outCount = transpose ? columns : rows
        let inCount = transpose ? rows : columns
        precondition(vector.count == inCount, "vector length \(vector.count) does not match \(inCount)")
        var y = [Double](repeating: 0, count: outCount)
        if outCount == 0 || inCount == 0 { return y }
        storage.withUnsafeBufferPointer { a in
            vector.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(CblasColMajor, transpose ? CblasTrans : CblasNoTrans,
                                Int32(rows), Int32(columns), 1.0, a.baseAddress, Int32(max(1, rows)),
                                x.baseAddress, 1, 0.0, yp.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// `selfᵀ · self` by dsyrk, returned as a full symmetric matrix.
    public func gram() -> Matrix {
        var result = Matrix(rows: columns, columns: columns)
        if columns == 0 || rows == 0 { return result }
        storage.withUnsafeBufferPointer { a in
            result.storage.withUnsafeMutableBufferPointer { c in
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), 1.0,
                            a.baseAddress, Int32(rows), 0.0, c.baseAddress, Int32(columns))
            }
        }
        result.symmetrizeFromUpper()
        return result
    }

    /// Copies the upper triangle into the lower one.
    public mutating func symmetrizeFromUpper() {
        precondition(rows == columns, "only square matrices can be symmetrized")
        for j in 0..<columns {
            for i in (j + 1)..<max(j + 1, rows) { self[i, j] = self[j, i] }
        }
    }

    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimensions differ")
        var r = lhs
        for i in r.storage.indices { r.storage[i] += rhs.storage[i] }
        return r
    }

    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimensions differ")
        var r = lhs
        for i in r.storage.indices { r.storage[i] -= rhs.storage[i] }
        return r
    }

    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.multiplied(by: rhs) }

    public static func * (scalar: Double, rhs: Matrix) -> Matrix {
        var r = rhs
        for i in r.storage.indices { r.storage[i] *= scalar }
        return r
    }
}
