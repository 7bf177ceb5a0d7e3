import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Profile-likelihood intervals of the variance components and the ICC intervals (issue 12 items 3–4), against
/// Fixtures/lmm/profile_reference.json from make_profile_fixtures.R (R 4.2.2, lme4 1.1-31, boot): lme4's own
/// `devfun2` profile solved exactly by uniroot (tol 1e-11) with BOBYQA at ftol_abs = xtol_abs = 1e-12 inside — not
/// lme4's spline, which is good to about 1e-3. Both sides re-optimise the nuisance parameters to ~1e-12 in the
/// deviance, so ζ is known to ~1e-10 and each end to ~1e-9 relative; the tolerance is 1e-7 relative (absolute
/// for an end at 0). lme4 profiles the ML deviance even for REML fits, so the REML fits are held to the same
/// ML intervals.
@Suite("LMM profile intervals and ICC intervals against exact R solutions")
struct ProfileIntervalTests {
    static var reference: [String: Any] { (try? fixtureFiles.jsonObject("lmm/profile_reference.json")) ?? [:] }
    static let tolerance = 1e-7

    static func number(_ value: Any?) -> Double? {
        if let s = value as? String { return Double(s) }
        return jsonNumber(value)
    }

    static func fit(_ data: String, _ formula: String, reml: Bool, profile: ProfileIntervalChoice = .automatic,
                    bootstrap: MixedBootstrapOptions? = nil) throws -> LinearMixedModelResult {
        let table = try fixtureFiles.table("lmm/\(data)")
        let options = LinearMixedModelOptions(reml: reml, profileIntervals: profile, bootstrap: bootstrap)
        return try LinearMixedModel.fit(formula: try Formula(formula, dataColumns: table.columnNames), table: table, options: options)
    }

    /// lme4 names a nested factor inner:outer; alliance outer:inner.
    static func alliancesGroup(_ lme4: String) -> String {
        lme4 == "cask:batch" ? "batch:cask" : lme4
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let reml: Bool
        var testDescription: String { "\(name) \(reml ? "REML" : "ML")" }
    }

    static let cases: [Case] = ["dyestuff", "sleepstudy", "sleepstudy_uncorrelated", "penicillin", "pastes", "profile_basin"].flatMap {
        [Case(name: $0, reml: false), Case(name: $0, reml: true)]
    }

    @Test func fixturesPresent() throws {
        let profiles = try #require(ProfileIntervalTests.reference["profiles"] as? [String: Any])
        #expect(profiles.count == 6)
    }

    @Test(arguments: ProfileIntervalTests.cases)
    func profileIntervalsMatchR(_ c: Case) throws {
        let profiles = try #require(ProfileIntervalTests.reference["profiles"] as? [String: Any])
        let entry = try #require(profiles[c.name] as? [String: Any])
        let result = try ProfileIntervalTests.fit(try #require(entry["data"] as? String), try #require(entry["formula"] as? String), reml: c.reml)
        let parameters = try #require(entry["parameters"] as? [[String: Any]])
        let profiled = result.varianceComponents.filter { $0.confMethod != nil }
        #expect(profiled.count == parameters.count, "one interval per SD, correlation and σ")
        for p in parameters {
            let group = ProfileIntervalTests.alliancesGroup(try #require(p["group"] as? String))
            let terms = try #require(p["terms"] as? [String])
            let component = try #require(result.varianceComponents.first { $0.group == group && Set($0.terms) == Set(terms) },
                                         "\(group) \(terms)")
            #expect(component.confMethod == "profile")
            for (key, actual) in [("conf_low", component.confLow), ("conf_high", component.confHigh)] {
                let expected = try #require(ProfileIntervalTests.number(p[key]))
                if expected == 0 {
                    expectClose(actual, 0, absolute: 1e-10, "\(c.testDescription) \(group) \(terms) \(key)")
                } else {
                    expectClose(actual, expected, relative: ProfileIntervalTests.tolerance, "\(c.testDescription) \(group) \(terms) \(key)")
                }
            }
        }
    }

    @Test func singleEndsAndBounds() throws {
        // Pastes' batch SD: the profile does not cross below 0, so the lower end is lme4's bound 0 exactly.
        let result = try ProfileIntervalTests.fit("pastes.csv", "strength ~ 1 + (1 | batch/cask)", reml: true)
        let batch = try #require(result.varianceComponents.first { $0.group == "batch" })
        #expect(batch.confLow == 0)
        #expect((batch.confHigh ?? 0) > (batch.standardDeviation ?? .infinity))
    }

    @Test func noProfileLeavesNoIntervals() throws {
        let result = try ProfileIntervalTests.fit("dyestuff.csv", "Yield ~ 1 + (1 | Batch)", reml: true, profile: .never)
        #expect(result.varianceComponents.allSatisfy { $0.confLow == nil && $0.confHigh == nil && $0.confMethod == nil })
        let icc = try #require(result.intraclassCorrelations.first)
        #expect(icc.confLow == nil && icc.confHigh == nil)
        #expect(icc.method.contains("--no-profile"))
    }

    @Test func profilesAreTheSameOnOneAndTwoThreads() throws {
        let table = try fixtureFiles.table("lmm/sleepstudy.csv")
        let formula = try Formula("Reaction ~ Days + (Days | Subject)", dataColumns: table.columnNames)
        let setup = try LinearMixedModel.Setup(formula: formula, table: table, options: LinearMixedModelOptions(profileIntervals: .never))
        let result = try setup.fit()
        let profile = try VarianceProfile(products: setup.products, structure: setup.structure, start: result.theta,
                                          startObjective: result.objective, reml: true)
        let one = profile.intervals(level: 0.95, workers: 1)
        let two = profile.intervals(level: 0.95, workers: 2)
        #expect(one.count == 4)
        #expect(one.map { [$0.low?.bitPattern, $0.high?.bitPattern] } == two.map { [$0.low?.bitPattern, $0.high?.bitPattern] })
        #expect(one.allSatisfy { $0.problem == nil })
    }

    @Test func costlyStructuresSkipProfilesByDefault() throws {
        // Two crossed factors: 500 and 400 levels; the second's 400-wide block fills in densely (400³ = 6.4e7 > 3e7).
        var csv = "y,a,b\n"
        for r in 0..<2000 { csv += "\(Double((r * 7919) % 1009) / 100),a\(r % 500),b\((r / 5) % 400)\n" }
        let table = try FixtureCSV.table(csv: csv)
        let frame = try ModelFrame(formula: try Formula("y ~ 1 + (1 | a) + (1 | b)", dataColumns: table.columnNames), table: table)
        let costly = try RandomEffectsStructure(frame: frame)
        let reason = try #require(VarianceProfile.unaffordableCost(costly))
        #expect(reason.contains("b (400 levels)"))
        // Penicillin's crossed sample factor (6 levels) is cheap.
        let penicillin = try fixtureFiles.table("lmm/penicillin.csv")
        let cheap = try RandomEffectsStructure(frame: try ModelFrame(
            formula: try Formula("diameter ~ 1 + (1 | plate) + (1 | sample)", dataColumns: penicillin.columnNames), table: penicillin))
        #expect(VarianceProfile.unaffordableCost(cheap) == nil)
    }

    @Test(arguments: ["dyestuff_reml", "dyestuff_ml", "sleepstudy_ri_reml"])
    func iccProfileMatchesR(_ name: String) throws {
        let iccs = try #require(ProfileIntervalTests.reference["icc_profiles"] as? [String: Any])
        let entry = try #require(iccs[name] as? [String: Any])
        let result = try ProfileIntervalTests.fit(try #require(entry["data"] as? String), try #require(entry["formula"] as? String),
                                                  reml: try #require(entry["reml"] as? Bool))
        let icc = try #require(result.intraclassCorrelations.first)
        // The estimate is the core fit's θ̂²/(1 + θ̂²): the criterion is flat to ~1e-12 within ~1e-6 of θ̂, so BOBYQA's θ̂
        // and R's optimize(tol = 1e-13) differ by up to ~2e-6 relative (Dyestuff REML: 1.4e-6). The interval ends do
        // not inherit that: they sit where the criterion has risen by χ²₁, which the optimum's value fixes to ~1e-12.
        expectClose(icc.estimate, try #require(ProfileIntervalTests.number(entry["estimate"])), relative: 1e-5, "\(name) estimate")
        expectClose(icc.confLow, try #require(ProfileIntervalTests.number(entry["conf_low"])), relative: ProfileIntervalTests.tolerance, "\(name) low")
        expectClose(icc.confHigh, try #require(ProfileIntervalTests.number(entry["conf_high"])), relative: ProfileIntervalTests.tolerance, "\(name) high")
        #expect(icc.method.contains("profile"))
    }

    @Test func severalFactorsWithoutBootstrapHaveNoInterval() throws {
        let result = try ProfileIntervalTests.fit("penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)", reml: true)
        #expect(result.intraclassCorrelations.count == 2)
        for icc in result.intraclassCorrelations {
            #expect(icc.confLow == nil && icc.confHigh == nil)
            #expect(icc.method.contains("--boot"))
        }
    }

    @Test func percentileInterpolationMatchesBoot() throws {
        let entry = try #require(ProfileIntervalTests.reference["norm_inter"] as? [String: Any])
        let replicates = try #require(entry["replicates"] as? [String]).compactMap(Double.init)
        for (key, level) in [("level_95", 0.95), ("level_90", 0.90)] {
            let expected = try #require(entry[key] as? [String]).compactMap(Double.init)
            // Shuffled order must not matter; the interpolation is exact arithmetic on order statistics.
            let interval = try #require(IntraclassBootstrap.percentileInterval(replicates.reversed(), level: level))
            expectClose(interval.0, expected[0], relative: 1e-12, "\(key) low")
            expectClose(interval.1, expected[1], relative: 1e-12, "\(key) high")
        }
    }

    @Test func bootstrapIsTheSameOnOneAndTwoThreads() throws {
        let table = try fixtureFiles.table("lmm/penicillin.csv")
        let formula = try Formula("diameter ~ 1 + (1 | plate) + (1 | sample)", dataColumns: table.columnNames)
        let setup = try LinearMixedModel.Setup(formula: formula, table: table, options: LinearMixedModelOptions(profileIntervals: .never))
        let result = try setup.fit()
        let factor = MixedFactor(products: setup.products, structure: setup.structure)
        factor.update(result.theta)
        let bootstrap = IntraclassBootstrap(setup: setup, theta: result.theta, beta: factor.fixedEffects(), sigma: result.sigma)
        let one = bootstrap.run(resamples: 41, seed: 2026, workers: 1)
        let two = bootstrap.run(resamples: 41, seed: 2026, workers: 2)
        #expect(one.values.count == 2)
        #expect(one.values.map { $0.map(\.bitPattern) } == two.values.map { $0.map(\.bitPattern) })
        #expect(one.failures == two.failures)
        // A different seed gives different resamples.
        let other = bootstrap.run(resamples: 41, seed: 2027, workers: 2)
        #expect(other.values[0] != one.values[0])
    }

    @Test func bootstrapAgreesWithBootMerOnDyestuff() throws {
        let entry = try #require(ProfileIntervalTests.reference["icc_bootstrap"] as? [String: Any])
        let resamples = try #require(ProfileIntervalTests.number(entry["resamples"]))
        let result = try ProfileIntervalTests.fit("dyestuff.csv", "Yield ~ 1 + (1 | Batch)", reml: true, profile: .never,
                                                  bootstrap: MixedBootstrapOptions(resamples: Int(resamples), seed: 20261205))
        let icc = try #require(result.intraclassCorrelations.first)
        #expect(icc.method.contains("bootstrap"))
        // Monte Carlo error: R's order-statistic SE of each end, the same again for ours; 4 combined SEs. bootMer's
        // lower end is 0 (more than 2.5% of its refits are singular), so ours must be 0 up to BOBYQA's boundary
        // rounding.
        for (key, actual) in [("low", icc.confLow), ("high", icc.confHigh)] {
            let expected = try #require(ProfileIntervalTests.number(entry["conf_\(key)"]))
            let se = try #require(ProfileIntervalTests.number(entry["mc_se_\(key)"]))
            let bound = max(4 * (2 * se * se).squareRoot(), 1e-6)
            expectClose(actual, expected, absolute: bound, "bootstrap \(key)")
        }
    }
}
