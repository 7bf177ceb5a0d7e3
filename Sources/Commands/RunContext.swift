import DataTable
import Foundation
import LinearAlgebra
import Output

/// Where a command runs: the directories relative paths resolve against, where its text goes, and a record of
/// every file it read and wrote (the notebook runner turns this into the manifest). The CLI makes one per
/// invocation; `alliance run` makes one per notebook and passes it to each command in-process.
public final class RunContext {
    public struct FileRecord: Sendable, Equatable {
        public let path: String
        public let byteCount: Int
        public let sha256: String
    }

    /// Relative input paths resolve against this directory (nil: the current directory).
    public let inputDirectory: String?
    /// Relative output paths (`--out`, `--plot`) resolve against this directory (nil: the current directory).
    public let outputDirectory: String?
    /// Every input read, in order, with its digest (which may still be computing: `inputs` waits for them).
    private var inputDigests: [(path: String, digest: FileDigest)] = []
    public private(set) var outputs: [FileRecord] = []
    /// Columns let through the identifier guard with `--allow-column`, recorded for manifests.
    public private(set) var allowedIdentifierColumns: [String] = []
    public private(set) var seeds: [UInt64] = []
    /// Labels every command of the run uses under its own (`LabelOptions`): a notebook's front matter sets them.
    public var labels = VariableLabels()
    /// Whether the command's JSON document is rendered or kept: false only when a command run from the shell renders
    /// its tables as text, CSV, Markdown, LaTeX, HTML or Word (`AllianceSubcommand.perform`); the notebook runner keeps
    /// every block's JSON. Reports whose only use of the input's digest is that document skip waiting for it then
    /// (`LoadedData.provenance(in:)`).
    public internal(set) var rendersReportJSON = true
    /// Inputs are hashed when their digest is first asked for, not on a thread of their own as they are read: set by the
    /// fit commands when `rendersReportJSON` is false, since their JSON document is then their only use of the digest.
    /// (A hash thread that is never waited for still maps the whole file a second time and takes its page faults next
    /// to the computation's.)
    public internal(set) var hashesInputsOnDemand = false
    /// Whether anything rendered shows more than the tables' cells: false only when a command run from the shell writes
    /// its tables as CSV (which carries neither their notes nor the JSON document). Results shown nowhere else are then
    /// not computed (`fit cox`'s concordance, which lifelines too computes only when asked).
    public internal(set) var rendersTableNotes = true
    /// Set by the notebook runner while a block's command runs: where that command may write (`NotebookOutputRule`).
    var notebookOutputRule: NotebookOutputRule?
    private let standardOutput: (String) -> Void
    private let standardError: (String) -> Void

    public init(inputDirectory: String? = nil, outputDirectory: String? = nil,
                standardOutput: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                standardError: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        BLASConfiguration.applyThreadPolicy()
        self.inputDirectory = inputDirectory
        self.outputDirectory = outputDirectory
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public func print(_ text: String) {
        standardOutput(text.hasSuffix("\n") ? text : text + "\n")
    }

    public func warn(_ text: String) {
        warnRaw("warning: \(text)\n")
    }

    /// Something alliance decided on its own that the user should know (e.g. a detected CSV dialect).
    public func note(_ text: String) {
        warnRaw("note: \(text)\n")
    }

    /// Every message to standard error goes through here: a column name or label from the file may hold an ESC
    /// sequence or a bidirectional override, which are dropped as the rendered formats drop them (`ShownText`).
    func warnRaw(_ text: String) {
        standardError(Self.shownMessage(text))
    }

    /// A message as standard error shows it: controls other than newline and tab, and bidirectional controls, dropped.
    public static func shownMessage(_ text: String) -> String {
        ShownText.cleaned(text, lineBreaks: .keep)
    }

    /// A relative input path names a file written earlier in this run (e.g. a scored CSV) when there is one;
    /// otherwise it resolves against the input directory.
    public func resolveInput(_ path: String) -> String {
        let produced = resolve(path, against: outputDirectory)
        if outputs.contains(where: { $0.path == produced }) { return produced }
        return resolve(path, against: inputDirectory)
    }

    /// Whether a resolved path is one this run wrote.
    public func wasProduced(_ resolvedPath: String) -> Bool {
        outputs.contains { $0.path == resolvedPath }
    }

    public func resolveOutput(_ path: String) -> String {
        resolve(path, against: outputDirectory)
    }

    func recordInput(path: String, digest: FileDigest) {
        inputDigests.append((path, digest))
    }

    /// The files read, each once (a file read twice with the same bytes is one record), in the order first read.
    /// Waits for digests still being computed.
    public var inputs: [FileRecord] {
        get throws {
            var records: [FileRecord] = []
            for (path, digest) in inputDigests {
                let record = FileRecord(path: path, byteCount: digest.byteCount, sha256: try digest.sha256())
                if !records.contains(record) { records.append(record) }
            }
            return records
        }
    }

    func recordAllowedColumns(_ columns: [String]) {
        for c in columns where !allowedIdentifierColumns.contains(c) { allowedIdentifierColumns.append(c) }
    }

    public func recordSeed(_ seed: UInt64) {
        seeds.append(seed)
    }

    /// A bootstrap this run made (command, resamples, seed, interval method, what was resampled), for manifests.
    public struct BootstrapRecord: Sendable, Equatable {
        public let command: String
        public let resamples: Int
        public let seed: UInt64
        public let ciMethod: String
        public let unit: String
        public let failures: Int
    }

    public private(set) var bootstraps: [BootstrapRecord] = []

    public func recordBootstrap(_ record: BootstrapRecord) {
        bootstraps.append(record)
        if !seeds.contains(record.seed) { seeds.append(record.seed) }
    }

    /// Whether long work may draw progress on standard error: only when it is a terminal (DESIGN.md §5) and the
    /// run is not capturing standard error (the notebook runner sets this false).
    public var showsProgress: Bool = isatty(STDERR_FILENO) != 0

    /// Writes a file atomically (never over an input of this run) and records it. Returns the resolved path.
    @discardableResult
    public func writeFile(_ bytes: [UInt8], to path: String) throws -> String {
        let resolved = resolveOutput(path)
        try notebookOutputRule?.check(resolved, requested: path)
        try createSubfolders(of: path)
        do {
            try FileOutput.writeAtomically(bytes, to: resolved, refusing: inputDigests.map(\.path))
        } catch {
            throw CLIError(error.exitCode == 74 ? .ioError : .cannotCreate, error.description)
        }
        outputs.removeAll { $0.path == resolved }
        outputs.append(FileRecord(path: resolved, byteCount: bytes.count, sha256: SHA256.hex(of: bytes)))
        return resolved
    }

    @discardableResult
    public func writeFile(_ text: String, to path: String) throws -> String {
        try writeFile(Array(text.utf8), to: path)
    }

    /// In a notebook run, `--out tables/t1.md` creates DIR/tables/ as the runner creates DIR/figures/: subfolders of
    /// the output folder are part of the report. Paths outside it (absolute, or with `..`) and the CLI's own paths
    /// are left alone, so a mistyped folder is an error there rather than a new directory somewhere.
    private func createSubfolders(of path: String) throws {
        guard let outputDirectory, !path.hasPrefix("/"), path != "-" else { return }
        let parts = path.split(separator: "/")
        guard parts.count > 1, !parts.contains("..") else { return }
        let folder = (outputDirectory as NSString).appendingPathComponent(parts.dropLast().joined(separator: "/"))
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create directory '\(folder)': \(error.localizedDescription)")
        }
    }

    private func resolve(_ path: String, against directory: String?) -> String {
        guard let directory, !path.hasPrefix("/"), path != "-" else { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
