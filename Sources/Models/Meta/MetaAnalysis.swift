import Foundation
import Distributions

/// Settings of a meta-analysis.
public struct MetaOptions: Sendable, Equatable {
    public var method: TauEstimator
    /// Knapp–Hartung: t tests on k − p df with the covariance scaled by yᵀPy/(k − p) (rma's test = "knha").
    public var knapphartung: Bool
    public var level: Double

    public init(method: TauEstimator = .reml, knapphartung: Bool = false, level: Double = 0.95) {
        self.method = method
        self.knapphartung = knapphartung
        self.level = level
    }
}

/// Univariate random- and fixed-effects meta-analysis and meta-regression, as metafor's rma.uni
/// (R/rma.uni.r): weighted least squares at the estimated τ², Wald or Knapp–Hartung tests, Cochran's Q with the
/// inverse-variance weights, I² and H² from the typical within-study variance (k − p)/tr(P), the Q-profile
/// interval of τ² (confint.rma.uni) and the prediction interval (predict.rma).
public enum MetaAnalysis {
    public static func fit(_ effects: EffectSizes, design: MetaDesign? = nil,
                           options: MetaOptions = MetaOptions()) throws(MetaError) -> MetaAnalysisResult {
        let yi = effects.yi, vi = effects.vi
        let design = design ?? .intercept(k: yi.count)
        let k = yi.count, p = design.p
        let needed = max(2, p + 1)
        guard k >= needed else {
            throw .tooFewStudies(k: k, needed: needed, what: p > 1 ? "a meta-regression with \(p - 1) moderator column\(p == 2 ? "" : "s")" : "a meta-analysis")
        }
        for i in 0..<k where !(vi[i] > 0 && vi[i].isFinite && yi[i].isFinite) {
            throw .invalidStudy(index: i, reason: "the effect size or its sampling variance is not a positive finite number")
        }
        let estimate = try TauSquared.estimate(options.method, yi: yi, vi: vi, design: design)
        let tau2 = estimate.tau2
        let fit = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: tau2)
        let dfResidual = k - p

        // Knapp–Hartung scales the covariance by yᵀPy/(k − p) (metafor sets the factor to 0 when yᵀPy ≤ ε).
        var scale = 1.0
        if options.knapphartung { scale = fit.rss <= Double.ulpOfOne ? 0 : fit.rss / Double(dfResidual) }
        let covariance = fit.unscaledCovariance.map { $0.map { $0 * scale } }
        let t = options.knapphartung ? StudentT(degreesOfFreedom: Double(dfResidual)) : nil
        let alpha = 1 - options.level
        let crit = t.map { $0.quantile(lower: 1 - alpha / 2, upper: alpha / 2) } ?? Normal.upperQuantile(alpha / 2)
        let coefficients = (0..<p).map { j -> MetaCoefficient in
            let b = fit.coefficients[j], se = covariance[j][j].squareRoot()
            let stat = b / se
            let pValue = t.map { $0.twoSidedPValue(stat) } ?? 2 * Normal.ccdf(abs(stat))
            return MetaCoefficient(term: design.names[j], estimate: b, stdError: se, statistic: stat, pValue: pValue,
                                   confLow: b - crit * se, confHigh: b + crit * se)
        }

        // Heterogeneity: Q with inverse-variance weights, whatever the estimator (rma.uni's QE).
        let fixed = try WeightedMetaFit(yi: yi, vi: vi, design: design, tau2: 0)
        let q = max(0, fixed.rss)
        let qP = ChiSquared(degreesOfFreedom: Double(dfResidual)).ccdf(q)
        let typical = Double(dfResidual) / fixed.traceP
        let i2: Double, h2: Double
        if options.method == .fe {
            i2 = max(0, 100 * (q - Double(dfResidual)) / q)
            h2 = q / Double(dfResidual)
        } else {
            i2 = 100 * tau2 / (typical + tau2)
            h2 = tau2 / typical + 1
        }
        var tauCI: (Double, Double)? = nil
        var emptyTauCI = false
        if options.method != .fe {
            let interval = try QProfile.interval(yi: yi, vi: vi, design: design, level: options.level)
            tauCI = (interval.low, interval.high)
            emptyTauCI = interval.empty
        }

        // Prediction interval of a new study's true effect: estimate ± crit·√(SE² + τ²) (predict.rma; none for a
        // fixed-effect model, as metafor).
        var predLow: Double? = nil, predHigh: Double? = nil
        if p == 1 && options.method != .fe {
            let half = crit * (covariance[0][0] + tau2).squareRoot()
            predLow = fit.coefficients[0] - half
            predHigh = fit.coefficients[0] + half
        }

        var moderators: ModeratorTest? = nil
        var warnings: [String] = []
        if p > 1 {
            moderators = try moderatorTest(fit: fit, covariance: covariance, dfResidual: dfResidual, options: options,
                                           effects: effects, tau2: tau2)
        }
        if options.knapphartung && options.method == .fe {
            warnings.append("Knapp–Hartung tests are meant for random-effects models; with --method fe they rescale a fixed-effect model.")
        }
        if emptyTauCI {
            warnings.append("The Q-profile interval of τ² is empty: the effect sizes vary less than their sampling variances alone "
                + "would make them (Q below its lower χ² quantile), so both bounds fall below 0 and are shown as 0 (metafor's "
                + "confint: <0, the null/empty set).")
        }
        if !effects.corrected.isEmpty {
            warnings.append("\(effects.corrected.count) stud\(effects.corrected.count == 1 ? "y has" : "ies have") a zero cell: 0.5 was added to each of \(effects.corrected.count == 1 ? "its" : "their") four cells (escalc's default add = 1/2, to = \"only0\").")
        }
        let totalWeight = fit.weights.reduce(0, +)
        return MetaAnalysisResult(
            kind: options.method == .fe ? .fixed : .random, method: options.method, measure: effects.measure,
            knapphartung: options.knapphartung, level: options.level, k: k, coefficients: coefficients,
            df: options.knapphartung ? dfResidual : nil, tau2: tau2, tau2ConfLow: tauCI?.0, tau2ConfHigh: tauCI?.1,
            i2: i2, h2: h2, q: q, qDF: dfResidual, qPValue: qP, predLow: predLow, predHigh: predHigh, yi: yi, vi: vi,
            weights: fit.weights.map { 100 * $0 / totalWeight }, moderators: moderators, egger: [], trimfill: nil,
            varianceComponents: [], clusters: nil, logLikelihood: nil, iterations: estimate.iterations, warnings: warnings)
    }

    /// QM: the Wald test of every coefficient but the intercept (χ² on m df, or F = QM/m on (m, k − p) with
    /// Knapp–Hartung), and the pseudo-R² against the model without moderators fitted the same way.
    static func moderatorTest(fit: WeightedMetaFit, covariance: [[Double]], dfResidual: Int, options: MetaOptions,
                              effects: EffectSizes, tau2: Double) throws(MetaError) -> ModeratorTest {
        let p = fit.coefficients.count, m = p - 1
        let sub = (1..<p).map { a in (1..<p).map { b in covariance[a][b] } }
        guard let inverse = SmallSPD.inverse(sub) else { throw .moderatorsRankDeficient(terms: Array(fit.design.names.dropFirst())) }
        let b = Array(fit.coefficients.dropFirst())
        var qm = 0.0
        for a in 0..<m { for c in 0..<m { qm += b[a] * inverse[a][c] * b[c] } }
        let statistic: Double, pValue: Double, df: [Int]
        if options.knapphartung {
            statistic = qm / Double(m)
            pValue = FDistribution(numerator: Double(m), denominator: Double(dfResidual)).ccdf(statistic)
            df = [m, dfResidual]
        } else {
            statistic = qm
            pValue = ChiSquared(degreesOfFreedom: Double(m)).ccdf(qm)
            df = [m]
        }
        var r2: Double? = nil
        if options.method != .fe {
            let base = try TauSquared.estimate(options.method, yi: effects.yi, vi: effects.vi, design: .intercept(k: effects.yi.count))
            r2 = base.tau2 == 0 ? 0 : max(0, 100 * (base.tau2 - tau2) / base.tau2)
        }
        return ModeratorTest(statistic: statistic, df: df, pValue: pValue, r2: r2)
    }
}

/// The Q-profile confidence interval of τ² (Viechtbauer 2007), as confint.rma.uni: the τ² values at which the
/// generalized Q statistic equals the χ²(k − p) quantiles; the lower bound is 0 when Q(0) is already below its
/// quantile, and both are 0 with `empty` set when Q(0) is below the upper bound's quantile too (metafor's numbers, and
/// its message: "both fall below 0 … the null/empty set"; alliance showed [0, 0] without a word).
enum QProfile {
    static func interval(yi: [Double], vi: [Double], design: MetaDesign, level: Double) throws(MetaError)
        -> (low: Double, high: Double, empty: Bool) {
        let df = Double(yi.count - design.p)
        let chi = ChiSquared(degreesOfFreedom: df)
        let alpha = 1 - level
        let upperQuantile = chi.upperQuantile(alpha / 2), lowerQuantile = chi.quantile(alpha / 2)
        let q0 = try QRoot.q(0, yi: yi, vi: vi, design: design)
        guard q0 >= lowerQuantile else { return (0, 0, true) }
        let low = q0 < upperQuantile ? 0
            : try QRoot.solve(target: upperQuantile, yi: yi, vi: vi, design: design, what: "the lower Q-profile limit of τ²").tau2
        let high = try QRoot.solve(target: lowerQuantile, yi: yi, vi: vi, design: design, what: "the upper Q-profile limit of τ²").tau2
        return (low, high, false)
    }
}
