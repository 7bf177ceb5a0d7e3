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

    /// A Fenwick tree over the ranks of η, swept backward in time with the risk set: O(n log n).
    static func compute(_ data: CoxData, eta: [Double]) -> Concordance {
        let distinct = Array(Set(eta)).sorted()
        var rankOf: [Double: Int] = [:]
        for (k, v) in distinct.enumerated() { rankOf[v] = k + 1 }
        let m = distinct.count
        var tree = [Double](repeating: 0, count: m + 1)
        func update(_ k: Int, _ delta: Double) { var i = k; while i <= m { tree[i] += delta; i += i & -i } }
        func prefix(_ k: Int) -> Double { var s = 0.0; var i = k; while i > 0 { s += tree[i]; i -= i & -i }; return s }
        var concordant = 0.0, discordant = 0.0, tiedRisk = 0.0, tiedTime = 0.0
        for range in data.strata {
            for k in 0...m { tree[k] = 0 }
            var total = 0.0
            var i = range.stop.lowerBound, r = range.start.lowerBound
            while i < range.stop.upperBound {
                let t = data.stop[data.byStop[i]]
                if let start = data.start {
                    while r < range.start.upperBound && start[data.byStart[r]] >= t {
                        update(rankOf[eta[data.byStart[r]]] ?? 1, -1); total -= 1; r += 1
                    }
                }
                var j = i
                var deaths: [Int] = []
                while j < range.stop.upperBound && data.stop[data.byStop[j]] == t {
                    let row = data.byStop[j]
                    if data.event[row] { deaths.append(row) } else { update(rankOf[eta[row]] ?? 1, 1); total += 1 }
                    j += 1
                }
                for row in deaths {
                    let k = rankOf[eta[row]] ?? 1
                    let below = prefix(k - 1), atOrBelow = prefix(k)
                    concordant += below
                    tiedRisk += atOrBelow - below
                    discordant += total - atOrBelow
                }
                let d = Double(deaths.count)
                tiedTime += d * (d - 1) / 2
                for row in deaths { update(rankOf[eta[row]] ?? 1, 1); total += 1 }
                i = j
            }
        }
        return Concordance(concordant: concordant, discordant: discordant, tiedRisk: tiedRisk, tiedTime: tiedTime)
    }
}
