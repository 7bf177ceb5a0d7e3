import AllianceTestSupport
import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Robust covariances of an ill-conditioned design (x ≈ 10000 ± 1 with I(x^2), which takes the extended-precision
/// path) against Fixtures/make_ill_conditioned_robust.R: sandwich's vcovHC/vcovCL and clubSandwich's CR2 computed on
/// the centred design and mapped exactly to y ~ x + I(x^2) (R's own lm aliases I(x^2) here). Formed from X_k in double,
/// alliance's HC0 standard errors were twice these and under --cluster none were reported (session 20); they are now
/// formed in an orthonormal basis (`OrthonormalDesign`). Relative tolerance for estimates, standard errors, CR2
/// degrees of freedom and every covariance entry (on the scale of its row and column): 1e-9 for OLS; 1e-8 for logit,
/// whose estimates themselves agree to ≈ 2e-9 (η = Xb is formed in double at x² ≈ 1e8, so IRLS's weights carry
/// that rounding).
@Suite("Robust covariances of ill-conditioned designs against sandwich and clubSandwich")
struct IllConditionedRobustTests {
    static let fixtures: [RFixtureTests.Fixture] = {
        guard let text = try? fixtureFiles.text("ill_conditioned_robust.json"),
              let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        return array.map { RFixtureTests.Fixture(entry: $0) }
    }()

    static func tolerance(_ model: ModelKind) -> Double { model == .ols ? 1e-9 : 1e-8 }

    static func numbers(_ value: Any?) -> [Double] { RFixtureTests.list(value).map { RFixtureTests.number($0) ?? .nan } }

    static func covariance(_ name: String) -> CovarianceKind {
        switch name {
        case "cluster": return .cluster(column: "g")
        case "cr2": return .clusterCR2(column: "g")
        case "classical": return .classical
        default: return CovarianceKind.RobustType(rawValue: name).map { .robust($0) } ?? .classical
        }
    }

    @Test func twelveFixtures() {
        #expect(IllConditionedRobustTests.fixtures.count == 12)
    }

    @Test(arguments: IllConditionedRobustTests.fixtures)
    func matchesTheCentredReference(_ fixture: RFixtureTests.Fixture) throws {
        let e = fixture.entry
        let name = fixture.name
        let table = try FixtureCSV.table(csv: try fixtureFiles.text("ill_conditioned_data.csv"))
        let model = try #require(ModelKind(rawValue: e["model"] as? String ?? ""))
        let kind = IllConditionedRobustTests.covariance(e["covariance"] as? String ?? "")
        let result = try Regression.fit(model, formula: e["formula"] as? String ?? "", data: table,
                                        options: RegressionOptions(covariance: kind))
        let tolerance = IllConditionedRobustTests.tolerance(model)
        let kept = result.coefficients.filter { !$0.aliased }
        #expect(kept.count == 3, "\(name): \(result.coefficients.map(\.term))")
        for (key, path) in [("estimate", \Coefficient.estimate), ("std_error", \Coefficient.stdError), ("df", \Coefficient.df)]
        where e[key] != nil {
            let expected = IllConditionedRobustTests.numbers(e[key])
            #expect(expected.count == kept.count)
            for (c, r) in zip(kept, expected) {
                #expect(isClose(c[keyPath: path], r, relative: tolerance),
                        "\(name) \(c.term) \(key): \(String(describing: c[keyPath: path])) vs R \(r)")
            }
        }
        let v = IllConditionedRobustTests.numbers(e["vcov"])
        #expect(v.count == 9)
        for b in 0..<3 {
            for a in 0..<3 where v.count == 9 {
                let scale = (v[a + a * 3] * v[b + b * 3]).squareRoot()
                expectClose(result.vcov[a, b], v[a + b * 3], absolute: tolerance * scale, "\(name) vcov[\(a), \(b)]")
            }
        }
    }

    /// The hat values of the extended-precision path come from the orthonormal basis: they sum to the rank and
    /// lie in [0, 1] (from X_k in double they were rounding noise).
    @Test func hatValuesSumToTheRank() throws {
        let table = try FixtureCSV.table(csv: try fixtureFiles.text("ill_conditioned_data.csv"))
        let result = try Regression.fit(.ols, formula: "y ~ x + I(x^2)", data: table,
                                        options: RegressionOptions(diagnostics: true))
        let h = try #require(result.hatValues)
        #expect(abs(h.reduce(0, +) - 3) < 1e-9)
        #expect(h.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
