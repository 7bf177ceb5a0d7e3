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
/// level, effect by effect, then ε* row by row — and `BootstrapRunner` splits the resamples over `workers` threads
/// in contiguous ranges, each worker with its own cross-products and factor, so the replicates are the same bytes
/// on any number of cores.
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
        let bootstrap = self
        let (xs, etas) = (x, eta)
        // The project's bootstrap runner: resample i from stream i, contiguous ranges per worker (BootstrapRunner).
        let replicates = BootstrapRunner.run(
            resamples: resamples, statistics: blockCount, seed: seed, workers: workers,
            makeWorker: { Worker(products: bootstrap.setup.products, y: [Double](repeating: 0, count: n)) },
            resample: { worker, _, generator, out in bootstrap.resample(&worker, &generator, x: xs, eta: etas, into: out) })
        let values = (0..<blockCount).map { replicates.column($0) }
        return Replicates(values: values, failures: replicates.failures)
    }

    /// Per-worker state: its own copy of the cross-products (the y parts change per resample) and y*.
    struct Worker {
        var products: MixedCrossProducts
        var y: [Double]
    }

    /// One resample from its stream, writing each factor's ICC to `out[g]`; false when the refit fails.
    private func resample(_ worker: inout Worker, _ generator: inout SeededGenerator, x: [Double], eta: [Double],
                          into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let structure = setup.structure
        let blocks = structure.blocks
        let n = setup.products.rows
        let p = setup.kept.count
        let m = p + 1
        let offsets = structure.thetaOffsets
        let lambdas = blocks.indices.map { b in blocks[b].lambda(theta[offsets[b]..<(offsets[b] + blocks[b].thetaPositions.count)]) }
        let minimizer = DerivativeFreeMinimizer(.bobyqa, options: LinearMixedModel.optimizerOptions)
        let lower = structure.thetaLowerBounds
        // y* = Xβ̂ + Z b* + σ̂ε*, b* = σ̂λ̂u* per level.
        for r in 0..<n { worker.y[r] = eta[r] }
        for (b, block) in blocks.enumerated() {
            let q = block.q
            var effects = [Double](repeating: 0, count: block.levelCount * q)
            var u = [Double](repeating: 0, count: q)
            for level in 0..<block.levelCount {
                for c in 0..<q { u[c] = generator.nextNormal() }
                for c in 0..<q {
                    var s = 0.0
                    for e in 0...c { s += lambdas[b][e * q + c] * u[e] }
                    effects[level * q + c] = sigma * s
                }
            }
            let z = block.zValues()
            for r in 0..<n {
                let level = Int(block.codes[r])
                for c in 0..<q { worker.y[r] += z[c * n + r] * effects[level * q + c] }
            }
        }
        for r in 0..<n { worker.y[r] += sigma * generator.nextNormal() }
        // The y parts of the cross-products: Z_kᵀy, Xᵀy and yᵀy.
        for (b, block) in blocks.enumerated() {
            let q = block.q
            for e in 0..<block.width { worker.products.xz[b][e * m + p] = 0 }
            let z = block.zValues()
            for r in 0..<n {
                let level = Int(block.codes[r])
                for c in 0..<q { worker.products.xz[b][(level * q + c) * m + p] += z[c * n + r] * worker.y[r] }
            }
        }
        for j in 0..<p {
            var s = 0.0
            for r in 0..<n { s += x[j * n + r] * worker.y[r] }
            worker.products.xx[j * m + p] = s
        }
        var yy = 0.0
        for r in 0..<n { yy += worker.y[r] * worker.y[r] }
        worker.products.xx[p * m + p] = yy
        let factor = MixedFactor(products: worker.products, structure: structure)
        guard let fitted = refit(factor: factor, minimizer: minimizer, lower: lower) else { return false }
        let total = 1 + fitted.reduce(0) { $0 + $1 * $1 }
        for g in blocks.indices { out[g] = fitted[offsets[g]] * fitted[offsets[g]] / total }
        return true
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

    /// boot's percentile interval (`boot.ci(type = "perc")`), as every bootstrap of the project computes it.
    static func percentileInterval(_ replicates: [Double], level: Double) -> (Double, Double)? {
        BootstrapInterval.percentile(replicates, level: level).map { ($0.low, $0.high) }
    }
}
