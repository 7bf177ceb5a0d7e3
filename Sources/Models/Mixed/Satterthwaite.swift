import Foundation
import LinearAlgebra
import Optimization

/// Satterthwaite's degrees of freedom for t tests of fixed effects, as lmerTest computes them (Kuznetsova,
/// Brockhoff & Christensen 2017): the covariance of the variance parameters (θ, σ) is twice the generalized
/// inverse of the Hessian of the unprofiled objective (`devfun_vp`), and each contrast's variance is
/// differentiated in (θ, σ) (`get_covbeta`); both by numDeriv's Richardson extrapolation, as lmerTest.
struct SatterthwaiteDegrees {
    /// Covariance of (θ, σ).
    let parameterCovariance: [[Double]]
    /// ∂ vcov(β̂) / ∂(θ, σ)_k, each p × p (column-major).
    let covarianceGradients: [[Double]]
    let p: Int
    /// lmerTest's warning when the Hessian has negative or zero eigenvalues.
    let warning: String?

    init(factor: MixedFactor, theta: [Double], sigma: Double, reml: Bool) throws(ModelError) {
        let varpar = theta + [sigma]
        let k = varpar.count
        let hessian = NumericalDerivatives.hessian(at: varpar) { v in
            factor.objective(Array(v.dropLast()), sigma: v[v.count - 1], reml: reml)
        }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(Matrix(rowMajor: hessian)) } catch {
            throw .numerical("the Hessian of the \(reml ? "REML criterion" : "deviance") could not be decomposed: \(error)")
        }
        // lmerTest: a Moore–Penrose inverse over eigenvalues above 1e-8, with a warning when some are not.
        let tolerance = 1e-8
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (e, value) in eigen.values.enumerated() where value > tolerance {
            let v = eigen.vectors.column(e)
            for i in 0..<k { for j in 0..<k { inverse[i][j] += 2 * v[i] * v[j] / value } }
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
        // then depends on the BLAS kernel; 1e-2 (still Richardson-extrapolated) is as accurate and stable.
        let jacobian = NumericalDerivatives.jacobian(at: varpar, relativeStep: 1e-2) { v in
            factor.update(Array(v.dropLast()))
            let s = v[v.count - 1]
            return factor.unscaledCovariance().storage.map { $0 * s * s }
        }
        covarianceGradients = (0..<k).map { j in jacobian.map { $0[j] } }
        factor.update(theta)
    }

    /// df of the single-coefficient contrast j: 2 (Lᵀ V L)² / (gᵀ A g).
    func degreesOfFreedom(coefficient j: Int, variance: Double) -> Double {
        let g = covarianceGradients.map { $0[j * p + j] }
        var denominator = 0.0
        for a in g.indices { for b in g.indices { denominator += g[a] * parameterCovariance[a][b] * g[b] } }
        return 2 * variance * variance / denominator
    }
}
