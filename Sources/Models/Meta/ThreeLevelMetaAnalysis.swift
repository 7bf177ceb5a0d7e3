import Foundation
import Distributions

/// The three-level model for several effects per study, as metafor's
/// `rma.mv(yi, vi, random = ~ 1 | study/es, method = "REML")`: yᵢⱼ = Xβ + uᵢ + wᵢⱼ + eᵢⱼ with between-cluster
/// variance σ₁², within-cluster variance σ₂² and known sampling variances. V is block diagonal (one compound-
/// symmetric block per cluster), inverted block by block. The REML criterion is maximised by Fisher scoring and
/// finished by Newton steps on the exact Hessian (rma.mv's optimisers stop a few 1e-8 short of the optimum).
public enum ThreeLevelMetaAnalysis {
    public static func fit(_ effects: EffectSizes, clusters: [Int], clusterName: String, design: MetaDesign? = nil,
                           level: Double = 0.95) throws(MetaError) -> MetaAnalysisResult {
        let yi = effects.yi, vi = effects.vi, k = yi.count
        let design = design ?? .intercept(k: k)
        let p = design.p
        let groups = Dictionary(grouping: 0..<k, by: { clusters[$0] }).values.sorted { $0[0] < $1[0] }
        guard groups.count >= 2 else { throw .tooFewClusters(clusters: groups.count, rows: k) }
        guard k > groups.count else {
            throw .notApplicable("every cluster has one effect size, so the two levels cannot be told apart; fit the model without --cluster")
        }
        guard k >= p + 2 else { throw .tooFewStudies(k: k, needed: p + 2, what: "a three-level model") }
        let model = Model(yi: yi, vi: vi, design: design, groups: groups)

        // Start from the univariate REML τ², split between the levels.
        let start = try TauSquared.estimate(.reml, yi: yi, vi: vi, design: design).tau2
        var theta = [max(start / 2, 1e-4 * (vi.reduce(0, +) / Double(k))), max(start / 2, 1e-4 * (vi.reduce(0, +) / Double(k)))]
        var state = try model.evaluate(theta)
        var iterations = 0
        var converged = false
        for newton in [false, true] {
            for _ in 0..<500 {
                iterations += 1
                let free = (0..<2).filter { theta[$0] > 0 || state.gradient[$0] > 0 }
                guard !free.isEmpty else { converged = true; break }
                let matrix = newton ? state.negativeHessian : state.information
                var step = [0.0, 0.0]
                if free.count == 2 {
                    let det = matrix[0][0] * matrix[1][1] - matrix[0][1] * matrix[1][0]
                    if det > 0 && matrix[0][0] > 0 {
                        step[0] = (matrix[1][1] * state.gradient[0] - matrix[0][1] * state.gradient[1]) / det
                        step[1] = (matrix[0][0] * state.gradient[1] - matrix[1][0] * state.gradient[0]) / det
                    } else {
                        step = [state.gradient[0] / state.information[0][0], state.gradient[1] / state.information[1][1]]
                    }
                } else {
                    let j = free[0]
                    let curvature = matrix[j][j] > 0 ? matrix[j][j] : state.information[j][j]
                    step[j] = state.gradient[j] / curvature
                }
                // Step halving: stay at σ² ≥ 0 (a component that would go negative lands on 0) and never lose likelihood.
                var factor = 1.0
                var accepted = false
                for _ in 0..<60 {
                    let trial = (0..<2).map { max(0, theta[$0] + factor * step[$0]) }
                    let next = try model.evaluate(trial)
                    if next.logLikelihood >= state.logLikelihood - 1e-12 * abs(state.logLikelihood) {
                        let change = (0..<2).map { abs(trial[$0] - theta[$0]) }.max() ?? 0
                        theta = trial
                        state = next
                        accepted = true
                        if change <= (newton ? 1e-15 : 1e-10) * max(1, theta.max() ?? 0) { converged = true }
                        break
                    }
                    factor /= 2
                }
                if !accepted || converged { converged = true; break }
            }
            if !converged { break }
            if !newton { converged = false }
        }
        guard converged else { throw .notConverged(what: "REML estimation of the three-level model", iterations: iterations) }
        return try result(model: model, theta: theta, state: state, effects: effects, clusterName: clusterName, level: level,
                          iterations: iterations)
    }

    private static func result(model: Model, theta: [Double], state: Model.State, effects: EffectSizes, clusterName: String,
                               level: Double, iterations: Int) throws(MetaError) -> MetaAnalysisResult {
        let k = effects.yi.count, p = model.design.p
        let crit = Normal.upperQuantile((1 - level) / 2)
        let coefficients = (0..<p).map { j -> MetaCoefficient in
            let b = state.beta[j], se = state.covariance[j][j].squareRoot()
            return MetaCoefficient(term: model.design.names[j], estimate: b, stdError: se, statistic: b / se,
                                   pValue: 2 * Normal.ccdf(abs(b / se)), confLow: b - crit * se, confHigh: b + crit * se)
        }
        let fixed = try WeightedMetaFit(yi: effects.yi, vi: effects.vi, design: model.design, tau2: 0)
        let dfResidual = k - p
        let typical = Double(dfResidual) / fixed.traceP
        let total = theta[0] + theta[1]
        let i2 = 100 * total / (total + typical)
        var predLow: Double? = nil, predHigh: Double? = nil
        if p == 1 {
            let half = crit * (state.covariance[0][0] + total).squareRoot()
            predLow = state.beta[0] - half
            predHigh = state.beta[0] + half
        }
        var warnings: [String] = []
        if theta[0] == 0 { warnings.append("The between-\(clusterName) variance is estimated at 0 (a boundary fit): effects vary no more between \(clusterName) values than within them.") }
        if theta[1] == 0 { warnings.append("The within-\(clusterName) variance is estimated at 0 (a boundary fit).") }
        let diagonal = state.inverseDiagonal
        let sum = diagonal.reduce(0, +)
        return MetaAnalysisResult(
            kind: .threeLevel, method: .reml, measure: effects.measure, knapphartung: false, level: level, k: k,
            coefficients: coefficients, df: nil, tau2: nil, tau2ConfLow: nil, tau2ConfHigh: nil, i2: i2, h2: nil,
            q: max(0, fixed.rss), qDF: dfResidual, qPValue: ChiSquared(degreesOfFreedom: Double(dfResidual)).ccdf(max(0, fixed.rss)),
            predLow: predLow, predHigh: predHigh, yi: effects.yi, vi: effects.vi, weights: diagonal.map { 100 * $0 / sum },
            moderators: nil, egger: [], trimfill: nil,
            varianceComponents: [MetaVarianceComponent(level: clusterName, tau2: theta[0], i2: 100 * theta[0] / (total + typical)),
                                 MetaVarianceComponent(level: "within", tau2: theta[1], i2: 100 * theta[1] / (total + typical))],
            clusters: model.groups.count, logLikelihood: state.logLikelihood, iterations: iterations, warnings: warnings)
    }

    /// The REML criterion and its derivatives in (σ₁², σ₂²), from a dense P = V⁻¹ − V⁻¹X(XᵀV⁻¹X)⁻¹XᵀV⁻¹.
    struct Model {
        let yi: [Double]
        let vi: [Double]
        let design: MetaDesign
        let groups: [[Int]]

        struct State {
            let logLikelihood: Double
            let gradient: [Double]
            /// Expected information ½tr(P Dₐ P D_b) (Fisher scoring).
            let information: [[Double]]
            /// Minus the Hessian: ½tr(P Dₐ P D_b) − ... + yᵀP Dₐ P D_b P y, i.e. information − ½tr + the observed part.
            let negativeHessian: [[Double]]
            let beta: [Double]
            let covariance: [[Double]]
            /// diag(V⁻¹), for the weights.
            let inverseDiagonal: [Double]
        }

        func evaluate(_ theta: [Double]) throws(MetaError) -> State {
            let k = yi.count, p = design.p
            // V⁻¹ block by block: (D + σ₁²11ᵀ)⁻¹ = D⁻¹ − σ₁² D⁻¹11ᵀD⁻¹ / (1 + σ₁² Σ 1/dᵢ) (Sherman–Morrison).
            var winv = Array(repeating: Array(repeating: 0.0, count: k), count: k)
            var logDetV = 0.0
            for g in groups {
                let d = g.map { vi[$0] + theta[1] }
                let s = d.reduce(0) { $0 + 1 / $1 }
                let denominator = 1 + theta[0] * s
                logDetV += d.reduce(0) { $0 + log($1) } + log(denominator)
                for (a, i) in g.enumerated() {
                    for (b, j) in g.enumerated() {
                        winv[i][j] = (a == b ? 1 / d[a] : 0) - theta[0] / (d[a] * d[b] * denominator)
                    }
                }
            }
            // WX, XᵀWX, β.
            var wx = Array(repeating: Array(repeating: 0.0, count: p), count: k)
            for g in groups { for i in g { for j in g { for c in 0..<p { wx[i][c] += winv[i][j] * design.rows[j][c] } } } }
            var xwx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
            var xwy = Array(repeating: 0.0, count: p)
            for i in 0..<k { for a in 0..<p { xwy[a] += wx[i][a] * yi[i]; for b in 0..<p { xwx[a][b] += design.rows[i][a] * wx[i][b] } } }
            guard let m = SmallSPD.inverse(xwx), let logDetXWX = SmallSPD.logDeterminant(xwx) else {
                throw .moderatorsRankDeficient(terms: design.names)
            }
            let beta = (0..<p).map { a in (0..<p).reduce(0.0) { $0 + m[a][$1] * xwy[$1] } }
            // P = W − (WX) M (WX)ᵀ, dense.
            var wxm = Array(repeating: Array(repeating: 0.0, count: p), count: k)
            for i in 0..<k { for a in 0..<p { for b in 0..<p { wxm[i][a] += wx[i][b] * m[b][a] } } }
            var pm = winv
            for i in 0..<k { for j in 0..<k { var s = 0.0; for a in 0..<p { s += wxm[i][a] * wx[j][a] }; pm[i][j] -= s } }
            let py = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + pm[i][$1] * yi[$1] } }
            let rss = zip(py, yi).reduce(0) { $0 + $1.0 * $1.1 }
            // rma.mv's REML log-likelihood includes +½log|XᵀX| (a constant in σ²).
            var xx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
            for i in 0..<k { for a in 0..<p { for b in 0..<p { xx[a][b] += design.rows[i][a] * design.rows[i][b] } } }
            let logDetXX = SmallSPD.logDeterminant(xx) ?? 0
            let ll = -0.5 * (Double(k - p) * log(2 * Double.pi) + logDetV + logDetXWX + rss) + 0.5 * logDetXX

            // D₁ = ZZᵀ (cluster blocks of ones), D₂ = I. u₁ = D₁Py (cluster sums), u₂ = Py.
            var clusterOf = Array(repeating: 0, count: k)
            for (c, g) in groups.enumerated() { for i in g { clusterOf[i] = c } }
            let sums = groups.map { g in g.reduce(0.0) { $0 + py[$1] } }
            let u1 = (0..<k).map { sums[clusterOf[$0]] }
            // S = ZᵀPZ (cluster-by-cluster sums of P), R = ZᵀP (cluster sums of P's columns).
            let c = groups.count
            var r = Array(repeating: Array(repeating: 0.0, count: k), count: c)
            for i in 0..<k { for j in 0..<k { r[clusterOf[i]][j] += pm[i][j] } }
            var sMatrix = Array(repeating: Array(repeating: 0.0, count: c), count: c)
            for a in 0..<c { for j in 0..<k { sMatrix[a][clusterOf[j]] += r[a][j] } }
            let trP = (0..<k).reduce(0.0) { $0 + pm[$1][$1] }
            let trPJ = (0..<c).reduce(0.0) { $0 + sMatrix[$1][$1] }
            let info11 = 0.5 * sMatrix.reduce(0.0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
            let info12 = 0.5 * r.reduce(0.0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
            let info22 = 0.5 * pm.reduce(0.0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
            let g1 = -0.5 * trPJ + 0.5 * sums.reduce(0) { $0 + $1 * $1 }
            let g2 = -0.5 * trP + 0.5 * py.reduce(0) { $0 + $1 * $1 }
            // uₐᵀ P u_b for the observed Hessian: −∂²ℓ = −½tr(P Dₐ P D_b) + uₐᵀ P u_b.
            func quadratic(_ a: [Double], _ b: [Double]) -> Double {
                var s = 0.0
                for i in 0..<k where a[i] != 0 { var t = 0.0; for j in 0..<k { t += pm[i][j] * b[j] }; s += a[i] * t }
                return s
            }
            let h11 = -info11 + quadratic(u1, u1), h12 = -info12 + quadratic(u1, py), h22 = -info22 + quadratic(py, py)
            var inverseDiagonal = Array(repeating: 0.0, count: k)
            for i in 0..<k { inverseDiagonal[i] = winv[i][i] }
            return State(logLikelihood: ll, gradient: [g1, g2], information: [[info11, info12], [info12, info22]],
                         negativeHessian: [[h11, h12], [h12, h22]], beta: beta, covariance: m, inverseDiagonal: inverseDiagonal)
        }
    }
}
