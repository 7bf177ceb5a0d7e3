import Foundation
import LinearAlgebra

/// Penalized IRLS for a GLMM with two or more grouping factors (lme4's `pwrssUpdate` on the sparse system of
/// src/external.cpp; the one-factor case is `PenalizedIRLS`). In spherical coordinates u (b_k = λ_k u_k per level) the
/// Newton system of the penalized weighted least squares is ΛᵀZᵀWZΛ + I, with X beside it for the joint (u, β) pass.
/// W changes every iteration, so its pieces are rebuilt from the rows every iteration:
/// - the first factor (most levels) is block diagonal: one q₀ × q₀ block A_j per level, factored alone;
/// - its products C_j with the other factors' columns (and X) are kept sparse: only the levels that meet level j;
/// - the other factors' columns (and X for the joint pass) form one dense block D, whose Schur complement
///   S = D − Σ_j C_jᵀA_j⁻¹C_j is factored by LAPACK (`dpotrf`), u-columns first so that its leading part gives the
///   log-determinant of ΛᵀZᵀWZΛ + I without X.
/// A pass costs O(n (Σq + p)²) for the rows plus O(Σ_j q₀ c_j²) for the Schur updates (c_j the columns level j meets)
/// and O(m³/3) for the dense factor, m = the later factors' random effects (+ p): small when those factors have few levels.
final class SeveralFactorPIRLS {
    let family: GLMFamily
    let n: Int
    let p: Int
    let y: [Double]
    let weights: [Double]
    let offset: [Double]
    /// X (n × p), column-major.
    let x: [Double]
    let blocks: [RandomEffectsBlock]
    /// Each block's z (`RandomEffectsBlock.zValues`), made once: the row passes read it at every iteration.
    let zs: [[Double]]
    let thetaOffsets: [Int]
    let q0: Int
    let levels0: Int
    /// Where factor k ≥ 1 starts among the dense u-columns (index 0 unused), and their number m.
    let denseOffsets: [Int]
    let m: Int
    /// Per level j of the first factor, the dense u-columns its rows meet (sorted), and where C_j starts.
    let pattern: [[Int]]
    /// Per row and factor k ≥ 1: the index in pattern[level₀] of the first column of the row's level of factor k.
    let rowSlots: [Int]
    /// Rows of each level, per factor.
    let rowsPerLevel: [[Int]]
    let saturatedDeviance: Double

    private(set) var lambdas: [[Double]]
    private(set) var beta: [Double]
    /// Spherical effects: the first factor level-major (levels₀ · q₀), then the dense u-columns (m).
    private(set) var u: [Double]
    /// The factors at the current modes: L_j (lower, q₀ × q₀ per level), V_j = L_j⁻¹C_j, the dense factor U (upper).
    private(set) var firstFactors: [Double]
    private(set) var v: [[Double]] = []
    private(set) var dense: Cholesky?
    private(set) var denseJoint = false
    private(set) var mu: [Double]
    /// The joint pass's unscaled covariance of β at θ (the β block of S⁻¹).
    private(set) var betaCovariance: [Double] = []
    private(set) var lastIterations = 0

    /// The largest number of random effects in the second and later factors: they form one dense block, factored in
    /// O(m³/3) every PIRLS iteration (about a second at 4,000 on one core, and a fit takes hundreds of PIRLS runs),
    /// so beyond this a fit would take hours.
    static let maximumDenseEffects = 4_000

    init(family: GLMFamily, y: [Double], weights: [Double], offset: [Double], x: [Double], p: Int, structure: RandomEffectsStructure) {
        self.family = family
        self.n = y.count
        self.p = p
        self.y = y
        self.weights = weights
        self.offset = offset
        self.x = x
        self.blocks = structure.blocks
        self.zs = structure.blocks.map { $0.zValues() }
        self.thetaOffsets = structure.thetaOffsets
        let first = structure.blocks[0]
        self.q0 = first.q
        self.levels0 = first.levelCount
        var offsets = [0]
        var at = 0
        for b in structure.blocks.dropFirst() { offsets.append(at); at += b.width }
        self.denseOffsets = offsets
        self.m = at
        let k = structure.blocks.count
        var sets = [Set<Int>](repeating: [], count: first.levelCount)
        for i in 0..<y.count {
            let j = Int(first.codes[i])
            for f in 1..<k {
                let b = structure.blocks[f]
                let start = offsets[f] + Int(b.codes[i]) * b.q
                for a in 0..<b.q { sets[j].insert(start + a) }
            }
        }
        let pattern = sets.map { $0.sorted() }
        self.pattern = pattern
        var slots = [Int](repeating: 0, count: y.count * (k - 1))
        for i in 0..<y.count {
            let j = Int(first.codes[i])
            for f in 1..<k {
                let b = structure.blocks[f]
                let column = offsets[f] + Int(b.codes[i]) * b.q
                // Binary search: pattern[j] holds the column.
                var lo = 0, hi = pattern[j].count - 1
                while lo < hi { let mid = (lo + hi) / 2; if pattern[j][mid] < column { lo = mid + 1 } else { hi = mid } }
                slots[i * (k - 1) + f - 1] = lo
            }
        }
        self.rowSlots = slots
        self.rowsPerLevel = structure.blocks.map { b in
            var counts = [Int](repeating: 0, count: b.levelCount)
            for c in b.codes { counts[Int(c)] += 1 }
            return counts
        }
        var saturated = 0.0
        for i in 0..<y.count where weights[i] > 0 {
            saturated += -2 * PenalizedIRLS.logDensity(family, y[i], mean: family == .binomial ? min(max(y[i], 0), 1) : y[i], weight: weights[i])
        }
        self.saturatedDeviance = saturated.isFinite ? saturated : 0
        self.lambdas = structure.blocks.map { [Double](repeating: 0, count: $0.q * $0.q) }
        self.beta = [Double](repeating: 0, count: p)
        self.u = [Double](repeating: 0, count: first.levelCount * first.q + at)
        self.firstFactors = [Double](repeating: 0, count: first.levelCount * first.q * first.q)
        self.mu = [Double](repeating: 0, count: y.count)
    }

    func setTheta(_ theta: ArraySlice<Double>) {
        let base = theta.startIndex
        lambdas = blocks.indices.map { k in
            let from = base + thetaOffsets[k]
            return blocks[k].lambda(theta[from..<(from + blocks[k].thetaPositions.count)])
        }
    }

    func setBeta(_ b: [Double]) { beta = b }

    func fixedPredictor(_ b: [Double]) -> [Double] {
        var eta = offset
        for k in 0..<p where b[k] != 0 {
            let bk = b[k]
            for i in 0..<n { eta[i] += x[k * n + i] * bk }
        }
        return eta
    }

    /// The cross-products of one pass over the rows at (u, β).
    private struct Pass {
        var penalizedDeviance: Double
        /// Σ w s₀s₀ᵀ per level (q₀ × q₀, full), Σ w s₀ζ per level.
        var g: [Double]
        var h: [Double]
        /// C_j, column-major q₀ × (pattern[j].count + joint p), concatenated.
        var c: [[Double]]
        /// Dense block (size N = m + joint p, column-major full) and its right-hand side.
        var d: [Double]
        var hd: [Double]
        var mu: [Double]
    }

    private func pass(u uu: [Double], fixed: [Double], joint: Bool, startEta: [Double]? = nil) -> Pass {
        let k = blocks.count
        let big = joint ? m + p : m
        let n = self.n, p = self.p, m = self.m, q0 = self.q0, levels0 = self.levels0, family = self.family
        // Flat copies of the per-factor data, so the row loop touches plain buffers.
        let qs = blocks.map(\.q)
        let codes = blocks.map(\.codes)
        let zs = self.zs
        let lambdas = self.lambdas
        let denseOffsets = self.denseOffsets, rowSlots = self.rowSlots
        let patternCounts = pattern.map(\.count)
        var cStart = [Int](repeating: 0, count: levels0 + 1)
        for j in 0..<levels0 { cStart[j + 1] = cStart[j] + q0 * (patternCounts[j] + (joint ? p : 0)) }
        var g = [Double](repeating: 0, count: levels0 * q0 * q0)
        var h = [Double](repeating: 0, count: levels0 * q0)
        var cFlat = [Double](repeating: 0, count: cStart[levels0])
        var d = [Double](repeating: 0, count: big * big)
        var hd = [Double](repeating: 0, count: big)
        var muOut = [Double](repeating: 0, count: n)
        var deviance = 0.0
        let width = qs.dropFirst().reduce(0, +) + (joint ? p : 0)
        var s0 = [Double](repeating: 0, count: q0)
        var dIndex = [Int](repeating: 0, count: width)
        var dValue = [Double](repeating: 0, count: width)
        var cSlot = [Int](repeating: 0, count: width)
        g.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
        cFlat.withUnsafeMutableBufferPointer { cp in
        d.withUnsafeMutableBufferPointer { dp in
            for i in 0..<n {
                let j = Int(codes[0][i])
                var random = 0.0
                let l0 = lambdas[0], z0 = zs[0]
                for a in 0..<q0 {
                    var sum = 0.0
                    for e in a..<q0 { sum += l0[e + a * q0] * z0[e * n + i] }
                    s0[a] = sum
                    random += sum * uu[j * q0 + a]
                }
                var at = 0
                for f in 1..<k {
                    let q = qs[f], l = lambdas[f], z = zs[f]
                    let start = denseOffsets[f] + Int(codes[f][i]) * q
                    let slot = rowSlots[i * (k - 1) + f - 1]
                    for a in 0..<q {
                        var sum = 0.0
                        for e in a..<q { sum += l[e + a * q] * z[e * n + i] }
                        random += sum * uu[levels0 * q0 + start + a]
                        dIndex[at] = start + a
                        dValue[at] = sum
                        cSlot[at] = slot + a
                        at += 1
                    }
                }
                if joint {
                    for kx in 0..<p {
                        dIndex[at] = m + kx
                        dValue[at] = x[kx * n + i]
                        cSlot[at] = patternCounts[j] + kx
                        at += 1
                    }
                }
                let eta = startEta?[i] ?? (fixed[i] + random)
                let (mean, derivative) = family.meanAndDerivative(eta)
                muOut[i] = mean
                let wt = weights[i]
                deviance += wt > 0 ? wt * family.deviance(y[i], mean) : 0
                let w = wt * derivative * derivative / family.variance(mean)
                let r = (y[i] - mean) / derivative
                // ζ: the working response minus the offset, without (u-only) or with (joint) the fixed part.
                let zeta = startEta != nil ? (eta - offset[i] + r) : (joint ? fixed[i] - offset[i] : 0) + random + r
                let c0 = cStart[j]
                for a in 0..<q0 {
                    let ws = w * s0[a]
                    hp[j * q0 + a] += ws * zeta
                    for e in 0..<q0 { gp[j * q0 * q0 + a * q0 + e] += ws * s0[e] }
                    for t in 0..<width { cp[c0 + cSlot[t] * q0 + a] += ws * dValue[t] }
                }
                for t in 0..<width {
                    let wv = w * dValue[t]
                    let row = dIndex[t]
                    hd[row] += wv * zeta
                    for e in 0..<width { dp[dIndex[e] * big + row] += wv * dValue[e] }
                }
            }
        }
        }
        }
        }
        var c: [[Double]] = []
        c.reserveCapacity(levels0)
        for j in 0..<levels0 { c.append(Array(cFlat[cStart[j]..<cStart[j + 1]])) }
        var squared = 0.0
        for value in uu { squared += value * value }
        return Pass(penalizedDeviance: deviance + squared, g: g, h: h, c: c, d: d, hd: hd, mu: muOut)
    }

    /// Factors the Newton system of a pass and solves it: the target (u, β) of the step. Stores the factors.
    private func factorAndSolve(_ pass: Pass, joint: Bool) throws(ModelError) -> (u: [Double], beta: [Double]) {
        let big = joint ? m + p : m
        var factors = pass.g
        var w = pass.h
        var vs = pass.c
        for j in 0..<levels0 {
            let g0 = j * q0 * q0
            for a in 0..<q0 { factors[g0 + a * q0 + a] += 1 }
            let ok = factors.withUnsafeMutableBufferPointer { SmallBlocks.cholesky($0.baseAddress! + g0, q: q0) }
            guard ok else { throw .numerical("the penalized weighted cross-product of level \(j + 1) of \(blocks[0].group) is not positive definite") }
            // w_j = L_j⁻¹h_j, V_j = L_j⁻¹C_j (forward substitution, column by column).
            let columns = vs[j].count / q0
            for col in -1..<columns {
                for r in 0..<q0 {
                    if col < 0 {
                        var sum = w[j * q0 + r]
                        for e in 0..<r { sum -= factors[g0 + e * q0 + r] * w[j * q0 + e] }
                        w[j * q0 + r] = sum / factors[g0 + r * q0 + r]
                    } else {
                        var sum = vs[j][col * q0 + r]
                        for e in 0..<r { sum -= factors[g0 + e * q0 + r] * vs[j][col * q0 + e] }
                        vs[j][col * q0 + r] = sum / factors[g0 + r * q0 + r]
                    }
                }
            }
        }
        // S = D + I (u-columns) − Σ V_jᵀV_j; t = h_D − Σ V_jᵀw_j.
        var s = pass.d
        for a in 0..<m { s[a * big + a] += 1 }
        var t = pass.hd
        for j in 0..<levels0 {
            let columns = vs[j].count / q0
            let pj = pattern[j].count
            func global(_ col: Int) -> Int { col < pj ? pattern[j][col] : m + (col - pj) }
            for cb in 0..<columns {
                let gb = global(cb)
                var dot = 0.0
                for r in 0..<q0 { dot += vs[j][cb * q0 + r] * w[j * q0 + r] }
                t[gb] -= dot
                for ca in 0..<columns {
                    var sum = 0.0
                    for r in 0..<q0 { sum += vs[j][ca * q0 + r] * vs[j][cb * q0 + r] }
                    s[gb * big + global(ca)] -= sum
                }
            }
        }
        let factor: Cholesky
        do { factor = try Cholesky(Matrix(rows: big, columns: big, columnMajor: s)) } catch {
            throw .numerical("the penalized weighted cross-product of the random effects"
                             + (joint ? " and fixed effects" : "") + " is not positive definite (a predictor may separate the outcome)")
        }
        let solution: [Double]
        do { solution = try factor.solve(t) } catch { throw .numerical("the penalized weighted least-squares step could not be solved") }
        var newU = [Double](repeating: 0, count: u.count)
        for a in 0..<m { newU[levels0 * q0 + a] = solution[a] }
        // u_j = L_j⁻ᵀ(w_j − V_j v).
        for j in 0..<levels0 {
            let g0 = j * q0 * q0
            let pj = pattern[j].count
            let columns = vs[j].count / q0
            var target = Array(w[(j * q0)..<((j + 1) * q0)])
            for col in 0..<columns {
                let value = solution[col < pj ? pattern[j][col] : m + (col - pj)]
                for r in 0..<q0 { target[r] -= vs[j][col * q0 + r] * value }
            }
            for r in stride(from: q0 - 1, through: 0, by: -1) {
                var sum = target[r]
                for e in (r + 1)..<max(q0, r + 1) { sum -= factors[g0 + r * q0 + e] * target[e] }
                target[r] = sum / factors[g0 + r * q0 + r]
            }
            for r in 0..<q0 { newU[j * q0 + r] = target[r] }
        }
        firstFactors = factors
        v = vs
        dense = factor
        denseJoint = joint
        var newBeta = beta
        if joint {
            newBeta = Array(solution[m...])
            var covariance = [Double](repeating: 0, count: p * p)
            for k in 0..<p {
                var e = [Double](repeating: 0, count: big)
                e[m + k] = 1
                guard let column = try? factor.solve(e) else { throw .numerical("the fixed-effects covariance could not be computed") }
                for r in 0..<p { covariance[k * p + r] = column[m + r] }
            }
            betaCovariance = covariance
        }
        return (newU, newBeta)
    }

    /// PIRLS for the modes at the current θ and β (`joint: false`), or for the modes and β together (`joint: true`),
    /// with lme4's step halving; as `PenalizedIRLS.run`.
    @discardableResult
    func run(joint: Bool, fromStart: Bool = false) throws(ModelError) -> Double {
        func start(_ fixed: [Double]) -> Pass {
            guard fromStart else { return pass(u: u, fixed: fixed, joint: joint) }
            let eta = (0..<n).map { family.link(family.startingMean(y[$0])) }
            return pass(u: u, fixed: fixed, joint: joint, startEta: eta)
        }
        func solve(_ current: Pass) throws(ModelError) -> (u: [Double], beta: [Double]) {
            let target = try factorAndSolve(current, joint: joint)
            mu = current.mu
            return target
        }
        // Converged: the factors at the modes' own weights (log|L|² at the modes, as the one-factor path); the step
        // it returns is not taken.
        func atModes(_ current: Pass) throws(ModelError) {
            _ = try factorAndSolve(current, joint: joint)
            mu = current.mu
        }
        return try iteratePIRLS(joint: joint, fromStart: fromStart, start: start, penalizedDeviance: { $0.penalizedDeviance },
                                pass: { pass(u: $0, fixed: $1, joint: joint) }, solve: solve,
                                take: { u = $0.u; beta = $0.beta }, atModes: atModes, iterations: { lastIterations = $0 })
    }

    /// log det(ΛᵀZᵀWZΛ + I): the first factor's blocks and the u-columns of the dense factor.
    var logDeterminant: Double {
        var sum = 0.0
        for j in 0..<levels0 { for a in 0..<q0 { sum += 2 * log(firstFactors[j * q0 * q0 + a * q0 + a]) } }
        if let dense { for a in 0..<m { sum += 2 * log(dense.factor[a, a]) } }
        return sum
    }

    var squaredLength: Double { u.reduce(0) { $0 + $1 * $1 } }

    var conditionalDeviance: Double {
        var s = 0.0
        for i in 0..<n where weights[i] > 0 { s -= 2 * PenalizedIRLS.logDensity(family, y[i], mean: mu[i], weight: weights[i]) }
        return s
    }

    /// The Laplace approximation to −2 log-likelihood (lme4's `glmResp::Laplace`).
    var laplaceDeviance: Double { conditionalDeviance + squaredLength + logDeterminant }

    /// The conditional modes b = λu and the diagonal of the conditional covariance Λ(ΛᵀZᵀWZΛ + I)⁻¹Λᵀ per factor,
    /// level-major within a factor (lme4's `ranef(condVar = TRUE)`); needs the last run to have been `joint: false`.
    func conditionalModes() throws(ModelError) -> [(modes: [Double], variances: [Double])] {
        guard let dense, !denseJoint else { throw .numerical("the conditional modes need a PIRLS run at fixed β") }
        let inverse: Matrix
        do { inverse = try dense.inverse() } catch { throw .numerical("the conditional variances of the random effects could not be computed") }
        var out: [(modes: [Double], variances: [Double])] = []
        for (k, b) in blocks.enumerated() {
            let q = b.q, l = lambdas[k]
            var modes = [Double](repeating: 0, count: b.width)
            var variances = [Double](repeating: 0, count: b.width)
            for level in 0..<b.levelCount {
                // The level's q × q block of (ΛᵀZᵀWZΛ + I)⁻¹.
                var block = [Double](repeating: 0, count: q * q)
                let base = k == 0 ? level * q : levels0 * q0 + denseOffsets[k] + level * q
                if k == 0 {
                    // L_j⁻ᵀ(I + V_j S⁻¹ V_jᵀ)L_j⁻¹ on the u-columns of V_j.
                    let g0 = level * q0 * q0
                    let cols = pattern[level]
                    var inner = [Double](repeating: 0, count: q * q)
                    for a in 0..<q { inner[a * q + a] = 1 }
                    for a in 0..<q {
                        for e in 0..<q {
                            var sum = 0.0
                            for (ca, ga) in cols.enumerated() {
                                var row = 0.0
                                for (cb, gb) in cols.enumerated() { row += inverse[ga, gb] * v[level][cb * q0 + e] }
                                sum += v[level][ca * q0 + a] * row
                            }
                            inner[e * q + a] += sum
                        }
                    }
                    // L⁻ᵀ M L⁻¹: solve Lᵀ X = M column by column, then Lᵀ Y = Xᵀ.
                    func backSolveColumns(_ mat: [Double]) -> [Double] {
                        var out = mat
                        for col in 0..<q {
                            for r in stride(from: q - 1, through: 0, by: -1) {
                                var sum = out[col * q + r]
                                for e in (r + 1)..<max(q, r + 1) { sum -= firstFactors[g0 + r * q0 + e] * out[col * q + e] }
                                out[col * q + r] = sum / firstFactors[g0 + r * q0 + r]
                            }
                        }
                        return out
                    }
                    let half = backSolveColumns(inner)
                    var transposed = half
                    for a in 0..<q { for e in 0..<q { transposed[e * q + a] = half[a * q + e] } }
                    block = backSolveColumns(transposed)
                } else {
                    let start = denseOffsets[k] + level * q
                    for a in 0..<q { for e in 0..<q { block[e * q + a] = inverse[start + a, start + e] } }
                }
                for a in 0..<q {
                    var mode = 0.0
                    for e in 0...a { mode += l[a + e * q] * u[base + e] }
                    modes[level * q + a] = mode
                    // (λ A⁻¹ λᵀ)_aa.
                    var variance = 0.0
                    for e in 0..<q { for f in 0..<q { variance += l[a + e * q] * block[f * q + e] * l[a + f * q] } }
                    variances[level * q + a] = variance
                }
            }
            out.append((modes, variances))
        }
        return out
    }
}
