/// Where a moderator is probed for conditional effects.
public enum ProbeRule: String, Sendable, Equatable, CaseIterable {
    /// The 16th, 50th and 84th percentiles of W over the model's rows (PROCESS's default), by R's
    /// `quantile(type = 6)`.
    case percentiles
    /// The mean − SD, the mean and the mean + SD (SD with n − 1), PROCESS's `moments = 1`.
    case meanSD = "mean-sd"
    // Under either rule a W with two distinct values is probed at those two values, as PROCESS does (mean ± SD of a
    // 0/1 moderator probed W = −0.10, outside its values; session 21).

    public var description: String {
        switch self {
        case .percentiles: return "16th, 50th and 84th percentiles"
        case .meanSD: return "mean and ± 1 SD"
        }
    }

    /// The probe values of W.
    public func values(_ w: [Double]) -> [Double] {
        if let pair = ProbeRule.twoValues(w) { return pair }
        switch self {
        case .percentiles:
            let sorted = w.sorted()
            return [0.16, 0.5, 0.84].map { ProbeRule.quantileType6(sorted, $0) }
        case .meanSD:
            let n = Double(w.count)
            let mean = w.reduce(0, +) / n
            var ss = 0.0
            for v in w { ss += (v - mean) * (v - mean) }
            let sd = (ss / (n - 1)).squareRoot()
            return [mean - sd, mean, mean + sd]
        }
    }

    /// W's two values, ascending, when it takes exactly two (a 0/1 moderator); nil otherwise. One pass, no sort.
    static func twoValues(_ w: [Double]) -> [Double]? {
        guard let a = w.first else { return nil }
        var b: Double? = nil
        for v in w where v != a {
            if let b, v != b { return nil }
            b = v
        }
        return b.map { [min(a, $0), max(a, $0)] }
    }

    /// R's `quantile(x, p, type = 6)` on sorted values: position p(n + 1), linear between neighbours, clamped to
    /// the extremes, with R's 4ε fuzz on the position.
    static func quantileType6(_ x: [Double], _ p: Double) -> Double {
        let n = x.count
        guard n > 0 else { return .nan }
        let fuzz = 4 * Double.ulpOfOne
        let nppm = p * Double(n + 1)
        let j = Int((nppm + fuzz).rounded(.down))
        var h = nppm - Double(j)
        if abs(h) < fuzz { h = 0 }
        // R pads the sorted values as x₁, x₁, x₁…xₙ, xₙ, xₙ and reads positions j + 2 and j + 3.
        func padded(_ k: Int) -> Double { x[min(max(k - 3, 0), n - 1)] }
        let lower = padded(j + 2)
        let upper = padded(j + 3)
        if h == 1 { return upper }
        if h > 0 && h < 1 && lower != upper { return (1 - h) * lower + h * upper }
        return lower
    }
}
