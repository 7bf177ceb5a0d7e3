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
