import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

@Suite struct CommandLineSplitterTests {
    @Test func quotesAndEscapes() throws {
        #expect(try CommandLineSplitter.split("fit ols data.csv --formula \"y ~ x + `a b`\"") ==
                ["fit", "ols", "data.csv", "--formula", "y ~ x + `a b`"])
        #expect(try CommandLineSplitter.split("a 'b c' d\\ e \"f\\\"g\"") == ["a", "b c", "d e", "f\"g"])
        #expect(throws: CommandLineSplitter.SplitError.self) { try CommandLineSplitter.split("a \"b") }
    }
}

@Suite struct NotebookDocumentTests {
    @Test func findsOnlyAllianceBlocksWithLineNumbers() {
        let doc = NotebookDocument(text: "# T\n\n```alliance\n# comment\ndescribe x.csv\n\ncheck x.csv\n```\n\n```sh\nls\n```\n")
        let blocks = doc.segments.compactMap { segment -> [NotebookDocument.Command]? in
            if case .block(_, _, let commands) = segment { return commands }
            return nil
        }
        #expect(blocks.count == 1)
        #expect(blocks[0].map(\.line) == [5, 7])
        #expect(blocks[0].map(\.text) == ["describe x.csv", "check x.csv"])
    }
}

@Suite struct NotebookRunTests {
    private func run(_ notebook: String, into dir: String, keepGoing: Bool = false) throws -> NotebookRunner.Outcome {
        try NotebookRunner(notebookPath: notebook, outputDirectory: dir, keepGoing: keepGoing).run()
    }

    @Test func twoRunsGiveIdenticalBytesAndTheManifestHashesMatch() throws {
        let a = try temporaryDirectory("nb-a"), b = try temporaryDirectory("nb-b")
        let notebook = try fixtureFiles.path("notebook/tiny.md")
        _ = try run(notebook, into: a)
        _ = try run(notebook, into: b)
        #expect(try ReportComparison.compare(expected: a, actual: b).isEmpty)
        let files = ReportComparison.files(in: a)
        #expect(files.contains("tiny.md") && files.contains("tiny.html") && files.contains("manifest.json"))
        #expect(files.filter { $0.hasPrefix("results/") }.count == 2)

        let manifest = try parseJSON(String(contentsOfFile: (a as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(outputs.count == 4)
        for output in outputs {
            let path = try #require(output["path"] as? String)
            let bytes = try #require(FileManager.default.contents(atPath: (a as NSString).appendingPathComponent(path)))
            #expect(SHA256.hex(of: Array(bytes)) == output["sha256"] as? String, "hash of \(path)")
            #expect(bytes.count == output["bytes"] as? Int)
        }
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let input = try #require(inputs.first)
        #expect(input["path"] as? String == "../small.csv")
        let csv = try #require(FileManager.default.contents(atPath: try fixtureFiles.path("small.csv")))
        #expect(input["sha256"] as? String == SHA256.hex(of: Array(csv)))
        #expect(manifest["blas"] is [String: Any])
        #expect(manifest["source_date_epoch"] == nil || ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] != nil)
    }

    @Test func reportHasResultsBelowBlocksAndShellBlocksAreNotRun() throws {
        let dir = try temporaryDirectory("nb-report")
        _ = try run(try fixtureFiles.path("notebook/tiny.md"), into: dir)
        let md = try String(contentsOfFile: (dir as NSString).appendingPathComponent("tiny.md"), encoding: .utf8)
        #expect(md.contains("| wai_total"))
        #expect(md.contains("```sh\nalliance describe nothing.csv\n```"))
        let html = try String(contentsOfFile: (dir as NSString).appendingPathComponent("tiny.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<table>") || html.contains("<table"))
    }

    @Test func failingBlockStopsWithNotebookLine() throws {
        let dir = try temporaryDirectory("nb-fail")
        let notebook = (dir as NSString).appendingPathComponent("bad.md")
        try "Intro\n\n```alliance\ndescribe missing.csv\ndescribe also-missing.csv\n```\n".write(toFile: notebook, atomically: true, encoding: .utf8)
        let out = (dir as NSString).appendingPathComponent("out")
        let outcome = try run(notebook, into: out)
        #expect(outcome.failures.count == 1)
        #expect(outcome.failures.first?.line == 4)
        #expect(outcome.failures.first?.exitCode == 66)
        let kept = try run(notebook, into: out, keepGoing: true)
        #expect(kept.failures.map(\.line) == [4, 5])
        let md = try String(contentsOfFile: (out as NSString).appendingPathComponent("bad.md"), encoding: .utf8)
        #expect(md.contains("**Error** (line 5)"))
    }
}
