import Distributions
import Foundation

/// Negative binomial (NB2) regression with θ estimated by maximum likelihood, alternating with IRLS
/// exactly as MASS::glm.nb does (Poisson start, `theta.ml` Newton steps, outer loop until
/// |ΔlogLik|/d1 + |Δθ|/d2 < ε), then continued to the rounding floor without counting.
enum NegativeBinomial {
    /// `thetaML`'s result: θ, the information at the last Newton step (θ's variance is its inverse), and θ's
    /// rounding floor there, ε·Σ|terms of the score| / information: how far rounding in the score alone can move θ
    /// (a bound; the noise seen is about ten times smaller). Where the likelihood in θ is flat (near-Poisson
    /// counts: information 1.7e-7 at θ = 568 on 20,000 rows) the floor is far above MASS's outer ε of 1e-8.
    struct ThetaEstimate {
        var theta: Double
        var information: Double
        var roundingFloor: Double
    }

    /// θ beyond this is the Poisson limit (Var = μ + μ²/θ) and is refused (`thetaML`).
    static let poissonLimit = 1e8

    static func fit(frame: ModelFrame, options: RegressionOptions) throws(ModelError) -> RegressionResult {
        let y = try GeneralizedLinearModel.outcomeValues(frame, family: .poisson, event: options.event).values
        let design = DesignMatrix(frame: frame)
        let n = design.rows, p = design.columns
        guard p <= n else { throw .tooFewRows(parameters: p, rows: n) }
        var fit = try GeneralizedLinearModel.irls(family: .poisson, design: design, y: y,
                                                  etaStart: nil, offset: frame.offset, options: options)
        var mu = fit.mu
        var estimate = try thetaML(y: y, mu: mu, limit: options.maxIterations)
        var theta = estimate.theta
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
        var convergedOnFloor = false
        var polishing = 0
        var totalIterations = fit.iterations
        while true {
            if convergedAt == nil, criterion <= outerEpsilon { convergedAt = outer }
            // A flat likelihood in θ: |Δθ| < ε cannot hold when rounding in theta.ml's score moves θ by more (θ jumped
            // by ~1e-4 at every pass and the fit ran 100 passes, > 100 s, to "not converged"). Once the
            // criterion stops shrinking, the log-likelihood part is below ε and |Δθ| is within θ's rounding floor, θ is
            // converged as far as doubles allow. Requiring the stall keeps every fit the ordinary test ends unchanged.
            if convergedAt == nil, outer >= 2, criterion >= previousCriterion, abs(logLikOld - logLik) / d1 <= outerEpsilon,
               abs(delta) <= estimate.roundingFloor {
                convergedAt = outer
                convergedOnFloor = true
            }
            if convergedAt == nil {
                if outer >= limit { break }
            } else {
                // Polishing cannot take θ below its floor, so a fit converged on it is not polished.
                if convergedOnFloor || criterion == 0 || (polishing > 0 && criterion >= previousCriterion)
                    || polishing >= limit { break }
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
            estimate = try thetaML(y: y, mu: mu, limit: options.maxIterations)
            theta = estimate.theta
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
        if convergedOnFloor {
            warnings.append("the likelihood is flat in θ (θ = \(String(format: "%.4g", theta)), SE "
                + "\(String(format: "%.4g", (1 / estimate.information).squareRoot())): the counts are close to Poisson): "
                + "rounding alone moves θ by up to \(String(format: "%.1g", estimate.roundingFloor)), so the alternation "
                + "stopped there rather than at |Δθ| < \(String(format: "%.0e", outerEpsilon)), and the estimates are given "
                + "at this θ; consider fit poisson")
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
        stats.thetaStdError = (1 / estimate.information).squareRoot()
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
    /// n / Σ(y/μ − 1)², tolerance ε^(1/4) as MASS uses. Where θ's rounding floor (`ThetaEstimate`) is larger, a
    /// step within the floor that reverses the one before is rounding noise, and Newton stops there (MASS steps on
    /// to its iteration limit and warns); steps that keep their direction go on, so θ running off to ∞ is still
    /// refused below, as is every θ past `poissonLimit`, where Newton runs on as MASS's.
    static func thetaML(y: [Double], mu: [Double], limit: Int) throws(ModelError) -> ThetaEstimate {
        let n = Double(y.count)
        var t0 = n / y.indices.reduce(0.0) { $0 + pow(y[$1] / mu[$1] - 1, 2) }
        let eps = pow(Double.ulpOfOne, 0.25)
        var iteration = 0
        var delta = 1.0
        var information = Double.nan
        var floor = 0.0
        var previousDelta = 0.0
        while true {
            iteration += 1
            guard iteration < limit && abs(delta) > eps else { break }
            if abs(delta) <= floor && delta * previousDelta < 0 && abs(t0) < poissonLimit { break }
            previousDelta = delta
            t0 = abs(t0)
            // The terms in t0 alone are the same for every row: computed once, the same values as per row.
            let digammaT = SpecialFunctions.digamma(t0), trigammaT = SpecialFunctions.trigamma(t0), logT = log(t0)
            var score = 0.0, info = 0.0, magnitude = 0.0
            for i in y.indices {
                let yi = y[i], m = mu[i]
                let digammaTY = SpecialFunctions.digamma(t0 + yi), logTM = log(t0 + m), ratio = (yi + t0) / (m + t0)
                score += digammaTY - digammaT + logT + 1 - logTM - ratio
                magnitude += abs(digammaTY) + abs(digammaT) + abs(logT) + 1 + abs(logTM) + ratio
                info += -SpecialFunctions.trigamma(t0 + yi) + trigammaT - 1 / t0
                    + 2 / (m + t0) - (yi + t0) / ((m + t0) * (m + t0))
            }
            information = info
            floor = info > 0 ? Double.ulpOfOne * magnitude / info : 0
            delta = score / info
            t0 += delta
        }
        guard t0 > 0, t0.isFinite else {
            throw .numerical("the negative binomial θ estimate is not positive (the counts show no overdispersion); fit a Poisson model")
        }
        // θ beyond 1e8 is the Poisson limit (Var = μ + μ²/θ): the counts show no overdispersion, and at θ = 2e16 the
        // log-likelihood's lgamma terms cancel to nothing (it was reported as 0.00, AIC 6; session 20).
        guard t0 < poissonLimit, information.isFinite, information > 0 else {
            throw .numerical("the negative binomial θ estimate runs off to infinity (θ = \(String(format: "%.3g", t0))): the counts "
                + "show no overdispersion, so the model is the Poisson model; fit poisson")
        }
        return ThetaEstimate(theta: t0, information: information, roundingFloor: floor)
    }
}

