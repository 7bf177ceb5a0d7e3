import Foundation
import LinearAlgebra

/// Kenward and Roger's (1997) small-sample inference for the fixed effects of a REML fit, as pbkrtest computes
/// it (Halekoh & Højsgaard 2014) and lmerTest reports it with `summary(ddf = "Kenward-Roger")`: the adjusted
/// covariance Φ_A of β̂ (`vcovAdj`) and the denominator df of each contrast (`Lb_ddf`). Like pbkrtest, it uses
/// the expected information of the covariance parameters and leaves out the second-derivative term (Σ is
/// linear in its parameters).
struct KenwardRogerAdjustment {
    /// Φ = vcov(β̂) at the REML estimates.
    let covariance: Matrix
    /// Φ_A = Φ + 2Φ U Φ.
    let adjustedCovariance: Matrix
    /// P_r (pbkrtest's attribute "P" of the adjusted covariance).
    let pMatrices: [Matrix]
    /// W = 2 I_E⁻¹, the asymptotic covariance of the covariance parameters (attribute "W").
    let w: Matrix

    init(terms: KenwardRogerTerms, covariance phi: Matrix) throws(ModelError) {
        let pp = terms.pMatrices
        let g = pp.count
        let p = phi.rows
        func traceProduct(_ x: Matrix, _ y: Matrix) -> Double {
            // tr(xᵀy) = Σ x ∘ y (pbkrtest's sum(Phi * QQ)).
            var s = 0.0
            for e in x.storage.indices { s += x.storage[e] * y.storage[e] }
            return s
        }
        // I_E[i, j] = tr(G_iΣ⁻¹G_jΣ⁻¹) − 2 tr(Φ Q_ij) + tr(Φ P_i Φ P_j).
        let phiP = pp.map { phi.multiplied(by: $0) }
        var information = Matrix(rows: g, columns: g)
        for i in 0..<g {
            for j in i..<g {
                let v = terms.traces[i][j] - 2 * traceProduct(phi, terms.qMatrices[i][j])
                    + traceProduct(phiP[i], pp[j].multiplied(by: phi))
                information[i, j] = v
                information[j, i] = v
            }
        }
        // W = 2 I_E⁻¹, or 2 × its Moore–Penrose inverse (MASS::ginv, tolerance √ε of the largest) when the
        // smallest |eigenvalue| is at most 1e-10, as pbkrtest.
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(information) } catch {
            throw .numerical("Kenward–Roger: the information matrix of the variance parameters could not be decomposed: \(error)")
        }
        let magnitudes = eigen.values.map(abs)
        let smallest = magnitudes.min() ?? 0
        let largest = magnitudes.max() ?? 0
        let cut = smallest > 1e-10 ? 0 : Double.ulpOfOne.squareRoot() * largest
        var w = Matrix(rows: g, columns: g)
        for (e, value) in eigen.values.enumerated() where abs(value) > cut {
            let v = eigen.vectors.column(e)
            for i in 0..<g { for j in 0..<g { w[i, j] += 2 * v[i] * v[j] / value } }
        }

        // U = Σ_ij W_ij (Q_ij − P_i Φ P_j), Q_ji = Q_ijᵀ; Φ_A = Φ + 2ΦUΦ.
        var u = Matrix(rows: p, columns: p)
        for i in 0..<g {
            for j in (i + 1)..<max(i + 1, g) {
                u = u + w[i, j] * (terms.qMatrices[i][j] - pp[i].multiplied(by: phiP[j]))
            }
        }
        u = u + u.transposed
        for i in 0..<g { u = u + w[i, i] * (terms.qMatrices[i][i] - pp[i].multiplied(by: phiP[i])) }
        let correction = phi.multiplied(by: u).multiplied(by: phi)
        var adjusted = phi + 2 * correction
        // pbkrtest's Φ_A is symmetric up to rounding; report it exactly symmetric.
        for j in 0..<p { for i in (j + 1)..<max(j + 1, p) { let s = 0.5 * (adjusted[i, j] + adjusted[j, i]); adjusted[i, j] = s; adjusted[j, i] = s } }
        covariance = phi
        adjustedCovariance = adjusted
        pMatrices = pp
        self.w = w
    }

    /// Adjusted variance LᵀΦ_A L of the contrast Lᵀβ.
    func adjustedVariance(contrast l: [Double]) -> Double {
        let v = adjustedCovariance.multiplied(by: l)
        return zip(l, v).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Denominator df of the single contrast Lᵀβ, pbkrtest's `Lb_ddf` with q = 1 (lmerTest's `get_KR1D`).
    func degreesOfFreedom(contrast l: [Double]) -> Double {
        let v = covariance.multiplied(by: l)
        let s = zip(l, v).reduce(0) { $0 + $1.0 * $1.1 }
        // With Θ = L(LᵀΦL)⁻¹Lᵀ and u_i = ΘΦP_iΦ: tr u_i = vᵀP_i v / s, tr(u_i u_j) = tr u_i · tr u_j.
        let t = pMatrices.map { pm -> Double in
            let pv = pm.multiplied(by: v)
            return zip(v, pv).reduce(0) { $0 + $1.0 * $1.1 } / s
        }
        var a1 = 0.0
        var a2 = 0.0
        for i in t.indices {
            for j in i..<t.count {
                let e = i == j ? 1.0 : 2.0
                a1 += e * w[i, j] * t[i] * t[j]
                a2 += e * w[i, j] * t[i] * t[j]
            }
        }
        let q = 1.0
        let b = (1 / (2 * q)) * (a1 + 6 * a2)
        let gg = ((q + 1) * a1 - (q + 4) * a2) / ((q + 2) * a2)
        let denominator = 3 * q + 2 * (1 - gg)
        let c1 = gg / denominator
        let c2 = (q - gg) / denominator
        let c3 = (q + 2 - gg) / denominator
        var v0 = 1 + c1 * b
        let v1 = 1 - c2 * b
        let v2 = 1 - c3 * b
        if abs(v0) < 1e-10 { v0 = 0 }
        // pbkrtest's .divZero: 0/0 counts as 1.
        let ratio = abs(1 - a2 / q) < 1e-14 && abs(v1) < 1e-14 ? 1 : (1 - a2 / q) / v1
        let rho = 1 / q * ratio * ratio * v0 / v2
        return 4 + (q + 2) / (q * rho - 1)
    }
}
