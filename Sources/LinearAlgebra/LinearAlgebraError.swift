/// A LAPACK failure, described: `info` from the routine becomes one of these, never a trap.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Argument `index` to `routine` was illegal (a programming error surfaced as a value).
    case illegalArgument(routine: String, index: Int)
    /// The leading minor of `order` is not positive definite (Cholesky).
    case notPositiveDefinite(order: Int)
    /// A triangular or square factor has an exact zero on its diagonal at `index` (1-based).
    case singular(routine: String, index: Int)
    /// An iterative routine (eigen, SVD) did not converge.
    case convergenceFailure(routine: String, info: Int)
    case dimensionMismatch(String)
    case nonFinite(String)

    public var description: String {
        switch self {
        case .illegalArgument(let r, let i):
            return "\(r): argument \(i) had an illegal value (an alliance bug; please report it)"
        case .notPositiveDefinite(let k):
            return "matrix is not positive definite (leading minor of order \(k) is not positive)"
        case .singular(let r, let i):
            return "\(r): matrix is singular (zero pivot at position \(i))"
        case .convergenceFailure(let r, let info):
            return "\(r) did not converge (info = \(info))"
        case .dimensionMismatch(let s):
            return "dimension mismatch: \(s)"
        case .nonFinite(let s):
            return "matrix contains non-finite values: \(s)"
        }
    }

    /// Translates LAPACK's `info`; `positive` maps a positive info to the routine's own meaning.
    static func check(_ info: Int32, routine: String, positive: (Int) -> LinearAlgebraError) throws(LinearAlgebraError) {
        if info < 0 { throw .illegalArgument(routine: routine, index: Int(-info)) }
        if info > 0 { throw positive(Int(info)) }
    }
}

extension Matrix {
    func requireFinite(_ what: String) throws(LinearAlgebraError) {
        for v in storage where !v.isFinite { throw .nonFinite(what) }
    }
}
