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
}

@Test func simulateRejectsImpossibleParametersAsUsageErrors() throws {
    let dir = try temporaryDirectory("simulate-bad")
    let run = try runCommand(["simulate", "--dropout-rate", "1.5", "--out", "x"], outputDirectory: dir)
    #expect(run.error?.exitCode == 64)
    #expect(run.error?.message.contains("dropoutRate") == true)
    #expect(!FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("x/clinic.csv")))
}
