import Foundation

/// A one-factor model Σ = λλᵀ + Ψ fitted by maximum likelihood, and McDonald's omega total from it.
public struct OmegaResult: Sendable, Equatable {
    /// Loadings with the factor variance fixed at 1 (lavaan `std.lv = TRUE`), signed so that Σλ > 0.
    public let loadings: [Double]
    public let residualVariances: [Double]
    /// ω = (Σλ)² / ((Σλ)² + Σψ): the model-implied total-score variance in the denominator.
    public let omegaTotal: Double
    /// Which omega formula was used, for reports.
    public static let formula = "(sum lambda)^2 / ((sum lambda)^2 + sum psi), model-implied total variance"
    /// ω = (V − Σu²) / V on the standardized items: V is the sum of the observed correlation matrix and u² = ψᵢ/Sᵢᵢ
    /// the standardized uniquenesses of the same ML fit. This is psych::omega's `omega.tot` (with `fm = "ml"`; psych's
    /// default minres uniquenesses differ in the fifth decimal). Nil when the observed total variance is not positive.
    public let omegaTotalObserved: Double?
    public static let observedFormula = "(V - sum u2) / V, V = sum of the observed correlation matrix, u2 = psi / S_ii (as psych::omega)"
    /// ML discrepancy F = log|Σ| + tr(SΣ⁻¹) − log|S| − p at the solution.
    public let discrepancy: Double?
    public let iterations: Int
    public let converged: Bool
    /// Items whose residual variance sits at the lower bound (Heywood cases).
    public let heywoodItems: [Int]
}

/// Fits Σ = λλᵀ + Ψ to `covariance` (the ML covariance, divisor n, as lavaan uses) by minimizing
/// F = log|Σ| + tr(SΣ⁻¹): EM steps for a safe start, then Fisher scoring with step halving.
/// Closed forms avoid any matrix factorization of Σ: with D = Ψ⁻¹ and c = 1 + λᵀDλ,
/// Σ⁻¹ = D − Dλλᵀ D / c and log|Σ| = Σ log ψ + log c.
/// Residual variances are bounded below at 1e-6·S_ii (a Heywood case is reported, not hidden).
func fitOneFactorOmega(covariance s: [[Double]], maxIterations: Int = 500) -> OmegaResult? {
    let p = s.count
    guard p >= 3, s.allSatisfy({ $0.count == p }) else { return nil }
    let diag = (0..<p).map { s[$0][$0] }
    guard diag.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
    let floor = diag.map { 1e-6 * $0 }

    var lambda = diag.map { sqrt($0 / 2) }
    var psi = diag.map { $0 / 2 }

    func inverseSigma(_ l: [Double], _ ps: [Double]) -> [[Double]] {
        let u = (0..<p).map { l[$0] / ps[$0] }
        let c = 1 + (0..<p).reduce(0) { $0 + l[$1] * u[$1] }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for i in 0..<p {
            for j in 0..<p { a[i][j] = -u[i] * u[j] / c }
            a[i][i] += 1 / ps[i]
        }
        return a
    }
    func objective(_ l: [Double], _ ps: [Double]) -> Double {
        let u = (0..<p).map { l[$0] / ps[$0] }
        let c = 1 + (0..<p).reduce(0) { $0 + l[$1] * u[$1] }
        var logDet = log(c), trace = 0.0, quad = 0.0
        for i in 0..<p {
            logDet += log(ps[i])
            trace += s[i][i] / ps[i]
            for j in 0..<p { quad += u[i] * s[i][j] * u[j] }
        }
        return logDet + trace - quad / c
    }
    func times(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    // EM for factor analysis (Rubin & Thayer 1982): never increases F, so it gives a safe start.
    for _ in 0..<50 {
        let w = times(inverseSigma(lambda, psi), lambda)        // E[z | x] = wᵀx
        let sw = times(s, w)
        let ezz = 1 - zip(w, lambda).reduce(0) { $0 + $1.0 * $1.1 } + zip(w, sw).reduce(0) { $0 + $1.0 * $1.1 }
        guard ezz > 0 else { break }
        lambda = sw.map { $0 / ezz }
        psi = (0..<p).map { max(diag[$0] - lambda[$0] * sw[$0], floor[$0]) }
    }

    var f = objective(lambda, psi)
    var iterations = 0, converged = false
    while iterations < maxIterations {
        iterations += 1
        let a = inverseSigma(lambda, psi)
        // M = Σ⁻¹ − Σ⁻¹ S Σ⁻¹; dF/dλ = 2Mλ, dF/dψ = diag(M).
        let as_ = a.map { row in (0..<p).map { j in (0..<p).reduce(0) { $0 + row[$1] * s[$1][j] } } }
        var m = a
        for i in 0..<p { for j in 0..<p { m[i][j] -= (0..<p).reduce(0) { $0 + as_[i][$1] * a[$1][j] } } }
        let mLambda = times(m, lambda)
        var gradient = (0..<p).map { 2 * mLambda[$0] } + (0..<p).map { m[$0][$0] }
        // Bound: a ψ at its floor with the gradient pushing it lower is held there.
        let atBound = (0..<p).map { psi[$0] <= floor[$0] * (1 + 1e-12) && gradient[p + $0] > 0 }
        for i in 0..<p where atBound[i] { gradient[p + i] = 0 }
        if gradient.map(abs).max() ?? 0 < 1e-11 { converged = true; break }

        // Expected information: tr(Σ⁻¹ Σ_i Σ⁻¹ Σ_j).
        let w = times(a, lambda)
        let c = zip(lambda, w).reduce(0) { $0 + $1.0 * $1.1 }
        var h = [[Double]](repeating: [Double](repeating: 0, count: 2 * p), count: 2 * p)
        for k in 0..<p {
            for l in 0..<p {
                h[k][l] = 2 * w[k] * w[l] + 2 * c * a[k][l]
                h[k][p + l] = 2 * a[l][k] * w[l]
                h[p + l][k] = h[k][p + l]
                h[p + k][p + l] = a[k][l] * a[k][l]
            }
        }
        for i in 0..<p where atBound[i] {
            for j in 0..<(2 * p) { h[p + i][j] = 0; h[j][p + i] = 0 }
            h[p + i][p + i] = 1
        }
        guard let step = solveLinearSystem(h, gradient.map { -$0 }) else { break }

        var t = 1.0, improved = false
        for _ in 0..<60 {
            let newLambda = (0..<p).map { lambda[$0] + t * step[$0] }
            let newPsi = (0..<p).map { max(psi[$0] + t * step[p + $0], floor[$0]) }
            let newF = objective(newLambda, newPsi)
            if newF.isFinite && newF <= f {
                let change = f - newF
                lambda = newLambda; psi = newPsi; f = newF; improved = true
                if change < 1e-15 * max(1, abs(f)) && t < 1 { converged = true }
                break
            }
            t /= 2
        }
        if !improved { converged = gradient.map(abs).max() ?? 0 < 1e-7; break }
        if converged { break }
    }

    if lambda.reduce(0, +) < 0 { lambda = lambda.map { -$0 } }
    let sumLambda = lambda.reduce(0, +)
    let sumPsi = psi.reduce(0, +)
    let omega = sumLambda * sumLambda / (sumLambda * sumLambda + sumPsi)
    let logDetS = logDeterminant(s)
    let heywood = (0..<p).filter { psi[$0] <= floor[$0] * (1 + 1e-9) }
    // Standardizing by the observed variances makes V the sum of the correlation matrix; ML is scale-invariant,
    // so ψᵢ/Sᵢᵢ are the uniquenesses a fit to the correlations would give.
    var observedTotal = 0.0
    for i in 0..<p { for j in 0..<p { observedTotal += s[i][j] / sqrt(diag[i] * diag[j]) } }
    let uniqueness = (0..<p).reduce(0) { $0 + psi[$1] / diag[$1] }
    let observed = observedTotal > 0 ? (observedTotal - uniqueness) / observedTotal : nil
    return OmegaResult(loadings: lambda, residualVariances: psi, omegaTotal: omega, omegaTotalObserved: observed,
                       discrepancy: logDetS.map { f - $0 - Double(p) }, iterations: iterations,
                       converged: converged, heywoodItems: heywood)
}

/// Solves A x = b by Gaussian elimination with partial pivoting; nil when A is (numerically) singular.
func solveLinearSystem(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
    let n = rhs.count
    var a = matrix, b = rhs
    let scale = a.flatMap { $0 }.map(abs).max() ?? 0
    guard scale > 0 else { return nil }
    for col in 0..<n {
        var pivot = col
        for r in (col + 1)..<max(col + 1, n) where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
        guard abs(a[pivot][col]) > 1e-14 * scale else { return nil }
        if pivot != col { a.swapAt(pivot, col); b.swapAt(pivot, col) }
        for r in (col + 1)..<max(col + 1, n) {
            let factor = a[r][col] / a[col][col]
            if factor == 0 { continue }
            for c in col..<n { a[r][c] -= factor * a[col][c] }
            b[r] -= factor * b[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
        var sum = b[r]
        for c in (r + 1)..<max(r + 1, n) { sum -= a[r][c] * x[c] }
        x[r] = sum / a[r][r]
    }
    return x
}

/// log|S| by Cholesky; nil when S is not positive definite.
func logDeterminant(_ s: [[Double]]) -> Double? {
    let n = s.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    var logDet = 0.0
    for j in 0..<n {
        var d = s[j][j]
        for k in 0..<j { d -= l[j][k] * l[j][k] }
        guard d > 0 else { return nil }
        l[j][j] = sqrt(d)
        logDet += 2 * log(l[j][j])
        for i in (j + 1)..<max(j + 1, n) {
            var v = s[i][j]
            for k in 0..<j { v -= l[i][k] * l[j][k] }
            l[i][j] = v / l[j][j]
        }
    }
    return logDet
}
