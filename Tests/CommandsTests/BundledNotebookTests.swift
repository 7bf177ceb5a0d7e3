import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Every notebook in Notebooks-md/ runs without a failing block, twice, into byte-identical folders; the manifest's
/// hashes match the files it lists, and the inputs it records match the bundled data.
@Suite(.serialized) struct BundledNotebookTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var notebooks: [String] {
        let dir = repository.appendingPathComponent("Notebooks-md").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted().map { (dir as NSString).appendingPathComponent($0) }
    }

    @Test func thereAreNotebooks() {
        #expect(Self.notebooks.count >= 2)
    }

    @Test(arguments: notebooks)
    func runsTwiceIdentically(notebook: String) throws {
        let a = try temporaryDirectory("bundled-a"), b = try temporaryDirectory("bundled-b")
        let first = try NotebookRunner(notebookPath: notebook, outputDirectory: a, keepGoing: false).run()
        #expect(first.failures.isEmpty, "\(first.failures.map { "line \($0.line): \($0.message)" })")
        _ = try NotebookRunner(notebookPath: notebook, outputDirectory: b, keepGoing: false).run()
        #expect(try ReportComparison.compare(expected: a, actual: b).isEmpty)

        let manifest = try parseJSON(String(contentsOfFile: (a as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        var listed = Set<String>()
        for output in outputs {
            let path = try #require(output["path"] as? String)
            listed.insert(path)
            let bytes = try #require(FileManager.default.contents(atPath: (a as NSString).appendingPathComponent(path)))
            #expect(SHA256.hex(of: Array(bytes)) == output["sha256"] as? String, "\(path)")
        }
        // Every file in the folder except the manifest itself is listed with its hash.
        #expect(Set(ReportComparison.files(in: a)).subtracting(["manifest.json"]) == listed)
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let notebookDir = (notebook as NSString).deletingLastPathComponent
        for input in inputs {
            let path = try #require(input["path"] as? String)
            let bytes = try #require(FileManager.default.contents(atPath: (notebookDir as NSString).appendingPathComponent(path)))
            #expect(SHA256.hex(of: Array(bytes)) == input["sha256"] as? String, "\(path)")
        }
        // The report holds no absolute path of this machine.
        let report = try String(contentsOfFile: (a as NSString).appendingPathComponent(((notebook as NSString).lastPathComponent as NSString).deletingPathExtension + ".md"), encoding: .utf8)
        #expect(!report.contains(a))
        #expect(!report.contains(Self.repository.path))
    }
}
