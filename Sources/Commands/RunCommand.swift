import ArgumentParser
import Foundation

/// `alliance run <notebook.md> [--out DIR] [--keep-going]` and `alliance run --check DIR`.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an executable Markdown notebook into a report with a manifest (byte-identical on every re-run).",
        discussion: """
        Every fenced block whose info string is `alliance` is executed, one command per line, in order, in-process.
        Relative input paths resolve against the notebook's folder, or name a file an earlier command of the same run
        wrote (e.g. `score ... --out scored.csv`, then `fit ols scored.csv ...`); relative output paths (--out, --plot)
        resolve against DIR.
        Writes DIR/<name>.md, DIR/<name>.html, DIR/figures/, DIR/results/ and DIR/manifest.json.
        With --check DIR, re-runs the notebook recorded in DIR/manifest.json into a temporary folder and reports
        every file whose bytes differ.
        """
    )

    @Argument(help: "The notebook (.md). With --check, optional: defaults to the notebook beside DIR's manifest record.")
    public var notebook: String?

    @Option(name: .long, help: "Output folder (default: out/<notebook name>).")
    public var out: String?

    @Flag(name: .long, help: "Record a failing block's error and go on (exit status 65 at the end).")
    public var keepGoing = false

    @Option(name: .long, help: "Re-run into a temporary folder and compare every file with this earlier output folder.")
    public var check: String?

    public init() {}

    public func run() throws {
        do {
            if let check {
                try runCheck(check)
                return
            }
            guard let notebook else { throw CLIError.usage("give a notebook: alliance run NOTEBOOK.md [--out DIR]") }
            let name = ((notebook as NSString).lastPathComponent as NSString).deletingPathExtension
            let outDir = out ?? "out/\(name)"
            let outcome = try NotebookRunner(notebookPath: notebook, outputDirectory: outDir, keepGoing: keepGoing).run()
            for f in outcome.failures {
                FileHandle.standardError.write(Data("error: \(notebook):\(f.line): \(f.message)\n".utf8))
            }
            if let first = outcome.failures.first {
                FileHandle.standardError.write(Data("report with the error recorded: \(outcome.reportPaths.joined(separator: ", "))\n".utf8))
                throw ExitCode(first.exitCode)
            }
            print("Report: \(outcome.reportPaths.joined(separator: " and "))")
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    private func runCheck(_ directory: String) throws {
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        guard let notebook else {
            throw CLIError.usage("give the notebook that produced \(manifestPath): alliance run NOTEBOOK.md --check \(directory)")
        }
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw CLIError(.noInput, "no manifest at \(manifestPath); run the notebook into \(directory) first")
        }
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-check-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = try NotebookRunner(notebookPath: notebook, outputDirectory: scratch, keepGoing: true).run()
        let differences = try ReportComparison.compare(expected: directory, actual: scratch)
        if differences.isEmpty {
            print("identical: every file in \(directory) was reproduced byte for byte")
        } else {
            for d in differences { print(d) }
            throw CLIError.data("\(differences.count) difference(s) between \(directory) and a fresh run")
        }
    }
}

/// Compares two output folders file by file.
enum ReportComparison {
    static func compare(expected: String, actual: String) throws -> [String] {
        let a = Set(files(in: expected)), b = Set(files(in: actual))
        var out: [String] = []
        for f in a.subtracting(b).sorted() { out.append("missing in the new run: \(f)") }
        for f in b.subtracting(a).sorted() { out.append("new in the new run: \(f)") }
        for f in a.intersection(b).sorted() {
            let x = FileManager.default.contents(atPath: (expected as NSString).appendingPathComponent(f))
            let y = FileManager.default.contents(atPath: (actual as NSString).appendingPathComponent(f))
            if x != y { out.append("differs: \(f)") }
        }
        return out
    }

    static func files(in directory: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(f), isDirectory: &isDir), !isDir.boolValue {
                out.append(f)
            }
        }
        return out.sorted()
    }
}
