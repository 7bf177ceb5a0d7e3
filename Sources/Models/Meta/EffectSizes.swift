import Foundation
import Distributions

/// The effect-size measures `alliance meta` computes from study summaries, as metafor's `escalc`.
public enum EffectMeasure: String, Sendable, Equatable, CaseIterable {
    /// Fisher's z of a correlation (escalc "ZCOR"): yᵢ = atanh(r), vᵢ = 1/(n − 3); results back-transformed to r.
    case cor
    /// Hedges' g (escalc "SMD"): Cohen's d times metafor's exact correction, large-sample variance.
    case smd
    /// Log odds ratio (escalc "OR").
    case or
    /// Log risk ratio (escalc "RR").
    case rr
    /// Effect sizes given directly with their sampling variances or standard errors.
    case generic

    /// The scale results are back-transformed to, if any: r for cor, ratios for or and rr.
    public var backTransform: ((Double) -> Double)? {
        switch self {
        case .cor: return { tanh($0) }
        case .or, .rr: return { exp($0) }
        case .smd, .generic: return nil
        }
    }

    /// What the back-transformed values are, for labels ("r", "OR", "RR"); nil without a back-transformation.
    public var transformedName: String? {
        switch self {
        case .cor: return "r"
        case .or: return "OR"
        case .rr: return "RR"
        case .smd, .generic: return nil
        }
    }
}

/// Effect sizes yᵢ with sampling variances vᵢ, one per study, in input order.
public struct EffectSizes: Sendable, Equatable {
    public let measure: EffectMeasure
    public let yi: [Double]
    public let vi: [Double]
    /// OR/RR: studies (indices into `yi`) with a zero cell, to every cell of which ½ was added (escalc's default
    /// add = 1/2, to = "only0").
    public let corrected: [Int]

    public init(measure: EffectMeasure, yi: [Double], vi: [Double], corrected: [Int] = []) {
        self.measure = measure
        self.yi = yi
        self.vi = vi
        self.corrected = corrected
    }

    /// ZCOR: yᵢ = atanh(rᵢ), vᵢ = 1/(nᵢ − 3).
    public static func correlations(r: [Double], n: [Double]) throws(MetaError) -> EffectSizes {
        var yi: [Double] = [], vi: [Double] = []
        for i in r.indices {
            guard r[i] > -1 && r[i] < 1 else {
                throw .invalidStudy(index: i, reason: "correlation \(r[i]) is not strictly between -1 and 1")
            }
            guard n[i] > 3 else { throw .invalidStudy(index: i, reason: "sample size \(n[i]) is not above 3 (Fisher's z needs n > 3)"
                                                                  + (n[i] < 0 ? "; a negative size is likely a missing-value code: declare it with --na" : "")) }
            yi.append(atanh(r[i]))
            vi.append(1 / (n[i] - 3))
        }
        return EffectSizes(measure: .cor, yi: yi, vi: vi)
    }

    /// SMD (Hedges' g): d = (m₁ − m₂)/s_pooled times c(m) = Γ(m/2) / (√(m/2) Γ((m − 1)/2)), m = n₁ + n₂ − 2 (escalc's
    /// exact correction, not the 1 − 3/(4m − 1) approximation); vᵢ = 1/n₁ + 1/n₂ + gᵢ²/(2(n₁ + n₂)) (vtype "LS").
    public static func standardizedMeanDifferences(m1: [Double], sd1: [Double], n1: [Double], m2: [Double], sd2: [Double],
                                                   n2: [Double]) throws(MetaError) -> EffectSizes {
        var yi: [Double] = [], vi: [Double] = []
        for i in m1.indices {
            guard sd1[i] >= 0, sd2[i] >= 0 else { throw .invalidStudy(index: i, reason: "a standard deviation is negative") }
            guard n1[i] >= 1, n2[i] >= 1, n1[i] + n2[i] > 3 else {
                throw .invalidStudy(index: i, reason: "group sizes \(n1[i]) and \(n2[i]) are too small (each at least 1, together above 3)")
            }
            let m = n1[i] + n2[i] - 2
            let pooled = (((n1[i] - 1) * sd1[i] * sd1[i] + (n2[i] - 1) * sd2[i] * sd2[i]) / m).squareRoot()
            guard pooled > 0 else { throw .invalidStudy(index: i, reason: "the pooled standard deviation is 0") }
            let correction = exp(SpecialFunctions.logGamma(m / 2) - 0.5 * log(m / 2) - SpecialFunctions.logGamma((m - 1) / 2))
            let g = correction * (m1[i] - m2[i]) / pooled
            yi.append(g)
            vi.append(1 / n1[i] + 1 / n2[i] + g * g / (2 * (n1[i] + n2[i])))
        }
        return EffectSizes(measure: .smd, yi: yi, vi: vi)
    }

    /// OR or RR from 2×2 counts (ai, bi: events and non-events of the first group; ci, di: of the second).
    /// Studies with a zero cell get ½ added to all four cells (escalc's add = 1/2, to = "only0"):
    /// log OR = log(ai·di/(bi·ci)), v = 1/ai + 1/bi + 1/ci + 1/di;
    /// log RR = log((ai/n₁)/(ci/n₂)), v = 1/ai − 1/n₁ + 1/ci − 1/n₂.
    public static func twoByTwo(_ measure: EffectMeasure, ai: [Double], bi: [Double], ci: [Double],
                                di: [Double]) throws(MetaError) -> EffectSizes {
        precondition(measure == .or || measure == .rr, "twoByTwo computes or and rr")
        var yi: [Double] = [], vi: [Double] = [], corrected: [Int] = []
        for i in ai.indices {
            var a = ai[i], b = bi[i], c = ci[i], d = di[i]
            guard a >= 0, b >= 0, c >= 0, d >= 0 else { throw .invalidStudy(index: i, reason: "a 2×2 count is negative") }
            guard a + b > 0, c + d > 0 else { throw .invalidStudy(index: i, reason: "a group has no participants (both of its counts are 0)") }
            if a == 0 || b == 0 || c == 0 || d == 0 {
                a += 0.5; b += 0.5; c += 0.5; d += 0.5
                corrected.append(i)
            }
            if measure == .or {
                yi.append(log(a * d / (b * c)))
                vi.append(1 / a + 1 / b + 1 / c + 1 / d)
            } else {
                let n1 = a + b, n2 = c + d
                yi.append(log((a / n1) / (c / n2)))
                vi.append(1 / a - 1 / n1 + 1 / c - 1 / n2)
            }
        }
        return EffectSizes(measure: measure, yi: yi, vi: vi, corrected: corrected)
    }

    /// Effect sizes as given, with variances (or standard errors, squared). A standard error must be positive, as a
    /// variance must: squared, a negative one (an interval's difference taken the wrong way round) would pass unseen
    /// (metafor squares it silently).
    public static func generic(yi: [Double], vi: [Double]? = nil, sei: [Double]? = nil) throws(MetaError) -> EffectSizes {
        if let sei {
            for i in sei.indices where !(sei[i] > 0 && sei[i].isFinite) {
                throw .invalidStudy(index: i, reason: "the standard error must be positive and finite (got \(sei[i])); "
                    + "a negative one is usually an interval's difference taken the wrong way round")
            }
        }
        let variances = vi ?? (sei ?? []).map { $0 * $0 }
        for i in yi.indices {
            guard variances[i] > 0, variances[i].isFinite, yi[i].isFinite else {
                throw .invalidStudy(index: i, reason: "the sampling variance must be positive and finite (got \(variances[i]))")
            }
        }
        return EffectSizes(measure: .generic, yi: yi, vi: variances)
    }
}
