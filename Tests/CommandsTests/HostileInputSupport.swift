import AllianceTestSupport
import ArgumentParser
import Commands
import Foundation
import Testing

/// Shared machinery for the hostile-input tests: where the corpus lives, a scratch directory for the
/// inputs generated at run time, and an in-process runner that turns every outcome into the exit status
/// and message the `alliance` binary would give.
enum Hostile {
    /// The committed corpus (Tests/CommandsTests/Fixtures/hostile/).
    static func corpusDirectory() throws -> String {
        try fixtureFiles.path("hostile")
    }

    /// A fresh directory for inputs generated at run time (large files are never committed).
    static func scratchDirectory() throws -> String {
        try TestScratch.directory("hostile")
    }

    /// A fresh scratch directory holding `files` (name → contents, UTF-8).
    static func write(_ files: [String: String]) throws -> String {
        let dir = try scratchDirectory()
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    /// What one command line did, in-process.
    struct Outcome {
        let status: Int32
        /// Standard error (warnings and the error message) followed by the thrown message.
        let message: String
        let standardOutput: String
        /// CPU time of the calling thread, so that the bound holds on a busy machine too.
        let seconds: Double
    }

    /// CPU seconds used by the calling thread so far.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Parses and performs `arguments` (without the program name) exactly as `alliance` would, but in
    /// this process: argument errors become ArgumentParser's status, `CLIError`s their sysexits status,
    /// and anything else is recorded as status 1 (which the tables never expect, so such a case fails).
    static func run(_ arguments: [String], in directory: String) -> Outcome {
        var out = ""
        var err = ""
        let context = RunContext(inputDirectory: directory, outputDirectory: directory,
                                 standardOutput: { out += $0 }, standardError: { err += $0 })
        let start = threadCPUSeconds()
        var status: Int32 = 0
        var thrown = ""
        do {
            let command = try AllianceCLI.parseAsRoot(AllianceCLI.normalizedArguments(arguments))
            guard let subcommand = command as? any AllianceSubcommand else {
                return Outcome(status: -1, message: "not an AllianceSubcommand: \(arguments)", standardOutput: "", seconds: 0)
            }
            status = try subcommand.perform(in: context).exitStatus
        } catch let error as CLIError {
            status = error.exitCode
            thrown = error.message
        } catch {
            let code = AllianceCLI.exitCode(for: error).rawValue
            status = code == 0 ? 0 : (error is ExitCode || error is ValidationError || code == 64 ? code : 1)
            thrown = AllianceCLI.message(for: error)
        }
        return Outcome(status: status, message: err + thrown, standardOutput: out, seconds: threadCPUSeconds() - start)
    }

    /// Expected result of a case: success (possibly with a warning), or failure with a sysexits status.
    enum Expected: Sendable, CustomStringConvertible {
        case success
        case failure(CLIError.Kind)

        var status: Int32 {
            switch self {
            case .success: return 0
            case .failure(let kind): return kind.rawValue
            }
        }

        var description: String {
            switch self {
            case .success: return "success"
            case .failure(let kind): return "exit \(kind.rawValue)"
            }
        }
    }
}
