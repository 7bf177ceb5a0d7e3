import Distributions
import Foundation

extension FitStatistics {
    /// summary.lm's statistics of a least-squares fit from its sums of squares: logLik.lm's Gaussian log-likelihood
    /// (σ² = RSS/n), AIC and BIC counting σ as a parameter, the residual standard error, R², adjusted R² and the
    /// overall F test of the slopes. `mss` is the model sum of squares, centred when the model has an intercept.
    /// One routine for OLS (sums from its QR) and site pooling (sums from the sites' cross-products).
    static func leastSquares(rows n: Int, rank: Int, hasIntercept: Bool, rss: Double, mss: Double) -> FitStatistics {
        let interceptDF = hasIntercept ? 1 : 0
        let dfResidual = n - rank
        let residualVariance = rss / Double(dfResidual)
        var stats = FitStatistics(dfModel: rank - interceptDF, dfResidual: dfResidual, logLikelihood: 0, aic: 0, bic: 0)
        let nD = Double(n)
        let logLik = 0.5 * (-nD * (log(2 * Double.pi) + 1 - log(nD) + log(rss)))
        stats.logLikelihood = logLik
        stats.aic = -2 * logLik + 2 * Double(rank + 1)
        stats.bic = -2 * logLik + log(nD) * Double(rank + 1)
        stats.sigma = residualVariance.squareRoot()
        if rank > interceptDF {
            let r2 = mss / (mss + rss)
            stats.rSquared = r2
            stats.adjRSquared = 1 - (1 - r2) * (Double(n - interceptDF) / Double(dfResidual))
            let numeratorDF = rank - interceptDF
            let f = (mss / Double(numeratorDF)) / residualVariance
            stats.fStatistic = f
            stats.fPValue = FDistribution(numerator: Double(numeratorDF), denominator: Double(dfResidual)).ccdf(f)
        } else {
            stats.rSquared = 0
            stats.adjRSquared = 0
        }
        return stats
    }
}
