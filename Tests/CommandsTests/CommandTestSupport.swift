import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Runs a command in-process the way the CLI does, capturing standard output and standard error.
struct CapturedRun {
    var stdout = ""
    var stderr = ""
    var report: CommandReport?
    var error: CLIError?
}

final class Capture: @unchecked Sendable {
    var out = ""
    var err = ""
}

func runCommand(_ arguments: [String], inputDirectory: String? = nil, outputDirectory: String? = nil) throws -> CapturedRun {
    let capture = Capture()
    let context = RunContext(inputDirectory: inputDirectory, outputDirectory: outputDirectory,
                             standardOutput: { capture.out += $0 }, standardError: { capture.err += $0 })
    var result = CapturedRun()
    let parsed = try AllianceCLI.parseAsRoot(AllianceCLI.normalizedArguments(arguments))
    guard let command = parsed as? any AllianceSubcommand else {
        Issue.record("\(arguments.first ?? "") is not an AllianceSubcommand")
        return result
    }
    do {
        result.report = try command.perform(in: context)
    } catch let e as CLIError {
        result.error = e
    }
    result.stdout = capture.out
    result.stderr = capture.err
    return result
}

func temporaryDirectory(_ label: String) throws -> String {
    try TestScratch.directory(label)
}
