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

    /// A formula error's caret line used to follow the quote's first line unquoted: outside the block quote in the
    /// Markdown report, and with its spaces collapsed in HTML. Both keep it inside the quote, preformatted.
    @Test func formulaCaretStaysInsideTheErrorQuote() throws {
        let dir = try temporaryDirectory("nb-caret")
        let data = (dir as NSString).appendingPathComponent("d.csv")
        try "y,x\n1,2\n2,3\n3,5\n".write(toFile: data, atomically: true, encoding: .utf8)
        let notebook = (dir as NSString).appendingPathComponent("caret.md")
        try "```alliance\nfit ols d.csv --formula \"y ~ x + nosuch\"\n```\n".write(toFile: notebook, atomically: true, encoding: .utf8)
        let out = (dir as NSString).appendingPathComponent("out")
        let outcome = try run(notebook, into: out)
        #expect(outcome.failures.count == 1)
        let md = try String(contentsOfFile: (out as NSString).appendingPathComponent("caret.md"), encoding: .utf8)
        #expect(md.contains("> **Error** (line 2): d.csv: no column named 'nosuch' in the data"), "\(md)")
        #expect(md.contains("> ```\n>   y ~ x + nosuch\n>           ^"), "\(md)")
        let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("caret.html"), encoding: .utf8)
        #expect(html.contains("<pre>  y ~ x + nosuch\n          ^"), "\(html)")
        let quote = try #require(html.range(of: "<blockquote>"))
        let caret = try #require(html.range(of: "          ^"))
        let end = try #require(html.range(of: "</blockquote>"))
        #expect(quote.upperBound < caret.lowerBound && caret.upperBound < end.lowerBound)
    }
}
