import Distributions

/// The points of a normal Q–Q plot: sorted sample values against standard normal quantiles at R's plotting
/// positions (`qqnorm`, which uses `ppoints`).
public struct NormalQuantilePoints: Sendable, Equatable {
    public let theoretical: [Double]
    public let sample: [Double]
    /// Values left out because they are not finite (e.g. a standardized residual at leverage 1).
    public let undefined: Int

    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite).sorted()
        sample = finite
        theoretical = NormalQuantilePoints.plottingPositions(finite.count).map(Normal.quantile)
        undefined = values.count - finite.count
    }

    /// R's `ppoints(n)`: (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2.
    public static func plottingPositions(_ n: Int) -> [Double] {
        let a = n <= 10 ? 0.375 : 0.5
        return (1...max(n, 1)).prefix(n).map { (Double($0) - a) / (Double(n) + 1 - 2 * a) }
    }
}
