import ArgumentParser
import Foundation

/// `alliance run <notebook.md> [--out DIR] [--keep-going]` and `alliance run --check DIR`.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an executable Markdown notebook into a report with a manifest (byte-identical on every re-run).",
        discussion: """
        Every fenced block whose info string is `alliance` is executed, one command per line (a line ending in \\ \
        continues on the next), in order, in-process.
        Relative input paths resolve against the notebook's folder, or name a file an earlier command of the same run
        wrote (e.g. `score ... --out scored.csv`, then `fit ols scored.csv ...`); relative output paths (--out, --plot)
        resolve against DIR, whose subfolders (--out tables/t1.md) are created as needed.
        Writes DIR/<name>.md, DIR/<name>.html, DIR/figures/, DIR/results/ and DIR/manifest.json.
        With --check DIR, re-runs the notebook (given, or the one DIR/manifest.json records) into a temporary folder, compares every file with DIR and prints one of \
        three verdicts (docs/reproducibility.md):
        - identical (exit status 0): every file reproduced byte for byte.
        - numerically equal (exit status 1): the report (.md, .html), figures and other text byte for byte, and each \
        differing file is JSON or CSV whose numbers agree to 1e-9 relative and whose other content is equal, as on \
        another BLAS kernel; the files and the BLAS configurations are named.
        - different (exit status 65): anything else; the first differing value (JSON key, CSV cell) or line of each \
        file is shown with the command that wrote it, or the changed notebook or input is named.
        Differences in what ran the two (alliance, Swift, OS, BLAS kernel and threads, from the manifests) are listed.
        """
    )

    @Argument(help: "The notebook (.md); with --check, the notebook that produced DIR (default: the one DIR's manifest records).")
    public var notebook: String?

    @Option(name: .long, help: "Output folder (default: out/<notebook name>).")
    public var out: String?

    @Flag(name: .long, help: "Record a failing block's error and go on (at the end, the exit status of the first failure).")
    public var keepGoing = false

    @Option(name: .long, help: "Re-run into a temporary folder and compare with this earlier output folder: identical (0), numerically equal (1) or different (65).")
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
                FileHandle.standardError.write(Data(RunContext.shownMessage("error: \(notebook):\(f.line): \(f.message)\n").utf8))
            }
            if let first = outcome.failures.first {
                FileHandle.standardError.write(Data(RunContext.shownMessage("report with the error recorded: \(outcome.reportPaths.joined(separator: ", "))\n").utf8))
                throw ExitCode(first.exitCode)
            }
            if outcome.commands == 0 {
                FileHandle.standardError.write(Data(RunContext.shownMessage("warning: \(notebook) has no command in an ```alliance block, so nothing "
                    + "was run; mark a block's opening fence ```alliance to run its lines\n").utf8))
            }
            print("Report: \(outcome.reportPaths.joined(separator: " and "))")
        } catch let error as CLIError {
            FileHandle.standardError.write(Data(RunContext.shownMessage("error: \(error.message)\n").utf8))
            throw ExitCode(error.exitCode)
        }
    }

    private func runCheck(_ directory: String) throws {
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw CLIError(.noInput, "no manifest at \(manifestPath); run the notebook into \(directory) first")
        }
        // Without a notebook argument, the one the manifest records (its path from DIR).
        guard let notebook = notebook ?? Manifest.recordedNotebook(in: directory) else {
            throw CLIError.usage("\(manifestPath) does not record where its notebook is (written by an older alliance); "
                                 + "give it: alliance run NOTEBOOK.md --check \(directory)")
        }
        guard FileManager.default.fileExists(atPath: notebook) else {
            throw CLIError(.noInput, "the notebook \(notebook) that produced \(directory) is not there; give its path: alliance run NOTEBOOK.md --check \(directory)")
        }
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-check-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outcome = try NotebookRunner(notebookPath: notebook, outputDirectory: scratch, keepGoing: true).run()
        let report = ReportComparison.check(expected: directory, actual: scratch)
        for line in RunCommand.checkLines(report, failures: outcome.failures, notebook: notebook) { print(line) }
        switch report.verdict {
        case .identical:
            return
        case .numericallyEqual:
            throw ExitCode(RunCommand.numericallyEqualStatus)
        case .different:
            throw CLIError.data("\(directory) and a fresh run of \(notebook) differ beyond rounding (see above)")
        }
    }

    /// What `--check` prints: a command that failed in the fresh run comes first (it is usually why files are missing),
    /// then the verdict and its differences.
    static func checkLines(_ report: ReportComparison.Report, failures: [NotebookRunner.BlockFailure], notebook: String) -> [String] {
        let failed = failures.map { "the fresh run failed at \(notebook):\($0.line): \(RunContext.shownMessage($0.message))" }
        return failed + report.lines
    }

    /// `--check`'s exit status when the runs are numerically equal but not byte-identical (0: identical; 65: different).
    static let numericallyEqualStatus: Int32 = 1
}
