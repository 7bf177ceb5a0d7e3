import ArgumentParser
import Output
import Publishing

/// A subcommand that computes a `CommandReport` in a `RunContext`. The CLI path and the notebook runner share
/// `execute`, so a notebook block behaves exactly like the same command typed in a shell.
public protocol AllianceSubcommand: ParsableCommand {
    /// Runs the command, writing any files through `context`, and returns what to render.
    func execute(in context: RunContext) throws -> CommandReport
    /// How to render the report (nil: the command printed or wrote everything itself).
    var outputOptions: OutputOptions? { get }
}

extension AllianceSubcommand {
    public func run() throws {
        let context = RunContext()
        do {
            let report = try perform(in: context)
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        } catch let error as CLIError {
            context.reportError(error.message)
            throw ExitCode(error.exitCode)
        } catch let error where error is ExitCode || error is CleanExit || error is ValidationError {
            throw error
        } catch {
            // An error a command did not translate still gets a message and a sysexits status
            // (EX_SOFTWARE), never ArgumentParser's generic exit 1.
            context.reportError("\(error)")
            throw ExitCode(CLIError.internalErrorExitCode)
        }
    }

    /// Executes, then renders the report to `--out`, or to standard output when `printing` (the notebook runner
    /// renders results itself and passes false). Returns the report for callers that also want its tables and JSON.
    @discardableResult
    public func perform(in context: RunContext, printing: Bool = true) throws -> CommandReport {
        if printing, let target = try? outputOptions?.resolvedTarget(), target != .table(.json) {
            context.rendersReportJSON = false
            if target == .table(.csv) { context.rendersTableNotes = false }
        }
        let report = try execute(in: context)
        for w in report.warnings { context.warn(w) }
        guard let options = outputOptions else { return report }
        switch try options.resolvedTarget() {
        case .docx:
            guard let out = options.out else {
                throw CLIError.usage("--format docx writes a Word file: add --out FILE.docx")
            }
            try context.writeFile(try report.wordDocument(), to: out)
        case .table(let format):
            if let out = options.out {
                let text = report.rendered(as: format)
                try context.writeFile(text.hasSuffix("\n") ? text : text + "\n", to: out)
            } else if printing {
                context.print(report.rendered(as: format))
            }
        }
        return report
    }
}

extension RunContext {
    /// An error as the CLI prints it (`error: MESSAGE`), cleaned as every message is (`warnRaw`).
    public func reportError(_ message: String) {
        warnRaw("error: \(message)\n")
    }
}

/// `--format` and `--out`, shared by every command that renders a report.
public struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, csv, md, latex, html or docx (default: from --out's extension, else text).")
    public var format: String?

    @Option(name: .long, help: "Write the output to this file (atomically) instead of standard output.")
    public var out: String?

    public init() {}

    public init(format: String?, out: String?) {
        self.format = format
        self.out = out
    }

    /// What a report is rendered as: one of the text formats, or a Word document.
    public enum Target: Equatable, Sendable {
        case table(TableFormat)
        case docx
    }

    /// `--format` when given, else `--out`'s extension, else text. An `--out` extension that names no format is
    /// refused rather than written as text (a `.docx` or `.pdf` full of plain text opens as a corrupt file).
    public func resolvedTarget() throws -> Target {
        if let format {
            switch format.lowercased() {
            case "docx": return .docx
            case "text", "txt": return .table(.text)
            case "json": return .table(.json)
            case "csv": return .table(.csv)
            case "md", "markdown": return .table(.markdown)
            case "latex", "tex": return .table(.latex)
            case "html": return .table(.html)
            default:
                throw CLIError.usage("unknown --format '\(format)'; use text, json, csv, md, latex, html or docx")
            }
        }
        guard let out, let ext = FigureFormat.fileExtension(of: out) else { return .table(.text) }
        if ext.lowercased() == "docx" { return .docx }
        if let implied = TableFormat(name: ext) { return .table(implied) }
        throw CLIError.usage("--out '\(out)': unknown extension '.\(ext)'; use .txt, .md, .csv, .tex, .html, .json or .docx, or give --format")
    }

    /// The text format of `resolvedTarget()`; a Word target is refused (it is not text).
    public func resolvedFormat() throws -> TableFormat {
        switch try resolvedTarget() {
        case .table(let format): return format
        case .docx: throw CLIError.usage("--format docx is not available here; use text, json, csv, md, latex or html")
        }
    }
}
