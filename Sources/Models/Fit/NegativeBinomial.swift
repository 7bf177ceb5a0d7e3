import Distributions
import Foundation

/// Negative binomial (NB2) regression with θ estimated by maximum likelihood, alternating with IRLS
/// exactly as MASS::glm.nb does (Poisson start, `theta.ml` Newton steps, outer loop until
/// |ΔlogLik|/d1 + |Δθ|/d2 < ε), then continued to the rounding floor without counting.
enum NegativeBinomial {
    static func fit(frame: ModelFrame, options: RegressionOptions) throws(ModelError) -> RegressionResult {
        let y = try GeneralizedLinearModel.outcomeValues(frame, family: .poisson, event: options.event).values
        let design = DesignMatrix(frame: frame)
        let n = design.rows, p = design.columns
        guard p <= n else { throw .tooFewRows(parameters: p, rows: n) }
        var fit = try GeneralizedLinearModel.irls(family: .poisson, design: design, y: y,
                                                  etaStart: nil, offset: frame.offset, options: options)
        var mu = fit.mu
        var (theta, information) = try thetaML(y: y, mu: mu, limit: options.maxIterations)
        let d1 = (2 * Double(max(1, n - fit.kept.count))).squareRoot()
        let d2 = 1.0
        var delta = 1.0
        var logLik = twiceLogLikelihood(y: y, mu: mu, theta: theta) / 2
        var logLikOld = logLik + 2 * d1
        var criterion = abs(logLikOld - logLik) / d1 + abs(delta) / d2
        var previousCriterion = Double.infinity
        // The same two stages as IRLS (GeneralizedLinearModel.irls): MASS's outer test at ε (default 1e-8, never
        // below 1e-10) decides convergence and which IRLS passes are counted; then the alternation continues,
        // uncounted, until its criterion is zero or stops shrinking (rounding noise), so θ and the estimates are
        // the fixed point to rounding under every BLAS kernel.
        let outerEpsilon = max(options.epsilon, GeneralizedLinearModel.smallestCountingEpsilon)
        let limit = max(1, options.maxIterations)
        var outer = 0
        var convergedAt: Int? = nil
        var polishing = 0
        var totalIterations = fit.iterations
        while true {
            if convergedAt == nil, criterion <= outerEpsilon { convergedAt = outer }
            if convergedAt == nil {
                if outer >= limit { break }
            } else {
                if criterion == 0 || (polishing > 0 && criterion >= previousCriterion) || polishing >= limit { break }
                polishing += 1
            }
            outer += 1
            let family = GLMFamily.negativeBinomial(theta: theta)
            let next = try GeneralizedLinearModel.irls(family: family, design: design, y: y,
                                                       etaStart: mu.map { log($0) }, offset: frame.offset, options: options)
            if convergedAt != nil && !next.converged { break }
            fit = next
            if convergedAt == nil { totalIterations += fit.iterations }
            let previous = theta
            mu = fit.mu
            (theta, information) = try thetaML(y: y, mu: mu, limit: options.maxIterations)
            delta = previous - theta
            logLikOld = logLik
            logLik = twiceLogLikelihood(y: y, mu: mu, theta: theta) / 2
            previousCriterion = criterion
            criterion = abs(logLikOld - logLik) / d1 + abs(delta) / d2
        }
        let fittedFamily = GLMFamily.negativeBinomial(theta: theta)
        var warnings = try GeneralizedLinearModel.checkFit(fit, family: fittedFamily, design: design, options: options)
        if convergedAt == nil {
            throw .notConverged(model: "negbin (alternating θ and IRLS)", iterations: outer, lastChange: criterion)
        }
        let rank = fit.kept.count
        var stats = FitStatistics(dfModel: rank - (design.hasIntercept ? 1 : 0), dfResidual: n - rank,
                                  logLikelihood: logLik, aic: -2 * logLik + 2 * Double(rank + 1),
                                  bic: -2 * logLik + log(Double(n)) * Double(rank + 1))
        stats.deviance = fit.deviance
        stats.nullDeviance = try GeneralizedLinearModel.nullDeviance(family: fittedFamily, y: y, hasIntercept: design.hasIntercept,
                                                                     offset: frame.offset, start: fit.eta, options: options)
        stats.dfNull = n - (design.hasIntercept ? 1 : 0)
        stats.iterations = totalIterations
        stats.converged = true
        stats.theta = theta
        stats.thetaStdError = (1 / information).squareRoot()
        return try GeneralizedLinearModel.assemble(model: .negbin, family: fittedFamily, fit: fit, y: y, design: design,
                                                   frame: frame, stats: stats, options: options, warnings: &warnings)
    }

    /// 2·log-likelihood of NB2 at θ (MASS's `loglik`).
    static func twiceLogLikelihood(y: [Double], mu: [Double], theta: Double) -> Double {
        let family = GLMFamily.negativeBinomial(theta: theta)
        var sum = 0.0
        for i in y.indices { sum += family.logLikelihood(y[i], mu[i]) }
        return 2 * sum
    }

    /// MASS::theta.ml: Newton–Raphson on the profile score for θ from the moment start
    /// n / Σ(y/μ − 1)², tolerance ε^(1/4) as MASS uses. Returns θ and the information at the last step.
    static func thetaML(y: [Double], mu: [Double], limit: Int) throws(ModelError) -> (Double, Double) {
        let n = Double(y.count)
        var t0 = n / y.indices.reduce(0.0) { $0 + pow(y[$1] / mu[$1] - 1, 2) }
        let eps = pow(Double.ulpOfOne, 0.25)
        var iteration = 0
        var delta = 1.0
        var information = Double.nan
        while true {
            iteration += 1
            guard iteration < limit && abs(delta) > eps else { break }
            t0 = abs(t0)
            var score = 0.0, info = 0.0
            for i in y.indices {
                let yi = y[i], m = mu[i]
                score += SpecialFunctions.digamma(t0 + yi) - SpecialFunctions.digamma(t0) + log(t0) + 1
                    - log(t0 + m) - (yi + t0) / (m + t0)
                info += -SpecialFunctions.trigamma(t0 + yi) + SpecialFunctions.trigamma(t0) - 1 / t0
                    + 2 / (m + t0) - (yi + t0) / ((m + t0) * (m + t0))
            }
            information = info
            delta = score / info
            t0 += delta
        }
        guard t0 > 0, t0.isFinite else {
            throw .numerical("the negative binomial θ estimate is not positive (the counts show no overdispersion); fit a Poisson model")
        }
        // θ beyond 1e8 is the Poisson limit (Var = μ + μ²/θ): the counts show no overdispersion, and at θ = 2e16 the
        // log-likelihood's lgamma terms cancel to nothing (it was reported as 0.00, AIC 6; session 20).
        guard t0 < 1e8, information.isFinite, information > 0 else {
            throw .numerical("the negative binomial θ estimate runs off to infinity (θ = \(String(format: "%.3g", t0))): the counts "
                + "show no overdispersion, so the model is the Poisson model; fit poisson")
        }
        return (t0, information)
    }
}

