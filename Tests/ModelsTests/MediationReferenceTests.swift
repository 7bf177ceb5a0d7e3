import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// PROCESS models 1, 4, 7 and 14 against lm fits in R (Fixtures/mediation/make_mediation.R): every path, indirect
/// effect, index of moderated mediation, conditional effect and Johnson–Neyman root to 1e-10 relative.
@Suite struct MediationReferenceTests {
    static let tolerance = Tolerance.relativeOrAbsolute(1e-10)

    func reference(_ name: String) throws -> [String: Any] {
        try parseJSON(try fixtureFiles.text("mediation/point_reference.json")).object(name)
    }

    func table(_ file: String) throws -> Table {
        try FixtureCSV.table(csv: try fixtureFiles.text("mediation/\(file)"))
    }

    func expectEquation(_ equation: PathEquation, _ expected: [String: Any], _ what: String) throws {
        // lm lists interactions after the main effects; PROCESS (and alliance) after X and W: match by term.
        let terms = try #require(expected["terms"] as? [String])
        #expect(equation.coefficients.map(\.term).sorted() == terms.sorted(), "\(what): terms")
        let columns: [(String, KeyPath<Coefficient, Double?>)] = [
            ("estimate", \.estimate), ("std_error", \.stdError), ("statistic", \.statistic), ("p_value", \.pValue),
            ("conf_low", \.confLow), ("conf_high", \.confHigh),
        ]
        for (key, path) in columns {
            let values = try expected.doubles(key)
            for (term, v) in zip(terms, values) {
                expectClose(equation.coefficient(term)?[keyPath: path], v, Self.tolerance, "\(what) \(term) \(key)")
            }
        }
        expectClose(equation.rSquared, try expected.double("r_squared"), Self.tolerance, "\(what) R²")
        expectClose(equation.sigma, try expected.double("sigma"), Self.tolerance, "\(what) sigma")
        expectClose(equation.fStatistic, try expected.double("f_statistic"), Self.tolerance, "\(what) F")
        #expect(Double(equation.dfResidual) == (try expected.double("df_residual")))
    }

    func checkMediation(_ spec: MediationSpecification, data: String, case name: String) throws {
        let expected = try reference(name)
        let result = try Mediation.fit(spec, data: try table(data))
        let equations = try #require(expected["equations"] as? [[String: Any]])
        #expect(result.equations.count == equations.count)
        for (k, (e, x)) in zip(result.equations, equations).enumerated() { try expectEquation(e, x, "\(name) equation \(k)") }
        let stats = try expected.doubles("statistics")
        var mine: [Double] = []
        for effect in result.effects {
            if let indirect = effect.indirect { mine.append(indirect.estimate) }
            if let index = effect.indexOfModeratedMediation { mine.append(index.estimate) }
            mine += effect.conditionalIndirect.map(\.effect.estimate)
        }
        if let total = result.totalIndirect { mine.append(total.estimate) }
        #expect(mine.count == stats.count, "\(name): statistics")
        for (a, b) in zip(mine, stats) { expectClose(a, b, Self.tolerance, "\(name) statistic") }
        let probes = try expected.doubles("probes")
        #expect(isClose(result.probes, probes, Self.tolerance), "\(name) probes \(result.probes) vs \(probes)")
        #expect(Double(result.counts.rowsUsed) == (try expected.double("rows")))
        // The statistics from the bootstrap's cross-product kernel on all rows equal lm's (the kernel's accuracy).
        let layout = try Mediation.Layout(spec, data: try table(data))
        let kernel = WeightedCrossProducts(variables: layout.raw)
        var c: [Double] = []
        let weights = [Double](repeating: 1, count: kernel.rows)
        kernel.products(weights: weights, into: &c)
        let fromKernel = try #require(layout.statistics(kernel, c, weights: weights))
        for (a, b) in zip(fromKernel, stats) { expectClose(a, b, .relativeOrAbsolute(1e-11), "\(name) kernel statistic") }
    }

    static func options() -> BootstrapOptions { BootstrapOptions(resamples: 20, seed: 1) }

    @Test func talOrModel4() throws {
        try checkMediation(MediationSpecification(x: "cond", mediators: ["pmi"], y: "reaction", bootstrap: Self.options()),
                           data: "tal_or.csv", case: "talor_model4")
        // The values the issue quotes from Hayes (2022).
        let r = try Mediation.fit(MediationSpecification(x: "cond", mediators: ["pmi"], y: "reaction", bootstrap: Self.options()),
                                  data: try table("tal_or.csv"))
        #expect(r.processModel == 4)
        expectClose(r.effects[0].a.estimate, 0.476525, .absolute(5e-7))
        expectClose(r.effects[0].b.estimate, 0.506448, .absolute(5e-7))
        expectClose(r.effects[0].indirect?.estimate, 0.241335, .absolute(5e-7))
    }

    @Test func talOrParallelMediatorsWithCovariates() throws {
        try checkMediation(MediationSpecification(x: "cond", mediators: ["pmi", "import"], y: "reaction", covariates: ["gender", "age"],
                                                  bootstrap: Self.options()),
                           data: "tal_or.csv", case: "talor_parallel")
    }

    @Test func globalWarmModels7And14() throws {
        try checkMediation(MediationSpecification(x: "ideology", mediators: ["negemot"], y: "govact", covariates: ["sex"], w: "age",
                                                  moderate: .a, bootstrap: Self.options()),
                           data: "global_warm.csv", case: "warm_model7")
        try checkMediation(MediationSpecification(x: "ideology", mediators: ["negemot"], y: "govact", covariates: ["sex"], w: "age",
                                                  moderate: .b, bootstrap: Self.options()),
                           data: "global_warm.csv", case: "warm_model14")
        try checkMediation(MediationSpecification(x: "ideology", mediators: ["negemot"], y: "govact", covariates: ["sex"], w: "age",
                                                  moderate: .b, probes: .meanSD, bootstrap: Self.options()),
                           data: "global_warm.csv", case: "warm_model14_meansd")
    }

    @Test func simulatedSets() throws {
        try checkMediation(MediationSpecification(x: "arm", mediators: ["wai"], y: "phq_post", covariates: ["phq_pre"],
                                                  cluster: "therapist", bootstrap: Self.options()),
                           data: "simulated.csv", case: "sim_model4")
        try checkMediation(MediationSpecification(x: "phq_pre", mediators: ["wai"], y: "phq_post", w: "arm", moderate: .a,
                                                  bootstrap: Self.options()),
                           data: "simulated.csv", case: "sim_model7_binary_w")
        try checkMediation(MediationSpecification(x: "arm", mediators: ["wai"], y: "phq_post", w: "phq_pre", moderate: .b,
                                                  bootstrap: Self.options()),
                           data: "simulated.csv", case: "sim_model14")
    }

    func checkModeration(_ spec: ModerationSpecification, data: String, case name: String) throws {
        let expected = try reference(name)
        let result = try Moderation.fit(spec, data: try table(data))
        try expectEquation(result.equation, try expected.object("equation"), name)
        #expect(isClose(result.probes, try expected.doubles("probes"), Self.tolerance), "\(name) probes")
        let keys: [(String, KeyPath<ConditionalEffect, Double>)] = [
            ("effect", \.estimate), ("effect_se", \.stdError), ("effect_t", \.statistic), ("effect_p", \.pValue),
            ("effect_low", \.confLow), ("effect_high", \.confHigh),
        ]
        for (key, path) in keys {
            #expect(isClose(result.conditionalEffects.map { $0[keyPath: path] }, try expected.doubles(key), Self.tolerance), "\(name) \(key)")
        }
        expectClose(result.rSquaredChange, try expected.double("r_squared_change"), Self.tolerance, "\(name) ΔR²")
        expectClose(result.fChange, try expected.double("f_change"), Self.tolerance, "\(name) F change")
        #expect(isClose(result.johnsonNeyman.roots, try expected.doubles("jn_roots"), Self.tolerance), "\(name) JN roots")
        #expect(isClose(result.johnsonNeyman.bounds, try expected.doubles("jn_bounds"), Self.tolerance), "\(name) JN bounds")
        // Observed extremes: exact but for the last bit Foundation's JSON parser may round differently.
        expectClose(result.johnsonNeyman.minimum, try expected.double("w_min"), .relative(1e-15), "\(name) W minimum")
        expectClose(result.johnsonNeyman.maximum, try expected.double("w_max"), .relative(1e-15), "\(name) W maximum")
    }

    @Test func globalWarmModel1() throws {
        try checkModeration(ModerationSpecification(x: "negemot", w: "age", y: "govact", covariates: ["posemot", "ideology", "sex"]),
                            data: "global_warm.csv", case: "warm_model1")
        let r = try Moderation.fit(ModerationSpecification(x: "negemot", w: "age", y: "govact", covariates: ["posemot", "ideology", "sex"]),
                                   data: try table("global_warm.csv"))
        expectClose(r.interaction.estimate, 0.006331, .absolute(5e-7), "the interaction the issue quotes")
        try checkModeration(ModerationSpecification(x: "negemot", w: "age", y: "govact", probes: .meanSD, level: 0.90),
                            data: "global_warm.csv", case: "warm_model1_meansd")
    }

    @Test func simulatedModel1WithABoundInRange() throws {
        try checkModeration(ModerationSpecification(x: "wai", w: "phq_pre", y: "phq_post", covariates: ["arm"]),
                            data: "simulated.csv", case: "sim_model1")
        let r = try Moderation.fit(ModerationSpecification(x: "wai", w: "phq_pre", y: "phq_post", covariates: ["arm"]),
                                   data: try table("simulated.csv"))
        let jn = r.johnsonNeyman
        #expect(jn.bounds.count == 1)
        #expect(jn.regions.count == 2 && jn.regions[0].significant != jn.regions[1].significant)
    }

    @Test func quantileType6MatchesR() {
        // R: quantile(c(1, 2, 3, 4, 10), c(.16, .5, .84), type = 6) gives 1, 3, 10 (positions 0.96 and 5.04 clamp).
        let x = [1.0, 2, 3, 4, 10]
        expectClose(ProbeRule.quantileType6(x, 0.16), 1, .absolute(1e-15))
        expectClose(ProbeRule.quantileType6(x, 0.5), 3, .absolute(1e-15))
        expectClose(ProbeRule.quantileType6(x, 0.84), 10, .absolute(0))
        expectClose(ProbeRule.quantileType6(x, 0.3), 1.8, .absolute(1e-15))
        expectClose(ProbeRule.quantileType6([5.0], 0.84), 5, .absolute(0))
    }
}
