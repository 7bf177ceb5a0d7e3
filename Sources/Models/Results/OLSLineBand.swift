import DataTable

/// The least-squares line y = a + b·x with a pointwise confidence band for the mean, as R's
/// `predict(lm(y ~ x), interval = "confidence")`: the fit is `Regression.fit(.ols, ...)` and the band is
/// `Prediction.predict` of that fit on a grid over the data's range (one prediction path for the tool).
public struct OLSLineBand: Sendable {
    public let intercept: Double
    public let slope: Double
    public let slopeLow: Double?
    public let slopeHigh: Double?
    public let degreesOfFreedom: Int
    public let n: Int
    public let level: Double
    public let criticalValue: Double
    public let gridX: [Double]
    public let gridFit: [Double]
    public let gridLow: [Double]
    public let gridHigh: [Double]
    private let saved: SavedRegression

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(x: [Double], y: [Double], level: Double, gridSize: Int) throws(Failure) {
        let result: RegressionResult
        do {
            let table = try Table(columns: [Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
            result = try Regression.fit(.ols, formula: "y ~ x", data: table, options: RegressionOptions(level: level))
        } catch {
            throw Failure(description: "\(error)")
        }
        guard let a = result.coefficient("(Intercept)")?.estimate, let slopeTerm = result.coefficient("x"),
              let b = slopeTerm.estimate, result.vcov.rows == 2 else {
            throw Failure(description: "x does not vary, so a line cannot be fitted")
        }
        intercept = a
        slope = b
        slopeLow = slopeTerm.confLow
        slopeHigh = slopeTerm.confHigh
        degreesOfFreedom = result.fit.dfResidual
        n = x.count
        self.level = level
        saved = SavedRegression(result)
        let low = x.min() ?? 0, high = x.max() ?? 0
        let steps = max(gridSize - 1, 1)
        gridX = (0...steps).map { low + (high - low) * Double($0) / Double(steps) }
        let band = try OLSLineBand.band(saved, at: gridX, level: level)
        criticalValue = band.criticalValue ?? .nan
        gridFit = band.fit.map { $0 ?? .nan }
        gridLow = band.lower.map { $0 ?? .nan }
        gridHigh = band.upper.map { $0 ?? .nan }
    }

    private static func band(_ saved: SavedRegression, at x: [Double], level: Double) throws(Failure) -> PredictionResult {
        do {
            let grid = try Table(columns: [Column(name: "x", numeric: x)])
            return try Prediction.predict(saved, data: grid, interval: .confidence, level: level)
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// Fitted mean and confidence limits at `x0`.
    public func prediction(at x0: Double) throws(Failure) -> (fit: Double, low: Double, high: Double) {
        let p = try OLSLineBand.band(saved, at: [x0], level: level)
        return (p.fit[0] ?? .nan, p.lower[0] ?? .nan, p.upper[0] ?? .nan)
    }
}
