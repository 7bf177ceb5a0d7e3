import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

@Suite("OLS behaviour")
struct OLSBehaviourTests {
    static let x1: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    static let x2: [Double] = [2, 1, 4, 3, 6, 5, 8, 7, 10, 12]
    static let y: [Double] = [3.1, 3.9, 6.2, 6.8, 9.1, 10.2, 12.1, 12.8, 15.2, 17.9]

    static func table() throws -> Table {
        try Table(columns: [
            Column(name: "y", numeric: y.map { $0 }),
            Column(name: "x1", numeric: x1.map { $0 }),
            Column(name: "x2", numeric: x2.map { $0 }),
            Column(name: "x3", numeric: zip(x1, x2).map { $0 + $1 }),
        ])
    }

    /// An exactly collinear column is aliased (the later one, as R's lm), with a warning; the other
    /// estimates equal the fit without it (relative 1e-12).
    @Test func aliasedColumnReported() throws {
        let full = try Regression.ols("y ~ x1 + x2 + x3", data: OLSBehaviourTests.table())
        let reduced = try Regression.ols("y ~ x1 + x2", data: OLSBehaviourTests.table())
        #expect(full.coefficients.map(\.aliased) == [false, false, false, true])
        #expect(full.coefficient("x3")?.estimate == nil)
        #expect(full.warnings.count == 1)
        #expect(full.warnings.first?.contains("x3") == true)
        #expect(full.estimableTerms == ["(Intercept)", "x1", "x2"])
        for (a, b) in zip(full.coefficients.prefix(3), reduced.coefficients) {
            #expect(b.estimate.map { isClose(a.estimate, $0, relative: 1e-12) } ?? false)
            #expect(b.stdError.map { isClose(a.stdError, $0, relative: 1e-12) } ?? false)
        }
        #expect(full.fit.dfResidual == 7)
        #expect(full.fit.dfModel == 2)
        // The first of a collinear set is kept whichever order the formula uses.
        let reordered = try Regression.ols("y ~ x3 + x1 + x2", data: OLSBehaviourTests.table())
        #expect(reordered.coefficients.map(\.aliased) == [false, false, false, true])
    }

    /// Standardized slope of a simple regression is Pearson's r (identity), computed here directly.
    @Test func standardizedSlopeIsCorrelation() throws {
        let r = try Regression.ols("y ~ x1", data: OLSBehaviourTests.table(), options: .init(standardize: true))
        let x = OLSBehaviourTests.x1, y = OLSBehaviourTests.y
        let mx = x.reduce(0, +) / 10, my = y.reduce(0, +) / 10
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        let pearson = sxy / (sxx * syy).squareRoot()
        let beta = try #require(r.standardizedCoefficients)
        #expect(beta[0].estimate == nil)
        #expect(isClose(beta[1].estimate, pearson, relative: 1e-12))
        #expect(beta[1].statistic == r.coefficients[1].statistic)
        // R² of a simple regression is r².
        #expect(isClose(r.fit.rSquared, pearson * pearson, relative: 1e-12))
    }

    @Test func confidenceLevelChangesIntervalsOnly() throws {
        let a = try Regression.ols("y ~ x1", data: OLSBehaviourTests.table(), options: .init(level: 0.95))
        let b = try Regression.ols("y ~ x1", data: OLSBehaviourTests.table(), options: .init(level: 0.99))
        #expect(a.coefficients[1].estimate == b.coefficients[1].estimate)
        #expect((b.coefficients[1].confHigh ?? 0) > (a.coefficients[1].confHigh ?? 0))
        #expect(b.level == 0.99)
    }

    @Test func exponentiatedValues() {
        let c = Coefficient(term: "x", estimate: 0.5, stdError: 0.1, statistic: 5, pValue: 0.01, confLow: 0.3,
                            confHigh: 0.7, aliased: false)
        #expect(c.expEstimate == Foundation.exp(0.5))
        #expect(c.expConfLow == Foundation.exp(0.3))
        #expect(Coefficient.aliased("z").expEstimate == nil)
    }
}
