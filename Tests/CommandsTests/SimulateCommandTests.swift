import AllianceTestSupport
import Foundation
import Testing
@testable import Commands
import Simulation

@Test func simulateWritesBothFilesAndRecordsTheSeed() throws {
    let dir = try temporaryDirectory("simulate")
    let run = try runCommand(["simulate", "--clients", "120", "--therapists", "6", "--seed", "9", "--out", "study", "--format", "json"],
                             outputDirectory: dir)
    #expect(run.error == nil)
    let clinic = try String(contentsOfFile: (dir as NSString).appendingPathComponent("study/clinic.csv"), encoding: .utf8)
    let sessions = try String(contentsOfFile: (dir as NSString).appendingPathComponent("study/sessions.csv"), encoding: .utf8)
    let expected = try simulate(SimulationParameters(clients: 120, therapists: 6, seed: 9))
    #expect(clinic == expected.clientCSV())
    #expect(sessions == expected.sessionCSV())
    let json = try parseJSON(run.stdout)
    #expect(json["seed"] as? String == "9")
    #expect(json["synthetic"] as? Bool == true)
    let targets = try #require(json["targets"] as? [String: Any])
    #expect(targets["alliance_symptom_lag"] as? Double == -0.1)
    let latent = try #require(json["latent"] as? [String: Any])
    #expect(latent["alliance_symptom_lag"] as? Double == expected.latent.allianceSymptomLag)
    let assumptions = try #require(json["assumptions"] as? [String: Any])
    #expect(assumptions["between_within_ratio"] as? Double == 2)
}

@Test func simulateTakesTheSessionLagAsAnOption() throws {
    let dir = try temporaryDirectory("simulate-lag")
    let run = try runCommand(["simulate", "--clients", "50", "--therapists", "5", "--alliance-symptom-lag=-0.25",
                              "--out", "lag", "--format", "json"], outputDirectory: dir)
    #expect(run.error == nil)
    let sessions = try String(contentsOfFile: (dir as NSString).appendingPathComponent("lag/sessions.csv"), encoding: .utf8)
    let expected = try simulate(SimulationParameters(clients: 50, therapists: 5, allianceSymptomLag: -0.25))
    #expect(sessions == expected.sessionCSV())
    let json = try parseJSON(run.stdout)
    #expect((json["targets"] as? [String: Any])?["alliance_symptom_lag"] as? Double == -0.25)
    let bad = try runCommand(["simulate", "--alliance-symptom-lag", "2", "--out", "x"], outputDirectory: dir)
    #expect(bad.error?.exitCode == 64)
    #expect(bad.error?.message.contains("allianceSymptomLag") == true)
}

@Test func simulateRejectsImpossibleParametersAsUsageErrors() throws {
    let dir = try temporaryDirectory("simulate-bad")
    let run = try runCommand(["simulate", "--dropout-rate", "1.5", "--out", "x"], outputDirectory: dir)
    #expect(run.error?.exitCode == 64)
    #expect(run.error?.message.contains("dropoutRate") == true)
    #expect(!FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("x/clinic.csv")))
}

@Test func simulateTrialWritesTrialCSVAndTheTrueValues() throws {
    let dir = try temporaryDirectory("simulate-trial")
    let run = try runCommand(["simulate", "--trial", "--clients", "200", "--therapists", "8", "--seed", "5",
                              "--teletherapy-share", "0.3", "--out", "t", "--format", "json"], outputDirectory: dir)
    #expect(run.error == nil)
    let csv = try String(contentsOfFile: (dir as NSString).appendingPathComponent("t/trial.csv"), encoding: .utf8)
    let p = TrialParameters(clients: 200, therapists: 8, seed: 5, teletherapyShare: 0.3)
    #expect(csv == (try simulateTrial(p).csv()))
    #expect(!FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("t/clinic.csv")))
    let json = try parseJSON(run.stdout)
    #expect(json["synthetic"] as? Bool == true)
    #expect(json["seed"] as? String == "5")
    let truths = try #require(json["true_values"] as? [String: Any])
    #expect(truths["a"] as? Double == 1.8)
    // The JSON writer need not print the shortest round-trip form (0.144… came back 5e-17 off), hence relative 1e-12.
    for (key, truth) in [("indirect", p.modelFourIndirect), ("index_of_moderated_mediation", p.indexOfModeratedMediation),
                         ("indirect_teletherapy", p.conditionalIndirect(modality: 1))] {
        let value = try #require(truths[key] as? Double)
        #expect(abs(value - truth) <= 1e-12 * abs(truth), "\(key): \(value) vs \(truth)")
    }
    let bad = try runCommand(["simulate", "--trial", "--teletherapy-share", "1.2", "--out", "u"], outputDirectory: dir)
    #expect(bad.error?.exitCode == 64)
    #expect(bad.error?.message.contains("teletherapy_share") == true)
    #expect(!FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("u/trial.csv")))
}
