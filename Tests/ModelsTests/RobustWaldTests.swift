import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// The robust overall F test against lmtest::waldtest(fit, vcov = …, test = "F") — values from
/// Fixtures/make_waldtest.R (R 4.2.2). Tolerance 1e-10 relative on F, 1e-8 relative on p (p ≈ 1e-110 magnifies
/// the last digits of F).
@Suite struct RobustWaldTests {
    let formula = "phq_post ~ wai_total + phq_pre + site"

    func fit(_ covariance: CovarianceKind) throws -> RegressionResult {
        let table = try FixtureFiles.shared.table("models_data.csv")
        var options = RegressionOptions()
        options.covariance = covariance
        return try Regression.fit(.ols, formula: formula, data: table, options: options)
    }

    @Test func clusterRobustWaldMatchesR() throws {
        let r = try fit(.cluster(column: "therapist"))
        #expect(r.fit.dfModel == 4 && r.fit.dfResidual == 574)
        let f = try #require(r.fit.waldFStatistic)
        expectClose(f, 226.57777109006207, relative: 1e-10)
        let p = try #require(r.fit.waldFPValue)
        expectClose(p, 1.4577245453240060e-116, relative: 1e-8)
    }

    @Test func hc3WaldMatchesR() throws {
        let r = try fit(.robust(.hc3))
        let f = try #require(r.fit.waldFStatistic)
        expectClose(f, 197.31329061519511, relative: 1e-10)
        let p = try #require(r.fit.waldFPValue)
        expectClose(p, 2.5549433175425363e-106, relative: 1e-8)
    }

    @Test func classicalFitHasNoWaldTest() throws {
        let r = try fit(.classical)
        #expect(r.fit.waldFStatistic == nil && r.fit.waldFPValue == nil)
    }
}
