import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Data steps run in notebooks like any command: their CSVs are outputs in the manifest, with hashes, and a
/// later block reads an earlier step's output.
@Suite struct DataStepNotebookTests {
    @Test func stepsAreRecordedInTheManifest() throws {
        let dir = try temporaryDirectory("nb-steps")
        _ = try NotebookRunner(notebookPath: try fixtureFiles.path("notebook/steps.md"), outputDirectory: dir, keepGoing: false).run()
        let manifest = try parseJSON(String(contentsOfFile: (dir as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        let paths = outputs.compactMap { $0["path"] as? String }
        #expect(paths.contains("later.csv") && paths.contains("clients.csv"))
        for output in outputs where ["later.csv", "clients.csv"].contains(output["path"] as? String ?? "") {
            let path = (dir as NSString).appendingPathComponent(output["path"] as? String ?? "")
            let bytes = try #require(FileManager.default.contents(atPath: path))
            #expect(SHA256.hex(of: Array(bytes)) == output["sha256"] as? String)
        }
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.contains { ($0["path"] as? String) == "../datasteps/handmade.csv" })
        let clients = try String(contentsOfFile: (dir as NSString).appendingPathComponent("clients.csv"), encoding: .utf8)
        // k01 sessions 2–3: phq 15, 12; lags 18, 15.
        #expect(clients.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix("client,phq_mean,phq_lag_mean,n\nk01,13.5,16.5,2\n"))
    }
}
