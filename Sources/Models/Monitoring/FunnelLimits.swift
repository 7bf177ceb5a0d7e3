import Distributions
import Foundation

/// Control limits of a funnel plot for proportions (Spiegelhalter 2005, Statistics in Medicine 24, 1185–1202):
/// exact binomial limits around the target rate θ with the interpolation of the paper's appendix, so that the
/// limits are smooth in n (truncated to [0, 1]). For tail probability p, r_p is the p-quantile of Binomial(n, θ) (the smallest r with
/// F(r) ≥ p, R's `qbinom`), α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)), and the limit is (r_p − α) / n.
public struct FunnelLimits: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public let n: Int
        public let lower95: Double
        public let upper95: Double
        public let lower998: Double
        public let upper998: Double
    }

    public let target: Double
    public let points: [Point]

    /// Limits at each caseload in `sizes` (each ≥ 1) around `target` in [0, 1].
    public init(target: Double, sizes: [Int]) {
        self.target = target
        points = sizes.map { n in
            Point(n: n, lower95: Self.limit(p: 0.025, n: n, target: target), upper95: Self.limit(p: 0.975, n: n, target: target),
                  lower998: Self.limit(p: 0.001, n: n, target: target), upper998: Self.limit(p: 0.999, n: n, target: target))
        }
    }

    /// The interpolated exact limit for tail probability `p`.
    public static func limit(p: Double, n: Int, target: Double) -> Double {
        let distribution = Binomial(trials: n, probability: target)
        let r = quantile(p, distribution)
        let upper = distribution.cdf(r)
        let lower = r > 0 ? distribution.cdf(r - 1) : 0
        let alpha = upper > lower ? (upper - p) / (upper - lower) : 0
        // Truncated to [0, 1]: at small n the interpolation can step past 0 or 1, where no rate lies.
        return min(1, max(0, (Double(r) - alpha) / Double(n)))
    }

    /// The smallest r with F(r) ≥ p: a start from the normal approximation, then unit steps.
    static func quantile(_ p: Double, _ b: Binomial) -> Int {
        let n = b.trials, theta = b.probability
        let sd = (Double(n) * theta * (1 - theta)).squareRoot()
        var r = min(n, max(0, Int((Double(n) * theta + Normal.quantile(p) * sd).rounded())))
        while r > 0 && b.cdf(r - 1) >= p { r -= 1 }
        while r < n && b.cdf(r) < p { r += 1 }
        return r
    }

    /// Caseloads at which to draw the limits from 1 to `maximum`: every n up to 100, then about 200 steps evenly
    /// spaced on the log scale (the funnel changes slowly there), and `maximum` itself.
    public static func plottingSizes(maximum: Int) -> [Int] {
        guard maximum >= 1 else { return [] }
        var sizes = Array(1...min(maximum, 100))
        if maximum > 100 {
            let steps = 200
            let ratio = Double(maximum) / 100
            for k in 1...steps {
                let n = Int((100 * pow(ratio, Double(k) / Double(steps))).rounded())
                if n > sizes[sizes.count - 1] { sizes.append(n) }
            }
            if sizes[sizes.count - 1] != maximum { sizes.append(maximum) }
        }
        return sizes
    }
}
