import Foundation

/// `alliance run NOTEBOOK --check DIR`: a fresh run's folder against an earlier one, in three verdicts.
///
/// - identical: every file byte for byte (the manifest is compared by what went in, see below);
/// - numerically equal: the report, its figures and every other human-facing file byte for byte, and each
///   differing file is JSON or CSV whose numbers all agree to `relativeTolerance` and whose other content is
///   equal — what another BLAS kernel does to full-precision output;
/// - different: anything else, reported as the first differing value or line of each file.
///
/// The manifests are not compared byte for byte (they hash the result files and name the machine): a changed
/// notebook or input makes the runs different; differences in what ran them (alliance, Swift, OS, BLAS kernel and
/// threads) are listed with the verdict.
enum ReportComparison {
    static let relativeTolerance = 1e-9
    static let manifestName = "manifest.json"

    enum Verdict: Equatable {
        case identical
        case numericallyEqual
        case different
    }

    /// One file whose bytes differ.
    struct FileDifference: Equatable {
        let path: String
        /// What produced it (`line 67: fit negbin …`), from the earlier manifest; nil for the report itself.
        let source: String?
        /// Nil when the file is numerically equal; otherwise its first difference.
        let firstDifference: String?
        let largestRelativeDifference: Double
    }

    struct Report {
        let expectedDirectory: String
        var missing: [String] = []
        var added: [String] = []
        /// A changed notebook or input file (from the manifests).
        var inputs: [String] = []
        var files: [FileDifference] = []
        /// Differences in what ran the two (from the manifests), e.g. the BLAS kernel.
        var environment: [String] = []

        var verdict: Verdict {
            if !missing.isEmpty || !added.isEmpty || !inputs.isEmpty || files.contains(where: { $0.firstDifference != nil }) {
                return .different
            }
            return files.isEmpty ? .identical : .numericallyEqual
        }

        /// The lines `--check` prints.
        var lines: [String] {
            var out: [String] = []
            let different = files.filter { $0.firstDifference != nil }
            let close = files.filter { $0.firstDifference == nil }
            func label(_ f: FileDifference) -> String { f.source.map { "\(f.path) (\($0))" } ?? f.path }
            switch verdict {
            case .identical:
                out.append("identical: every file in \(expectedDirectory) was reproduced byte for byte")
            case .numericallyEqual:
                let largest = close.map(\.largestRelativeDifference).max() ?? 0
                out.append("numerically equal: the report and figures are byte-identical; \(close.count) result "
                           + (close.count == 1 ? "file differs" : "files differ") + " only in the last digits of numbers "
                           + "(largest relative difference \(ReportComparison.scientific(largest)), "
                           + "tolerance \(ReportComparison.scientific(ReportComparison.relativeTolerance)))")
            case .different:
                let count = missing.count + added.count + inputs.count + different.count
                out.append("different: \(count) difference\(count == 1 ? "" : "s") between \(expectedDirectory) "
                           + "and a fresh run (first differing value or line of each file)")
                out += inputs.map { "  \($0)" }
                out += missing.map { "  missing in the fresh run: \($0)" }
                out += added.map { "  new in the fresh run: \($0)" }
                out += different.map { "  \(label($0)): \($0.firstDifference ?? "")" }
                if !close.isEmpty {
                    out.append("numerically equal (within \(ReportComparison.scientific(ReportComparison.relativeTolerance)) relative):")
                }
            }
            if verdict != .identical {
                out += close.map { "  \(label($0)): largest relative difference \(ReportComparison.scientific($0.largestRelativeDifference))" }
            }
            if environment.isEmpty {
                if verdict != .identical {
                    out.append("Both manifests record the same alliance, Swift, OS and BLAS (kernel and threads).")
                }
            } else {
                out.append("The runs differ in what ran them (\(expectedDirectory) vs the fresh run):")
                out += environment.map { "  \($0)" }
            }
            return out
        }
    }

    /// Compares the folder `expected` (an earlier run) with `actual` (the fresh run).
    static func check(expected: String, actual: String) -> Report {
        var report = Report(expectedDirectory: expected)
        let a = Set(files(in: expected)).subtracting([manifestName])
        let b = Set(files(in: actual)).subtracting([manifestName])
        report.missing = a.subtracting(b).sorted()
        report.added = b.subtracting(a).sorted()
        let oldManifest = manifest(in: expected), newManifest = manifest(in: actual)
        let sources = producers(oldManifest)
        for f in a.intersection(b).sorted() {
            let x = FileManager.default.contents(atPath: (expected as NSString).appendingPathComponent(f)) ?? Data()
            let y = FileManager.default.contents(atPath: (actual as NSString).appendingPathComponent(f)) ?? Data()
            guard x != y else { continue }
            let (first, largest) = compareFile(f, x, y)
            report.files.append(FileDifference(path: f, source: sources[f], firstDifference: first,
                                               largestRelativeDifference: largest))
        }
        report.inputs = inputDifferences(oldManifest, newManifest)
        report.environment = environmentDifferences(oldManifest, newManifest)
        return report
    }

    /// The first difference of one file (nil when numerically equal) and the largest relative difference of its numbers.
    static func compareFile(_ path: String, _ x: Data, _ y: Data) -> (String?, Double) {
        let ext = (path as NSString).pathExtension.lowercased()
        if ["json", "csv", "tsv"].contains(ext),
           let s = String(data: x, encoding: .utf8), let t = String(data: y, encoding: .utf8) {
            let outcome = ext == "json"
                ? NumericTextComparison.json(s, t, tolerance: relativeTolerance)
                : NumericTextComparison.csv(s, t, tolerance: relativeTolerance,
                                            separator: ext == "tsv" ? UInt8(ascii: "\t") : UInt8(ascii: ","))
            if let outcome {
                return (outcome.firstDifference?.description, outcome.largestRelativeDifference)
            }
        }
        return (firstDifferingLine(x, y), 0)
    }

    /// `line N: "…" vs "…"` for text, the byte offset otherwise.
    static func firstDifferingLine(_ x: Data, _ y: Data) -> String {
        guard let s = String(data: x, encoding: .utf8), let t = String(data: y, encoding: .utf8) else {
            let offset = zip(x, y).prefix { $0 == $1 }.count
            return "bytes differ from byte \(offset + 1) (\(x.count) vs \(y.count) bytes)"
        }
        let u = s.split(separator: "\n", omittingEmptySubsequences: false)
        let v = t.split(separator: "\n", omittingEmptySubsequences: false)
        for k in 0..<max(u.count, v.count) {
            let p = k < u.count ? String(u[k]) : nil, q = k < v.count ? String(v[k]) : nil
            if p == q { continue }
            let common = zip(Array(p ?? ""), Array(q ?? "")).prefix { $0 == $1 }.count
            func shown(_ line: String?) -> String { line.map { "\"\(excerpt($0, around: common))\"" } ?? "(end of file)" }
            return "line \(k + 1): \(shown(p)) vs \(shown(q))"
        }
        return "line endings differ"
    }

    /// A long line cut to about 100 characters around `index`, with ellipses where it was cut.
    static func excerpt(_ line: String, around index: Int) -> String {
        let characters = Array(line.trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
        guard characters.count > 100 else { return String(characters) }
        let start = max(0, min(index - 40, characters.count - 100))
        let end = min(characters.count, start + 100)
        return (start > 0 ? "…" : "") + String(characters[start..<end]) + (end < characters.count ? "…" : "")
    }

    /// 5.8e-13, 1e-9: two significant digits at most, no padded exponent.
    static func scientific(_ x: Double) -> String {
        guard x != 0, x.isFinite else { return x == 0 ? "0" : "\(x)" }
        let parts = String(format: "%.1e", x).split(separator: "e")
        guard parts.count == 2, let exponent = Int(parts[1]) else { return "\(x)" }
        var mantissa = String(parts[0])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        return "\(mantissa)e\(exponent)"
    }

    // MARK: Manifests

    static func manifest(in directory: String) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(manifestName)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// Output path → `line L: command` for every file a block wrote.
    static func producers(_ manifest: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for block in manifest["blocks"] as? [[String: Any]] ?? [] {
            guard let line = block["line"] as? Int, let command = block["command"] as? String else { continue }
            for output in block["outputs"] as? [[String: Any]] ?? [] {
                if let path = output["path"] as? String { out[path] = "line \(line): \(command)" }
            }
        }
        return out
    }

    /// The notebook and each input recorded with a different hash, or recorded in one manifest only.
    static func inputDifferences(_ old: [String: Any], _ new: [String: Any]) -> [String] {
        var out: [String] = []
        let oldNotebook = old["notebook"] as? [String: Any], newNotebook = new["notebook"] as? [String: Any]
        if oldNotebook?["sha256"] as? String != newNotebook?["sha256"] as? String {
            out.append("the notebook differs from the one recorded in the earlier manifest (SHA-256 \(short(oldNotebook?["sha256"])) vs \(short(newNotebook?["sha256"])))")
        }
        func hashes(_ m: [String: Any]) -> [String: String] {
            var h: [String: String] = [:]
            for input in m["inputs"] as? [[String: Any]] ?? [] {
                if let p = input["path"] as? String { h[p] = input["sha256"] as? String ?? "" }
            }
            return h
        }
        let a = hashes(old), b = hashes(new)
        for path in Set(a.keys).union(b.keys).sorted() where a[path] != b[path] {
            switch (a[path], b[path]) {
            case (nil, _): out.append("input \(path): read by the fresh run only")
            case (_, nil): out.append("input \(path): read by the earlier run only")
            default: out.append("input \(path): the data changed (SHA-256 \(short(a[path])) vs \(short(b[path])))")
            }
        }
        return out
    }

    private static func short(_ hash: Any?) -> String {
        guard let h = hash as? String else { return "none" }
        return String(h.prefix(12)) + "…"
    }

    /// What ran the notebook, field by field, where the two manifests disagree.
    static func environmentDifferences(_ old: [String: Any], _ new: [String: Any]) -> [String] {
        func text(_ value: Any?) -> String {
            switch value {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            default: return "not recorded"
            }
        }
        var out: [String] = []
        let oldBLAS = old["blas"] as? [String: Any] ?? [:], newBLAS = new["blas"] as? [String: Any] ?? [:]
        let fields: [(String, Any?, Any?)] = [
            ("BLAS kernel", oldBLAS["core"], newBLAS["core"]),
            ("BLAS configuration", oldBLAS["config"], newBLAS["config"]),
            ("BLAS threads", oldBLAS["threads"], newBLAS["threads"]),
            ("alliance version", old["alliance_version"], new["alliance_version"]),
            ("git commit", old["git_commit"], new["git_commit"]),
            ("Swift", old["swift_version"], new["swift_version"]),
            ("OS", old["os"], new["os"]),
        ]
        for (name, a, b) in fields where text(a) != text(b) {
            out.append("\(name): \(text(a)) vs \(text(b))")
        }
        return out
    }

    // MARK: Files

    /// The byte-level differences between two folders, manifest included: empty when the runs are identical.
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
