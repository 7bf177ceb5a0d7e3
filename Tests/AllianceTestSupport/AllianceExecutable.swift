import Foundation

/// The built `alliance` executable, for tests that must go through a real process (exit statuses, standard input,
/// the environment a BLAS kernel is chosen by): where it is, and one run of it with both streams captured.
public enum AllianceExecutable {
    /// The executable `swift build`/`swift test` put beside the test bundles (or ALLIANCE_BINARY).
    public static func path() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["ALLIANCE_BINARY"] { candidates.append(explicit) }
        if let resources = Bundle.module.resourceURL {
            // …/debug/alliance_AllianceTestSupport.resources → …/debug/alliance
            candidates.append(resources.deletingLastPathComponent().appendingPathComponent("alliance").path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates += [".build-hard/debug/alliance", ".build/debug/alliance"].map { root.appendingPathComponent($0).path }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }

    /// What one run left: exit status, whether it exited (rather than died of a signal), both streams, wall time.
    public struct Run: Sendable {
        public let status: Int32
        public let exited: Bool
        public let stdout: String
        public let stderr: String
        public let seconds: Double
    }

    /// Runs `executable` with `arguments`, `input` on standard input (none: an empty one), in `directory`, with
    /// `environment` (nil: this process's).
    public static func run(_ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
                           directory: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        let start = Date()
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        // Read both pipes to the end so that a chatty child cannot block on a full pipe.
        let errorData = stderr.fileHandleForReading.readDataToEndOfFile()
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, exited: process.terminationReason == .exit,
                   stdout: String(decoding: outputData, as: UTF8.self), stderr: String(decoding: errorData, as: UTF8.self),
                   seconds: Date().timeIntervalSince(start))
    }
}
