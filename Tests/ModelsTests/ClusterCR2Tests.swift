import AllianceTestSupport
import DataTable
import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// CR2 cluster-robust fits compared with clubSandwich 0.5.8 (vcovCR type "CR2", coef_test and conf_int with
/// test = "Satterthwaite") from Fixtures/make_cr2.R: OLS on 14 unbalanced clusters (one of a single row, a factor and a
/// cluster-level predictor, and with an aliased column), OLS, logit, Poisson and negative binomial on 30 clusters.
/// Relative tolerance 1e-8 (the issue's) for every estimate, standard error, statistic, df, p-value, limit and
/// covariance entry; p-values on the statistic's tolerance scaled by max(1, t²) as RFixtureTests does.
@Suite("CR2 cluster-robust inference against clubSandwich")
struct ClusterCR2Tests {
    static let fixtures: [RFixtureTests.Fixture] = {
        guard let text = try? fixtureFiles.text("cr2_reference.json"),
              let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        return array.map { RFixtureTests.Fixture(entry: $0) }
    }()

    static let tables: [String: Table] = {
        var out: [String: Table] = [:]
        for name in ["cr2_data.csv", "models_data.csv"] {
            if let t = try? (name == "models_data.csv" ? FixtureFiles.shared : fixtureFiles).table(name) { out[name] = t }
        }
        return out
    }()

    static let tolerance = 1e-8

    @Test func sevenFixtures() {
        #expect(ClusterCR2Tests.fixtures.count == 7)
    }

    @Test(arguments: ClusterCR2Tests.fixtures)
    func matchesClubSandwich(_ fixture: RFixtureTests.Fixture) throws {
        let e = fixture.entry
        let table = try #require(ClusterCR2Tests.tables[e["data"] as? String ?? ""])
        let model = try #require(ModelKind(rawValue: e["model"] as? String ?? ""))
        let cluster = try #require(e["cluster"] as? String)
        let level = RFixtureTests.number(e["level"]) ?? 0.95
        let result = try Regression.fit(model, formula: e["formula"] as? String ?? "", data: table,
                                        options: RegressionOptions(level: level, covariance: .clusterCR2(column: cluster)))
        #expect(result.vcovLabel == "cluster-cr2:\(cluster)")
        #expect(result.clusters == e["clusters"] as? Int)
        let aliased = RFixtureTests.list(e["aliased"]).compactMap { $0 as? String }
        #expect(result.coefficients.filter(\.aliased).map { RFixtureTests.rName($0.term) } == aliased)
        #expect(result.coefficients.filter(\.aliased).allSatisfy { $0.df == nil })

        let kept = result.coefficients.filter { !$0.aliased }
        let coefficients = try #require(e["coefficients"] as? [String: Any])
        let terms = RFixtureTests.list(coefficients["terms"]).compactMap { $0 as? String }
        #expect(kept.map { RFixtureTests.rName($0.term) } == terms)
        let columns: [(String, KeyPath<Coefficient, Double?>)] = [
            ("estimate", \.estimate), ("std_error", \.stdError), ("statistic", \.statistic), ("df", \.df),
            ("p_value", \.pValue), ("conf_low", \.confLow), ("conf_high", \.confHigh),
        ]
        for (key, path) in columns {
            let expected = RFixtureTests.list(coefficients[key]).map { RFixtureTests.number($0) ?? .nan }
            #expect(expected.count == kept.count)
            for (c, r) in zip(kept, expected) {
                let t = c.statistic ?? 0
                let tolerance = key == "p_value" ? ClusterCR2Tests.tolerance * max(1, t * t) : ClusterCR2Tests.tolerance
                #expect(isClose(c[keyPath: path], r, relative: tolerance),
                        "\(fixture.name) \(c.term) \(key): \(String(describing: c[keyPath: path])) vs clubSandwich \(r)")
            }
        }
        // Every covariance entry, relative to the scale of its row and column.
        let v = RFixtureTests.list(e["vcov"]).map { RFixtureTests.number($0) ?? .nan }
        let p = kept.count
        #expect(v.count == p * p)
        for b in 0..<p {
            for a in 0..<p where v.count == p * p {
                let scale = (v[a + a * p] * v[b + b * p]).squareRoot()
                expectClose(result.vcov[a, b], v[a + b * p], absolute: ClusterCR2Tests.tolerance * scale,
                            "\(fixture.name) vcov[\(a), \(b)]")
            }
        }
        // CR2 is its own small-sample remedy: no few-clusters warning.
        #expect(!result.warnings.contains { $0.contains("clusters of") })
    }

    /// The dense path (any target) and the low-rank OLS path agree when the target is the identity.
    @Test func denseAndLowRankPathsAgree() throws {
        let table = try #require(ClusterCR2Tests.tables["cr2_data.csv"])
        let frame = try ModelFrame(formula: try Formula("outcome ~ wai + modality + experience"), table: table,
                                   extraColumns: ["therapist"])
        let design = DesignMatrix(frame: frame)
        guard case .numeric(let y) = frame.outcome else { Issue.record("numeric outcome expected"); return }
        let ls = try LeastSquares(design.augmentedRows(outcome: y), extendedDesign: { design.extendedColumns($0) })
        let (codes, g) = SandwichCovariance.clusterCodes(try #require(frame.extraColumns["therapist"]))
        let rows = design.augmentedRows(columns: ls.kept, outcome: ls.residuals)
        let lowRank = try ClusterCR2.compute(bread: ls.unscaledCovariance,
                                             working: .init(rows: rows, rootWeights: nil, targetSD: nil),
                                             clusters: codes, clusterCount: g, column: "therapist")
        let ones = [Double](repeating: 1, count: design.rows)
        let dense = try ClusterCR2.compute(bread: ls.unscaledCovariance,
                                           working: .init(rows: rows, rootWeights: ones, targetSD: ones),
                                           clusters: codes, clusterCount: g, column: "therapist")
        for (a, b) in zip(lowRank.vcov.storage, dense.vcov.storage) { expectClose(a, b, absolute: 1e-12 * max(abs(a), 1e-3)) }
        for (a, b) in zip(lowRank.df, dense.df) { expectClose(a, b, absolute: 1e-10 * a) }
    }

    /// Rows in any order (clusters interleaved) give the same result as rows grouped by cluster, and batches of a
    /// few clusters (several passes over the rows) the same as one pass.
    @Test func rowOrderAndBatchingDoNotMatter() throws {
        let table = try #require(ClusterCR2Tests.tables["models_data.csv"])
        let options = RegressionOptions(covariance: .clusterCR2(column: "therapist"))
        let one = try Regression.fit(.logit, formula: "dropout ~ wai_total + phq_pre + site", data: table, options: options)
        let frame = try ModelFrame(formula: try Formula("phq_post ~ wai_total + site"), table: table, extraColumns: ["therapist"])
        let design = DesignMatrix(frame: frame)
        guard case .numeric(let y) = frame.outcome else { Issue.record("numeric outcome expected"); return }
        let ls = try LeastSquares(design.augmentedRows(outcome: y), extendedDesign: { design.extendedColumns($0) })
        let (codes, g) = SandwichCovariance.clusterCodes(try #require(frame.extraColumns["therapist"]))
        let rows = design.augmentedRows(columns: ls.kept, outcome: ls.residuals)
        let whole = try ClusterCR2.compute(bread: ls.unscaledCovariance, working: .init(rows: rows, rootWeights: nil, targetSD: nil),
                                           clusters: codes, clusterCount: g, column: "therapist")
        let batched = try ClusterCR2.$batchCells.withValue(40) {
            try ClusterCR2.compute(bread: ls.unscaledCovariance, working: .init(rows: rows, rootWeights: nil, targetSD: nil),
                                   clusters: codes, clusterCount: g, column: "therapist")
        }
        for (a, b) in zip(whole.vcov.storage, batched.vcov.storage) { expectClose(a, b, absolute: 1e-13 * max(abs(a), 1e-6)) }
        for (a, b) in zip(whole.df, batched.df) { expectClose(a, b, absolute: 1e-12 * a) }
        #expect(one.coefficients.allSatisfy { ($0.df ?? 0) > 1 })
    }

    /// OLS takes the low-rank path, so one cluster of 30,000 rows costs O(n·p²), not an O(n³) eigen-decomposition.
    @Test func oneHugeClusterIsFastForOLS() throws {
        var generator = SplitMix(seed: 7)
        let n = 40_000
        var x = [Double](), y = [Double](), cluster = [String]()
        for i in 0..<n {
            let xi = generator.nextUnit()
            x.append(xi)
            y.append(1 + 2 * xi + generator.nextUnit())
            // One cluster of 30,000 rows and 1,000 clusters of 10.
            cluster.append(i < 30_000 ? "big" : "c\((i - 30_000) / 10)")
        }
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x),
                                        Column(name: "g", categorical: cluster)])
        let start = Date()
        let result = try Regression.ols("y ~ x", data: table, options: RegressionOptions(covariance: .clusterCR2(column: "g")))
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(result.clusters == 1001)
        #expect(result.coefficients.allSatisfy { ($0.df ?? .nan).isFinite && ($0.df ?? 0) > 0 })
        // The same data through a GLM is refused with a clear error, not an O(n³) hang.
        let binary = try Table(columns: [Column(name: "y", numeric: y.map { $0 > 2 ? 1 : 0 }), Column(name: "x", numeric: x),
                                         Column(name: "g", categorical: cluster)])
        #expect(throws: ModelError.clusterTooLarge(column: "g", largestCluster: 30_000)) {
            try Regression.fit(.logit, formula: "y ~ x", data: binary, options: RegressionOptions(covariance: .clusterCR2(column: "g")))
        }
    }

    /// Thousands of small clusters through the dense GLM path in reasonable time.
    @Test func thousandsOfClustersForLogit() throws {
        var generator = SplitMix(seed: 11)
        let n = 30_000
        var x = [Double](), y = [Double](), cluster = [String]()
        for i in 0..<n {
            let xi = generator.nextUnit()
            x.append(xi)
            y.append(generator.nextUnit() < 1 / (1 + exp(-(xi - 0.5))) ? 1 : 0)
            cluster.append("c\(i % 3000)")
        }
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x),
                                        Column(name: "g", categorical: cluster)])
        let start = Date()
        let result = try Regression.fit(.logit, formula: "y ~ x", data: table,
                                        options: RegressionOptions(covariance: .clusterCR2(column: "g")))
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(result.clusters == 3000)
        // Many clusters: the Satterthwaite df are large, and CR2 is close to the CR1S errors.
        let cr1 = try Regression.fit(.logit, formula: "y ~ x", data: table,
                                     options: RegressionOptions(covariance: .cluster(column: "g")))
        for (a, b) in zip(result.coefficients, cr1.coefficients) {
            #expect((a.df ?? 0) > 1000)
            #expect(abs((a.stdError ?? 0) / (b.stdError ?? 1) - 1) < 0.01)
        }
    }
}
