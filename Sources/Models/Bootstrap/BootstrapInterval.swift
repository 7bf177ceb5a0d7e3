import Distributions

/// How a bootstrap interval is formed from the replicates.
public enum BootstrapIntervalMethod: String, Sendable, Equatable, CaseIterable {
    /// boot.ci type "perc".
    case percentile
    /// boot.ci type "bca", with the acceleration from the jackknife (`L = empinf(type = "jack")`).
    case bca

    public var description: String {
        switch self {
        case .percentile: return "percentile"
        case .bca: return "bias-corrected and accelerated (BCa, jackknife acceleration)"
        }
    }
}

/// Bootstrap intervals computed as R's boot package does, so that the same replicates give the same numbers.
public enum BootstrapInterval {
    /// boot's `norm.inter`: the order statistic at (R + 1)α, interpolated on the normal quantile scale between
    /// neighbours when (R + 1)α is not an integer; the extreme order statistic when it falls outside 1..<R.
    /// `sorted` holds the finite replicates in ascending order.
    public static func normInter(_ sorted: [Double], _ alpha: Double) -> Double {
        let r = sorted.count
        guard r >= 1 else { return .nan }
        let rk = Double(r + 1) * alpha
        let k = Int(rk.rounded(.towardZero))
        if k <= 0 { return sorted[0] }
        if k >= r { return sorted[r - 1] }
        if Double(k) == rk { return sorted[k - 1] }
        let z = Normal.quantile(alpha)
        let zk = Normal.quantile(Double(k) / Double(r + 1))
        let zk1 = Normal.quantile(Double(k + 1) / Double(r + 1))
        return sorted[k - 1] + (z - zk) / (zk1 - zk) * (sorted[k] - sorted[k - 1])
    }

    /// `boot.ci(type = "perc")`: non-finite replicates are dropped first (as boot.ci does); nil with fewer than 2.
    public static func percentile(_ replicates: [Double], level: Double) -> (low: Double, high: Double)? {
        let t = replicates.filter(\.isFinite).sorted()
        guard t.count >= 2 else { return nil }
        let alpha = (1 - level) / 2
        return (normInter(t, alpha), normInter(t, 1 - alpha))
    }

    /// `boot.ci(type = "bca", L = L)` (boot's `bca.ci`): bias correction w = Φ⁻¹(#{t* < t̂}/R), acceleration
    /// a = ΣL³ / (6 (ΣL²)^{3/2}) from the empirical influence values `influence`, and the ends at
    /// Φ(w + (w + z_α)/(1 − a(w + z_α))) by `normInter`. nil where boot.ci stops (w or a not finite).
    public static func bca(_ replicates: [Double], estimate: Double, influence: [Double],
                           level: Double) -> (low: Double, high: Double)? {
        let t = replicates.filter(\.isFinite).sorted()
        guard t.count >= 2, estimate.isFinite else { return nil }
        let below = t.reduce(0) { $0 + ($1 < estimate ? 1 : 0) }
        let w = Normal.quantile(Double(below) / Double(t.count))
        guard w.isFinite else { return nil }
        var s2 = 0.0, s3 = 0.0
        for l in influence { s2 += l * l; s3 += l * l * l }
        let a = s3 / (6 * pow15(s2))
        guard a.isFinite else { return nil }
        func end(_ alpha: Double) -> Double {
            let z = Normal.quantile(alpha)
            return normInter(t, Normal.cdf(w + (w + z) / (1 - a * (w + z))))
        }
        let alpha = (1 - level) / 2
        return (end(alpha), end(1 - alpha))
    }

    /// boot's `empinf(type = "jack")` (its `usual.jack`): L_i = (n − 1)(t̂ − t₋ᵢ) from the estimate t̂ and the
    /// leave-one-unit-out estimates t₋ᵢ (units are rows, or clusters for a cluster bootstrap).
    public static func jackknifeInfluence(estimate: Double, leaveOneOut: [Double]) -> [Double] {
        let n = Double(leaveOneOut.count)
        return leaveOneOut.map { (n - 1) * (estimate - $0) }
    }

    /// Whether a percentile interval at `level` from `count` replicates takes an end from the most extreme replicate
    /// ((R + 1)α below 1, or (R + 1)(1 − α) at R or above): boot.ci then warns "extreme order statistics used as
    /// endpoints", and the interval is not a 95% one in any useful sense.
    public static func usesExtremeEnds(count: Int, level: Double) -> Bool {
        let alpha = (1 - level) / 2
        let low = Int((Double(count + 1) * alpha).rounded(.towardZero))
        let high = Int((Double(count + 1) * (1 - alpha)).rounded(.towardZero))
        return low <= 0 || high >= count
    }

    /// A warning for `usesExtremeEnds`: how many replicates there were and how many a `level` interval needs.
    public static func extremeEndsWarning(count: Int, level: Double, what: String, option: String) -> String {
        var needed = count
        while usesExtremeEnds(count: needed, level: level) && needed < 1_000_000 { needed += 1 }
        let percent = (level * 100).rounded() == level * 100 ? String(Int(level * 100)) : String(level * 100)
        return "with \(count) \(what) the \(percent)% interval's ends are the most extreme ones (boot.ci warns: extreme order "
            + "statistics used as endpoints), so it does not cover \(percent)%; use at least \(needed) (\(option))"
    }

    /// The bootstrap standard error, sd(t*) with n − 1 over the finite replicates (as boot's print); nil with fewer than 2.
    public static func standardError(_ replicates: [Double]) -> Double? {
        let t = replicates.filter(\.isFinite)
        guard t.count >= 2 else { return nil }
        let mean = t.reduce(0, +) / Double(t.count)
        var ss = 0.0
        for x in t { ss += (x - mean) * (x - mean) }
        return (ss / Double(t.count - 1)).squareRoot()
    }

    private static func pow15(_ x: Double) -> Double { x * x.squareRoot() }
}
