import Distributions
import Foundation

/// Why two fits cannot be compared by a likelihood-ratio test. Every case names the fits and says what to do.
public struct ComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One row of the comparison table (anova's row): the fit, its information criteria and, from the second row
/// on, the likelihood-ratio test against the row before.
public struct ComparisonRow: Sendable, Equatable {
    public let model: ComparedModel
    public let aic: Double
    public let bic: Double
    /// −2 log-likelihood (anova.merMod's `deviance` column; for a REML comparison, −2 × the restricted one).
    public let deviance: Double
    public let statistic: Double?
    public let df: Int?
    public let pValue: Double?
    /// The p-value from the χ² mixture of Self and Liang (1987) and Stram and Lee (1994), when the test adds one
    /// random effect (with its correlations) and nothing else: ½ χ²(k) + ½ χ²(k+1).
    public let pValueMixture: Double?
    /// The test puts a variance on the boundary of its space (zero): the χ² reference is conservative.
    public let boundary: Bool
    /// OLS fits only: anova.lm's F test against the row before, on (df, residual df of the largest fit).
    public let fStatistic: Double?
    public let fPValue: Double?
}

/// A comparison of nested fits as R's `anova()` reports it for merMod objects: fits ordered by their number of
/// parameters, AIC and BIC, and each fit's likelihood-ratio test against the one before.
public struct ModelComparisonResult: Sendable, Equatable {
    public let rows: [ComparisonRow]
    /// REML fits were refitted by maximum likelihood (anova's default `refit = TRUE`).
    public let refitML: Bool
    /// The fits were compared on their REML criteria (`--reml`, anova's `refit = FALSE`).
    public let reml: Bool
    public let notes: [String]
}

public enum ModelComparison {
    /// Compares fits already on one likelihood (all ML, or all REML with the same fixed effects under `reml`).
    /// The fits are ordered by parameter count (stable), each must be nested in the next, and every test is
    /// 2 (ℓ₂ − ℓ₁) on χ²(npar₂ − npar₁) (anova.merMod; lmtest::lrtest for regressions).
    public static func compare(_ models: [ComparedModel], reml: Bool, refitML: Bool) throws(ComparisonError) -> ModelComparisonResult {
        let ordered = try nestedOrder(models, reml: reml)
        var rows: [ComparisonRow] = []
        var notes: [String] = []
        for (i, m) in ordered.enumerated() {
            let n = Double(m.rowsUsed)
            let k = Double(m.parameterCount)
            let deviance = -2 * m.logLikelihood
            guard i > 0 else {
                rows.append(ComparisonRow(model: m, aic: deviance + 2 * k, bic: deviance + log(n) * k, deviance: deviance,
                                          statistic: nil, df: nil, pValue: nil, pValueMixture: nil, boundary: false,
                                          fStatistic: nil, fPValue: nil))
                continue
            }
            let previous = ordered[i - 1]
            // anova.merMod: Chisq = 2 * pmax(0, diff(logLik)); a larger fit that lands below the smaller one is an
            // optimiser failure, so it is clipped at 0 and said.
            let difference = 2 * (m.logLikelihood - previous.logLikelihood)
            if difference < -1e-6 * max(1, abs(deviance)) {
                notes.append("\(m.name) has a lower log-likelihood than \(previous.name), in which it is nested: one of the fits "
                             + "did not reach its optimum; the statistic is set to 0 as anova() does. Refit and compare again.")
            }
            let statistic = max(0, difference)
            let df = m.parameterCount - previous.parameterCount
            let p = ChiSquared(degreesOfFreedom: Double(df)).ccdf(statistic)
            let previousEffects = previous.randomEffects.matchingGroups(in: m.randomEffects)
            let added = addedRandomEffect(previousEffects, m.randomEffects, sameFixedEffects: Set(previous.fixedColumns) == Set(m.fixedColumns))
            let boundary = !m.randomEffects.variances.isSubset(of: previousEffects.variances)
            var mixture: Double?
            if let k = added, k + 1 == df {
                // Stram & Lee (1994): q vs q + 1 correlated random effects, ½ χ²(q) + ½ χ²(q+1); χ²(0) is a point mass at 0.
                let lower = k == 0 ? (statistic > 0 ? 0 : 1) : ChiSquared(degreesOfFreedom: Double(k)).ccdf(statistic)
                mixture = 0.5 * lower + 0.5 * p
            }
            if boundary {
                let what = m.randomEffects.variances.subtracting(previousEffects.variances).sorted()
                    .map { "\($0.term) | \($0.group)" }.joined(separator: ", ")
                notes.append("\(previous.name) vs \(m.name) tests the variance of \(what) at its boundary of zero, so anova()'s "
                             + "χ² p-value is conservative (too large; Self & Liang 1987)"
                             + (mixture == nil ? "." : "; p_value_mixture is the ½ χ²(\(df - 1)) + ½ χ²(\(df)) mixture of Stram & Lee (1994)."))
            }
            var fStatistic: Double? = nil
            var fPValue: Double? = nil
            // anova.lm on lm fits: F = (ΔRSS / Δdf) / (RSS / df) of the largest fit (anova.lmlist's scale).
            if let largest = ordered.last, let scaleRSS = largest.residualSumOfSquares, let scaleDF = largest.residualDF,
               let before = previous.residualSumOfSquares, let now = m.residualSumOfSquares, df > 0, scaleRSS > 0 {
                let f = max(0, (before - now) / Double(df)) / (scaleRSS / Double(scaleDF))
                fStatistic = f
                fPValue = FDistribution(numerator: Double(df), denominator: Double(scaleDF)).ccdf(f)
            }
            rows.append(ComparisonRow(model: m, aic: deviance + 2 * k, bic: deviance + log(n) * k, deviance: deviance,
                                      statistic: statistic, df: df, pValue: p, pValueMixture: mixture, boundary: boundary,
                                      fStatistic: fStatistic, fPValue: fPValue))
        }
        return ModelComparisonResult(rows: rows, refitML: refitML, reml: reml, notes: notes)
    }

    /// The fits in anova's order (by parameter count, stable), each checked to be nested in the next.
    public static func nestedOrder(_ models: [ComparedModel], reml: Bool) throws(ComparisonError) -> [ComparedModel] {
        guard models.count >= 2 else { throw ComparisonError("compare needs at least two fits") }
        let ordered = models.enumerated().sorted { ($0.element.parameterCount, $0.offset) < ($1.element.parameterCount, $1.offset) }
            .map(\.element)
        for (smaller, larger) in zip(ordered, ordered.dropFirst()) {
            try checkNested(smaller, in: larger, reml: reml)
        }
        return ordered
    }

    /// Refuses fits that are not nested: different families, data (or the same file read two ways), rows, outcome, offsets or event, fixed effects
    /// of the smaller fit not among the larger's, random effects not nested, or REML fits with different fixed effects.
    public static func checkNested(_ smaller: ComparedModel, in larger: ComparedModel, reml: Bool) throws(ComparisonError) {
        let pair = "\(smaller.name) and \(larger.name)"
        let families = Set([smaller.family, larger.family])
        guard families.count == 1 || families == [.ols, .lmm] else {
            throw ComparisonError("\(pair) are different kinds of model (\(smaller.family.rawValue) and \(larger.family.rawValue)); "
                                  + "a likelihood-ratio test compares fits of one family (or a linear model with a linear mixed model)")
        }
        if families == [.ols, .lmm] && smaller.family != .ols {
            throw ComparisonError("\(pair): the linear mixed model \(smaller.name) has fewer parameters than the linear model "
                                  + "\(larger.name), so neither is nested in the other; give the linear model the mixed model's fixed effects")
        }
        guard smaller.dataDigest == larger.dataDigest else {
            throw ComparisonError("\(pair) were fitted to different data (\(smaller.dataFile) and \(larger.dataFile) differ in their "
                                  + "SHA-256); fit both models to the same file")
        }
        guard smaller.readWith == larger.readWith else {
            func described(_ m: ComparedModel) -> String { m.readWith.isEmpty ? "the defaults" : m.readWith.joined(separator: "; ") }
            throw ComparisonError("\(pair) read \(smaller.dataFile) differently (\(described(smaller)) vs \(described(larger))), so they "
                                  + "were fitted to different values, and equal row counts can hide different rows; fit both with the same "
                                  + "reading options (--na, --na-only, --decimal, --codes)")
        }
        guard smaller.outcome == larger.outcome else {
            throw ComparisonError("\(pair) have different outcomes (\(smaller.outcome) and \(larger.outcome)); only models of one outcome can be compared")
        }
        guard smaller.rowsUsed == larger.rowsUsed else {
            throw ComparisonError("\(pair) used different rows (\(smaller.rowsUsed) and \(larger.rowsUsed)): a variable of one has missing "
                                  + "values the other does not use; drop those rows first (e.g. `alliance transform --filter`) and fit both again")
        }
        guard smaller.offsets == larger.offsets else {
            throw ComparisonError("\(pair) have different offsets; nested fits share their offsets")
        }
        guard smaller.event == larger.event else {
            throw ComparisonError("\(pair) model different event levels (\(smaller.event ?? "-") and \(larger.event ?? "-")); use one --event for both")
        }
        let extra = smaller.fixedColumns.filter { !larger.fixedColumns.contains($0) }
        guard extra.isEmpty else {
            throw ComparisonError("\(pair) are not nested: the fixed effects \(extra.joined(separator: ", ")) of \(smaller.name) are not in "
                                  + "\(larger.name); a likelihood-ratio test needs one model's terms to be a subset of the other's "
                                  + "(compare non-nested models by their AIC and BIC)")
        }
        guard smaller.randomEffects.isSubset(of: larger.randomEffects) else {
            let missingVariances = smaller.randomEffects.matchingGroups(in: larger.randomEffects).variances
                .subtracting(larger.randomEffects.variances).sorted().map(\.label)
            let missing = missingVariances.isEmpty ? "the correlations of \(smaller.name)'s random effects"
                : "the random effects \(missingVariances.joined(separator: ", "))"
            throw ComparisonError("\(pair) are not nested: \(missing) are not in \(larger.name); the smaller model's random-effects "
                                  + "structure must be part of the larger's (a grouping factor of the smaller fit, such as therapist, matches "
                                  + "site:therapist of the larger when both have the same number of levels)")
        }
        guard smaller.parameterCount < larger.parameterCount else {
            throw ComparisonError("\(pair) have the same number of parameters (\(smaller.parameterCount)), so neither is nested in the other")
        }
        if reml {
            guard smaller.reml && larger.reml else {
                throw ComparisonError("--reml compares REML fits; \(smaller.reml ? larger.name : smaller.name) was fitted by ML")
            }
            guard Set(smaller.fixedColumns) == Set(larger.fixedColumns) else {
                throw ComparisonError("\(pair) differ in their fixed effects, and REML criteria of different fixed effects are not "
                                      + "comparable: drop --reml (the fits are then refitted by ML, as anova() does)")
            }
        } else if smaller.reml || larger.reml {
            throw ComparisonError("\(smaller.reml ? smaller.name : larger.name) is a REML fit; compare refits it by ML first")
        }
    }

    /// When `larger` adds exactly one random effect to `smaller` (and the fixed effects are the same), with
    /// correlations to all k effects of its group that `smaller` has, all of them correlated already: k (0 when the
    /// new effect is uncorrelated with the others). Otherwise nil.
    static func addedRandomEffect(_ smaller: ComparedModel.RandomEffects, _ larger: ComparedModel.RandomEffects,
                                  sameFixedEffects: Bool) -> Int? {
        guard sameFixedEffects else { return nil }
        let added = larger.variances.subtracting(smaller.variances)
        guard added.count == 1, let new = added.first else { return nil }
        let newCorrelations = larger.correlations.subtracting(smaller.correlations)
        // An effect uncorrelated with the others (`(x || g)` from `(1 | g)`): one variance on its boundary, ½ χ²(0) + ½ χ²(1).
        if newCorrelations.isEmpty { return 0 }
        let existing = smaller.variances.filter { $0.group == new.group }.map(\.term).sorted()
        let k = existing.count
        let smallerCorrelations = smaller.correlations.filter { $0.group == new.group }
        guard smallerCorrelations.count == k * (k - 1) / 2 else { return nil }
        let expected = Set(existing.map { ComparedModel.RandomEffects.Correlation(group: new.group, terms: [$0, new.term]) })
        return newCorrelations == expected ? k : nil
    }
}
