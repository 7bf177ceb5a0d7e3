import Foundation

/// The columns of `poly(x, degree)` as R's `stats::poly` computes them over the given rows.
enum OrthogonalPolynomial {
    /// Orthonormal polynomial columns of degree 1…`degree` in x (each with a positive leading coefficient,
    /// orthogonal to the constant and to each other), or with `raw` the powers x, x², …, x^degree.
    ///
    /// R's `poly` takes them from a QR decomposition of the centred powers; they are the same polynomials as
    /// its three-term recurrence (`predict.poly`): p₀ = 1, p₁ = x − α₀, p_{j+1} = (x − α_j)·p_j − (‖p_j‖²/‖p_{j−1}‖²)·p_{j−1},
    /// with α_j = Σ x·p_j² / ‖p_j‖², each divided by its norm. The recurrence runs on x minus its mean, and each
    /// new column is re-orthogonalised once against the earlier ones, so the columns stay orthogonal to
    /// rounding for higher degrees as R's Householder QR does.
    static func columns(_ x: [Double], degree: Int, raw: Bool, label: String) throws(ModelError) -> [[Double]] {
        if raw { return (1...degree).map { k in x.map { NumericExpression.power($0, Double(k)) } } }
        let unique = Set(x).count
        guard degree < unique else {
            throw .invalidVariable(variable: label,
                                   detail: "the degree (\(degree)) must be less than the number of distinct values (\(unique)) among the rows used, as R's poly() requires")
        }
        let n = x.count
        // R's mean(): the sum over n, corrected by the mean of the residuals.
        let rough = x.reduce(0, +) / Double(n)
        let mean = rough + x.reduce(0) { $0 + ($1 - rough) } / Double(n)
        let centred = x.map { $0 - mean }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for i in 0..<n { s += a[i] * b[i] }
            return s
        }
        var previous = [Double](repeating: 0, count: n)
        var current = [Double](repeating: 1, count: n)
        var previousNorm2 = 1.0
        var currentNorm2 = Double(n)
        var normalized: [[Double]] = [[Double](repeating: 1 / Double(n).squareRoot(), count: n)]
        for _ in 1...degree {
            var weighted = 0.0
            for i in 0..<n { weighted += centred[i] * current[i] * current[i] }
            let alpha = weighted / currentNorm2
            let ratio = currentNorm2 / previousNorm2
            var next = (0..<n).map { i in (centred[i] - alpha) * current[i] - ratio * previous[i] }
            for q in normalized {
                let c = dot(next, q)
                for i in 0..<n { next[i] -= c * q[i] }
            }
            let norm2 = dot(next, next)
            guard norm2 > 0, norm2.isFinite else {
                throw .invalidVariable(variable: label, detail: "the polynomial columns are degenerate among the rows used")
            }
            previous = current
            previousNorm2 = currentNorm2
            current = next
            currentNorm2 = norm2
            let norm = norm2.squareRoot()
            normalized.append(next.map { $0 / norm })
        }
        return Array(normalized.dropFirst())
    }
}
