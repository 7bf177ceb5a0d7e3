import Dispatch
import Distributions
import Foundation
import LinearAlgebra
import Optimization

/// Profile-likelihood confidence intervals for every random-effect SD, every correlation and the residual σ, as
/// lme4's `confint(fit, method = "profile")` defines them: `profile.merMod` profiles the ML deviance in the
/// SD/correlation/σ parameterisation with the fixed effects profiled out (`devfun2`), and for a REML fit it
/// first refits by ML (`refitML`) — so a REML fit's intervals are ML intervals, as lme4's are (lme4 issues
/// #325, #838). The ends are solved exactly (`ProfileEnds`) instead of read off lme4's interpolating spline.
///
/// Each profile point re-optimises the other parameters by BOBYQA, with σ profiled out analytically where the
/// fixed parameter allows it: a correlation constrains only the relative covariance, so its profile is the
/// profiled deviance over the relative SDs and other correlations; fixing σ leaves θ free; fixing an SD couples
/// it with σ (θ = SD/σ), so σ is a free parameter there. Every evaluation costs the same as one in the fit
/// (nothing in n); the parameters are profiled concurrently, each on its own factor, so results do not depend
/// on the number of cores.
struct VarianceProfile {
    let products: MixedCrossProducts
    let structure: RandomEffectsStructure
    let parameterization: ProfileParameterization
    /// The ML optimum: θ, σ and the deviance.
    let theta: [Double]
    let sigma: Double
    let deviance: Double
    /// The ML estimates of the relative SDs and correlations (one per θ).
    let relative: [Double]

    /// Profiles the ML deviance about its optimum; `start` is the fit's θ, refitted by ML when `reml`.
    init(products: MixedCrossProducts, structure: RandomEffectsStructure, start: [Double], startObjective: Double,
         reml: Bool) throws(ModelError) {
        self.products = products
        self.structure = structure
        parameterization = ProfileParameterization(structure: structure)
        let factor = MixedFactor(products: products, structure: structure)
        var theta = start
        var value = startObjective
        if reml {
            (theta, value) = try VarianceProfile.minimumDeviance(factor: factor, start: start)
        }
        factor.update(theta)
        self.theta = theta
        deviance = value
        sigma = factor.residualVariance(reml: false).squareRoot()
        relative = parameterization.relative(theta: theta)
    }

    /// lme4's `refitML`: the fit's search on the deviance from the REML θ (`ThetaSearch`), then lme4's boundary check
    /// (as `Setup.fit`).
    static func minimumDeviance(factor: MixedFactor, start: [Double]) throws(ModelError) -> ([Double], Double) {
        let lower = factor.structure.thetaLowerBounds
        let search: ThetaSearch.Outcome
        do {
            search = try ThetaSearch.minimize(factor: factor, start: start, reml: false)
        } catch {
            throw .numerical("refitting by maximum likelihood for the profile failed: \(error)")
        }
        let (theta, _) = LinearMixedModel.checkBoundary(theta: search.theta, value: search.value, lowerBounds: lower) {
            factor.objective($0, reml: false)
        }
        return (theta, factor.objective(theta, reml: false))
    }

    /// Dense factor work per evaluation (Σ width³ over the blocks after the first, which fill in) above which the
    /// profiles — a few thousand evaluations in all — are not computed by default: about 1e7 flops per evaluation,
    /// a crossed or nesting factor of some 300 levels. The rule depends only on the model's structure, so whether
    /// intervals appear never depends on the machine.
    static let affordableDenseWork = 3e7

    /// Why the profiles would be slow for this structure, or nil when they are affordable.
    static func unaffordableCost(_ structure: RandomEffectsStructure) -> String? {
        let dense = structure.blocks.dropFirst()
        let work = dense.reduce(0.0) { $0 + pow(Double($1.width), 3) }
        guard work > affordableDenseWork else { return nil }
        let names = dense.map { "\($0.group) (\($0.levelCount) levels)" }.joined(separator: ", ")
        return "the grouping factors after the largest, \(names), make each evaluation of the deviance costly, and the profiles need "
            + "a few thousand evaluations (tens of seconds or more)"
    }

    /// Number of profiled parameters: one per θ, then σ.
    var count: Int { relative.count + 1 }

    /// The ML estimate of parameter w on its own scale (an SD in the outcome's units, a correlation, σ).
    func estimate(_ w: Int) -> Double {
        if w == relative.count { return sigma }
        return parameterization.positions[w].isCorrelation ? relative[w] : relative[w] * sigma
    }

    /// Both ends of every parameter's interval (nil where an end does not exist, e.g. a correlation of an effect
    /// whose SD is estimated at 0), profiled on `workers` threads; the second element lists what went wrong.
    func intervals(level: Double, workers: Int = 2) -> [(low: Double?, high: Double?, problem: String?)] {
        let z = Normal.quantile(0.5 + level / 2)
        let slots = UnsafeMutablePointer<(low: Double?, high: Double?, problem: String?)>.allocate(capacity: count)
        slots.initialize(repeating: (nil, nil, nil), count: count)
        defer { slots.deinitialize(count: count); slots.deallocate() }
        let work = ProfileWork(count: count, slots: slots) { w in
            do throws(ModelError) {
                let ends = try self.ends(w, z: z)
                return (ends.low, ends.high, nil)
            } catch {
                return (nil, nil, "\(error)")
            }
        }
        BLASConfiguration.applyThreadPolicy()
        let parts = max(1, min(workers, count))
        if parts == 1 {
            for w in 0..<count { work.run(w) }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var w = part
                while w < count { work.run(w); w += parts }
            }
        }
        return (0..<count).map { slots[$0] }
    }

    /// The ends of parameter w's interval, on its own factor.
    func ends(_ w: Int, z: Double) throws(ModelError) -> (low: Double?, high: Double?) {
        let factor = MixedFactor(products: products, structure: structure)
        let kind: ProfileEnds.Kind
        if w == relative.count {
            kind = .sigma
        } else if parameterization.positions[w].isCorrelation {
            let p = parameterization.positions[w]
            let sds = parameterization.positions.indices.filter {
                let q = parameterization.positions[$0]
                return q.block == p.block && !q.isCorrelation && (q.row == p.row || q.row == p.column)
            }
            // The correlation of an effect with no variance is not identified: no interval.
            guard sds.allSatisfy({ relative[$0] > 0 }) else { return (nil, nil) }
            kind = .correlation
        } else {
            kind = .standardDeviation(scale: sigma)
        }
        var start = freeStart(w)
        var newton = ProfileNewton()
        let point = { (x: Double) throws(ModelError) -> (zeta: Double, slope: Double?) in
            let (excess, free) = try self.profile(w, at: x, start: start, factor: factor, newton: &newton)
            start = free
            let sign: Double = x > self.estimate(w) ? 1 : (x < self.estimate(w) ? -1 : 0)
            let zeta = sign * max(excess, 0).squareRoot()
            // dζ/dx = D′(x)/(2ζ), with D′ the partial derivative at the inner optimum (envelope theorem).
            guard zeta != 0, factor.hasAnalyticGradient, let derivative = self.slope(w, at: x, free: free, factor: factor) else {
                return (zeta, nil)
            }
            return (zeta, derivative / (2 * zeta))
        }
        return try ProfileEnds(estimate: estimate(w), kind: kind, z: z).ends(point)
    }

    /// The free parameters of w's profile at the ML optimum: θ when σ is fixed; the other relative SDs and
    /// correlations when a correlation is fixed (σ profiled); those and σ when an SD is fixed.
    func freeStart(_ w: Int) -> [Double] {
        if w == relative.count { return theta }
        var free = relative
        free.remove(at: w)
        if !parameterization.positions[w].isCorrelation { free.append(sigma) }
        return free
    }

    /// 2·(excess of the ML deviance over its minimum) with parameter w fixed at x and the others optimised from
    /// `start`, and where the optimum was reached: by quasi-Newton steps on the analytic gradient where it exists
    /// (`ProfileNewton`, its Hessian carried from point to point in `newton`), else (or when those fail) by BOBYQA.
    func profile(_ w: Int, at x: Double, start: [Double], factor: MixedFactor, newton: inout ProfileNewton) throws(ModelError) -> (Double, [Double]) {
        let lower: [Double]
        let upper: [Double]
        let objective: ([Double]) -> Double
        if w == relative.count {
            lower = structure.thetaLowerBounds
            upper = Array(repeating: .infinity, count: lower.count)
            objective = { factor.objective($0, sigma: x, reml: false) }
        } else {
            var lo: [Double] = []
            var hi: [Double] = []
            for (i, p) in parameterization.positions.enumerated() where i != w {
                lo.append(p.isCorrelation ? -1 : 0)
                hi.append(p.isCorrelation ? 1 : .infinity)
            }
            let fixedIsCorrelation = parameterization.positions[w].isCorrelation
            if !fixedIsCorrelation { lo.append(0); hi.append(.infinity) }
            lower = lo
            upper = hi
            let parameterization = self.parameterization
            objective = { free in
                var relative = Array(free.prefix(parameterization.positions.count - 1))
                if fixedIsCorrelation {
                    relative.insert(x, at: w)
                    guard let theta = parameterization.theta(relative: relative) else { return .infinity }
                    return factor.objective(theta, reml: false)
                }
                let s = free[free.count - 1]
                guard s > 0 else { return .infinity }
                relative.insert(x / s, at: w)
                guard let theta = parameterization.theta(relative: relative) else { return .infinity }
                return factor.objective(theta, sigma: s, reml: false)
            }
        }
        let minimizer = DerivativeFreeMinimizer(.bobyqa, options: LinearMixedModel.optimizerOptions)
        var best: (value: Double, parameters: [Double])
        if factor.hasAnalyticGradient,
           let inner = newton.minimize(start: start, lower: lower, upper: upper, objective: objective,
                                       gradient: { self.gradient(w, at: x, free: $0, factor: factor) }) {
            best = (inner.value, inner.parameters)
        } else {
            let summary: OptimizerSummary
            do {
                summary = try minimizer.minimize(start: start, lowerBounds: lower, upperBounds: upper, objective: objective)
            } catch {
                throw .numerical("the profile optimisation failed at \(x): \(error)")
            }
            best = (summary.value, summary.parameters)
        }
        // With correlations free, the inner optimum can move to another basin along the profile (a correlation of −.33
        // at the estimate, near +1 at a small intercept SD), which the search from the previous point never leaves: the
        // deviance then rises too fast and the interval ends too soon (1.32 against lme4's 1.098). Each point is also
        // searched from the free correlations at −0.9, 0 and 0.9, and the lowest deviance kept.
        let freeCorrelations = freeCorrelationIndices(w)
        if !freeCorrelations.isEmpty {
            for c in [-0.9, 0, 0.9] {
                var alternative = best.parameters
                for i in freeCorrelations { alternative[i] = c }
                guard let summary = try? minimizer.minimize(start: alternative, lowerBounds: lower, upperBounds: upper,
                                                            objective: objective),
                      summary.value < best.value - 1e-9 * max(1, abs(best.value)) else { continue }
                best = (summary.value, summary.parameters)
            }
        }
        return (best.value - deviance, best.parameters)
    }

    /// Positions in w's free parameters (`freeStart`) that are correlations; none for σ's profile, whose free
    /// parameters are θ.
    func freeCorrelationIndices(_ w: Int) -> [Int] {
        guard w < relative.count else { return [] }
        return parameterization.positions.indices.filter { $0 != w && parameterization.positions[$0].isCorrelation }
            .map { $0 < w ? $0 : $0 - 1 }
    }
}

extension VarianceProfile {
    /// θ (and σ when it is a free parameter, else nil: profiled out) at the free parameters of w's profile at x.
    func point(_ w: Int, at x: Double, free: [Double]) -> (theta: [Double], sigma: Double?)? {
        if w == relative.count { return (free, x) }
        var relative = Array(free.prefix(parameterization.positions.count - 1))
        if parameterization.positions[w].isCorrelation {
            relative.insert(x, at: w)
            return parameterization.theta(relative: relative).map { ($0, nil) }
        }
        let s = free[free.count - 1]
        guard s > 0 else { return nil }
        relative.insert(x / s, at: w)
        return parameterization.theta(relative: relative).map { ($0, s) }
    }

    /// The gradient of w's profile objective in its free parameters at x, from the analytic θ gradient by the chain
    /// rule: ∂θ/∂free by central differences of the SD/correlation → θ map (closed form, no evaluation of the factor;
    /// the identity where every parameter is an SD), and σ's own derivative, 2n/σ − 2r²/σ³, exact. nil where the θ
    /// gradient is unavailable.
    func gradient(_ w: Int, at x: Double, free: [Double], factor: MixedFactor) -> [Double]? {
        guard let (theta, sigma) = point(w, at: x, free: free) else { return nil }
        let thetaGradient: [Double]
        var sigmaDerivative = 0.0
        if let sigma {
            guard let pieces = factor.pieceGradients(theta, reml: false) else { return nil }
            let s2 = sigma * sigma
            thetaGradient = zip(pieces.logDeterminant, pieces.penalizedRSS).map { $0 + $1 / s2 }
            sigmaDerivative = 2 * Double(products.rows) / sigma - 2 * factor.penalizedRSS / (s2 * sigma)
        } else {
            guard let g = factor.objectiveGradient(theta, reml: false) else { return nil }
            thetaGradient = g
        }
        if w == relative.count { return thetaGradient }
        var out = [Double](repeating: 0, count: free.count)
        for j in free.indices {
            let h = 1e-6 * max(abs(free[j]), 1e-3)
            var plus = free, minus = free
            plus[j] += h
            minus[j] -= h
            guard let up = point(w, at: x, free: plus), let down = point(w, at: x, free: minus) else { return nil }
            var v = 0.0
            for k in theta.indices { v += thetaGradient[k] * (up.theta[k] - down.theta[k]) / (2 * h) }
            out[j] = v
        }
        if sigma != nil { out[free.count - 1] += sigmaDerivative }
        return out
    }
}

extension VarianceProfile {
    /// The derivative of w's profiled deviance at x, its partial derivative in x at the inner optimum `free` (the
    /// envelope theorem): for σ, 2n/σ − 2r²/σ³ exactly; for an SD or a correlation, the θ gradient times ∂θ/∂x by
    /// central differences of the SD/correlation → θ map. nil where the θ gradient is unavailable.
    func slope(_ w: Int, at x: Double, free: [Double], factor: MixedFactor) -> Double? {
        guard let (theta, sigma) = point(w, at: x, free: free) else { return nil }
        if w == relative.count {
            factor.update(theta)
            guard factor.valid else { return nil }
            return 2 * Double(products.rows) / x - 2 * factor.penalizedRSS / (x * x * x)
        }
        let thetaGradient: [Double]
        if let sigma {
            guard let pieces = factor.pieceGradients(theta, reml: false) else { return nil }
            thetaGradient = zip(pieces.logDeterminant, pieces.penalizedRSS).map { $0 + $1 / (sigma * sigma) }
        } else {
            guard let g = factor.objectiveGradient(theta, reml: false) else { return nil }
            thetaGradient = g
        }
        let h = 1e-6 * max(abs(x), 1e-3)
        guard let up = point(w, at: x + h, free: free), let down = point(w, at: x - h, free: free) else { return nil }
        var v = 0.0
        for k in theta.indices { v += thetaGradient[k] * (up.theta[k] - down.theta[k]) / (2 * h) }
        return v
    }
}

/// One profiled parameter per call, each writing only its own slot.
private struct ProfileWork: @unchecked Sendable {
    let count: Int
    let slots: UnsafeMutablePointer<(low: Double?, high: Double?, problem: String?)>
    let body: (Int) -> (low: Double?, high: Double?, problem: String?)

    func run(_ w: Int) { slots[w] = body(w) }
}
