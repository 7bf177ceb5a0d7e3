import Foundation

/// Estimators of the between-study variance τ², as metafor's rma.uni `method`; `fe` fixes τ² = 0.
public enum TauEstimator: String, Sendable, Equatable, CaseIterable {
    case reml, dl, pm, ml, he, sj, fe

    /// The name metafor prints ("REML", "DL", …).
    public var label: String { rawValue.uppercased() }

    /// What the estimator is, in words.
    public var longName: String {
        switch self {
        case .reml: return "restricted maximum likelihood"
        case .dl: return "DerSimonian–Laird"
        case .pm: return "Paule–Mandel"
        case .ml: return "maximum likelihood"
        case .he: return "Hedges"
        case .sj: return "Sidik–Jonkman"
        case .fe: return "fixed effect (τ² = 0)"
        }
    }
}

/// τ² for a univariate model, by each estimator as rma.uni computes it (R/rma.uni.r). Iterative estimators are
/// run to convergence well beyond metafor's default threshold (1e-5), so results match metafor run with
/// `control = list(threshold = 1e-12)` to about 1e-10.
enum TauSquared {
    struct Estimate {
        let tau2: Double
        let iterations: Int
    }

    static func estimate(_ method: TauEstimator, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Estimate {
        let k = Double(yi.count), p = Double(design.p)
        switch method {
        case .fe:
            return Estimate(tau2: 0, iterations: 0)
        case .dl:
            // (Q − (k − p)) / tr(P) with W = diag(1/vᵢ).
            let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: 0)
            return Estimate(tau2: max(0, (fit.rss - (k - p)) / fit.traceP), iterations: 0)
        case .he:
            return Estimate(tau2: max(0, try hedges(yi: yi, vi: vi, design: design)), iterations: 0)
        case .sj:
            // One step from τ₀² = the mean squared deviation of yᵢ (metafor's default tau2.init), not iterated.
            let mean = yi.reduce(0, +) / k
            let tau0 = yi.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / k
            let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau0)
            return Estimate(tau2: tau0 * fit.rss / (k - p), iterations: 0)
        case .pm:
            return try pauleMandel(yi: yi, vi: vi, design: design, target: k - p)
        case .ml, .reml:
            return try fisherScoring(method == .reml, yi: yi, vi: vi, design: design)
        }
    }

    /// Hedges' estimator: (eᵀe − tr(P_ols V)) / (k − p) with ordinary least-squares residuals.
    static func hedges(yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Double {
        let ols = try WeightedMetaFit(yi: yi, weights: Array(repeating: 1, count: yi.count), design: design)
        // tr(P_ols V) = Σvᵢ − tr((XᵀX)⁻¹ XᵀVX).
        let p = design.p
        var xvx = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for i in yi.indices { for a in 0..<p { for b in 0..<p { xvx[a][b] += vi[i] * design.rows[i][a] * design.rows[i][b] } } }
        let trPV = vi.reduce(0, +) - SmallSPD.trace(SmallSPD.multiply(ols.unscaledCovariance, xvx))
        return (ols.rss - trPV) / Double(yi.count - p)
    }

    /// Paule–Mandel: the τ² at which the generalized Q statistic equals its expectation k − p (0 when Q(0) is
    /// already below it). Q(τ²) decreases in τ², so bisection on a bracket finds the root (uniroot in metafor).
    static func pauleMandel(yi: [Double], vi: [Double], design: MetaDesign, target: Double) throws(MetaError) -> Estimate {
        let q0 = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: 0).rss
        if q0 < target { return Estimate(tau2: 0, iterations: 0) }
        let root = try QRoot.solve(target: target, yi: yi, vi: vi, design: design, what: "the Paule–Mandel estimate of τ²")
        return Estimate(tau2: root.tau2, iterations: root.iterations)
    }

    /// ML and REML by Fisher scoring from the Hedges estimate, with step halving to stay at τ² ≥ 0, as rma.uni.
    /// The boundary is taken exactly: when the iterates head to 0 and the score at τ² = 0 is not positive, τ² = 0.
    static func fisherScoring(_ reml: Bool, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Estimate {
        var tau2 = max(0, try hedges(yi: yi, vi: vi, design: design))
        let maxIterations = 1000
        for iteration in 1...maxIterations {
            let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau2)
            var step: Double
            if reml {
                step = (fit.rssSquared - fit.traceP) / fit.tracePP
            } else {
                let sw = fit.weights.reduce(0, +), sw2 = fit.weights.reduce(0) { $0 + $1 * $1 }
                step = (fit.rssSquared - sw) / sw2
            }
            while tau2 + step < 0 { step /= 2 }
            let next = tau2 + step
            let change = abs(next - tau2)
            tau2 = next
            if change <= 1e-15 * max(1, tau2) || (tau2 < 1e-10 && change < 1e-14) {
                if tau2 < 1e-10, try score(reml, at: 0, yi: yi, vi: vi, design: design) <= 0 { tau2 = 0 }
                return Estimate(tau2: try boundaryChecked(reml, tau2: tau2, yi: yi, vi: vi, design: design), iterations: iteration)
            }
        }
        throw .notConverged(what: "Fisher scoring for the \(reml ? "REML" : "ML") estimate of τ²", iterations: maxIterations)
    }

    /// The score of the (restricted) log-likelihood in τ², up to a factor ½.
    static func score(_ reml: Bool, at tau2: Double, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Double {
        let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau2)
        return fit.rssSquared - (reml ? fit.traceP : fit.weights.reduce(0, +))
    }

    /// rma.uni's ll0check: if the likelihood is larger at τ² = 0 than at the converged value, τ² = 0.
    static func boundaryChecked(_ reml: Bool, tau2: Double, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Double {
        guard tau2 > 0 else { return 0 }
        let at0 = try logLikelihood(reml, tau2: 0, yi: yi, vi: vi, design: design)
        let atTau = try logLikelihood(reml, tau2: tau2, yi: yi, vi: vi, design: design)
        return at0 - atTau > 1e-13 ? 0 : tau2
    }

    /// The ML or REML log-likelihood as rma.uni's ll.ML / ll.REML.
    static func logLikelihood(_ reml: Bool, tau2: Double, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Double {
        let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau2)
        let k = Double(yi.count), p = Double(design.p)
        let logV = vi.reduce(0) { $0 + log($1 + tau2) }
        if reml { return -0.5 * (k - p) * log(2 * Double.pi) - 0.5 * logV - 0.5 * fit.logDetXWX - 0.5 * fit.rss }
        return -0.5 * k * log(2 * Double.pi) - 0.5 * logV - 0.5 * fit.rss
    }
}

/// The τ² at which the generalized Q statistic yᵀP(τ²)y equals a target (Paule–Mandel, the Q-profile interval).
/// Q decreases in τ²; callers check Q(0) ≥ target. The bracket doubles until Q falls below the target, then
/// bisection with a secant guess runs to the last representable digits.
enum QRoot {
    static func q(_ tau2: Double, yi: [Double], vi: [Double], design: MetaDesign) throws(MetaError) -> Double {
        try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau2).rss
    }

    static func solve(target: Double, yi: [Double], vi: [Double], design: MetaDesign, what: String) throws(MetaError) -> (tau2: Double, iterations: Int) {
        var low = 0.0, qLow = try q(0, yi: yi, vi: vi, design: design)
        let spread = max(vi.max() ?? 1, 1e-8)
        var high = spread, qHigh = try q(high, yi: yi, vi: vi, design: design)
        var doublings = 0
        while qHigh > target {
            low = high; qLow = qHigh
            high *= 2
            qHigh = try q(high, yi: yi, vi: vi, design: design)
            doublings += 1
            if doublings > 200 { throw .notConverged(what: what, iterations: doublings) }
        }
        for iteration in 1...500 {
            // Regula falsi step kept inside the bracket's middle 80%, else bisection (Illinois-free and safe).
            var mid = low + (high - low) * (qLow - target) / (qLow - qHigh)
            let width = high - low
            if !(mid > low + 0.1 * width && mid < high - 0.1 * width) { mid = 0.5 * (low + high) }
            let qMid = try q(mid, yi: yi, vi: vi, design: design)
            if qMid > target { low = mid; qLow = qMid } else { high = mid; qHigh = qMid }
            if high - low <= 4 * Double.ulpOfOne * max(high, 1e-300) || qMid == target {
                return (qMid == target ? mid : 0.5 * (low + high), iteration)
            }
        }
        throw .notConverged(what: what, iterations: 500)
    }
}
