import Foundation
import Distributions

/// Funnel-plot asymmetry: Egger's regression test in metafor's two forms (regtest) and trim-and-fill (trimfill).
public enum SmallStudyEffects {
    /// Both forms of Egger's test for a fitted univariate model: `rma` refits the model with the standard error as
    /// an extra moderator (same τ² estimator and test); `lm` is weighted least squares with weights 1/vᵢ and a t test
    /// on k − p − 1 df. Each reports the standard error's coefficient.
    public static func egger(_ result: MetaAnalysisResult, design: MetaDesign? = nil) throws(MetaError) -> [EggerTest] {
        guard result.kind != .threeLevel else { throw .notApplicable("Egger's test is for univariate models (not with --cluster)") }
        let base = design ?? .intercept(k: result.k)
        let extended = base.appending("sei", result.vi.map { $0.squareRoot() })
        guard result.k >= extended.p + 1 else {
            throw .tooFewStudies(k: result.k, needed: extended.p + 1, what: "Egger's regression test")
        }
        let effects = EffectSizes(measure: result.measure, yi: result.yi, vi: result.vi)
        let refit = try MetaAnalysis.fit(effects, design: extended,
                                         options: MetaOptions(method: result.method, knapphartung: result.knapphartung, level: result.level))
        let last = refit.coefficients[extended.p - 1]
        let rma = EggerTest(form: .rma, slope: last.estimate, statistic: last.statistic, df: refit.df, pValue: last.pValue)

        // lm(yi ~ X + sei, weights = 1/vi): residual variance Σwe²/(k − p − 1).
        let wls = try WeightedMetaFit(yi: result.yi, weights: result.vi.map { 1 / $0 }, design: extended)
        let df = result.k - extended.p
        let sigma2 = wls.rss / Double(df)
        let j = extended.p - 1
        let slope = wls.coefficients[j], se = (sigma2 * wls.unscaledCovariance[j][j]).squareRoot()
        let t = slope / se
        let lm = EggerTest(form: .lm, slope: slope, statistic: t, df: df, pValue: StudentT(degreesOfFreedom: Double(df)).twoSidedPValue(t))
        return [rma, lm]
    }

    /// Trim-and-fill with the L0 estimator, as trimfill.rma.uni: the side is "right" when the slope of the standard
    /// error in a meta-regression (same τ² method) is negative, else "left"; studies are trimmed from the other side
    /// until the number missing, k₀ = round((4·S_r − k(k + 1))/(2k − 1)) from the signed ranks of the centred
    /// effects, settles; the k₀ most extreme effects are mirrored about the trimmed estimate and the model refitted
    /// (with z tests, as trimfill's refit). With k₀ = 0 the original fit is returned.
    public static func trimAndFill(_ result: MetaAnalysisResult) throws(MetaError) -> TrimAndFill {
        guard result.kind != .threeLevel, result.coefficients.count == 1 else {
            throw .notApplicable("trim-and-fill applies to models without moderators and without --cluster")
        }
        let options = MetaOptions(method: result.method, knapphartung: false, level: result.level)
        let k = result.k
        let seDesign = MetaDesign.intercept(k: k).appending("sei", result.vi.map { $0.squareRoot() })
        let sideFit = try WeightedMetaFit(
            yi: result.yi, vi: result.vi, design: seDesign,
            tau2: TauSquared.estimate(result.method, yi: result.yi, vi: result.vi, design: seDesign).tau2)
        let side: TrimAndFill.Side = sideFit.coefficients[1] < 0 ? .right : .left
        let flip: Double = side == .right ? -1 : 1
        // Sort the (flipped) effects; a stable sort keeps input order among ties, as R's sort(index.return = TRUE).
        let order = result.yi.indices.sorted { (flip * result.yi[$0], $0) < (flip * result.yi[$1], $1) }
        let yi = order.map { flip * result.yi[$0] }, vi = order.map { result.vi[$0] }
        var k0 = 0, previous = -1, beta = 0.0
        var iterations = 0
        while k0 != previous {
            previous = k0
            iterations += 1
            guard iterations <= 100 else { throw .notConverged(what: "trim-and-fill", iterations: 100) }
            let kept = k - k0
            guard kept >= 2 else { throw .notConverged(what: "trim-and-fill (it trimmed all but one study)", iterations: iterations) }
            let trimmed = EffectSizes(measure: result.measure, yi: Array(yi.prefix(kept)), vi: Array(vi.prefix(kept)))
            beta = try MetaAnalysis.fit(trimmed, options: options).pooled.estimate
            let centred = yi.map { $0 - beta }
            // rank(abs(centred), ties.method = "first").
            let byMagnitude = centred.indices.sorted { (abs(centred[$0]), $0) < (abs(centred[$1]), $1) }
            var rank = Array(repeating: 0, count: k)
            for (r, i) in byMagnitude.enumerated() { rank[i] = r + 1 }
            let sr = Double(centred.indices.filter { centred[$0] > 0 }.reduce(0) { $0 + rank[$1] })
            let kk = Double(k)
            k0 = max(0, Int(((4 * sr - kk * (kk + 1)) / (2 * kk - 1)).rounded()))
        }
        if k0 == 0 {
            let pooled = result.pooled
            return TrimAndFill(k0: 0, side: side, estimate: pooled.estimate, confLow: pooled.confLow, confHigh: pooled.confHigh,
                               tau2: result.tau2 ?? 0, filledYi: [], filledVi: [])
        }
        // Mirror the k₀ largest (flipped) effects about β, back on the original scale.
        let filledYi = (k - k0..<k).map { flip * (2 * beta - yi[$0]) }
        let filledVi = (k - k0..<k).map { vi[$0] }
        let filled = EffectSizes(measure: result.measure, yi: result.yi + filledYi, vi: result.vi + filledVi)
        let refit = try MetaAnalysis.fit(filled, options: options)
        return TrimAndFill(k0: k0, side: side, estimate: refit.pooled.estimate, confLow: refit.pooled.confLow,
                           confHigh: refit.pooled.confHigh, tau2: refit.tau2 ?? 0, filledYi: filledYi, filledVi: filledVi)
    }
}
