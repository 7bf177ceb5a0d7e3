import Foundation

/// Elementary functions in `ExtendedDouble` (Float80 on x86-64, where the C library's long-double
/// functions exist; Double elsewhere).
enum ExtendedMath {
    static func log(_ x: ExtendedDouble) -> ExtendedDouble {
        x > 0 ? Foundation.log(x) : (x == 0 ? -.infinity : .nan)
    }

    static func exp(_ x: ExtendedDouble) -> ExtendedDouble { Foundation.exp(x) }

    /// Whole exponents by repeated squaring (exact up to one rounding per step), others by `pow`.
    static func power(_ x: ExtendedDouble, _ y: ExtendedDouble) -> ExtendedDouble {
        if y == y.rounded(), abs(y) <= 64 {
            var result: ExtendedDouble = 1
            var base = x
            var e = Int(abs(y))
            while e > 0 {
                if e & 1 == 1 { result *= base }
                base *= base
                e >>= 1
            }
            return y < 0 ? 1 / result : result
        }
        return Foundation.pow(x, y)
    }
}
