import Foundation
import Output

/// The run manifest: what went in (inputs with SHA-256, the notebook, seeds), what came out (each block's files
/// with SHA-256) and what ran it (alliance version and commit, Swift, OS, BLAS). Paths are relative to the notebook's
/// folder (inputs) or the output folder (outputs) so the manifest does not depend on where the run started.
struct Manifest {
    let notebookPath: String
    let notebookBytes: [UInt8]
    let notebookDirectory: String
    let outputDirectory: String
    let context: RunContext
    let blocks: [JSONValue]
    let failures: Int

    func json() throws -> JSONValue {
        let blas = BuildInfo.blas
        var fields: [(String, JSONValue)] = [
            ("alliance_version", .string(AllianceVersion.string)),
            ("git_commit", BuildInfo.gitCommit.map { .string($0) } ?? .null),
            ("swift_version", .string(BuildInfo.swiftVersion)),
            ("os", .string(BuildInfo.operatingSystem)),
            ("blas", .object([("config", .string(blas.config)), ("core", .string(blas.core)),
                              ("threads", .integer(blas.threads))])),
            ("notebook", .object([
                ("file", .string((notebookPath as NSString).lastPathComponent)),
                ("bytes", .integer(notebookBytes.count)),
                ("sha256", .string(SHA256.hex(of: notebookBytes))),
                // Where the notebook is, from the output folder, so `run --check DIR` can find it without being told.
                ("path", .string(Manifest.path(of: notebookPath, from: outputDirectory))),
            ])),
            ("inputs", .array(try context.inputs.filter { !context.wasProduced($0.path) }
                .map { Manifest.fileJSON($0, relativeTo: notebookDirectory) })),
            ("allowed_identifier_columns", .array(context.allowedIdentifierColumns.map { .string($0) })),
            ("seeds", .array(context.seeds.map { .string(String($0)) })),
            ("blocks", .array(blocks)),
            ("failed_blocks", .integer(failures)),
            ("outputs", .array(context.outputs.map { Manifest.fileJSON($0, relativeTo: outputDirectory) })),
        ]
        // Only runs that bootstrapped carry the key, so earlier manifests keep their bytes.
        if !context.bootstraps.isEmpty {
            fields.insert(("bootstraps", .array(context.bootstraps.map { b in
                .object([("command", .string(b.command)), ("resamples", .integer(b.resamples)), ("seed", .string(String(b.seed))),
                         ("ci_method", .string(b.ciMethod)), ("unit", .string(b.unit)), ("failures", .integer(b.failures))])
            })), at: fields.firstIndex { $0.0 == "blocks" } ?? fields.count)
        }
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(epoch) {
            fields.append(("source_date_epoch", .integer(seconds)))
        }
        return .object(fields)
    }

    static func fileJSON(_ record: RunContext.FileRecord, relativeTo directory: String) -> JSONValue {
        .object([
            ("path", .string(relative(record.path, to: directory))),
            ("bytes", .integer(record.byteCount)),
            ("sha256", .string(record.sha256)),
        ])
    }

    /// `target` as a path relative to `directory` (`../../Notebooks-md/x.md` from `out/x`): both are made absolute
    /// against the current directory first, so the answer does not depend on how either was spelled.
    static func path(of target: String, from directory: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func components(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p)
            return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let t = components(target), d = components(directory)
        let common = zip(t, d).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: d.count - common) + t[common...]).joined(separator: "/")
    }

    /// The notebook recorded in DIR/manifest.json, as a path usable from the current directory; nil when the
    /// manifest predates the field or cannot be read.
    static func recordedNotebook(in directory: String) -> String? {
        let manifest = ReportComparison.manifest(in: directory)
        guard let notebook = manifest["notebook"] as? [String: Any], let relative = notebook["path"] as? String,
              !relative.isEmpty else { return nil }
        return ((directory as NSString).appendingPathComponent(relative) as NSString).standardizingPath
    }

    /// The outputs recorded in DIR/manifest.json (paths relative to DIR), empty when there is none: what an earlier
    /// run wrote there, so a re-run can remove what it no longer writes.
    static func recordedOutputs(in directory: String) -> [String] {
        let outputs = ReportComparison.manifest(in: directory)["outputs"] as? [[String: Any]] ?? []
        return outputs.compactMap { $0["path"] as? String }
    }

    /// `path` without the `directory/` prefix when it has one (paths were built by joining onto it).
    static func relative(_ path: String, to directory: String) -> String {
        guard !directory.isEmpty else { return path }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
