/// Harrell's concordance of a Cox model's linear predictor, as `survival::concordance` of a coxph fit (which
/// coxph stores as `fit$concordance`): over pairs where one row has the event while the other is still at risk
/// (within the stratum, in the counting-process risk set), the share where the row with the event has the
/// higher risk score, ties in the score counting one half; pairs with tied event times do not count.
public struct Concordance: Sendable, Equatable {
    public let concordant: Double
    public let discordant: Double
    /// Comparable pairs with equal linear predictors.
    public let tiedRisk: Double
    /// Pairs of events at the same time (not comparable).
    public let tiedTime: Double

    public var value: Double { (concordant + tiedRisk / 2) / (concordant + discordant + tiedRisk) }

    /// A Fenwick tree over the ranks of η, swept backward in time with the risk set: O(n log n), as survival's
    /// concordance (which uses a balanced tree). The ranks come from one sort of η; the sweep reads rows in
    /// time order (`CoxData`'s sorted copies), not from storage order.
    static func compute(_ data: CoxData, eta: [Double]) -> Concordance {
        let n = data.n
        let distinct: [Double] = {
            var sorted = eta
            sorted.sort()
            var unique: [Double] = []
            unique.reserveCapacity(sorted.count)
            for v in sorted where unique.last != v { unique.append(v) }
            return unique
        }()
        /// 1-based rank of v among the distinct values.
        func rank(_ v: Double) -> Int {
            var lo = 0, hi = distinct.count
            while lo < hi { let mid = (lo + hi) / 2; if distinct[mid] < v { lo = mid + 1 } else { hi = mid } }
            return lo + 1
        }
        // Rank of each row by its position in time order.
        var rankAt = [Int](repeating: 0, count: n)
        for k in 0..<n { rankAt[k] = rank(eta[data.byStop[k]]) }
        let m = distinct.count
        var tree = [Double](repeating: 0, count: m + 1)
        func update(_ k: Int, _ delta: Double) { var i = k; while i <= m { tree[i] += delta; i += i & -i } }
        func prefix(_ k: Int) -> Double { var s = 0.0; var i = k; while i > 0 { s += tree[i]; i -= i & -i }; return s }
        var concordant = 0.0, discordant = 0.0, tiedRisk = 0.0, tiedTime = 0.0
        var deaths: [Int] = []
        for range in data.strata {
            for k in 0...m { tree[k] = 0 }
            var total = 0.0
            var i = range.stop.lowerBound, r = range.start.lowerBound
            while i < range.stop.upperBound {
                let t = data.stopByStop[i]
                if let start = data.start {
                    while r < range.start.upperBound && start[data.byStart[r]] >= t {
                        update(rankAt[data.stopPosition[data.byStart[r]]], -1); total -= 1; r += 1
                    }
                }
                var j = i
                deaths.removeAll(keepingCapacity: true)
                while j < range.stop.upperBound && data.stopByStop[j] == t {
                    if data.eventByStop[j] { deaths.append(rankAt[j]) } else { update(rankAt[j], 1); total += 1 }
                    j += 1
                }
                for k in deaths {
                    let below = prefix(k - 1), atOrBelow = prefix(k)
                    concordant += below
                    tiedRisk += atOrBelow - below
                    discordant += total - atOrBelow
                }
                let d = Double(deaths.count)
                tiedTime += d * (d - 1) / 2
                for k in deaths { update(k, 1); total += 1 }
                i = j
            }
        }
        return Concordance(concordant: concordant, discordant: discordant, tiedRisk: tiedRisk, tiedTime: tiedTime)
    }
}
