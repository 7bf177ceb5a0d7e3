import Foundation

// The F quantile that Feldt's interval needs, via the regularized incomplete beta function.
// Kept internal to Measures: the Distributions module had not landed on main when this was written;
// switch to `FDistribution(numerator:denominator:).quantile` once it has.

/// Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4),
/// using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges faster.
func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
        return exp(logFront) * betaContinuedFraction(x, a, b) / a
    }
    return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
}

private func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300, eps = 1e-16
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...100_000 {
        let m = Double(m), m2 = 2 * m
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d; if abs(d) < tiny { d = tiny }
        c = 1 + aa / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < eps { break }
    }
    return h
}

/// Quantile of the F(d1, d2) distribution for 0 < p < 1: bisection on the beta variable
/// x = d1·F / (d1·F + d2), whose CDF is I_x(d1/2, d2/2), run to adjacent doubles.
func fQuantile(_ p: Double, _ d1: Double, _ d2: Double) -> Double {
    guard p > 0, p < 1, d1 > 0, d2 > 0 else { return .nan }
    let a = d1 / 2, b = d2 / 2
    var lo = 0.0, hi = 1.0
    for _ in 0..<2000 {
        let mid = lo + (hi - lo) / 2
        if mid <= lo || mid >= hi { break }
        if regularizedIncompleteBeta(mid, a, b) < p { lo = mid } else { hi = mid }
    }
    let x = lo + (hi - lo) / 2
    return d2 * x / (d1 * (1 - x))
}
