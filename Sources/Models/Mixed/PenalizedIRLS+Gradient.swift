import Foundation

extension PenalizedIRLS {
    /// The analytic gradient of the Laplace deviance D(θ, β) = −2 log p(y | û) + ‖û‖² + log|L|² at the current θ, β and
    /// modes (after `run(joint: false)`), θ first (in `thetaPositions` order), then β. Both families have canonical
    /// links, so the PIRLS weights are w = m·V(μ) and the Jacobian of the modes' equations Λᵀ Σ z g + u = 0 (g the
    /// half-derivative of the deviance in η) is A_j = ΛᵀG_jΛ + I itself. Then, per level j:
    /// - the penalized-deviance part: by the envelope theorem only its explicit derivative, Σ 2g x for β and
    ///   Σ 2g zᵀ(∂Λ/∂θ)u for θ;
    /// - log det A_j: the explicit derivative in Λ, 2 tr(A_j⁻¹ΛᵀG_j ∂Λ/∂θ), plus the weights' change along η,
    ///   Σ w′(η) c dη with c = zᵀΛA_j⁻¹Λᵀz and dη = x + zᵀΛ dû (β) or zᵀ(∂Λ/∂θ)u + zᵀΛ dû (θ), where
    ///   dû/dβ = −A_j⁻¹ΛᵀC_j and dû/dθ = −A_j⁻¹((∂Λ/∂θ)ᵀr_j + ΛᵀG_j(∂Λ/∂θ)u_j), r_j = Σ g z.
    /// Two O(n q²) passes over the rows plus one O(n p); MixedModels.jl and lme4 differentiate numerically instead.
    func laplaceGradient() -> [Double] {
        let lam = lambda
        let uu = u
        let l = factors
        let m = mu
        // Pass 1: G_j = Σ w z zᵀ, r_j = Σ g z, f_j = Σ w′ c z; and per row ρ = 2g + w′c (the part of the β-gradient
        // without dû), with w kept for pass 2.
        var rho = [Double](repeating: 0, count: n)
        var rowWeight = [Double](repeating: 0, count: n)
        let parts = RowParts(rows: n)
        var gParts = [[Double]](repeating: [], count: parts.ranges.count)
        var rParts = gParts, fParts = gParts
        let qq = q, lv = levels
        let fam = family
        let codes = self.codes, z = self.z, y = self.y, weights = self.weights, nn = n
        rho.withUnsafeMutableBufferPointer { rhoP in
            rowWeight.withUnsafeMutableBufferPointer { wP in
                let out = SharedPointers(rhoP.baseAddress!, wP.baseAddress!)
                let sums = PartSums(count: parts.ranges.count)
                parts.run { k, range in
                    var g = [Double](repeating: 0, count: lv * qq * qq)
                    var r = [Double](repeating: 0, count: lv * qq)
                    var f = [Double](repeating: 0, count: lv * qq)
                    var zi = [Double](repeating: 0, count: qq)
                    var t = [Double](repeating: 0, count: qq)
                    for i in range {
                        let j = Int(codes[i])
                        for a in 0..<qq { zi[a] = z[a * nn + i] }
                        let mi = m[i], wt = weights[i]
                        // Canonical links: dμ/dη = V(μ), so the PIRLS weight wt·(dμ/dη)²/V(μ) is wt·V(μ).
                        let v = fam.variance(mi)
                        let w = wt > 0 && v > 0 ? wt * v : 0
                        let dw: Double
                        if case .binomial = fam { dw = w * (1 - 2 * mi) } else { dw = w }
                        let gi = -wt * (y[i] - mi)
                        // t = L_j⁻¹Λᵀz, c = ‖t‖².
                        let g0 = j * qq * qq
                        for a in 0..<qq {
                            var s = 0.0
                            for e in a..<qq { s += lam[e + a * qq] * zi[e] }
                            t[a] = s
                        }
                        var c = 0.0
                        for a in 0..<qq {
                            var s = t[a]
                            for e in 0..<a { s -= l[g0 + e * qq + a] * t[e] }
                            t[a] = s / l[g0 + a * qq + a]
                            c += t[a] * t[a]
                        }
                        out.first[i] = 2 * gi + dw * c
                        out.second[i] = w
                        for a in 0..<qq {
                            r[j * qq + a] += gi * zi[a]
                            f[j * qq + a] += dw * c * zi[a]
                            for e in 0..<qq { g[g0 + a * qq + e] += w * zi[a] * zi[e] }
                        }
                    }
                    sums.store(k, [g, r, f])
                }
                for k in parts.ranges.indices {
                    let s = sums.take(k)
                    gParts[k] = s[0]; rParts[k] = s[1]; fParts[k] = s[2]
                }
            }
        }
        func total(_ parts: [[Double]]) -> [Double] {
            var s = parts[0]
            for k in parts.indices.dropFirst() { for e in s.indices { s[e] += parts[k][e] } }
            return s
        }
        let gSum = total(gParts), r = total(rParts), f = total(fParts)

        // Per level: v_j = A_j⁻¹Λᵀf_j, s_j = ΛᵀG_jΛ... and the θ gradient.
        var thetaGradient = [Double](repeating: 0, count: thetaPositions.count)
        var lv_ = [Double](repeating: 0, count: levels * q)   // Λ v_j, for pass 2
        var e = [Double](repeating: 0, count: q)
        var gLv = [Double](repeating: 0, count: q)
        var b = [Double](repeating: 0, count: q * q)          // A_j⁻¹ΛᵀG_j
        for j in 0..<levels {
            let g0 = j * q * q
            for a in 0..<q {
                var s = 0.0
                for c in a..<q { s += lam[c + a * q] * f[j * q + c] }
                e[a] = s
            }
            solve(l, g0, &e)
            // Λv_j and G_jΛv_j.
            for a in 0..<q {
                var s = 0.0
                for c in 0...a { s += lam[a + c * q] * e[c] }
                lv_[j * q + a] = s
            }
            for a in 0..<q {
                var s = 0.0
                for c in 0..<q { s += gSum[g0 + a * q + c] * lv_[j * q + c] }
                gLv[a] = s
            }
            // B = A_j⁻¹ΛᵀG_j column by column.
            for col in 0..<q {
                var column = [Double](repeating: 0, count: q)
                for a in 0..<q {
                    var s = 0.0
                    for c in a..<q { s += lam[c + a * q] * gSum[g0 + c * q + col] }
                    column[a] = s
                }
                solve(l, g0, &column)
                for a in 0..<q { b[a + col * q] = column[a] }
            }
            for (k, position) in thetaPositions.enumerated() {
                let row = position.row, col = position.column
                let uc = uu[j * q + col]
                thetaGradient[k] += uc * (2 * r[j * q + row] + f[j * q + row] - gLv[row]) + 2 * b[col + row * q]
                    - e[col] * r[j * q + row]
            }
        }

        // Pass 2: ρ −= w zᵀΛv_j, then the β gradient Xᵀρ (each part in row order, parts added in order).
        var betaGradient = [Double](repeating: 0, count: p)
        let pp = p, xs = x
        let lvFinal = lv_
        rho.withUnsafeMutableBufferPointer { rhoP in
            let rp = rhoP.baseAddress!
            let sums = PartSums(count: parts.ranges.count)
            parts.run { k, range in
                for i in range {
                    let j = Int(codes[i])
                    var s = 0.0
                    for a in 0..<qq { s += z[a * nn + i] * lvFinal[j * qq + a] }
                    rp[i] -= rowWeight[i] * s
                }
                var part = [Double](repeating: 0, count: pp)
                xs.withUnsafeBufferPointer { xp in
                    for c in 0..<pp {
                        let column = xp.baseAddress! + c * nn
                        var s = 0.0
                        for i in range { s += column[i] * rp[i] }
                        part[c] = s
                    }
                }
                sums.store(k, [part])
            }
            for k in parts.ranges.indices { let s = sums.take(k)[0]; for c in 0..<pp { betaGradient[c] += s[c] } }
        }
        return thetaGradient + betaGradient
    }

    /// Solves A_j x = v in place with the lower Cholesky factor of block j (at `g0`).
    private func solve(_ l: [Double], _ g0: Int, _ v: inout [Double]) {
        for a in 0..<q {
            var s = v[a]
            for c in 0..<a { s -= l[g0 + c * q + a] * v[c] }
            v[a] = s / l[g0 + a * q + a]
        }
        for a in stride(from: q - 1, through: 0, by: -1) {
            var s = v[a]
            for c in (a + 1)..<max(q, a + 1) { s -= l[g0 + a * q + c] * v[c] }
            v[a] = s / l[g0 + a * q + a]
        }
    }
}

/// Per-part arrays handed back from concurrent row parts (each part writes only its own slot).
final class PartSums: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[[Double]]>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [], count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ k: Int, _ value: [[Double]]) { slots[k] = value }

    func take(_ k: Int) -> [[Double]] { slots[k] }
}
