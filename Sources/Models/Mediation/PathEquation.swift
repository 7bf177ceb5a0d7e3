import Distributions
import LinearAlgebra

/// One OLS equation of a PROCESS-style model (a mediator's or the outcome's), fitted by the project's QR least
/// squares with statistics as R's `summary.lm`: t tests and t-based intervals on n − p degrees of freedom.
public struct PathEquation: Sendable, Equatable {
    /// The outcome of this equation (a mediator or Y).
    public let outcome: String
    /// `(Intercept)` and then the predictors, in the model's order (products named `x:w`).
    public let coefficients: [Coefficient]
    public let rSquared: Double
    public let sigma: Double
    public let fStatistic: Double
    public let fPValue: Double
    public let dfModel: Int
    public let dfResidual: Int
    /// Covariance matrix of the coefficients, in `coefficients` order.
    public let vcov: Matrix

    public func coefficient(_ term: String) -> Coefficient? { coefficients.first { $0.term == term } }

    /// Fits `outcome ~ predictors` (with an intercept) on equal-length columns. A collinear predictor is refused
    /// with the names involved, as PROCESS refuses: an aliased path has no effect to decompose.
    static func fit(outcome: String, y: [Double], predictors: [(name: String, values: [Double])],
                    level: Double) throws(ModelError) -> PathEquation {
        let n = y.count
        let p = predictors.count + 1
        guard n > p else { throw .tooFewRows(parameters: p, rows: n) }
        // A single-valued column is named as such, not as a collinearity (each scan stops at the first differing value).
        if let value = y.first, y.allSatisfy({ $0 == value }) { throw .constantOutcome(outcome: outcome) }
        for (name, values) in predictors {
            if let value = values.first, values.allSatisfy({ $0 == value }) {
                throw .numerical("in the equation for \(outcome), '\(name)' takes a single value over the rows used, so it has "
                    + "no effect to estimate; check the column and the rows kept (a missing-value code or a filter may leave one value)")
            }
        }
        let rows = AugmentedRows(rows: n, columns: p) { range, base, ld in
            for (t, r) in range.enumerated() {
                base[t] = 1
                for (j, column) in predictors.enumerated() { base[(j + 1) * ld + t] = column.values[r] }
                base[p * ld + t] = y[r]
            }
        }
        let ls = try LeastSquares(rows)
        if let first = ls.aliased.first {
            let name = first == 0 ? "(Intercept)" : predictors[first - 1].name
            let others = predictors.map(\.name).filter { $0 != name }
            // A product of two variables far from zero against their spread (x, w ≈ 1e8 ± 1) is numerically a linear
            // function of them; centring leaves the interaction's test unchanged (session 21: the advice was to drop it).
            let advice = name.contains(":")
                ? "if its variables are far from zero compared with their spread (such as 1e8 ± 1), the product is "
                    + "numerically a linear function of them: centre them (x - mean, with alliance transform --compute) and "
                    + "fit again, which leaves the interaction's test unchanged; otherwise drop a variable it duplicates"
                : "drop it or the variable it duplicates"
            throw .numerical("in the equation for \(outcome), '\(name)' is collinear with the other predictors "
                + "(\(others.joined(separator: ", "))); \(advice)")
        }
        let dfResidual = n - p
        let rss = ls.residualSumOfSquares
        let variance = rss / Double(dfResidual)
        var vcov = ls.unscaledCovariance
        for t in vcov.storage.indices { vcov.storage[t] *= variance }
        let names = ["(Intercept)"] + predictors.map(\.name)
        let table = Inference.coefficientTable(names: names, kept: ls.kept, estimates: ls.coefficients, vcov: vcov,
                                               level: level, dfResidual: dfResidual)
        // summary.lm: R² = mss / (mss + rss), mss from the centred fitted values.
        var fittedMSS = 0.0
        let fittedMean = ls.fitted.reduce(0, +) / Double(n)
        for f in ls.fitted { fittedMSS += (f - fittedMean) * (f - fittedMean) }
        let r2 = fittedMSS / (fittedMSS + rss)
        let dfModel = p - 1
        let f = (fittedMSS / Double(dfModel)) / variance
        return PathEquation(outcome: outcome, coefficients: table, rSquared: r2, sigma: variance.squareRoot(), fStatistic: f,
                            fPValue: FDistribution(numerator: Double(dfModel), denominator: Double(dfResidual)).ccdf(f),
                            dfModel: dfModel, dfResidual: dfResidual, vcov: vcov)
    }
}
