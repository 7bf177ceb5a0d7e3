import Foundation

/// Scratch directories for files the tests write: all under one directory for the test process, removed when the
/// process exits (a test run made some 1,600 directories in the system's temporary directory and left them there).
public enum TestScratch {
    /// The test process's directory.
    private static let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-test-run-\(getpid())")

    /// `path`, made (and its removal at exit registered) on first use.
    private static let root: String = {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.path) }
        return path
    }()

    /// A fresh, empty directory named after `label`.
    public static func directory(_ label: String) throws -> String {
        let dir = (root as NSString).appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A path for one file named after `label` with `suffix` (e.g. ".docx"), not yet created.
    public static func file(_ label: String, suffix: String) -> String {
        (root as NSString).appendingPathComponent("\(label)-\(UUID().uuidString)\(suffix)")
    }
}
