import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Negative binomial on near-Poisson counts, where the likelihood in θ is flat (θ ≈ 2219, SE ≈ 3.2e5): rounding in
/// theta.ml's score moves θ by ~0.1 from pass to pass, so MASS's outer test |Δθ| < 1e-8 can never hold. The fit
/// used to alternate to its limit of 100 passes and stop "not converged" (> 100 s on 20,000 rows); it must stop at
/// θ's rounding floor with a warning that names the situation, at the maximum of the profile likelihood.
/// Reference: Fixtures/negbin/make_negbin_flat_theta.R (the profile-score root found in R, since glm.nb itself stops at
/// its iteration limits here). Relative tolerances: θ and its SE 1e-4 (θ's rounding floor is 0.2 at 2219, about 1e-4;
/// R's own last profile Newton steps are ±0.03); coefficients, SEs, deviances and log-likelihood 1e-7, as the other
/// negative binomial fixtures.
@Suite("Negative binomial with a flat likelihood in θ")
struct NegativeBinomialFlatThetaTests {
    @Test("near-Poisson counts converge at θ's rounding floor with a warning, at R's profile maximum")
    func flatThetaConvergesToProfileMaximum() throws {
        let reference = try #require(
            try JSONSerialization.jsonObject(with: fixtureFiles.data("negbin/flat_theta_reference.json")) as? [String: Any])
        func number(_ key: String) -> Double { RFixtureTests.number(reference[key]) ?? .nan }
        func numbers(_ key: String) -> [Double] { RFixtureTests.list(reference[key]).map { RFixtureTests.number($0) ?? .nan } }
        let table = try fixtureFiles.table("negbin/flat_theta.csv")
        let result = try Regression.fit(.negbin, formula: "y ~ x + w + offset(log(t))", data: table,
                                        options: RegressionOptions())
        #expect(result.fit.converged == true)
        #expect(result.warnings.contains { $0.contains("the likelihood is flat in θ") && $0.contains("consider fit poisson") },
                "\(result.warnings)")
        let terms = RFixtureTests.list(reference["terms"]).compactMap { $0 as? String }
        #expect(result.coefficients.map(\.term) == terms)
        for (key, path) in [("estimate", \Coefficient.estimate), ("std_error", \Coefficient.stdError)] {
            for (c, r) in zip(result.coefficients, numbers(key)) {
                #expect(isClose(c[keyPath: path], r, relative: 1e-7), "\(c.term) \(key): \(String(describing: c[keyPath: path])) vs R \(r)")
            }
        }
        for (key, value, tolerance) in [("theta", result.fit.theta, 1e-4), ("theta_std_error", result.fit.thetaStdError, 1e-4),
                                        ("log_likelihood", result.fit.logLikelihood, 1e-7), ("deviance", result.fit.deviance, 1e-7),
                                        ("null_deviance", result.fit.nullDeviance, 1e-7)] {
            #expect(isClose(value, number(key), relative: tolerance), "\(key): \(String(describing: value)) vs R \(number(key))")
        }
    }

    @Test("an overdispersed fit converges by MASS's test and carries no flat-θ warning")
    func ordinaryFitHasNoFlatThetaWarning() throws {
        let table = try FixtureFiles.shared.table("models_data.csv")
        let result = try Regression.fit(.negbin, formula: "homework ~ wai_total + modality + site", data: table,
                                        options: RegressionOptions())
        #expect(result.fit.converged == true)
        #expect(!result.warnings.contains { $0.contains("flat in θ") }, "\(result.warnings)")
    }
}
