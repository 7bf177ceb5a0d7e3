import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// `fit lmm --robust cr2` against clubSandwich's `coef_test(fit, vcov = "CR2", cluster = <top level>,
/// test = "Satterthwaite")` on lme4's REML fits polished to the optimum (Fixtures/lmm/lmm_reference.json, `cr2` and
/// `cr2_cluster`, made by make_lmm_fixtures.R). Tolerances: SEs 1e-6 relative, df 1e-4 relative (issue 12's).
@Suite("Mixed-model CR2 cluster-robust standard errors vs clubSandwich")
struct MixedCR2Tests {
    typealias Fit = LinearMixedModelTests.Fit

    static let fits: [Fit] = LinearMixedModelTests.fits.filter { $0.fields["cr2"] != nil }

    static func fitted(_ fit: Fit, robust: MixedClusterRobust?, df: MixedDegreesOfFreedom = .satterthwaite,
                       data: String? = nil) throws -> LinearMixedModelResult {
        let table = try fixtureFiles.table("lmm/\(data ?? fit.data)")
        let formula = try Formula(fit.formula, dataColumns: table.columnNames)
        return try LinearMixedModel.fit(formula: formula, table: table,
                                        options: LinearMixedModelOptions(reml: fit.reml, degreesOfFreedom: df, robust: robust))
    }

    static func fitted(_ formula: String, data: String, robust: MixedClusterRobust?) throws -> LinearMixedModelResult {
        let table = try fixtureFiles.table("lmm/\(data)")
        return try LinearMixedModel.fit(formula: try Formula(formula, dataColumns: table.columnNames), table: table,
                                        options: LinearMixedModelOptions(robust: robust))
    }

    @Test func fourReferenceFits() {
        #expect(Self.fits.map(\.name).sorted() == ["nested_reml", "ri_reml", "sleepstudy_reml", "three_level_reml"])
    }

    @Test("CR2 SEs and Satterthwaite df at the top grouping level", arguments: fits)
    func topLevel(_ fit: Fit) throws {
        let r = try Self.fitted(fit, robust: .topLevel)
        let cluster = fit.fields["cr2_cluster"] as? String ?? ""
        #expect(r.clusterRobust?.column == cluster, "\(fit) cluster")
        #expect(r.clusterRobust?.clusters == r.groups.first { $0.group == cluster }?.levels, "\(fit) cluster count")
        let expected = fit.array("cr2")
        #expect(r.coefficients.map(\.term) == expected.compactMap { $0["term"] as? String }, "\(fit) terms")
        for (c, e) in zip(r.coefficients, expected) {
            expectClose(c.stdError, LinearMixedModelTests.value(e, "std_error"), relative: 1e-6, "\(fit) \(c.term) CR2 SE")
            expectClose(c.df, LinearMixedModelTests.value(e, "df"), relative: 1e-4, "\(fit) \(c.term) CR2 df")
        }
        // The estimates are the model's; only their covariance changes.
        let model = try Self.fitted(fit, robust: nil)
        for (c, m) in zip(r.coefficients, model.coefficients) {
            expectClose(c.estimate, m.estimate ?? .nan, relative: 1e-12, "\(fit) \(c.term) estimate")
            #expect(c.stdError != m.stdError, "\(fit) \(c.term) SE differs from the model-based one")
        }
        for (k, c) in r.coefficients.enumerated() {
            expectClose(r.covariance[k, k].squareRoot(), c.stdError ?? .nan, relative: 1e-12, "\(fit) covariance diagonal")
        }
    }

    @Test("--cluster naming the top-level column gives the same CR2")
    func namedCluster() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sleepstudy_reml" }) else { Issue.record("no sleepstudy_reml"); return }
        let top = try Self.fitted(fit, robust: .topLevel)
        let named = try Self.fitted(fit, robust: .column("Subject"))
        #expect(named.clusterRobust?.column == "Subject")
        for (a, b) in zip(top.coefficients, named.coefficients) {
            expectClose(b.stdError, a.stdError ?? .nan, relative: 1e-12, "\(a.term) SE")
            expectClose(b.df, a.df ?? .nan, relative: 1e-12, "\(a.term) df")
        }
    }

    @Test("a coarser cluster that the grouping factor nests in is accepted")
    func coarserCluster() throws {
        // therapist nests in site, so site clusters are valid and fewer.
        guard let fit = Self.fits.first(where: { $0.name == "ri_reml" }) else { Issue.record("no ri_reml"); return }
        let bySite = try Self.fitted(fit, robust: .column("site"))
        let byTherapist = try Self.fitted(fit, robust: .topLevel)
        let sites = try #require(bySite.clusterRobust?.clusters)
        #expect(sites >= 2 && sites < (byTherapist.clusterRobust?.clusters ?? 0))
        #expect(zip(bySite.coefficients, byTherapist.coefficients).allSatisfy { $0.stdError != $1.stdError })
    }

    @Test("crossed factors without --cluster are refused")
    func crossedRefused() throws {
        do {
            _ = try Self.fitted("diameter ~ 1 + (1 | plate) + (1 | sample)", data: "penicillin.csv", robust: .topLevel)
            Issue.record("crossed factors were accepted")
        } catch let error as ModelError {
            guard case .groupNotNested = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("crossed") && error.description.contains("--cluster"))
        }
    }

    @Test("a cluster the grouping factors do not nest in is refused")
    func notNestedRefused() throws {
        guard let fit = Self.fits.first(where: { $0.name == "nested_reml" }) else { Issue.record("no nested_reml"); return }
        do {
            _ = try Self.fitted(fit, robust: .column("therapist_id_within_site_is_not_here"))
            Issue.record("an unknown column was accepted")
        } catch let error as ModelError {
            guard case .unknownColumn = error else { Issue.record("unexpected \(error)"); return }
        }
        do {
            _ = try Self.fitted("diameter ~ 1 + (1 | plate) + (1 | sample)", data: "penicillin.csv", robust: .column("plate"))
            Issue.record("a cluster that sample does not nest in was accepted")
        } catch let error as ModelError {
            guard case .groupNotNested = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("sample") && error.description.contains("not nested"))
        }
    }

    @Test("CR2 with Kenward–Roger or residual df is refused")
    func otherDegreesOfFreedomRefused() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sleepstudy_reml" }) else { Issue.record("no sleepstudy_reml"); return }
        for df in [MixedDegreesOfFreedom.kenwardRoger, .residual] {
            #expect(throws: ModelError.self) { try Self.fitted(fit, robust: .topLevel, df: df) }
        }
    }

    @Test("clusters too large for the dense adjustment are refused before the work")
    func largeClustersRefused() throws {
        // 2 clusters of 2,100 rows each.
        var g: [String] = [], x: [Double] = [], y: [Double] = [], h: [String] = []
        var state: UInt64 = 12_345
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var effect = 0.0
        for i in 0..<4_200 {
            if i % 10 == 0 { effect = uniform() - 0.5 }
            g.append(i < 2_100 ? "a" : "b")
            h.append("\(i / 10)")
            x.append(Double(i % 7))
            y.append(0.5 * Double(i % 7) + effect + uniform())
        }
        let table = try Table(columns: [Column(name: "g", categorical: g), Column(name: "h", categorical: h),
                                        Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
        let formula = try Formula("y ~ x + (1 | h)", dataColumns: table.columnNames)
        do {
            _ = try LinearMixedModel.fit(formula: formula, table: table, options: LinearMixedModelOptions(robust: .column("g")))
            Issue.record("clusters of 2,100 rows were accepted")
        } catch {
            guard case .mixedClusterRobust(let detail) = error else { Issue.record("unexpected \(error)"); return }
            #expect(detail.contains("2100 rows"))
        }
    }
}
