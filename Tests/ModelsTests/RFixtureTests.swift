import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Fits compared with R (lm/summary.lm, glm with epsilon = 1e-15, MASS::glm.nb, sandwich::vcovHC/vcovCL,
/// lmtest::coeftest; confidence levels 0.95, 0.90 and 0.99) on the synthetic alliance data set written by Fixtures/make_models.R.
/// Relative tolerances: OLS 1e-10, logit and Poisson 1e-8, negative binomial 1e-7. Iteration counts are R's glm()
/// with its default control (Fixtures/make_glm_iterations.R), exactly.
@Suite("R reference fits")
struct RFixtureTests {
    /// One named fit of a fixture file written by jsonlite (an array of objects); FormulaFunctionFixtureTests
    /// reads its file the same way.
    struct Fixture: @unchecked Sendable, CustomStringConvertible {
        let entry: [String: Any]
        var name: String { entry["name"] as? String ?? "?" }
        var description: String { name }
        func numbers(_ key: String) -> [Double] { (entry[key] as? [Any] ?? []).map { RFixtureTests.number($0) ?? .nan } }

        /// The fixtures in `file` (none when it is missing or malformed: the count tests then fail).
        static func load(_ file: String) -> [Fixture] {
            guard let text = try? fixtureFiles.text(file), let data = text.data(using: .utf8),
                  let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
            return array.map { Fixture(entry: $0) }
        }
    }

    static func number(_ any: Any?) -> Double? {
        if let s = any as? String { return Double(s) }
        if let n = any as? NSNumber { return n.doubleValue }
        return nil
    }

    /// jsonlite writes one-element vectors as scalars.
    static func list(_ any: Any?) -> [Any] {
        if let a = any as? [Any] { return a }
        return any.map { [$0] } ?? []
    }

    static let fixtures = Fixture.load("models_reference.json")

    /// R's `glm()$iter` under `glm.control()` per logit and Poisson fixture.
    static let iterations: [String: Int] = {
        guard let text = try? fixtureFiles.text("glm_iterations.json"), let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Int] else { return [:] }
        return object
    }()

    static let table: Table? = try? FixtureFiles.shared.table("models_data.csv")

    /// R's coefficient name for one of ours: `site[north]` → `sitenorth`.
    static func rName(_ term: String) -> String {
        term.replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
    }

    static func covariance(_ label: String) -> CovarianceKind {
        if label.hasPrefix("cluster:") { return .cluster(column: String(label.dropFirst(8))) }
        if let t = CovarianceKind.RobustType(rawValue: label) { return .robust(t) }
        return .classical
    }

    @Test func atLeastTwentyFixtures() {
        #expect(RFixtureTests.fixtures.count >= 20)
    }

    /// Every fixture also runs with its 600 rows split in two halves that are factored concurrently and merged
    /// (the path fits of 131,072 rows or more take).
    @Test(arguments: RFixtureTests.fixtures, [false, true])
    func matchesR(_ fixture: Fixture, splitRows: Bool) throws {
        try RowParts.$minimumRowsToSplit.withValue(splitRows ? 2 : Int.max) { try matchesR(fixture) }
    }

    func matchesR(_ fixture: Fixture) throws {
        let e = fixture.entry
        let table = try #require(RFixtureTests.table)
        let model = try #require(ModelKind(rawValue: e["model"] as? String ?? ""))
        let tolerance: Double = switch model {
        case .ols: 1e-10
        case .logit, .poisson: 1e-8
        case .negbin: 1e-7
        }
        let level = RFixtureTests.number(e["level"]) ?? 0.95
        let options = RegressionOptions(level: level, covariance: RFixtureTests.covariance(e["vcov"] as? String ?? ""),
                                        references: e["references"] as? [String: String] ?? [:])
        let result = try Regression.fit(model, formula: e["formula"] as? String ?? "", data: table, options: options)
        #expect(result.vcovLabel == e["vcov"] as? String)

        let aliased = RFixtureTests.list(e["aliased"]).compactMap { $0 as? String }
        #expect(result.coefficients.filter(\.aliased).map { RFixtureTests.rName($0.term) } == aliased, "\(fixture.name) aliased")
        #expect(result.warnings.isEmpty == aliased.isEmpty)
        let coefficients = try #require(e["coefficients"] as? [String: Any])
        let terms = RFixtureTests.list(coefficients["terms"]).compactMap { $0 as? String }
        #expect(result.coefficients.map { RFixtureTests.rName($0.term) } == terms, "\(fixture.name) term names")
        let columns: [(String, KeyPath<Coefficient, Double?>)] = [
            ("estimate", \.estimate), ("std_error", \.stdError), ("statistic", \.statistic),
            ("p_value", \.pValue), ("conf_low", \.confLow), ("conf_high", \.confHigh),
        ]
        for (key, path) in columns {
            let expected = RFixtureTests.list(coefficients[key]).map { RFixtureTests.number($0) ?? .nan }
            for (k, c) in result.coefficients.enumerated() where k < expected.count {
                // A p-value's relative sensitivity to its statistic is about |z|·(relative change in z),
                // times |z| again in the tail: compare p on the statistic's tolerance scaled by max(1, z²).
                if expected[k].isNaN {
                    // R reports NA for an aliased coefficient; so must we.
                    #expect(c.aliased && c[keyPath: path] == nil, "\(fixture.name) \(c.term) should be aliased")
                    continue
                }
                let z = c.statistic ?? 0
                let scaled = key == "p_value" ? tolerance * max(1, z * z) : tolerance
                #expect(isClose(c[keyPath: path], expected[k], relative: scaled),
                        "\(fixture.name) \(c.term) \(key): \(String(describing: c[keyPath: path])) vs R \(expected[k])")
            }
        }

        let fit = try #require(e["fit"] as? [String: Any])
        var checks: [(String, Double?)] = [
            ("log_likelihood", result.fit.logLikelihood), ("aic", result.fit.aic), ("bic", result.fit.bic),
            ("df_residual", Double(result.fit.dfResidual)), ("nobs", Double(result.counts.rowsUsed)),
        ]
        if model == .ols {
            checks += [("r_squared", result.fit.rSquared), ("adj_r_squared", result.fit.adjRSquared),
                       ("sigma", result.fit.sigma), ("f_statistic", result.fit.fStatistic), ("f_p_value", result.fit.fPValue)]
        } else {
            checks += [("deviance", result.fit.deviance), ("null_deviance", result.fit.nullDeviance)]
            #expect(result.fit.converged == true)
            if model != .negbin {
                // Same starting values and convergence test as glm.fit at R's default ε = 1e-8, where the
                // deviance change is far above rounding: the same count, exactly (the polishing passes after it
                // are not counted).
                let iterations = try #require(RFixtureTests.iterations[fixture.name], "\(fixture.name) has no R iteration count")
                #expect(result.fit.iterations == iterations, "\(fixture.name) iterations")
            }
        }
        if model == .negbin {
            checks += [("theta", result.fit.theta), ("theta_std_error", result.fit.thetaStdError)]
        }
        for (key, value) in checks {
            guard let expected = RFixtureTests.number(fit[key]) else { continue }
            #expect(isClose(value, expected, relative: tolerance),
                    "\(fixture.name) \(key): \(String(describing: value)) vs R \(expected)")
        }
        #expect(result.counts.rowsRead == 600)
    }
}
