import AllianceTestSupport
import Foundation
@testable import Models
import Testing

extension GLMMReferenceTests.Fit {
    /// The checks both glmer reference suites make on every fit, with issue 13's tolerances: log-likelihood 1e-6
    /// absolute, θ 1e-5 relative (1e-5 absolute below 1e-4), the estimable coefficients 1e-5 (relative, or absolute near
    /// 0) and their standard errors 1e-5 relative.
    func expectLikelihoodThetaAndCoefficients(_ r: GeneralizedLinearMixedModelResult, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(r.logLikelihood, number("log_likelihood"), absolute: 1e-6, "\(self) logLik", sourceLocation: sourceLocation)
        let theta = numbers("theta")
        #expect(r.theta.count == theta.count, "\(self) θ count", sourceLocation: sourceLocation)
        for (a, e) in zip(r.theta, theta) {
            expectClose(a, e, abs(e) < 1e-4 ? .absolute(1e-5) : .relative(1e-5), "\(self) θ", sourceLocation: sourceLocation)
        }
        let beta = numbers("beta"), se = numbers("std_error")
        let estimable = r.coefficients.filter { !$0.aliased }
        #expect(estimable.count == beta.count, "\(self) coefficients", sourceLocation: sourceLocation)
        for (k, c) in estimable.enumerated() where k < beta.count {
            expectClose(c.estimate, beta[k], .relativeOrAbsolute(1e-5), "\(self) \(c.term) estimate", sourceLocation: sourceLocation)
            expectClose(c.stdError, se[k], relative: 1e-5, "\(self) \(c.term) SE", sourceLocation: sourceLocation)
        }
    }
}
