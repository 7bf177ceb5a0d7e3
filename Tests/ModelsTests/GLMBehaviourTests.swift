import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

@Suite("GLM behaviour")
struct GLMBehaviourTests {
    static func table() throws -> Table {
        try Table(columns: [
            Column(name: "y", numeric: [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0]),
            Column(name: "x", numeric: [1.2, 2.3, 0.7, 3.1, 2.2, 1.9, 2.8, 1.1, 0.4, 3.3, 2.6, 1.5]),
            Column(name: "count", numeric: [0, 3, 0, 2, 5, 1, 4, 0, 0, 6, 2, 0]),
            Column(name: "g", categorical: ["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"]),
        ])
    }

    @Test func nonConvergenceReportsIterationsAndChange() throws {
        let t = try GLMBehaviourTests.table()
        do {
            _ = try Regression.fit(.logit, formula: "y ~ x", data: t, options: .init(maxIterations: 2))
            Issue.record("expected non-convergence")
        } catch {
            guard case .notConverged(let model, let iterations, let change) = error else { Issue.record("\(error)"); return }
            #expect(model == "logit")
            #expect(iterations == 2)
            #expect(change > 1e-15)
        }
    }

    /// A category whose counts are all zero has a rate running to 0: reported as separation, naming the term.
    @Test func poissonZeroCategoryIsSeparation() throws {
        let t = try Table(columns: [
            Column(name: "count", numeric: [0, 0, 0, 0, 2, 3, 1, 4, 2, 1, 3, 2]),
            Column(name: "g", categorical: ["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"]),
        ])
        do {
            _ = try Regression.fit(.poisson, formula: "count ~ g", data: t)
            Issue.record("expected separation")
        } catch {
            guard case .separation(let terms, _) = error else { Issue.record("\(error)"); return }
            #expect(terms.contains("(Intercept)"))
        }
    }

    /// Log-likelihood of a logit fit is −deviance/2 for 0/1 data, AIC = deviance + 2p (identities of the binomial).
    @Test func binomialIdentities() throws {
        let r = try Regression.fit(.logit, formula: "y ~ x + g", data: GLMBehaviourTests.table())
        let deviance = try #require(r.fit.deviance)
        expectClose(r.fit.logLikelihood, -deviance / 2, absolute: 1e-12 * deviance)
        expectClose(r.fit.aic, (deviance + 2 * 4), absolute: 1e-12 * r.fit.aic)
        #expect(r.fit.converged == true)
        #expect(r.fit.dfNull == 11)
        // Fitted probabilities and residuals are on the response scale.
        #expect(r.fittedValues.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(zip(r.residuals, r.fittedValues).enumerated().allSatisfy { i, pair in
            abs(pair.0 + pair.1 - [0.0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0][i]) < 1e-15
        })
    }

    /// Standardized GLM coefficients scale numeric predictors by their SD only.
    @Test func standardizedGLMScalesPredictorsOnly() throws {
        let r = try Regression.fit(.poisson, formula: "count ~ x + g", data: GLMBehaviourTests.table(),
                                   options: .init(standardize: true))
        let x = [1.2, 2.3, 0.7, 3.1, 2.2, 1.9, 2.8, 1.1, 0.4, 3.3, 2.6, 1.5]
        let mean = x.reduce(0, +) / 12
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 11).squareRoot()
        let beta = try #require(r.standardizedCoefficients)
        #expect(r.coefficients[1].estimate.map { isClose(beta[1].estimate, $0 * sd, relative: 1e-14) } ?? false)
        #expect(beta[2].estimate == r.coefficients[2].estimate)
        #expect(beta[0].estimate == nil)
    }

    @Test func categoricalOutcomeSecondLevelIsOne() throws {
        let t = try Table(columns: [
            Column(name: "status", categorical: ["completed", "dropped", "completed", "dropped", "dropped", "completed",
                                                 "dropped", "dropped", "completed", "dropped", "completed", "completed"]),
            Column(name: "x", numeric: [1.2, 2.3, 0.7, 3.1, 2.2, 1.9, 2.8, 1.1, 0.4, 3.3, 2.6, 1.5]),
        ])
        let a = try Regression.fit(.logit, formula: "status ~ x", data: t)
        let b = try Regression.fit(.logit, formula: "y ~ x", data: GLMBehaviourTests.table())
        #expect(a.coefficients[1].estimate == b.coefficients[1].estimate)
    }
}
