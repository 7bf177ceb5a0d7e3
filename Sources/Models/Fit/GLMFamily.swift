import Distributions
import Foundation

/// Error distributions and links of the supported GLMs, with R's `family` objects' numerics
/// (including their clamping of the inverse links), so fits agree with `glm` to many digits.
enum GLMFamily: Sendable, Equatable {
    /// Binomial with logit link (0/1 outcomes).
    case binomial
    /// Poisson with log link.
    case poisson
    /// Negative binomial NB2 with known θ (variance μ + μ²/θ) and log link, as MASS::negative.binomial.
    case negativeBinomial(theta: Double)

    static let epsilon = Double.ulpOfOne
    /// R's binomial linkinv threshold: |η| beyond 30 saturates.
    static let logitThreshold = 30.0

    func linkInverse(_ eta: Double) -> Double {
        switch self {
        case .binomial:
            let e = eta < -GLMFamily.logitThreshold ? GLMFamily.epsilon
                : (eta > GLMFamily.logitThreshold ? 1 / GLMFamily.epsilon : exp(eta))
            return e / (1 + e)
        case .poisson, .negativeBinomial:
            return max(exp(eta), GLMFamily.epsilon)
        }
    }

    /// μ and dμ/dη from one exponential: exactly `linkInverse(eta)` and `muEta(eta)`.
    @inline(__always)
    func meanAndDerivative(_ eta: Double) -> (mu: Double, muEta: Double) {
        switch self {
        case .binomial:
            if abs(eta) > GLMFamily.logitThreshold {
                let e = eta < 0 ? GLMFamily.epsilon : 1 / GLMFamily.epsilon
                return (e / (1 + e), GLMFamily.epsilon)
            }
            let e = exp(eta)
            return (e / (1 + e), e / ((1 + e) * (1 + e)))
        case .poisson, .negativeBinomial:
            let m = max(exp(eta), GLMFamily.epsilon)
            return (m, m)
        }
    }

    func link(_ mu: Double) -> Double {
        switch self {
        case .binomial: return log(mu / (1 - mu))
        case .poisson, .negativeBinomial: return log(mu)
        }
    }

    /// dμ/dη.
    func muEta(_ eta: Double) -> Double {
        switch self {
        case .binomial:
            let a = abs(eta)
            if a > GLMFamily.logitThreshold { return GLMFamily.epsilon }
            let e = exp(eta)
            return e / ((1 + e) * (1 + e))
        case .poisson, .negativeBinomial:
            return max(exp(eta), GLMFamily.epsilon)
        }
    }

    func variance(_ mu: Double) -> Double {
        switch self {
        case .binomial: return mu * (1 - mu)
        case .poisson: return mu
        case .negativeBinomial(let theta): return mu + mu * mu / theta
        }
    }

    /// Unit deviance contribution.
    func deviance(_ y: Double, _ mu: Double) -> Double {
        switch self {
        case .binomial:
            return 2 * (GLMFamily.yLogY(y, mu) + GLMFamily.yLogY(1 - y, 1 - mu))
        case .poisson:
            let r = y > 0 ? y * log(y / mu) - (y - mu) : mu
            return 2 * r
        case .negativeBinomial(let theta):
            return 2 * (y * log(max(1, y) / mu) - (y + theta) * log((y + theta) / (mu + theta)))
        }
    }

    /// y·log(y/μ) with 0·log 0 = 0.
    static func yLogY(_ y: Double, _ mu: Double) -> Double { y > 0 ? y * log(y / mu) : 0 }

    /// Log-likelihood contribution of one observation.
    func logLikelihood(_ y: Double, _ mu: Double) -> Double {
        switch self {
        case .binomial:
            return y > 0.5 ? log(mu) : log1p(-mu)
        case .poisson:
            return y * log(mu) - mu - SpecialFunctions.logGamma(y + 1)
        case .negativeBinomial(let theta):
            return SpecialFunctions.logGamma(theta + y) - SpecialFunctions.logGamma(theta)
                - SpecialFunctions.logGamma(y + 1) + theta * log(theta)
                + y * log(mu + (y == 0 ? 1 : 0)) - (theta + y) * log(theta + mu)
        }
    }

    /// R's mustart.
    func startingMean(_ y: Double) -> Double {
        switch self {
        case .binomial: return (y + 0.5) / 2
        case .poisson, .negativeBinomial: return y + 0.1
        }
    }

    /// Whether the link is the family's canonical one (logit for binomial, log for Poisson): then IRLS is
    /// Newton's method and converges quadratically. NB2's log link is not canonical.
    var hasCanonicalLink: Bool {
        switch self {
        case .binomial, .poisson: return true
        case .negativeBinomial: return false
        }
    }

    var name: String {
        switch self {
        case .binomial: return "logit"
        case .poisson: return "poisson"
        case .negativeBinomial: return "negbin"
        }
    }
}
