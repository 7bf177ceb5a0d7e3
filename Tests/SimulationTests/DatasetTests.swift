import Foundation
import Testing
@testable import Simulation

/// The committed Datasets/ are the generator's output for these parameters, byte for byte.
/// Regenerate with:
///   ALLIANCE_REGENERATE_DATASETS=1 swift test --filter SimulationTests.regenerateDatasets
let datasetParameters = SimulationParameters(clients: 1000, therapists: 40, sites: 3, seed: 20_240_601)

private let datasetsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Datasets")

@Test(.enabled(if: ProcessInfo.processInfo.environment["ALLIANCE_REGENERATE_DATASETS"] == "1"))
func regenerateDatasets() throws {
    let study = try simulate(datasetParameters)
    try Data(study.clientCSV().utf8).write(to: datasetsDirectory.appendingPathComponent("clinic.csv"), options: .atomic)
    try Data(study.sessionCSV().utf8).write(to: datasetsDirectory.appendingPathComponent("sessions.csv"), options: .atomic)
}

@Test func committedDatasetsMatchTheGenerator() throws {
    let study = try simulate(datasetParameters)
    let clinic = try Data(contentsOf: datasetsDirectory.appendingPathComponent("clinic.csv"))
    let sessions = try Data(contentsOf: datasetsDirectory.appendingPathComponent("sessions.csv"))
    #expect(clinic == Data(study.clientCSV().utf8), "Datasets/clinic.csv differs from the generator; regenerate (see DatasetTests.swift)")
    #expect(sessions == Data(study.sessionCSV().utf8), "Datasets/sessions.csv differs from the generator; regenerate")
    #expect(clinic.count < 5_000_000 && sessions.count < 5_000_000)
}
