import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// The notebook rough edges of issue 19: subfolders of the output folder, `\` continuations, `--check` naming a
/// failing command first and finding the notebook from the manifest, and long command lines that wrap in HTML.
@Suite struct NotebookRoughEdgeTests {
    /// A folder with small.csv and a notebook `text` beside it; returns the notebook's path.
    func notebook(_ text: String, label: String) throws -> String {
        let dir = try temporaryDirectory(label)
        try FileManager.default.copyItem(atPath: try fixtureFiles.path("small.csv"), toPath: (dir as NSString).appendingPathComponent("small.csv"))
        let path = (dir as NSString).appendingPathComponent("nb.md")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func backslashContinuesTheCommand() {
        let doc = NotebookDocument(text: "```alliance\ndescribe x.csv \\\n  --max-levels 3 \\\n  --format json\n\ncheck x.csv\nsay a\\\\\n```\n")
        let commands = doc.segments.flatMap { segment -> [NotebookDocument.Command] in
            if case .block(_, _, let c) = segment { return c }
            return []
        }
        #expect(commands.map(\.text) == ["describe x.csv --max-levels 3 --format json", "check x.csv", "say a\\\\"])
        #expect(commands.map(\.line) == [2, 6, 7])
        #expect(NotebookDocument.endsInContinuation("a \\"))
        #expect(!NotebookDocument.endsInContinuation("a \\\\"))
    }

    @Test func continuedCommandRunsAndOutputSubfoldersAreCreated() throws {
        let path = try notebook("""
            # Sub

            ```alliance
            describe small.csv \\
              --format md \\
              --out tables/deep/describe.md
            ```

            """, label: "nb-sub")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let outcome = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        #expect(outcome.failures.isEmpty, "\(outcome.failures.map(\.message))")
        let written = (out as NSString).appendingPathComponent("tables/deep/describe.md")
        let table = try String(contentsOfFile: written, encoding: .utf8)
        #expect(table.contains("wai_total"))
        // Outside the output folder nothing is created for the user.
        let context = RunContext(outputDirectory: out, standardOutput: { _ in }, standardError: { _ in })
        #expect(throws: CLIError.self) { try context.writeFile("x", to: "../not-there/x.txt") }
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/not-there"))
    }

    /// Session 20: a notebook's command replaced the notebook itself (`--out ../nb.md`), was overwritten by the manifest
    /// (`--out manifest.json`, whose hashes then matched neither), and wrote beside the notebook (`--out ../x.csv`) — and,
    /// under `--check`, beside the temporary folder. Each is refused, naming the path, and nothing is written.
    @Test(arguments: [("../nb.md", "is the notebook itself"), ("manifest.json", "is the run's manifest"),
                      ("nb.html", "is the run's HTML report"), ("../escaped.csv", "is outside the run's output folder"),
                      ("/tmp/alliance-notebook-escape.csv", "is outside the run's output folder"),
                      ("results/001-line-4.json", "is in results/")])
    func commandsWriteOnlyInsideTheOutputFolder(target: String, expected: String) throws {
        let path = try notebook("# Out\n\n```alliance\ndescribe small.csv --format md --out \(target)\n```\n", label: "nb-escape")
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let outcome = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        let failure = try #require(outcome.failures.first)
        #expect(failure.message.contains("'\(target)' \(expected)"), "\(failure.message)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/escaped.csv"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/alliance-notebook-escape.csv"))
    }

    @Test func longCommandLinesWrapInTheHTMLReport() throws {
        let long = "describe small.csv " + String(repeating: "--max-levels 3 ", count: 20)
        let path = try notebook("```alliance\n\(long)\n```\n", label: "nb-wrap")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        _ = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("nb.html"), encoding: .utf8)
        let preRule = try #require(html.components(separatedBy: "\n").first { $0.hasPrefix("pre {") })
        #expect(preRule.contains("white-space: pre-wrap") && preRule.contains("overflow-wrap: anywhere"))
        #expect(!preRule.contains("overflow-x"))
    }

    @Test func manifestRecordsTheNotebookPathFromTheOutputFolder() throws {
        #expect(Manifest.path(of: "/a/b/Notebooks-md/x.md", from: "/a/b/out/x") == "../../Notebooks-md/x.md")
        #expect(Manifest.path(of: "/a/nb.md", from: "/a/out") == "../nb.md")
        #expect(Manifest.path(of: "/a/out/nb.md", from: "/a/out") == "nb.md")
        let path = try notebook("```alliance\ndescribe small.csv\n```\n", label: "nb-path")
        let out = (path as NSString).deletingLastPathComponent + "/runs/first"
        _ = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        let manifest = try parseJSON(String(contentsOfFile: (out as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))
        #expect((manifest["notebook"] as? [String: Any])?["path"] as? String == "../../nb.md")
        #expect(Manifest.recordedNotebook(in: out) == (path as NSString).standardizingPath)
    }

    /// Through the executable: `run --check DIR` alone re-runs the manifest's notebook; a command that fails in the
    /// fresh run is reported before the files it did not write.
    @Test func checkWithoutNotebookAndFailuresFirst() throws {
        let binary = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build)")
        func alliance(_ args: [String]) throws -> (status: Int32, output: String) {
            let run = try AllianceExecutable.run(binary, args)
            return (run.status, run.stdout + run.stderr)
        }
        let path = try notebook("```alliance\ndescribe small.csv --format md --out tables/d.md\n```\n", label: "nb-check")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        #expect(try alliance(["run", path, "--out", out]).status == 0)
        let same = try alliance(["run", "--check", out])
        #expect(same.status == 0 && same.output.hasPrefix("identical: "), "\(same.output)")

        // Break the input: the fresh run's failure comes before the missing files.
        try FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent + "/small.csv")
        let broken = try alliance(["run", "--check", out])
        #expect(broken.status == 65, "\(broken.output)")
        let lines = broken.output.components(separatedBy: "\n")
        let failed = try #require(lines.firstIndex { $0.hasPrefix("the fresh run failed at ") && $0.contains("nb.md:2:") },
                                  "\(broken.output)")
        let missing = try #require(lines.firstIndex { $0.contains("missing in the fresh run: tables/d.md") }, "\(broken.output)")
        #expect(failed < missing)
        #expect(lines[failed].contains("small.csv"))

        // A manifest without the notebook's path (an older alliance) asks for the notebook.
        let manifestPath = (out as NSString).appendingPathComponent("manifest.json")
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"path\" : \"../nb.md\"", with: "\"old\" : \"\"")
            .replacingOccurrences(of: "\"path\": \"../nb.md\"", with: "\"old\": \"\"").write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let old = try alliance(["run", "--check", out])
        #expect(old.status == 64, "\(old.output)")
        #expect(old.output.contains("give it: alliance run NOTEBOOK.md --check"))
    }

    /// A failing block's error quotes a column name from the file: its ESC sequences, C0 controls and bidirectional
    /// controls are dropped in the Markdown and HTML reports, as on standard error (ShownText; docs/hostile-input.md,
    /// session 14), and the warnings quoted above it too.
    @Test func errorQuotesInTheReportsDropControlCharacters() throws {
        let hostile = "e\u{202E}mail\u{2066}x\u{2069}\u{1B}[2J\u{07}"
        var csv = "\"\(hostile)\",y\n"
        for i in 0..<30 { csv += "person\(i)@example.org,\(i % 7)\n" }
        let path = try notebook("# Hostile\n\n```alliance\ndescribe d.csv\n```\n", label: "nb-hostile-name")
        try csv.write(toFile: (path as NSString).deletingLastPathComponent + "/d.csv", atomically: true, encoding: .utf8)
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let outcome = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: true).run()
        #expect(outcome.failures.count == 1)
        for report in outcome.reportPaths {
            let text = try String(contentsOfFile: report, encoding: .utf8)
            #expect(text.contains("emailx[2J"), "\(report)")
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x2066...0x2069).contains($0.value)
                                                    || $0.value == 0x202E }, "\(report): \(text.debugDescription)")
        }
    }

    /// `run --check` prints a fresh run's failures on standard output: cleaned as the reports are.
    @Test func checkLinesDropControlCharacters() {
        let failure = NotebookRunner.BlockFailure(line: 3, message: "column 'a\u{202E}b\u{1B}[31m' is text", exitCode: 65)
        let lines = RunCommand.checkLines(ReportComparison.Report(expectedDirectory: "out"), failures: [failure], notebook: "nb.md")
        #expect(lines.first == "the fresh run failed at nb.md:3: column 'ab[31m' is text", "\(lines)")
    }

    /// Session 21: a block commented out with `<!-- … -->` ran anyway (its output hidden in the rendered report), and a
    /// notebook saved with CRLF line endings ran nothing, exit 0.
    @Test func commentedOutBlocksDoNotRunAndCRLFNotebooksDo() throws {
        let path = try notebook("""
            # Comments

            <!--
            ```alliance
            describe small.csv --format md --out hidden.md
            ```
            -->

            ```alliance
            describe small.csv --format md --out shown.md
            ```

            """, label: "nb-comment")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let outcome = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        #expect(outcome.failures.isEmpty && outcome.commands == 1, "\(outcome.failures.map(\.message))")
        #expect(!FileManager.default.fileExists(atPath: out + "/hidden.md"))
        #expect(FileManager.default.fileExists(atPath: out + "/shown.md"))
        let report = try String(contentsOfFile: out + "/nb.md", encoding: .utf8)
        #expect(report.contains("<!--") && report.contains("hidden.md"))

        let crlf = try notebook("# CRLF\r\n\r\n```alliance\r\ndescribe small.csv --format md --out crlf.md\r\n```\r\n", label: "nb-crlf")
        let crlfOut = (crlf as NSString).deletingLastPathComponent + "/out"
        let ran = try NotebookRunner(notebookPath: crlf, outputDirectory: crlfOut, keepGoing: false).run()
        #expect(ran.failures.isEmpty && ran.commands == 1)
        #expect(FileManager.default.fileExists(atPath: crlfOut + "/crlf.md"))
    }

    /// Session 21: a re-run left the files of a deleted cell (and a failing run the previous run's results) beside the
    /// new report, unlisted, and `run --check` called the folder different. Files the earlier manifest recorded and
    /// this run did not write are removed; others in the folder are left alone.
    @Test func aReRunRemovesWhatItNoLongerWrites() throws {
        let first = "# Stale\n\n```alliance\ndescribe small.csv --format md --out a.md\ndescribe small.csv --format md --out b.md\n```\n"
        let path = try notebook(first, label: "nb-stale")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        _ = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        #expect(FileManager.default.fileExists(atPath: out + "/b.md"))
        try "mine".write(toFile: out + "/own-notes.txt", atomically: true, encoding: .utf8)
        try first.replacingOccurrences(of: "describe small.csv --format md --out b.md\n", with: "")
            .write(toFile: path, atomically: true, encoding: .utf8)
        _ = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: false).run()
        #expect(!FileManager.default.fileExists(atPath: out + "/b.md"))
        #expect(!FileManager.default.fileExists(atPath: out + "/results/002-line-5.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/a.md") && FileManager.default.fileExists(atPath: out + "/own-notes.txt"))
    }

    /// Session 21: a missing file's message in a notebook named the current directory (an absolute path, in the published
    /// report) as where relative paths start, which is wrong for a notebook and changed under `run --check`.
    @Test func aMissingFileInANotebookNamesTheNotebooksFolder() throws {
        let path = try notebook("# Missing\n\n```alliance\ndescribe nowhere.csv\n```\n", label: "nb-missing")
        let out = (path as NSString).deletingLastPathComponent + "/out"
        let outcome = try NotebookRunner(notebookPath: path, outputDirectory: out, keepGoing: true).run()
        let failure = try #require(outcome.failures.first)
        #expect(failure.message.contains("cannot read 'nowhere.csv'"), "\(failure.message)")
        #expect(failure.message.contains("relative paths start from the notebook's folder"), "\(failure.message)")
        #expect(!failure.message.contains(FileManager.default.currentDirectoryPath), "\(failure.message)")
    }
}
