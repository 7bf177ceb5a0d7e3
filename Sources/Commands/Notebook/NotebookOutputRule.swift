import Foundation

/// Where a notebook's commands may write. A run's outputs are its report: they stay inside its output folder, where
/// `--check` re-runs them into a temporary folder, and none may take a name the run writes itself or the notebook's own
/// file. Before, `--out ../selfc.md` replaced the notebook with a table, `--out manifest.json` was overwritten by the
/// manifest (which then recorded hashes of neither), and `--out ../x.csv` wrote beside the notebook — and, under
/// `--check`, beside the temporary folder.
struct NotebookOutputRule {
    /// The output folder, absolute and standardised, with a trailing slash.
    let folder: String
    /// Absolute, standardised paths the run writes itself or reads as its source, with what each is.
    let reserved: [String: String]

    init(outputDirectory: String, notebookPath: String, reportName: String) {
        folder = Self.absolute(outputDirectory) + "/"
        var reserved: [String: String] = [Self.absolute(notebookPath): "the notebook itself"]
        for (file, what) in [("manifest.json", "the run's manifest"), ("\(reportName).md", "the run's Markdown report"),
                             ("\(reportName).html", "the run's HTML report")] {
            reserved[Self.absolute((outputDirectory as NSString).appendingPathComponent(file))] = what
        }
        self.reserved = reserved
    }

    /// Throws when a command of the notebook would write `resolved` (its `--out`/`--plot` as given: `requested`).
    func check(_ resolved: String, requested: String) throws {
        let path = Self.absolute(resolved)
        if let what = reserved[path] {
            throw CLIError(.cannotCreate, "'\(requested)' is \(what): a notebook's commands cannot write over it; choose another name")
        }
        guard path.hasPrefix(folder) else {
            throw CLIError(.cannotCreate, "'\(requested)' is outside the run's output folder: a notebook's outputs stay inside it "
                + "(so that `alliance run --check` re-runs them into its own folder); give a path relative to the folder, "
                + "such as tables/t1.md")
        }
        if path.dropFirst(folder.count).hasPrefix("results/") {
            throw CLIError(.cannotCreate, "'\(requested)' is in results/, where the run keeps each command's JSON; choose another folder")
        }
    }

    /// `path` made absolute against the current directory, with `.` and `..` resolved lexically.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }
}
