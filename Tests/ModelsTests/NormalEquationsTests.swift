import AllianceTestSupport
import DataTable
import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Large IRLS passes and large OLS fits sum XᵀWX (XᵀX) and factor it by Cholesky when X is well-conditioned
/// (`GramFactor`); these tests run the reference fits through that path (the row threshold lowered to 2) and compare
/// it with the QR path.
@Suite("IRLS and OLS normal equations")
struct NormalEquationsTests {
    static let glmFixtures = RFixtureTests.fixtures.filter { ($0.entry["model"] as? String) != ModelKind.ols.rawValue }
    static let olsFixtures = RFixtureTests.fixtures.filter { ($0.entry["model"] as? String) == ModelKind.ols.rawValue }
    static let cr2GLMFixtures = ClusterCR2Tests.fixtures.filter { ($0.entry["model"] as? String) != ModelKind.ols.rawValue }

    static func throughNormalEquations<T>(_ body: () throws -> T) rethrows -> T {
        try GeneralizedLinearModel.$minimumRowsForNormalEquations.withValue(2) { try body() }
    }

    @Test func fixturesIncludeEveryFamily() {
        let models = Set(NormalEquationsTests.glmFixtures.compactMap { $0.entry["model"] as? String })
        #expect(models == ["logit", "poisson", "negbin"])
        #expect(NormalEquationsTests.cr2GLMFixtures.count >= 3)
    }

    /// R's glm / glm.nb numbers, iteration counts included, at RFixtureTests' tolerances, on one core and two.
    @Test(arguments: NormalEquationsTests.glmFixtures, [false, true])
    func matchesR(_ fixture: RFixtureTests.Fixture, splitRows: Bool) throws {
        try NormalEquationsTests.throughNormalEquations {
            try RowParts.$minimumRowsToSplit.withValue(splitRows ? 2 : Int.max) { try RFixtureTests().matchesR(fixture) }
        }
    }

    /// R's lm numbers at RFixtureTests' tolerances through the normal equations, on one core and two.
    @Test(arguments: NormalEquationsTests.olsFixtures, [false, true])
    func olsMatchesR(_ fixture: RFixtureTests.Fixture, splitRows: Bool) throws {
        try NormalEquationsTests.throughNormalEquations {
            try RowParts.$minimumRowsToSplit.withValue(splitRows ? 2 : Int.max) { try RFixtureTests().matchesR(fixture) }
        }
    }

    /// OLS through XᵀX agrees with the QR path to 5e-11 (estimates, standard errors, R² and σ), aliasing included. The Gram
    /// path loses about κ(X)²·ε where QR loses κ(X)·ε (Higham 2002, §20.4), and how much of that shows depends on the BLAS
    /// kernel's summation order in `dsyrk`: `ols_transforms` (wai and wai², κ = 9.7e4 raw, 132 with the columns scaled)
    /// agrees to 1.7e-11 under OpenBLAS's AVX-512 (Cooper Lake) kernel, below 1e-11 on the earlier machines without
    /// AVX-512. 5e-11: three times the largest seen, half the R fixtures' OLS tolerance (1e-10).
    @Test(arguments: NormalEquationsTests.olsFixtures)
    func olsAgreesWithQR(_ fixture: RFixtureTests.Fixture) throws {
        let e = fixture.entry
        let table = try #require(RFixtureTests.table)
        let options = RegressionOptions(level: RFixtureTests.number(e["level"]) ?? 0.95,
                                        covariance: RFixtureTests.covariance(e["vcov"] as? String ?? ""),
                                        references: e["references"] as? [String: String] ?? [:])
        let formula = e["formula"] as? String ?? ""
        let qr = try Regression.fit(.ols, formula: formula, data: table, options: options)
        let gram = try NormalEquationsTests.throughNormalEquations {
            try Regression.fit(.ols, formula: formula, data: table, options: options)
        }
        #expect(gram.coefficients.map(\.aliased) == qr.coefficients.map(\.aliased))
        for (a, b) in zip(gram.coefficients, qr.coefficients) where !b.aliased {
            expectClose(a.estimate, b.estimate ?? .nan, relative: 5e-11, "\(fixture.name) \(b.term) estimate")
            expectClose(a.stdError, b.stdError ?? .nan, relative: 5e-11, "\(fixture.name) \(b.term) SE")
        }
        expectClose(gram.fit.rSquared, qr.fit.rSquared ?? .nan, relative: 5e-11, "\(fixture.name) R²")
        expectClose(gram.fit.sigma, qr.fit.sigma ?? .nan, relative: 5e-11, "\(fixture.name) sigma")
    }

    /// clubSandwich's CR2 at 1e-8.
    @Test(arguments: NormalEquationsTests.cr2GLMFixtures)
    func matchesClubSandwich(_ fixture: RFixtureTests.Fixture) throws {
        try NormalEquationsTests.throughNormalEquations { try ClusterCR2Tests().matchesClubSandwich(fixture) }
    }

    /// The two paths reach the same fit far inside the R tolerances: estimates, standard errors and deviance to 1e-11.
    @Test(arguments: NormalEquationsTests.glmFixtures)
    func agreesWithQR(_ fixture: RFixtureTests.Fixture) throws {
        let e = fixture.entry
        let table = try #require(RFixtureTests.table)
        let model = try #require(ModelKind(rawValue: e["model"] as? String ?? ""))
        let options = RegressionOptions(level: RFixtureTests.number(e["level"]) ?? 0.95,
                                        covariance: RFixtureTests.covariance(e["vcov"] as? String ?? ""),
                                        references: e["references"] as? [String: String] ?? [:])
        let formula = e["formula"] as? String ?? ""
        let qr = try Regression.fit(model, formula: formula, data: table, options: options)
        let gram = try NormalEquationsTests.throughNormalEquations {
            try Regression.fit(model, formula: formula, data: table, options: options)
        }
        #expect(gram.fit.iterations == qr.fit.iterations)
        #expect(gram.coefficients.map(\.aliased) == qr.coefficients.map(\.aliased))
        for (a, b) in zip(gram.coefficients, qr.coefficients) where !b.aliased {
            expectClose(a.estimate, b.estimate ?? .nan, relative: 1e-11, "\(fixture.name) \(b.term) estimate")
            expectClose(a.stdError, b.stdError ?? .nan, relative: 1e-11, "\(fixture.name) \(b.term) SE")
        }
        expectClose(gram.fit.deviance, qr.fit.deviance ?? .nan, relative: 1e-12, "\(fixture.name) deviance")
    }

    /// A well-conditioned pass is factored from the Gram matrix, and its R is the QR's (rows up to sign).
    @Test(arguments: [(GLMFamily.binomial, "yb"), (GLMFamily.poisson, "count")])
    func gramFactorIsTheQRFactor(family: GLMFamily, outcome: String) throws {
        let data = try IRLSStoppingTests.table(rows: 3000)
        let formula = try Formula("\(outcome) ~ x1 + x2", dataColumns: data.columnNames)
        let frame = try Regression.modelFrame(formula: formula, data: data, options: RegressionOptions())
        let design = DesignMatrix(frame: frame)
        let (y, _) = try GeneralizedLinearModel.outcomeValues(frame, family: family)
        let start = y.map { family.link(family.startingMean($0)) }
        func factored(_ normalEquations: Bool) throws -> (r: Matrix, norms: [Double])? {
            try GeneralizedLinearModel.pass(family: family, design: design, y: y, offset: nil, coefficients: nil, eta: start,
                                            normalEquations: normalEquations).factored
        }
        let gram = try #require(try factored(true))
        let qr = try #require(try factored(false))
        #expect(gram.norms == qr.norms)
        let c = qr.r.rows
        for i in 0..<c {
            let sign: Double = qr.r[i, i] < 0 ? -1 : 1
            for j in i..<c {
                expectClose(gram.r[i, j], sign * qr.r[i, j], absolute: 1e-11 * abs(qr.r[j, j]) + 1e-12 * abs(qr.r[i, j]),
                            "R[\(i), \(j)]")
            }
        }
    }

    /// Nearly collinear, aliased, zero and non-finite columns get no Gram factor (the caller falls back to QR).
    @Test func illConditionedGramIsRefused() {
        func gram(_ columns: [[Double]]) -> [Double] {
            let c = columns.count
            var g = [Double](repeating: 0, count: c * c)
            for j in 0..<c { for i in 0...j { g[i + j * c] = zip(columns[i], columns[j]).reduce(0) { $0 + $1.0 * $1.1 } } }
            return g
        }
        let n = 200
        let x = (0..<n).map { Double($0 % 17) + 0.5 * Double($0 % 5) }
        let z = (0..<n).map { sin(Double($0)) }
        let one = [Double](repeating: 1, count: n)
        #expect(GramFactor.upperFactor(gram: gram([one, x, z])) != nil)
        let near = zip(x, (0..<n).map { cos(Double($0)) }).map { $0 + 1e-5 * $1 }
        #expect(GramFactor.upperFactor(gram: gram([one, x, near, z])) == nil)
        #expect(GramFactor.upperFactor(gram: gram([one, x, x.map { 2 * $0 }, z])) == nil)
        #expect(GramFactor.upperFactor(gram: gram([one, [Double](repeating: 0, count: n), z])) == nil)
        #expect(GramFactor.upperFactor(gram: gram([one, x.map { $0 == 3 ? .infinity : $0 }, z])) == nil)
        // Conditioning is judged on the scaled columns: units do not matter.
        #expect(GramFactor.upperFactor(gram: gram([one, x.map { $0 * 1e9 }, z])) != nil)
    }

    /// A design that the Gram way refuses is fitted by QR, with the same aliasing as the QR path.
    @Test func collinearDesignFallsBackToQR() throws {
        let data = try IRLSStoppingTests.table(rows: 3000)
        let x1 = try #require(data.column(named: "x1")?.numeric)
        let doubled = try Table(columns: data.columns + [Column(name: "x3", numeric: x1.values.map { Optional(2 * $0) })])
        let qr = try Regression.fit(.logit, formula: "yb ~ x1 + x2 + x3", data: doubled)
        let gram = try NormalEquationsTests.throughNormalEquations {
            try Regression.fit(.logit, formula: "yb ~ x1 + x2 + x3", data: doubled)
        }
        #expect(gram.coefficients.map(\.aliased) == [false, false, false, true])
        #expect(gram.coefficients.map(\.estimate) == qr.coefficients.map(\.estimate))
        #expect(gram.coefficients.map(\.stdError) == qr.coefficients.map(\.stdError))
    }
}
