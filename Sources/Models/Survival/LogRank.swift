import Distributions
import Foundation
import LinearAlgebra

/// The G-rho family of tests of equal survival across groups (Harrington and Fleming), as `survdiff`: rho = 0 is
/// the log-rank test, rho = 1 the Peto–Peto modification of the Wilcoxon test. Strata add their observed,
/// expected and variance terms, each computed within the stratum.
public struct LogRankTest: Sendable {
    public let rho: Double
    public let groups: [String]
    public let n: [Int]
    /// Events per group, weighted by S(t−)^rho (survdiff's `obs`).
    public let observed: [Double]
    public let expected: [Double]
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
    public let stratified: Bool
}

public enum LogRank {
    /// - Parameters:
    ///   - group: a code 0..<levels.count per row.
    ///   - stratum: a code per row, or nil for one stratum.
    public static func test(time: [Double], event: [Bool], group: [Int], levels: [String], stratum: [Int]?,
                            rho: Double) throws(SurvivalError) -> LogRankTest {
        let g = levels.count
        let n = time.count
        let strata = stratum ?? [Int](repeating: 0, count: n)
        // Sorted by stratum, then time (survdiff.fit's order).
        let order = (0..<n).sorted { a, b in strata[a] != strata[b] ? strata[a] < strata[b] : time[a] < time[b] }
        var observed = [Double](repeating: 0, count: g)
        var expected = [Double](repeating: 0, count: g)
        var variance = [Double](repeating: 0, count: g * g)
        var start = 0
        var risk = [Double](repeating: 0, count: g)
        var kaplan = [Double](repeating: 1, count: n)
        while start < n {
            var end = start
            while end < n && strata[order[end]] == strata[order[start]] { end += 1 }
            // Left-continuous KM of the pooled stratum, needed only for rho ≠ 0 (survdiff2.c).
            if rho != 0 {
                var km = 1.0
                var i = start
                while i < end {
                    let nrisk = Double(end - i)
                    var deaths = 0.0
                    var j = i
                    while j < end && time[order[j]] == time[order[i]] {
                        kaplan[j] = km
                        if event[order[j]] { deaths += 1 }
                        j += 1
                    }
                    km *= (nrisk - deaths) / nrisk
                    i = j
                }
            }
            for k in 0..<g { risk[k] = 0 }
            var i = end - 1
            while i >= start {
                let weight = rho == 0 ? 1 : pow(kaplan[i], rho)
                var deaths = 0.0
                var j = i
                while j >= start && time[order[j]] == time[order[i]] {
                    let k = group[order[j]]
                    risk[k] += 1
                    if event[order[j]] { deaths += 1; observed[k] += weight }
                    j -= 1
                }
                let nrisk = Double(end - (j + 1))
                i = j
                guard deaths > 0 else { continue }
                for k in 0..<g { expected[k] += weight * deaths * risk[k] / nrisk }
                guard nrisk > 1 else { continue }
                let w2 = weight * weight
                for a in 0..<g {
                    let term = w2 * deaths * risk[a] * (nrisk - deaths) / (nrisk * (nrisk - 1))
                    variance[a * g + a] += term
                    for b in 0..<g { variance[a * g + b] -= term * risk[b] / nrisk }
                }
            }
            start = end
        }
        // survdiff: groups with expected > 0 take part; the first of them is dropped; chi = d' V⁻¹ d.
        let active = (0..<g).filter { expected[$0] > 0 }
        var statistic = 0.0
        if active.count >= 2 {
            let kept = Array(active.dropFirst())
            let m = kept.count
            var v = Matrix(rows: m, columns: m)
            for (a, ka) in kept.enumerated() { for (b, kb) in kept.enumerated() { v[a, b] = variance[ka * g + kb] } }
            let d = kept.map { observed[$0] - expected[$0] }
            do {
                let x = try Cholesky(v).solve(d)
                statistic = zip(x, d).reduce(0) { $0 + $1.0 * $1.1 }
            } catch {
                throw .invalidOption("the groups' variance matrix is singular (a group has no one at risk at any event time); "
                                     + "merge or drop the empty groups")
            }
        }
        let df = max(active.count - 1, 0)
        let p = df > 0 ? ChiSquared(degreesOfFreedom: Double(df)).ccdf(statistic) : 1
        var counts = [Int](repeating: 0, count: g)
        for code in group { counts[code] += 1 }
        return LogRankTest(rho: rho, groups: levels, n: counts, observed: observed, expected: expected, statistic: statistic,
                           degreesOfFreedom: df, pValue: p, stratified: stratum != nil)
    }
}
