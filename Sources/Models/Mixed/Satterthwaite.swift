import Foundation
import LinearAlgebra
import Optimization

/// Satterthwaite's degrees of freedom for t tests of fixed effects, as lmerTest computes them (Kuznetsova,
/// Brockhoff & Christensen 2017): the covariance of the variance parameters (θ, σ) is twice the generalized
/// inverse of the Hessian of the unprofiled objective (`devfun_vp`), and each contrast's variance is
/// differentiated in (θ, σ) (`get_covbeta`); in θ by numDeriv's Richardson extrapolation, as lmerTest, in σ exactly.
struct SatterthwaiteDegrees {
    /// Covariance of (θ, σ).
    let parameterCovariance: [[Double]]
    /// ∂ vcov(β̂) / ∂(θ, σ)_k, each p × p (column-major).
    let covarianceGradients: [[Double]]
    let p: Int
    /// lmerTest's warning when the Hessian has negative or zero eigenvalues.
    let warning: String?

    init(factor: MixedFactor, theta: [Double], sigma: Double, reml: Bool) throws(ModelError) {
        let kTheta = theta.count
        let k = kTheta + 1
        let n = Double(factor.products.rows)
        let dof = reml ? n - Double(factor.p) : n
        let s2 = sigma * sigma
        // devfun_vp(θ, σ) = g₁(θ) + dof·log(2πσ²) + g₂(θ)/σ² with g₁ the log-determinants and g₂ the penalised RSS: σ's
        // derivatives are exact, θ's come from one numDeriv genD pass (lmerTest's steps and extrapolation) over both
        // pieces, so the (θ, σ) Hessian costs the evaluations of a θ-only Hessian (81 instead of 121 for four θ).
        // Where the analytic gradients of the two pieces exist (MixedFactor+Gradient.swift), their central differences
        // give the Hessian from 2k gradients; otherwise genD.
        let pieces = factor.pieceSecondDerivatives(theta, reml: reml)
            ?? NumericalDerivatives.secondDerivatives(at: theta) { t in
                factor.update(t)
                guard factor.valid else { return [.infinity, .infinity] }
                return [factor.logDeterminantZ + (reml ? factor.logDeterminantX : 0), factor.penalizedRSS]
            }
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<kTheta {
            for j in 0..<kTheta { hessian[i][j] = pieces.hessian[0][i][j] + pieces.hessian[1][i][j] / s2 }
            hessian[i][kTheta] = -2 * pieces.gradient[1][i] / (s2 * sigma)
            hessian[kTheta][i] = hessian[i][kTheta]
        }
        hessian[kTheta][kTheta] = -2 * dof / s2 + 6 * pieces.value[1] / (s2 * s2)
        // lmerTest: a Moore–Penrose inverse over eigenvalues above 1e-8, with a warning when some are not. The Hessian is
        // taken in (θ, σ/σ̂) (σ's row and column times σ̂) and mapped back: in σ itself its entries scale as 1/σ², so an
        // outcome in other units (y × 10⁶) fell under lmerTest's absolute 1e-8, the σ direction was dropped as
        // singular and df came out as 15,999.8 for 300 rows (lmerTest does the same; session 21). θ is scale-free.
        var scaled = hessian
        for i in 0..<k {
            scaled[i][kTheta] *= sigma
            scaled[kTheta][i] *= sigma
        }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(Matrix(rowMajor: scaled)) } catch {
            throw .numerical("the Hessian of the \(reml ? "REML criterion" : "deviance") could not be decomposed: \(error)")
        }
        let tolerance = 1e-8
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (e, value) in eigen.values.enumerated() where value > tolerance {
            let v = eigen.vectors.column(e)
            for i in 0..<k { for j in 0..<k { inverse[i][j] += 2 * v[i] * v[j] / value } }
        }
        for i in 0..<k {
            inverse[i][kTheta] *= sigma
            inverse[kTheta][i] *= sigma
        }
        if eigen.values.contains(where: { $0 < -tolerance }) {
            warning = "the Hessian of the \(reml ? "REML criterion" : "deviance") in the variance parameters has a negative eigenvalue, "
                + "so the model may not have converged; the Satterthwaite degrees of freedom use its positive part (as lmerTest)"
        } else if eigen.values.contains(where: { abs($0) <= tolerance }) {
            warning = "the Hessian of the \(reml ? "REML criterion" : "deviance") in the variance parameters is singular (a variance at "
                + "its bound), so the Satterthwaite degrees of freedom use its generalized inverse (as lmerTest)"
        } else {
            warning = nil
        }
        parameterCovariance = inverse
        let p = factor.p
        self.p = p
        // numDeriv's default step (1e-4 relative) amplifies the criterion's rounding into the 8th digit of the df, which
        // then depends on the BLAS kernel; 1e-2 (still Richardson-extrapolated) is as accurate and stable. vcov(β̂) = σ²U(θ),
        // so its σ derivative is 2σU(θ̂), exact: only θ is stepped.
        // Two Richardson rounds (steps h and h/2, error O(h⁴) ≈ 1e-8 relative, far inside the df's 1e-4) instead of four:
        // 4k updates of the factor instead of 8k.
        let jacobian = NumericalDerivatives.jacobian(at: theta, relativeStep: 1e-2, rounds: 2) { t in
            factor.update(t)
            return factor.unscaledCovariance().storage.map { $0 * s2 }
        }
        factor.update(theta)
        let unscaled = factor.unscaledCovariance().storage
        covarianceGradients = (0..<kTheta).map { j in jacobian.map { $0[j] } } + [unscaled.map { 2 * sigma * $0 }]
    }

    /// df of the single-coefficient contrast j: 2 (Lᵀ V L)² / (gᵀ A g).
    func degreesOfFreedom(coefficient j: Int, variance: Double) -> Double {
        let g = covarianceGradients.map { $0[j * p + j] }
        var denominator = 0.0
        for a in g.indices { for b in g.indices { denominator += g[a] * parameterCovariance[a][b] * g[b] } }
        return 2 * variance * variance / denominator
    }
}
