import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// The bootstrap against R's boot.ci on the very resamples alliance drew (Fixtures/mediation/*_resamples.txt,
/// written by `alliance mediate --export-resamples`; make_bootstrap.R recomputes every resample with lm):
/// percentile and BCa intervals and bootstrap SEs to 1e-10, for a row bootstrap (Tal_Or, two parallel mediators
/// and covariates) and a cluster bootstrap (simulated, PROCESS model 14, 24 therapists).
@Suite struct BootstrapReferenceTests {
    struct Case {
        let name: String
        let data: String
        let resamples: String
        let spec: MediationSpecification
    }

    static let cases = [
        Case(name: "tal_or_parallel", data: "tal_or.csv", resamples: "tal_or_resamples.txt",
             spec: MediationSpecification(x: "cond", mediators: ["pmi", "import"], y: "reaction", covariates: ["gender", "age"],
                                          bootstrap: BootstrapOptions(resamples: 399, seed: 7))),
        Case(name: "simulated_cluster_model14", data: "simulated.csv", resamples: "simulated_cluster_resamples.txt",
             spec: MediationSpecification(x: "arm", mediators: ["wai"], y: "phq_post", w: "phq_pre", moderate: .b, cluster: "therapist",
                                          bootstrap: BootstrapOptions(resamples: 250, seed: 11))),
    ]

    func table(_ file: String) throws -> Table {
        try FixtureCSV.table(csv: try fixtureFiles.text("mediation/\(file)"))
    }

    /// The bootstrapped estimates in the order of the statistics (each mediator's, then the total).
    static func estimates(_ r: MediationResult) -> [BootstrapEstimate] {
        var out: [BootstrapEstimate] = []
        for e in r.effects {
            if let i = e.indirect { out.append(i) }
            if let i = e.indexOfModeratedMediation { out.append(i) }
            out += e.conditionalIndirect.map(\.effect)
        }
        if let t = r.totalIndirect { out.append(t) }
        return out
    }

    @Test(arguments: cases.indices)
    func resamplesAreTheCommittedOnes(_ k: Int) throws {
        let c = Self.cases[k]
        let data = try table(c.data)
        let rows = try Mediation.modelRows(c.spec, data: data)
        let drawn = try Mediation.resampleRows(c.spec, data: data, resamples: 0..<c.spec.bootstrap.resamples)
        let lines = try fixtureFiles.text("mediation/\(c.resamples)").split(separator: "\n").map(String.init)
        #expect(lines.count == drawn.count)
        for (i, (line, resample)) in zip(lines, drawn).enumerated() {
            #expect(line == resample.map { String(rows[$0] + 1) }.joined(separator: " "), "resample \(i)")
        }
    }

    @Test(arguments: cases.indices)
    func intervalsMatchBootCI(_ k: Int) throws {
        let c = Self.cases[k]
        let reference = try #require(try parseJSON(try fixtureFiles.text("mediation/boot_reference.json"))[c.name] as? [[String: Any]])
        for method in BootstrapIntervalMethod.allCases {
            for level in [0.95, 0.90] {
                var spec = c.spec
                spec.level = level
                spec.bootstrap.method = method
                let result = try Mediation.fit(spec, data: try table(c.data))
                #expect(result.bootstrap.failures == 0)
                let mine = Self.estimates(result)
                for entry in reference where abs(try entry.double("level") - level) < 1e-12 {
                    let s = Int(try entry.double("statistic"))
                    let what = "\(c.name) statistic \(s) \(method) \(level)"
                    expectClose(mine[s].estimate, try entry.double("estimate"), .relativeOrAbsolute(1e-10), "\(what) estimate")
                    expectClose(mine[s].bootStdError, try entry.double("boot_std_error"), .relativeOrAbsolute(1e-10), "\(what) boot SE")
                    let ends = try entry.doubles(method == .percentile ? "perc" : "bca")
                    expectClose(mine[s].confLow, ends[0], .relativeOrAbsolute(1e-10), "\(what) low")
                    expectClose(mine[s].confHigh, ends[1], .relativeOrAbsolute(1e-10), "\(what) high")
                }
            }
        }
    }

    @Test func sameBytesOnAnyNumberOfWorkers() throws {
        let c = Self.cases[1]
        var results: [BootstrapReplicates] = []
        for workers in [1, 2, 3, 7] {
            var spec = c.spec
            spec.bootstrap.workers = workers
            results.append(try Mediation.fit(spec, data: try table(c.data)).replicates)
        }
        for r in results.dropFirst() {
            #expect(r.values.map(\.bitPattern) == results[0].values.map(\.bitPattern))
        }
    }

    @Test func failedResamplesAreCountedAndLeftOut() throws {
        // One treated row in twelve: a resample without it has a constant X, so its a path cannot be fitted.
        var csv = "x,m,y\n"
        for r in 0..<12 { csv += "\(r == 0 ? 1 : 0),\(Double(r % 5) + 0.5 * Double(r)),\(Double((r * 7) % 11))\n" }
        let data = try FixtureCSV.table(csv: csv)
        let result = try Mediation.fit(MediationSpecification(x: "x", mediators: ["m"], y: "y",
                                                              bootstrap: BootstrapOptions(resamples: 200, seed: 3)), data: data)
        let column = result.replicates.column(0)
        let failed = column.filter { !$0.isFinite }.count
        // P(row 0 never drawn) = (11/12)^12 ≈ 0.35, so about 70 of 200 fail.
        #expect(failed > 30 && failed < 120)
        #expect(result.bootstrap.failures == failed)
        #expect(result.warnings.contains { $0.contains("\(failed) of 200 bootstrap resamples could not be fitted") })
        let interval = try #require(BootstrapInterval.percentile(column, level: 0.95))
        #expect(result.effects[0].indirect?.confLow == interval.low)
    }

    @Test func normInterFollowsBoot() {
        // R: boot:::norm.inter(c(5, 1, 4, 2, 3), c(0.2, 0.5, 0.025, 0.99))[, 2] — an exact order statistic at
        // (R + 1)α = 3, the extremes outside 1..<R, and interpolation on the normal scale at 1.2.
        let sorted = [1.0, 2, 3, 4, 5]
        #expect(BootstrapInterval.normInter(sorted, 0.5) == 3)
        #expect(BootstrapInterval.normInter(sorted, 0.025) == 1)
        #expect(BootstrapInterval.normInter(sorted, 0.99) == 5)
        expectClose(BootstrapInterval.normInter(sorted, 0.2), 1.234398502665957, .relative(1e-14))
    }
}

/// alliance's 5,000-resample interval against lavaan's (sem(se = "bootstrap"), 5,000 resamples, percentile;
/// Fixtures/mediation/make_lavaan.R): different resamples, so they agree within Monte-Carlo error only. For a
/// 2.5% quantile from 5,000 resamples the Monte-Carlo SD is about 0.04 bootstrap SEs, so two independent
/// bootstraps differ by about 0.055 SE; the bound is 0.25 SE (4.5 SDs), with alliance's bootstrap SE as the scale
/// (lavaan reports no SE for the defined parameter ab under these settings).
@Suite struct LavaanMonteCarloTests {
    @Test func talOrIndirectEffectAgreesWithLavaan() throws {
        let reference = try parseJSON(try fixtureFiles.text("mediation/lavaan_reference.json")).object("tal_or_model4")
        let data = try FixtureCSV.table(csv: try fixtureFiles.text("mediation/tal_or.csv"))
        let result = try Mediation.fit(MediationSpecification(x: "cond", mediators: ["pmi"], y: "reaction",
                                                              bootstrap: BootstrapOptions(resamples: 5000, seed: 1)), data: data)
        let mine = try #require(result.effects[0].indirect)
        let se = try #require(mine.bootStdError)
        expectClose(mine.estimate, try reference.double("estimate"), .relative(1e-8), "ab (lavaan's ML estimate equals OLS)")
        expectClose(mine.confLow, try reference.double("conf_low"), .absolute(0.25 * se), "lower end")
        expectClose(mine.confHigh, try reference.double("conf_high"), .absolute(0.25 * se), "upper end")
    }
}
