import Commands
import Foundation
import Testing

/// The measures commands through the root command line and the notebook runner: they are registered,
/// their files land in the report folder, and two runs give identical bytes.
@Suite struct MeasuresNotebookTests {
    @Test func subcommandsAreRegistered() throws {
        let data = try MeasuresFixtures.path("change.csv")
        #expect(try AllianceCLI.parseAsRoot(["score", data, "--instrument", "phq-9"]) is ScoreCommand)
        #expect(try AllianceCLI.parseAsRoot(["reliability", data, "--items", "phq_pre,phq_post"]) is ReliabilityCommand)
        #expect(try AllianceCLI.parseAsRoot(["change", data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5",
                                             "--reliability", ".8"]) is ChangeCommand)
    }

    @Test func notebookRunIsReproducible() throws {
        let folder = try MeasuresFixtures.scratchDirectory()
        for name in ["items.csv", "change.csv"] {
            try FileManager.default.copyItem(atPath: try MeasuresFixtures.path(name),
                                             toPath: folder.appendingPathComponent(name).path)
        }
        let notebook = folder.appendingPathComponent("measures.md")
        try """
            # Measures

            ```alliance
            alliance score items.csv --instrument wai-sr --out wai_scored.csv
            alliance reliability items.csv --instrument wai-sr --subscales
            alliance change change.csv --pre phq_pre --post phq_post --instrument phq-9 --out change_rows.csv --plot figures/change.svg
            alliance change change.csv --nhs-talking-therapies --phq-pre phq_pre --phq-post phq_post --gad-pre gad_pre --gad-post gad_post --sessions sessions_attended
            ```
            """.write(to: notebook, atomically: true, encoding: .utf8)

        func runOnce(_ name: String) throws -> URL {
            let out = folder.appendingPathComponent(name)
            let command = try RunCommand.parse([notebook.path, "--out", out.path])
            try command.run()
            return out
        }
        let first = try runOnce("out1"), second = try runOnce("out2")
        let report = try String(contentsOf: first.appendingPathComponent("measures.md"), encoding: .utf8)
        #expect(report.contains("Scoring wai-sr"))
        #expect(report.contains("Reliability of wai-sr"))
        #expect(report.contains("Reliable change: phq_pre to phq_post"))
        #expect(report.contains("![change](figures/change.svg)"))
        #expect(report.contains("NHS Talking Therapies outcomes"))
        #expect(!report.contains("**Error**"))
        for file in ["measures.md", "wai_scored.csv", "change_rows.csv", "figures/change.svg", "manifest.json"] {
            let a = try Data(contentsOf: first.appendingPathComponent(file))
            let b = try Data(contentsOf: second.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between runs")
        }
        // Results carry the file names as written in the notebook, never the machine's output folder.
        let results = try FileManager.default.contentsOfDirectory(atPath: first.appendingPathComponent("results").path)
        for name in results {
            let text = try String(contentsOf: first.appendingPathComponent("results/\(name)"), encoding: .utf8)
            #expect(!text.contains(folder.path), "\(name) holds a machine path")
        }
    }
}
