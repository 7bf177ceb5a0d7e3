import DataTable
import Foundation
import Models
import Testing
@testable import Simulation

private let datasetsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Datasets")

/// Datasets/trial.csv is `alliance simulate --trial --out Datasets` (the default parameters), byte for byte.
/// Regenerate with that command, or ALLIANCE_REGENERATE_DATASETS=1 swift test --filter SimulationTests.regenerateTrial
@Test(.enabled(if: ProcessInfo.processInfo.environment["ALLIANCE_REGENERATE_DATASETS"] == "1"))
func regenerateTrial() throws {
    let trial = try simulateTrial(TrialParameters())
    try Data(trial.csv().utf8).write(to: datasetsDirectory.appendingPathComponent("trial.csv"), options: .atomic)
}

@Test func committedTrialMatchesTheGenerator() throws {
    let committed = try Data(contentsOf: datasetsDirectory.appendingPathComponent("trial.csv"))
    #expect(committed == Data(try simulateTrial(TrialParameters()).csv().utf8),
            "Datasets/trial.csv differs from the generator; regenerate (see TrialTests.swift)")
}

@Test func trialIsTheSameBytesForTheSameSeedAndDiffersForAnother() throws {
    let p = TrialParameters(clients: 300, therapists: 10, seed: 77)
    let first = try simulateTrial(p).csv()
    #expect(first == (try simulateTrial(p).csv()))
    #expect(first != (try simulateTrial(TrialParameters(clients: 300, therapists: 10, seed: 78)).csv()))
    #expect(first.hasPrefix(SimulatedTrial.columns.joined(separator: ",") + "\n"))
    #expect(first.split(separator: "\n").count == 301)
}

/// The closed-form truths follow from the parameters: model 4 averages b over modality (b + π·b_w).
@Test func trialTrueValuesAreTheClosedForms() {
    let p = TrialParameters()
    #expect(p.modelFourB == -0.24 + 0.5 * 0.08)
    #expect(abs(p.modelFourIndirect - 1.8 * -0.20) < 1e-15)
    #expect(abs(p.conditionalIndirect(modality: 0) - 1.8 * -0.24) < 1e-15)
    #expect(abs(p.conditionalIndirect(modality: 1) - 1.8 * -0.16) < 1e-15)
    #expect(abs(p.indexOfModeratedMediation - 1.8 * 0.08) < 1e-15)
    #expect(abs(p.totalEffect - (-0.5 + 1.8 * -0.20)) < 1e-15)
}

/// On 40,000 clients the OLS estimates of the generating equations lie within 4 of their own standard errors of
/// the true values (a 4-SE miss has probability 6e-5 per estimate). The equations are the generator's own, so
/// the classical SEs are right for a, b, b_w, c′ and γ; the model-4 regression omits the alliance × modality
/// term, whose part b_w·(modality − π)·alliance is uncorrelated with the regressors but heteroscedastic, so
/// its b is judged with HC3 standard errors (sandwich::vcovHC type HC3).
@Test func largeTrialRecoversTheTruePaths() throws {
    let p = TrialParameters(clients: 40_000, therapists: 400, seed: 4242)
    let data = try simulateTrial(p).table
    func within4SE(_ result: RegressionResult, _ term: String, _ truth: Double) throws {
        let c = try #require(result.coefficient(term))
        let estimate = try #require(c.estimate), se = try #require(c.stdError)
        #expect(abs(estimate - truth) < 4 * se, "\(term): \(estimate) vs true \(truth) (SE \(se))")
        #expect(se < 0.2 * max(abs(truth), 0.1), "\(term): the SE \(se) is too large for a meaningful check")
    }
    let mediator = try Regression.ols("wai_sr_total ~ arm + phq_pre", data: data)
    try within4SE(mediator, "arm", p.a)
    try within4SE(mediator, "phq_pre", 0)
    let outcome = try Regression.ols("phq_post ~ arm + wai_sr_total * modality + phq_pre", data: data)
    try within4SE(outcome, "arm", p.cPrime)
    try within4SE(outcome, "wai_sr_total", p.b)
    try within4SE(outcome, "wai_sr_total:modality", p.bModality)
    try within4SE(outcome, "phq_pre", p.gamma)
    let modelFour = try Regression.ols("phq_post ~ arm + wai_sr_total + phq_pre", data: data,
                                       options: RegressionOptions(covariance: .robust(.hc3)))
    try within4SE(modelFour, "wai_sr_total", p.modelFourB)
    try within4SE(modelFour, "arm", p.cPrime)
}

/// Alliance and baseline stay inside their scales (the bounded draws), with no clipping.
@Test func trialScoresStayInsideTheirScales() throws {
    let table = try simulateTrial(TrialParameters(clients: 20_000)).table
    func values(_ name: String) throws -> [Double] {
        let column = try #require(table.column(named: name))
        guard case .numeric(let c) = column.data else {
            Issue.record("\(name) is not numeric")
            return []
        }
        return c.values
    }
    let wai = try values("wai_sr_total"), pre = try values("phq_pre")
    #expect(wai.count == 20_000 && pre.count == 20_000)
    #expect(wai.allSatisfy { $0 >= 12 && $0 <= 60 })
    #expect(pre.allSatisfy { $0 >= 0 && $0 <= 27 })
    let arm = Set(try values("arm")), modality = Set(try values("modality"))
    #expect(arm == [0, 1] && modality == [0, 1])
}

@Test func trialRejectsParametersOutsideTheScales() {
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(allianceIntercept: 50)) }
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(phqPreMean: 25)) }
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(teletherapyShare: 1)) }
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(clients: 100, therapists: 0)) }
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(outcomeSD: 0)) }
    #expect(throws: SimulationError.self) { try simulateTrial(TrialParameters(b: .nan)) }
}
