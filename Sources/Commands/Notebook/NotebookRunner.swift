import ArgumentParser
import Foundation
import Ink
import DataTable
import Output

/// Executes a notebook's alliance blocks in-process and writes the report: DIR/<name>.md (the notebook with each
/// block's results below it), DIR/<name>.html (self-contained, SVGs inline), DIR/figures/, DIR/results/ (each
/// command's JSON) and DIR/manifest.json. Nothing time- or machine-path-dependent enters these files (unless
/// SOURCE_DATE_EPOCH is set), so two runs on the same inputs give identical bytes.
struct NotebookRunner {
    struct BlockFailure: Error {
        let line: Int
        let message: String
        let exitCode: Int32
    }

    struct Outcome {
        let failures: [BlockFailure]
        let reportPaths: [String]
        /// Commands the notebook's alliance blocks held (0: nothing was run).
        let commands: Int
    }

    let notebookPath: String
    let outputDirectory: String
    let keepGoing: Bool

    func run() throws -> Outcome {
        let notebookBytes = try DataInput.readBytes(notebookPath)
        guard let text = String(bytes: notebookBytes, encoding: .utf8) else {
            throw CLIError.data("\(notebookPath) is not valid UTF-8 text; save the notebook as UTF-8")
        }
        let notebookDirectory = (notebookPath as NSString).deletingLastPathComponent
        let name = ((notebookPath as NSString).lastPathComponent as NSString).deletingPathExtension
        let earlierOutputs = Manifest.recordedOutputs(in: outputDirectory)
        for sub in ["", "figures", "results"] {
            let dir = sub.isEmpty ? outputDirectory : (outputDirectory as NSString).appendingPathComponent(sub)
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw CLIError(.cannotCreate, "cannot create directory '\(dir)': \(error.localizedDescription)")
            }
        }
        let sink = TextSink()
        let context = RunContext(inputDirectory: notebookDirectory.isEmpty ? nil : notebookDirectory,
                                 outputDirectory: outputDirectory,
                                 standardOutput: { _ in }, standardError: { sink.errors += $0 })
        context.showsProgress = false
        let outputRule = NotebookOutputRule(outputDirectory: outputDirectory, notebookPath: notebookPath, reportName: name)
        let document = NotebookDocument(text: text)
        if let lines = document.frontMatter {
            try setLabels(from: lines, in: context)
        }
        var markdown: [String] = []
        var html = HTMLReport(title: name)
        var blocks: [JSONValue] = []
        var failures: [BlockFailure] = []
        var resultIndex = 0
        segments: for segment in document.segments {
            switch segment {
            case .frontMatter(let source):
                markdown.append(source)
            case .prose(let p):
                markdown.append(p)
                html.appendMarkdown(p)
            case .block(let source, _, let commands):
                markdown.append(source)
                html.appendMarkdown(source)
                for command in commands {
                    resultIndex += 1
                    let outputsBefore = context.outputs.count
                    sink.errors = ""
                    do {
                        let report = try execute(command, in: context, writingUnder: outputRule)
                        let jsonName = String(format: "results/%03d-line-%d.json", resultIndex, command.line)
                        try context.writeFile(report.json.prettyPrinted() + "\n", to: jsonName)
                        markdown.append(render(report, relativeTo: outputDirectory))
                        appendHTML(report, to: &html)
                        if !sink.errors.isEmpty {
                            markdown.append(quote(sink.errors))
                            html.appendNote(sink.errors.trimmingCharacters(in: .newlines), label: "")
                        }
                        if report.exitStatus != 0 {
                            throw BlockFailure(line: command.line, message: "the command reported a failing verdict (exit status \(report.exitStatus))", exitCode: report.exitStatus)
                        }
                        blocks.append(blockJSON(command, context.outputs[outputsBefore...], error: nil))
                    } catch let failure as BlockFailure {
                        failures.append(failure)
                        // Shown as standard error shows it: a column name's controls and bidirectional overrides dropped.
                        let shown = RunContext.shownMessage(failure.message)
                        markdown.append(quote("**Error** (line \(failure.line)): \(shown)"))
                        html.appendNote(shown, label: "Error (line \(failure.line)):")
                        blocks.append(blockJSON(command, context.outputs[outputsBefore...], error: failure.message))
                        if !keepGoing { break segments }
                    }
                }
            }
        }
        var report = markdown.joined(separator: "\n\n")
        if !report.hasSuffix("\n") { report += "\n" }
        let mdPath = try context.writeFile(report, to: "\(name).md")
        let htmlPath = try context.writeFile(html.render(), to: "\(name).html")
        let manifest = Manifest(notebookPath: notebookPath, notebookBytes: notebookBytes,
                                notebookDirectory: notebookDirectory, outputDirectory: outputDirectory,
                                context: context, blocks: blocks, failures: failures.count)
        try context.writeFile(manifest.json().prettyPrinted() + "\n", to: "manifest.json")
        removeStale(earlierOutputs, keeping: context.outputs)
        return Outcome(failures: failures, reportPaths: [mdPath, htmlPath], commands: resultIndex)
    }

    /// Removes the files an earlier run recorded in this folder's manifest that this run did not write: a figure of a
    /// deleted cell, or the results of a run that now stops early, stayed beside the new report, unlisted, and
    /// `run --check` then called the folder different (session 21). Only recorded paths inside the folder are touched.
    private func removeStale(_ earlier: [String], keeping written: [RunContext.FileRecord]) {
        let current = Set(written.map { Manifest.relative($0.path, to: outputDirectory) })
        for path in earlier where !current.contains(path) && !path.hasPrefix("/") && !path.split(separator: "/").contains("..") {
            try? FileManager.default.removeItem(atPath: (outputDirectory as NSString).appendingPathComponent(path))
        }
    }

    /// The front matter's `labels` become the run's labels (a labels file is read as an input of the run).
    private func setLabels(from lines: [(number: Int, text: Substring)], in context: RunContext) throws {
        let frontMatter: NotebookFrontMatter
        do {
            frontMatter = try NotebookFrontMatter(lines: lines)
        } catch {
            throw CLIError.usage("\(notebookPath):\(error.line): front matter: \(error.message)")
        }
        switch frontMatter.labels {
        case .entries(let entries)?: context.labels = VariableLabels(entries)
        case .file(let file)?: context.labels = try LabelOptions.readFile(file, in: context)
        case nil: break
        }
    }

    /// `execute` with the command's own writes held to `rule` (the runner's results, report and manifest are not).
    private func execute(_ command: NotebookDocument.Command, in context: RunContext,
                         writingUnder rule: NotebookOutputRule) throws -> CommandReport {
        context.notebookOutputRule = rule
        defer { context.notebookOutputRule = nil }
        return try execute(command, in: context)
    }

    private func execute(_ command: NotebookDocument.Command, in context: RunContext) throws -> CommandReport {
        var args: [String]
        do {
            args = try CommandLineSplitter.split(command.text)
        } catch {
            throw BlockFailure(line: command.line, message: "\(error)", exitCode: 64)
        }
        if args.first == "alliance" { args.removeFirst() }
        guard let first = args.first else {
            throw BlockFailure(line: command.line, message: "empty command", exitCode: 64)
        }
        if first == "run" {
            throw BlockFailure(line: command.line, message: "a notebook cannot run another notebook", exitCode: 64)
        }
        if let problem = CommandGuidance.problem(with: args) {
            throw BlockFailure(line: command.line, message: problem.message, exitCode: problem.exitCode)
        }
        let parsed: ParsableCommand
        do {
            parsed = try AllianceCLI.parseAsRoot(AllianceCLI.normalizedArguments(args))
        } catch {
            throw BlockFailure(line: command.line, message: AllianceCLI.message(for: error), exitCode: 64)
        }
        guard let subcommand = parsed as? any AllianceSubcommand else {
            throw BlockFailure(line: command.line, message: "'\(first)' cannot run inside a notebook", exitCode: 64)
        }
        do {
            return try subcommand.perform(in: context, printing: false)
        } catch let error as CLIError {
            throw BlockFailure(line: command.line, message: error.message, exitCode: error.exitCode)
        } catch {
            throw BlockFailure(line: command.line, message: "\(error)", exitCode: 65)
        }
    }

    private func render(_ report: CommandReport, relativeTo directory: String) -> String {
        var parts = report.tables.map { $0.rendered(as: .markdown) }
        for figure in report.figures {
            let relative = Manifest.relative(figure, to: directory)
            let alt = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
            parts.append("![\(alt)](\(relative))")
        }
        return parts.joined(separator: "\n\n")
    }

    private func appendHTML(_ report: CommandReport, to html: inout HTMLReport) {
        for table in report.tables { html.appendHTML(table.rendered(as: .html)) }
        for figure in report.figures {
            html.appendFigure(path: figure, relativePath: Manifest.relative(figure, to: outputDirectory))
        }
    }

    /// `text` as a Markdown block quote, every line inside it; indented lines (a formula and its caret) as a code
    /// block within the quote, so the caret stays under its token.
    private func quote(_ text: String) -> String {
        var out: [String] = []
        var inCode = false
        for line in text.split(separator: "\n") {
            let indented = line.hasPrefix("  ")
            if indented != inCode { out.append("> ```"); inCode = indented }
            out.append("> \(line)")
        }
        if inCode { out.append("> ```") }
        return out.joined(separator: "\n")
    }

    private func blockJSON(_ command: NotebookDocument.Command, _ outputs: ArraySlice<RunContext.FileRecord>,
                           error: String?) -> JSONValue {
        .object([
            ("line", .integer(command.line)),
            ("command", .string(command.text)),
            ("outputs", .array(outputs.map { Manifest.fileJSON($0, relativeTo: outputDirectory) })),
            ("error", error.map { .string($0) } ?? .null),
        ])
    }
}

/// Collects what commands write to standard error (warnings) inside a notebook.
final class TextSink {
    var errors = ""
}
