/// Gelman & Hill's (2007, §5.6) binned residuals of a logistic model: rows sorted by fitted probability (ties by
/// row order) and cut into bins of equal count (sizes differ by at most one); the number of bins is
/// arm::binnedplot's rule: ⌊√n⌋ for n ≥ 100, 10 for 10 < n < 100, ⌊n/2⌋ otherwise.
public struct BinnedResiduals: Sendable, Equatable {
    public let meanFitted: [Double]
    public let meanResidual: [Double]
    public let counts: [Int]
    /// Model-based standard error of each bin's mean residual: √(Σ p̂(1 − p̂)) / n_bin.
    public let standardError: [Double]

    public static func binCount(_ n: Int) -> Int {
        if n >= 100 { return Int(Double(n).squareRoot().rounded(.down)) }
        if n > 10 { return 10 }
        return max(1, n / 2)
    }

    public init(fitted: [Double], residuals: [Double], bins: Int? = nil) {
        let n = min(fitted.count, residuals.count)
        let order = (0..<n).sorted { fitted[$0] != fitted[$1] ? fitted[$0] < fitted[$1] : $0 < $1 }
        let k = n == 0 ? 0 : min(n, max(1, bins ?? Self.binCount(n)))
        var meanFitted: [Double] = [], meanResidual: [Double] = [], counts: [Int] = [], se: [Double] = []
        for bin in 0..<k {
            let members = order[(bin * n / k)..<((bin + 1) * n / k)]
            let m = Double(members.count)
            meanFitted.append(members.reduce(0) { $0 + fitted[$1] } / m)
            meanResidual.append(members.reduce(0) { $0 + residuals[$1] } / m)
            counts.append(members.count)
            se.append(members.reduce(0) { $0 + fitted[$1] * (1 - fitted[$1]) }.squareRoot() / m)
        }
        self.meanFitted = meanFitted
        self.meanResidual = meanResidual
        self.counts = counts
        standardError = se
    }

    /// Bins whose mean residual lies outside ±2 standard errors (about 5% expected under the model).
    public var binsOutsideTwoStandardErrors: Int {
        zip(meanResidual, standardError).filter { abs($0) > 2 * $1 }.count
    }
}
