import Dispatch
import Distributions
import Foundation
import LinearAlgebra
import Optimization

/// A parametric bootstrap of the ICCs of a random-intercept model, as lme4's `bootMer(fit, FUN, nsim = N)`
/// (type "parametric", `use.u = FALSE`): each resample simulates a new outcome from the fitted model —
/// y* = Xβ̂ + Z(σ̂Λ̂u*) + σ̂ε* with u*, ε* standard normal — refits it by the fit's criterion from θ̂ (as
/// `refit`), and records each factor's ICC θ_g² / (1 + Σθ²); the interval is the percentile interval of `boot.ci`
/// (type "perc", interpolated on the normal quantile scale as boot's `norm.inter`).
///
/// Randomness: resample i draws from `SeededGenerator.stream(i, seed:)` — first u* block by block, level by
/// level, effect by effect, then ε* row by row — and the resamples are split over `workers` threads in
/// contiguous ranges, each with its own cross-products and factor, so the replicates are the same bytes on any
/// number of cores.
struct IntraclassBootstrap {
    let setup: LinearMixedModel.Setup
    let theta: [Double]
    let beta: [Double]
    let sigma: Double

    struct Replicates {
        /// replicates[g][i]: factor g's ICC in resample i (NaN when that refit failed).
        let values: [[Double]]
        let failures: Int
    }

    func run(resamples: Int, seed: UInt64, workers: Int = 2) -> Replicates {
        let n = setup.products.rows
        let p = setup.kept.count
        // X (kept columns, column-major) and the fixed part Xβ̂, formed once.
        var x = [Double](repeating: 0, count: n * max(p, 1))
        if p > 0 {
            x.withUnsafeMutableBufferPointer { bp in
                if let base = bp.baseAddress { setup.design.fill(0..<n, columns: setup.kept, into: base, leadingDimension: n) }
            }
        }
        var eta = [Double](repeating: 0, count: n)
        for j in 0..<p { for r in 0..<n { eta[r] += x[j * n + r] * beta[j] } }
        let blockCount = setup.structure.blocks.count
        let slots = UnsafeMutablePointer<Double>.allocate(capacity: max(resamples * blockCount, 1))
        slots.initialize(repeating: .nan, count: max(resamples * blockCount, 1))
        defer { slots.deallocate() }
        let parts = max(1, min(workers, resamples))
        let ranges = (0..<parts).map { k in (k * resamples / parts)..<((k + 1) * resamples / parts) }
        let job = BootstrapWork(slots: slots) { range in
            self.resample(range, seed: seed, x: x, eta: eta, into: slots)
        }
        BLASConfiguration.applyThreadPolicy()
        if parts == 1 {
            job.run(ranges[0])
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { k in job.run(ranges[k]) }
        }
        var values = [[Double]](repeating: [], count: blockCount)
        var failures = 0
        for i in 0..<resamples {
            if slots[i * blockCount].isNaN { failures += 1 }
            for g in 0..<blockCount { values[g].append(slots[i * blockCount + g]) }
        }
        return Replicates(values: values, failures: failures)
    }

    /// Resamples `range`, each from its own stream, writing its ICCs to `slots[i · blocks + g]`.
    private func resample(_ range: Range<Int>, seed: UInt64, x: [Double], eta: [Double], into slots: UnsafeMutablePointer<Double>) {
        guard !range.isEmpty else { return }
        let structure = setup.structure
        let blocks = structure.blocks
        let n = setup.products.rows
        let p = setup.kept.count
        let m = p + 1
        let offsets = structure.thetaOffsets
        let lambdas = blocks.indices.map { b in blocks[b].lambda(theta[offsets[b]..<(offsets[b] + blocks[b].thetaPositions.count)]) }
        var products = setup.products
        let minimizer = DerivativeFreeMinimizer(.bobyqa, options: LinearMixedModel.optimizerOptions)
        let lower = structure.thetaLowerBounds
        var y = [Double](repeating: 0, count: n)
        var streams = SeededGenerator.streams(seed: seed, indices: range)
        for (offset, i) in range.enumerated() {
            // y* = Xβ̂ + Z b* + σ̂ε*, b* = σ̂λ̂u* per level.
            for r in 0..<n { y[r] = eta[r] }
            for (b, block) in blocks.enumerated() {
                let q = block.q
                var effects = [Double](repeating: 0, count: block.levelCount * q)
                var u = [Double](repeating: 0, count: q)
                for level in 0..<block.levelCount {
                    for c in 0..<q { u[c] = streams[offset].nextNormal() }
                    for c in 0..<q {
                        var s = 0.0
                        for e in 0...c { s += lambdas[b][e * q + c] * u[e] }
                        effects[level * q + c] = sigma * s
                    }
                }
                for r in 0..<n {
                    let level = Int(block.codes[r])
                    for c in 0..<q { y[r] += block.z[c * n + r] * effects[level * q + c] }
                }
            }
            for r in 0..<n { y[r] += sigma * streams[offset].nextNormal() }
            // The y parts of the cross-products: Z_kᵀy, Xᵀy and yᵀy.
            for (b, block) in blocks.enumerated() {
                let q = block.q
                for e in 0..<block.width { products.xz[b][e * m + p] = 0 }
                for r in 0..<n {
                    let level = Int(block.codes[r])
                    for c in 0..<q { products.xz[b][(level * q + c) * m + p] += block.z[c * n + r] * y[r] }
                }
            }
            for j in 0..<p {
                var s = 0.0
                for r in 0..<n { s += x[j * n + r] * y[r] }
                products.xx[j * m + p] = s
            }
            var yy = 0.0
            for r in 0..<n { yy += y[r] * y[r] }
            products.xx[p * m + p] = yy
            let factor = MixedFactor(products: products, structure: structure)
            guard let fitted = refit(factor: factor, minimizer: minimizer, lower: lower) else { continue }
            let total = 1 + fitted.reduce(0) { $0 + $1 * $1 }
            for g in blocks.indices { slots[i * blocks.count + g] = fitted[offsets[g]] * fitted[offsets[g]] / total }
        }
    }

    /// θ of one resample, refitted from θ̂ with lme4's boundary check; nil when the optimiser fails.
    private func refit(factor: MixedFactor, minimizer: DerivativeFreeMinimizer, lower: [Double]) -> [Double]? {
        let reml = setup.options.reml
        // Rounding-limited stops keep their best point, as lme4's refit keeps a fit with a convergence warning.
        guard let summary = try? minimizer.minimize(start: theta, lowerBounds: lower, objective: { factor.objective($0, reml: reml) }),
              summary.converged || summary.stopReason == .roundoffLimited else { return nil }
        let (best, value) = LinearMixedModel.checkBoundary(theta: summary.parameters, value: summary.value, lowerBounds: lower) {
            factor.objective($0, reml: reml)
        }
        return value.isFinite ? best : nil
    }

    /// boot's percentile interval (`boot.ci(type = "perc")` through `norm.inter`): the order statistics at
    /// (R + 1)α, interpolated on the normal quantile scale between neighbours; non-finite replicates dropped.
    static func percentileInterval(_ replicates: [Double], level: Double) -> (Double, Double)? {
        let t = replicates.filter(\.isFinite).sorted()
        let r = t.count
        guard r >= 2 else { return nil }
        func end(_ alpha: Double) -> Double {
            let rk = Double(r + 1) * alpha
            let k = Int(rk.rounded(.towardZero))
            if Double(k) == rk, k >= 1, k <= r { return t[k - 1] }
            if k <= 0 { return t[0] }
            if k >= r { return t[r - 1] }
            let z = Normal.quantile(alpha)
            let zk = Normal.quantile(Double(k) / Double(r + 1))
            let zk1 = Normal.quantile(Double(k + 1) / Double(r + 1))
            return t[k - 1] + (z - zk) / (zk1 - zk) * (t[k] - t[k - 1])
        }
        let alpha = (1 - level) / 2
        return (end(alpha), end(1 - alpha))
    }
}

/// One contiguous range of resamples per call; ranges are disjoint, so the slots they write are too.
private struct BootstrapWork: @unchecked Sendable {
    let slots: UnsafeMutablePointer<Double>
    let body: (Range<Int>) -> Void

    func run(_ range: Range<Int>) { body(range) }
}
