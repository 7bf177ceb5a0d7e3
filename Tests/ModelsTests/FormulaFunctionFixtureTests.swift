import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Formula functions against R (Fixtures/make_formula.R): within/between as `ave()` on the complete cases,
/// lag as dplyr's grouped `lag()` after `arrange(session)` on the data before deletion, offsets as `lm`/`glm`/
/// `MASS::glm.nb` with `offset()`, `poly()` as `stats::poly` on the rows used. The data are session rows in
/// shuffled order with missing values in the middle of clients' sequences, in the offset and in the groups.
/// Relative tolerances: OLS 1e-10; logit and Poisson 1e-9 (IRLS to ε = 1e-15 on both sides; classical results agree
/// to 1e-10, but glm keeps the working weights of the start of its last iteration, which sandwich's HC0 reads: 5e-10);
/// negative binomial 1e-7 (θ by alternating Newton steps, as RFixtureTests).
@Suite("Formula functions against R")
struct FormulaFunctionFixtureTests {
    typealias Fixture = RFixtureTests.Fixture

    static let fixtures = Fixture.load("formula_reference.json")

    static let table: Table? = try? FixtureFiles.shared.table("formula_data.csv")

    @Test func fixturesLoaded() {
        #expect(FormulaFunctionFixtureTests.fixtures.count == 20)
        #expect(FormulaFunctionFixtureTests.table?.rowCount == 398)
    }

    @Test(arguments: FormulaFunctionFixtureTests.fixtures, [false, true])
    func matchesR(_ fixture: Fixture, splitRows: Bool) throws {
        try RowParts.$minimumRowsToSplit.withValue(splitRows ? 2 : Int.max) { try check(fixture) }
    }

    func check(_ fixture: Fixture) throws {
        let e = fixture.entry
        let table = try #require(FormulaFunctionFixtureTests.table)
        let model = try #require(ModelKind(rawValue: e["model"] as? String ?? ""))
        let tolerance: Double = switch model {
        case .ols: 1e-10
        case .logit, .poisson: 1e-9
        case .negbin: 1e-7
        }
        let options = RegressionOptions(covariance: RFixtureTests.covariance(e["vcov"] as? String ?? ""),
                                        offset: e["offset"] as? String)
        let result = try Regression.fit(model, formula: e["formula"] as? String ?? "", data: table, options: options)
        let terms = (e["terms"] as? [Any] ?? []).compactMap { $0 as? String }
        #expect(result.coefficients.map(\.term) == terms, "\(fixture.name) terms")
        for (key, path) in [("estimate", \Coefficient.estimate), ("std_error", \Coefficient.stdError)] {
            let expected = fixture.numbers(key)
            #expect(expected.count == result.coefficients.count)
            for (c, r) in zip(result.coefficients, expected) {
                #expect(isClose(c[keyPath: path], r, relative: tolerance),
                        "\(fixture.name) \(c.term) \(key): \(String(describing: c[keyPath: path])) vs R \(r)")
            }
        }
        let fitted = fixture.numbers("fitted")
        #expect(fitted.count == result.fittedValues.count, "\(fixture.name) rows used")
        let worst = zip(result.fittedValues, fitted).map { relativeError($0, $1) }.max() ?? .infinity
        #expect(worst <= tolerance, "\(fixture.name) fitted values: worst relative error \(worst)")

        let stats = try #require(e["stats"] as? [String: Any])
        var checks: [(String, Double?)] = [("nobs", Double(result.counts.rowsUsed)),
                                           ("log_likelihood", result.fit.logLikelihood), ("aic", result.fit.aic)]
        if model == .ols {
            checks += [("r_squared", result.fit.rSquared), ("adj_r_squared", result.fit.adjRSquared),
                       ("sigma", result.fit.sigma), ("f_statistic", result.fit.fStatistic)]
        } else {
            checks += [("deviance", result.fit.deviance), ("null_deviance", result.fit.nullDeviance),
                       ("theta", result.fit.theta), ("theta_std_error", result.fit.thetaStdError)]
        }
        for (key, value) in checks {
            guard let expected = RFixtureTests.number(stats[key]) else { continue }
            #expect(isClose(value, expected, relative: tolerance),
                    "\(fixture.name) \(key): \(String(describing: value)) vs R \(expected)")
        }
        #expect(result.counts.rowsRead == 398)
    }

    /// The poly() columns themselves, against stats::poly on the complete cases of phq and wai.
    @Test func polynomialColumnsMatchR() throws {
        let fixture = try #require(FormulaFunctionFixtureTests.fixtures.first { $0.name == "ols_poly" })
        let columns = try #require(fixture.entry["columns"] as? [String: Any])
        let table = try #require(FormulaFunctionFixtureTests.table)
        let frame = try ModelFrame(formula: Formula("phq ~ poly(wai, 2)"), table: table)
        let design = DesignMatrix(frame: frame)
        #expect(design.columnNames == ["(Intercept)", "poly(wai, 2)1", "poly(wai, 2)2"])
        for k in 1...2 {
            let expected = (columns["poly\(k)"] as? [Any] ?? []).map { RFixtureTests.number($0) ?? .nan }
            let ours = design.column(k)
            #expect(expected.count == ours.count)
            // Entries are O(1/√n); compare on that scale (an entry near zero has no relative precision).
            let worst = zip(ours, expected).map { absoluteError($0, $1) }.max() ?? .infinity
            #expect(worst <= 1e-13, "poly column \(k): worst absolute error \(worst)")
        }
    }
}
