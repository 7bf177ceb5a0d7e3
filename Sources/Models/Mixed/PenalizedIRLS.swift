import Foundation

/// The penalized iteratively reweighted least squares of a GLMM with one grouping factor (lme4's `pwrssUpdate`
/// in src/external.cpp; Bates, Mächler, Bolker & Walker 2015, §5 of the lme4 vignette on GLMMs): the random
/// effects are b = λu per level with spherical u, and for given θ (and β) the conditional modes û minimise the
/// penalized deviance Σ dev(y, μ) + ‖u‖². With one grouping factor ΛᵀZᵀWZΛ + I is block diagonal (one q × q
/// block per level), so every pass is O(n q²) with no dense work across levels.
///
/// The state (u, β, the factor blocks) is kept between calls, so each PIRLS run starts from the last one's modes
/// (lme4 restarts from a fixed linear predictor; both converge to the same modes, here to the rounding floor).
final class PenalizedIRLS {
    let family: GLMFamily
    let n: Int
    let p: Int
    let q: Int
    let levels: Int
    /// The outcome: 0/1, counts, or the proportion of successes for binomial outcomes with trials.
    let y: [Double]
    /// Prior weights: the trials of a binomial outcome with trials (cbind), otherwise 1.
    let weights: [Double]
    let offset: [Double]
    /// X (n × p) and Z (n × q), column-major.
    let x: [Double]
    let z: [Double]
    let codes: [Int32]
    /// Rows of each level, for the small-cell rule of plots.
    let rowsPerLevel: [Int]
    let thetaPositions: [RandomEffectsBlock.ThetaPosition]
    /// Σ −2 log p(y | μ = y): the saturated model's part that the deviance residuals leave out (0 for 0/1 outcomes).
    let saturatedDeviance: Double

    private(set) var lambda: [Double]
    private(set) var beta: [Double]
    /// Spherical random effects, level-major: u[j · q + a].
    private(set) var u: [Double]
    /// Cholesky factors L_j of ΛᵀZ_jᵀW Z_jΛ + I at the current modes, level-major q × q blocks (lower, column-major).
    private(set) var factors: [Double]
    /// μ at the current modes.
    private(set) var mu: [Double]
    /// Σ prior weight · unit deviance at the current modes (from the pass that gave `mu`).
    private(set) var modeDeviance = Double.nan
    /// The joint (u, β) pass's Schur complement inverse: (XᵀWX − CᵀA⁻¹C)⁻¹, the unscaled covariance of β̂ at θ.
    private(set) var betaCovariance: [Double] = []
    /// PIRLS passes of the last run.
    private(set) var lastIterations = 0

    /// PIRLS stops once the largest change in u (and β) is below this: Newton's method then has the modes to rounding.
    static let stepTolerance = 1e-10
    static let maxIterations = 200
    static let maxHalvings = 30

    init(family: GLMFamily, y: [Double], weights: [Double], offset: [Double], x: [Double], p: Int, block: RandomEffectsBlock) {
        self.family = family
        self.n = y.count
        self.p = p
        self.q = block.q
        self.levels = block.levelCount
        self.y = y
        self.weights = weights
        self.offset = offset
        self.x = x
        self.z = block.zValues()
        self.codes = block.codes
        self.thetaPositions = block.thetaPositions
        var counts = [Int](repeating: 0, count: block.levelCount)
        for c in block.codes { counts[Int(c)] += 1 }
        self.rowsPerLevel = counts
        var saturated = 0.0
        for i in 0..<y.count where weights[i] > 0 {
            saturated += -2 * Self.logDensity(family, y[i], mean: family == .binomial ? min(max(y[i], 0), 1) : y[i], weight: weights[i])
        }
        self.saturatedDeviance = saturated.isFinite ? saturated : 0
        self.lambda = [Double](repeating: 0, count: block.q * block.q)
        self.beta = [Double](repeating: 0, count: p)
        self.u = [Double](repeating: 0, count: block.levelCount * block.q)
        self.factors = [Double](repeating: 0, count: block.levelCount * block.q * block.q)
        self.mu = [Double](repeating: 0, count: y.count)
    }

    /// log p(y | μ) of one row: binomial with `weight` trials (y the proportion), or Poisson.
    static func logDensity(_ family: GLMFamily, _ y: Double, mean mu: Double, weight m: Double) -> Double {
        switch family {
        case .binomial:
            let s = (y * m).rounded(), trials = m.rounded()
            let choose = trials == 1 ? 0 : lgamma(trials + 1) - lgamma(s + 1) - lgamma(trials - s + 1)
            return choose + (s > 0 ? s * log(mu) : 0) + (trials - s > 0 ? (trials - s) * log1p(-mu) : 0)
        case .poisson:
            return (y > 0 ? y * log(mu) : 0) - mu - lgamma(y + 1)
        case .negativeBinomial:
            return family.logLikelihood(y, mu)
        }
    }

    func setTheta(_ theta: ArraySlice<Double>) {
        var l = [Double](repeating: 0, count: q * q)
        for (position, value) in zip(thetaPositions, theta) { l[position.row + position.column * q] = value }
        lambda = l
    }

    func setBeta(_ b: [Double]) { beta = b }

    /// Xβ + offset (row halves for large n; each row's sum in column order on any number of cores).
    func fixedPredictor(_ b: [Double]) -> [Double] {
        var eta = offset
        let n = self.n, p = self.p
        x.withUnsafeBufferPointer { xp in
            eta.withUnsafeMutableBufferPointer { ep in
                let out = SharedPointers(ep.baseAddress!, ep.baseAddress!)
                RowParts(rows: n).run { _, range in
                    for k in 0..<p where b[k] != 0 {
                        let bk = b[k]
                        let column = xp.baseAddress! + k * n
                        for i in range { out.first[i] += column[i] * bk }
                    }
                }
            }
        }
        return eta
    }

    /// b = λu per level (level-major).
    func effects(_ uu: [Double]) -> [Double] {
        var b = [Double](repeating: 0, count: levels * q)
        for j in 0..<levels {
            for r in 0..<q {
                var s = 0.0
                for c in 0...r { s += lambda[r + c * q] * uu[j * q + c] }
                b[j * q + r] = s
            }
        }
        return b
    }

    /// A_j = λᵀG_jλ + I factored in place into `out` (lower Cholesky), and λᵀh_j.
    private func factorBlocks(_ pass: Pass, into out: inout [Double]) throws(ModelError) -> [Double] {
        var rhs = [Double](repeating: 0, count: levels * q)
        var gl = [Double](repeating: 0, count: q * q)
        for j in 0..<levels {
            let g0 = j * q * q
            // G λ (G symmetric, lower stored at [a * q + e] for e ≥ a).
            for c in 0..<q {
                for a in 0..<q {
                    var s = 0.0
                    for e in 0..<q {
                        let gae = a <= e ? pass.g[g0 + a * q + e] : pass.g[g0 + e * q + a]
                        s += gae * lambda[e + c * q]
                    }
                    gl[a + c * q] = s
                }
            }
            for c in 0..<q {
                for r in c..<q {
                    var s = r == c ? 1.0 : 0.0
                    for a in 0..<q { s += lambda[a + r * q] * gl[a + c * q] }
                    out[g0 + c * q + r] = s
                }
                for r in 0..<c { out[g0 + c * q + r] = 0 }
            }
            for a in 0..<q {
                var s = 0.0
                for e in 0..<q { s += lambda[e + a * q] * pass.h[j * q + e] }
                rhs[j * q + a] = s
            }
            let ok = out.withUnsafeMutableBufferPointer { SmallBlocks.cholesky($0.baseAddress! + g0, q: q) }
            guard ok else { throw .numerical("the penalized weighted cross-product of level \(j + 1) is not positive definite") }
        }
        return rhs
    }

    /// L x = b then Lᵀ y = x, for block j, in place.
    private func solveBlock(_ l: [Double], _ j: Int, _ v: inout [Double], offset o: Int) {
        let g0 = j * q * q
        for r in 0..<q {
            var s = v[o + r]
            for c in 0..<r { s -= l[g0 + c * q + r] * v[o + c] }
            v[o + r] = s / l[g0 + r * q + r]
        }
        for r in stride(from: q - 1, through: 0, by: -1) {
            var s = v[o + r]
            for c in (r + 1)..<max(q, r + 1) { s -= l[g0 + r * q + c] * v[o + c] }
            v[o + r] = s / l[g0 + r * q + r]
        }
    }

    /// PIRLS for the modes at the current θ and β (`joint: false`, glmer's nAGQ > 0 stage), or for the modes and β
    /// together (`joint: true`, glmer's nAGQ = 0 stage), with lme4's step halving when the penalized deviance rises.
    /// `fromStart` begins at the family's starting means (glm's mustart) instead of the current state.
    @discardableResult
    func run(joint: Bool, fromStart: Bool = false) throws(ModelError) -> Double {
        func start(_ fixed: [Double]) -> Pass {
            guard fromStart else { return pass(u: u, fixed: fixed, joint: joint) }
            let eta = (0..<n).map { family.link(family.startingMean(y[$0])) }
            return pass(u: u, fixed: eta, joint: joint, fromStart: true)
        }
        func solve(_ current: Pass) throws(ModelError) -> (u: [Double], beta: [Double]) { try newtonTarget(current, joint: joint) }
        // Converged: the factors, μ and deviance at the modes' own weights.
        func atModes(_ current: Pass) throws(ModelError) {
            var blocks = factors
            _ = try factorBlocks(current, into: &blocks)
            factors = blocks
            mu = current.mu
            modeDeviance = current.deviance
        }
        return try iteratePIRLS(joint: joint, fromStart: fromStart, start: start, penalizedDeviance: { $0.penalizedDeviance },
                                pass: { pass(u: $0, fixed: $1, joint: joint) }, solve: solve,
                                take: { u = $0.u; beta = $0.beta }, atModes: atModes, iterations: { lastIterations = $0 })
    }

    /// Factors the blocks at a pass's weights (kept as the current factors, with μ and the deviance there) and returns
    /// the Newton target (û, β̂) of the penalized weighted least-squares problem at these weights (β unchanged unless
    /// `joint`).
    private func newtonTarget(_ current: Pass, joint: Bool) throws(ModelError) -> (u: [Double], beta: [Double]) {
        var blocks = factors
        let rhs = try factorBlocks(current, into: &blocks)
        factors = blocks
        mu = current.mu
        modeDeviance = current.deviance
        // The Newton target (û, β̂) of the penalized weighted least-squares problem at these weights.
        var target = rhs
        var newBeta = beta
        if joint {
            // Schur complement: S = XᵀWX − Σ V_jᵀV_j with V_j = L_j⁻¹λᵀC_j; t = XᵀWζ − Σ V_jᵀ(L_j⁻¹λᵀh_j).
            var s = [Double](repeating: 0, count: p * p)
            for k in 0..<p { for l in k..<p { s[k * p + l] = current.xwx[k * p + l]; s[l * p + k] = current.xwx[k * p + l] } }
            var t = current.xwz
            var vAll = [Double](repeating: 0, count: levels * q * p)
            var w = [Double](repeating: 0, count: levels * q)
            var col = [Double](repeating: 0, count: q)
            for j in 0..<levels {
                let g0 = j * q * q
                for k in 0..<p {
                    // λᵀ C_j column k, then forward solve with L_j.
                    for a in 0..<q {
                        var sum = 0.0
                        for e in 0..<q { sum += lambda[e + a * q] * current.c[(j * q + e) * p + k] }
                        col[a] = sum
                    }
                    for r in 0..<q {
                        var sum = col[r]
                        for c in 0..<r { sum -= factors[g0 + c * q + r] * col[c] }
                        col[r] = sum / factors[g0 + r * q + r]
                    }
                    for a in 0..<q { vAll[(j * q + a) * p + k] = col[a] }
                }
                for r in 0..<q {
                    var sum = rhs[j * q + r]
                    for c in 0..<r { sum -= factors[g0 + c * q + r] * w[j * q + c] }
                    w[j * q + r] = sum / factors[g0 + r * q + r]
                }
                for k in 0..<p {
                    for a in 0..<q {
                        let vk = vAll[(j * q + a) * p + k]
                        t[k] -= vk * w[j * q + a]
                        for l in 0..<p { s[k * p + l] -= vk * vAll[(j * q + a) * p + l] }
                    }
                }
            }
            let (solution, inverse) = try Self.solveSymmetric(s, t, p: p)
            newBeta = solution
            betaCovariance = inverse
            // u_j = L_j⁻ᵀ(w_j − V_j β).
            for j in 0..<levels {
                for a in 0..<q {
                    var sum = w[j * q + a]
                    for k in 0..<p { sum -= vAll[(j * q + a) * p + k] * newBeta[k] }
                    target[j * q + a] = sum
                }
                let g0 = j * q * q
                for r in stride(from: q - 1, through: 0, by: -1) {
                    var sum = target[j * q + r]
                    for c in (r + 1)..<max(q, r + 1) { sum -= factors[g0 + r * q + c] * target[j * q + c] }
                    target[j * q + r] = sum / factors[g0 + r * q + r]
                }
            }
        } else {
            for j in 0..<levels { solveBlock(factors, j, &target, offset: j * q) }
        }
        return (target, newBeta)
    }

    /// Cholesky solve of the p × p symmetric positive definite S (full storage) and its inverse.
    static func solveSymmetric(_ s: [Double], _ t: [Double], p: Int) throws(ModelError) -> (solution: [Double], inverse: [Double]) {
        var l = s
        let ok = l.withUnsafeMutableBufferPointer { SmallBlocks.cholesky($0.baseAddress!, q: p) }
        guard ok else {
            throw .numerical("the fixed-effects cross-product is not positive definite given the random effects (a predictor "
                             + "may be constant within the data or perfectly separate the outcome)")
        }
        func solve(_ b: [Double]) -> [Double] {
            var v = b
            for r in 0..<p {
                var sum = v[r]
                for c in 0..<r { sum -= l[c * p + r] * v[c] }
                v[r] = sum / l[r * p + r]
            }
            for r in stride(from: p - 1, through: 0, by: -1) {
                var sum = v[r]
                for c in (r + 1)..<max(p, r + 1) { sum -= l[r * p + c] * v[c] }
                v[r] = sum / l[r * p + r]
            }
            return v
        }
        var inverse = [Double](repeating: 0, count: p * p)
        for k in 0..<p {
            var e = [Double](repeating: 0, count: p)
            e[k] = 1
            let column = solve(e)
            for r in 0..<p { inverse[k * p + r] = column[r] }
        }
        return (solve(t), inverse)
    }

    /// log |L|² = Σ_j 2 log det L_j.
    var logDeterminant: Double {
        var s = 0.0
        for j in 0..<levels { for a in 0..<q { s += 2 * log(factors[j * q * q + a * q + a]) } }
        return s
    }

    var squaredLength: Double { u.reduce(0) { $0 + $1 * $1 } }

    /// −2 log p(y | û, β) at the current modes (glm family's `aic()` without the parameter count): the sum of the
    /// deviance residuals plus the saturated part, −2 log p(y | μ) = Σ m·dev(y, μ) − 2 log p(y | μ = y), so no second
    /// pass of logarithms over the rows.
    var conditionalDeviance: Double { modeDeviance + saturatedDeviance }

    /// The Laplace approximation to −2 log-likelihood (lme4's `glmResp::Laplace`: aic + ‖u‖² + log|L|²).
    var laplaceDeviance: Double { conditionalDeviance + squaredLength + logDeterminant }

    /// glmer's adaptive Gauss–Hermite deviance (`glmerAGQ`) for one scalar random effect: the per-level sums of
    /// deviance residuals plus u² at the modes, log|L|², and −2 Σ log of the quadrature sums around the modes. As in
    /// lme4 it is on the deviance-residual scale; add `saturatedDeviance` for −2 log-likelihood.
    func adaptiveQuadratureDeviance(rule: GaussHermite) -> Double {
        precondition(q == 1, "adaptive quadrature needs one scalar random effect")
        let fixed = fixedPredictor(beta)
        let lam = lambda[0]
        func levelDeviances(shift: [Double]) -> [Double] {
            var d = [Double](repeating: 0, count: levels)
            for i in 0..<n {
                let j = Int(codes[i])
                let eta = fixed[i] + z[i] * lam * (u[j] + shift[j])
                let m = family.linkInverse(eta)
                if weights[i] > 0 { d[j] += weights[i] * family.deviance(y[i], m) }
            }
            for j in 0..<levels { d[j] += (u[j] + shift[j]) * (u[j] + shift[j]) }
            return d
        }
        let zero = [Double](repeating: 0, count: levels)
        let devc0 = levelDeviances(shift: zero)
        let sd = (0..<levels).map { 1 / factors[$0] }
        var mult = [Double](repeating: 0, count: levels)
        for (node, weight) in zip(rule.nodes, rule.weights) {
            if node == 0 {
                for j in 0..<levels { mult[j] += weight }
            } else {
                let dev = levelDeviances(shift: sd.map { node * $0 })
                for j in 0..<levels { mult[j] += exp(-0.5 * (dev[j] - devc0[j]) + node * node / 2) * weight }
            }
        }
        var total = logDeterminant
        for j in 0..<levels { total += devc0[j] - 2 * log(mult[j]) }
        return total
    }

    /// The conditional modes b = λu and the conditional covariance λ A_j⁻¹ λᵀ of each level (lme4's
    /// `ranef(condVar = TRUE)` for a GLMM), level-major.
    func conditionalModes() -> (modes: [Double], variances: [Double]) {
        let b = effects(u)
        var variances = [Double](repeating: 0, count: levels * q)
        for j in 0..<levels {
            // λ A⁻¹ λᵀ diagonal: ‖L_j⁻¹ λᵀ e_a‖².
            for a in 0..<q {
                var col = (0..<q).map { lambda[a + $0 * q] }
                let g0 = j * q * q
                for r in 0..<q {
                    var sum = col[r]
                    for c in 0..<r { sum -= factors[g0 + c * q + r] * col[c] }
                    col[r] = sum / factors[g0 + r * q + r]
                }
                variances[j * q + a] = col.reduce(0) { $0 + $1 * $1 }
            }
        }
        return (b, variances)
    }

    var lambdaMatrix: [Double] { lambda }
}
