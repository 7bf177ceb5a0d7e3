import CLapack
import Foundation

/// Cholesky factorisation A = UᵀU of a symmetric positive-definite matrix (`dpotrf`, upper).
public struct Cholesky: Sendable {
    public let order: Int
    /// U in the upper triangle; the strict lower triangle is zero.
    public let factor: Matrix

    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.rows == a.columns else { throw .dimensionMismatch("Cholesky needs a square matrix, got \(a.rows) × \(a.columns)") }
        try a.requireFinite("Cholesky input")
        order = a.rows
        var u = a
        if order > 0 {
            let n = Int32(order)
            let info = u.storage.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), n, p.baseAddress, n)
            }
            try LinearAlgebraError.check(info, routine: "dpotrf") { .notPositiveDefinite(order: $0) }
        }
        for j in 0..<order { for i in (j + 1)..<max(j + 1, order) { u[i, j] = 0 } }
        factor = u
    }

    /// Solves A·x = b (`dpotrs`).
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard b.count == order else { throw .dimensionMismatch("right-hand side has \(b.count) entries, matrix order \(order)") }
        if order == 0 { return [] }
        var u = factor.storage
        var x = b
        let n = Int32(order)
        let info = u.withUnsafeMutableBufferPointer { up in
            x.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), n, 1, up.baseAddress, n, xp.baseAddress, n)
            }
        }
        try LinearAlgebraError.check(info, routine: "dpotrs") { .singular(routine: "dpotrs", index: $0) }
        return x
    }

    /// A⁻¹ from the factor (`dpotri`), full symmetric.
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var inv = factor
        if order == 0 { return inv }
        let n = Int32(order)
        let info = inv.storage.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "U")), n, p.baseAddress, n)
        }
        try LinearAlgebraError.check(info, routine: "dpotri") { .singular(routine: "dpotri", index: $0) }
        inv.symmetrizeFromUpper()
        return inv
    }

    /// log det A = 2 Σ log u_ii.
    public var logDeterminant: Double {
        (0..<order).reduce(0.0) { $0 + 2 * log(factor[$1, $1]) }
    }
}
