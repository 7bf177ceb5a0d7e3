import Foundation

/// Gauss–Hermite quadrature for the standard normal density (lme4's `GHrule`): nodes z_k and weights w_k with
/// Σ w_k f(z_k) ≈ E f(Z), Z ~ N(0, 1); exact for polynomials of degree below 2K. Nodes by Newton's method on the
/// orthonormal Hermite recurrence (Numerical Recipes' `gauher`), then scaled from the weight e^{−x²} to the normal.
struct GaussHermite: Sendable, Equatable {
    let nodes: [Double]
    let weights: [Double]

    init(points k: Int) {
        precondition(k >= 1)
        var x = [Double](repeating: 0, count: k)
        var w = [Double](repeating: 0, count: k)
        let pim4 = 1 / pow(Double.pi, 0.25)
        let m = (k + 1) / 2
        var z = 0.0
        for i in 0..<m {
            // Starting guesses for the largest roots, then each from the previous ones (gauher).
            switch i {
            case 0: z = (2 * Double(k) + 1).squareRoot() - 1.85575 * pow(2 * Double(k) + 1, -0.16667)
            case 1: z -= 1.14 * pow(Double(k), 0.426) / z
            case 2: z = 1.86 * z - 0.86 * x[0]
            case 3: z = 1.91 * z - 0.91 * x[1]
            default: z = 2 * z - x[i - 2]
            }
            var pp = 0.0
            for _ in 0..<100 {
                var p1 = pim4, p2 = 0.0
                for j in 1...k {
                    let p3 = p2
                    p2 = p1
                    p1 = z * (2 / Double(j)).squareRoot() * p2 - (Double(j - 1) / Double(j)).squareRoot() * p3
                }
                pp = (2 * Double(k)).squareRoot() * p2
                let z1 = z
                z = z1 - p1 / pp
                if abs(z - z1) <= 1e-15 * max(1, abs(z)) { break }
            }
            x[i] = z
            x[k - 1 - i] = -z
            w[i] = 2 / (pp * pp)
            w[k - 1 - i] = w[i]
        }
        if k % 2 == 1 { x[k / 2] = 0 }
        // e^{−x²} rule → N(0, 1): z = √2 x, w / √π; renormalised to sum 1 as GHrule.
        let scaled = w.map { $0 / Double.pi.squareRoot() }
        let total = scaled.reduce(0, +)
        let order = (0..<k).sorted { x[$0] < x[$1] }
        nodes = order.map { x[$0] * 2.0.squareRoot() }
        weights = order.map { scaled[$0] / total }
    }
}
