import Foundation
import Testing
@testable import Simulation

/// Re-derives the attenuation corrections in `LatentParameters.AttenuationCorrection.calibrated`:
/// simulate a large sample at the defaults, measure each observed target, scale the correction by
/// target / observed, repeat. Runs only with ALLIANCE_CALIBRATE=1 (it takes minutes in debug builds);
/// paste the printed values into LatentParameters.swift and docs/simulation.md.
@Test(.enabled(if: ProcessInfo.processInfo.environment["ALLIANCE_CALIBRATE"] == "1"))
func calibrate() throws {
    let env = ProcessInfo.processInfo.environment
    let clients = Int(env["ALLIANCE_CALIBRATE_CLIENTS"] ?? "") ?? 200_000
    let rounds = Int(env["ALLIANCE_CALIBRATE_ROUNDS"] ?? "") ?? 3
    var p = SimulationParameters(clients: clients, therapists: clients / 50, seed: 777)
    var correction = LatentParameters.AttenuationCorrection.calibrated
    for round in 1...rounds {
        p.seed = UInt64(1000 + round)
        let latent = try LatentParameters(p, correction: correction)
        let study = try simulate(p, latent: latent)
        let o = ObservedTargets(study)
        print("round \(round): correction \(correction)")
        let session = try SessionTargets(direct: study)
        print("  observed lag slope \(session.withinLagSlope) (pairs \(session.pairs)) between-client \(session.betweenClientSlope)")
        print("  observed r_AO \(o.allianceOutcomeR) r_HW \(o.homeworkOutcomeR) ICC \(o.therapistShare) dropout \(o.dropoutRate) d \(o.allianceDropoutD) between \(o.betweenSlope) within \(o.withinSlope) nWAI \(o.completersWithAlliance)/\(o.completers)")
        correction.allianceOutcome *= p.allianceOutcomeR / o.allianceOutcomeR
        correction.homeworkOutcome *= p.homeworkOutcomeR / o.homeworkOutcomeR
        correction.therapistShare *= p.therapistOutcomeShare / o.therapistShare
        correction.allianceDropout *= p.allianceDropoutD / o.allianceDropoutD
        correction.allianceSymptomLag *= p.allianceSymptomLag / session.withinLagSlope
    }
    print("calibrated: \(correction)")
}
