import AllianceTestSupport
import Foundation
import Output
import Testing
@testable import Commands

/// The input's SHA-256 in fit reports: in the JSON `data` object when the JSON is rendered (shell `--format json`, and
/// always in a notebook, which keeps every block's JSON), not waited for when the shell renders only tables (the digest
/// appears nowhere else in a fit's output), and the tables the same bytes either way.
@Suite("report digest")
struct ReportDigestTests {
    static let coxArguments = ["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex"]
    static let olsArguments = ["fit", "ols", "lung.csv", "--formula", "time ~ age + sex"]

    static func directory() throws -> (path: String, digest: String) {
        let dir = try temporaryDirectory("digest")
        let lung = try fixtureFiles.text("survival/lung.csv")
        try lung.write(toFile: (dir as NSString).appendingPathComponent("lung.csv"), atomically: true, encoding: .utf8)
        return (dir, SHA256.hex(of: Array(lung.utf8)))
    }

    static func digest(in report: CommandReport?) -> String? {
        guard case .object(let fields)? = report?.json, let data = fields.first(where: { $0.0 == "data" })?.1,
              case .object(let dataFields) = data, case .string(let digest)? = dataFields.first(where: { $0.0 == "sha256" })?.1
        else { return nil }
        return digest
    }

    @Test(arguments: [coxArguments, olsArguments])
    func jsonOutputCarriesTheFilesDigest(_ arguments: [String]) throws {
        let (dir, expected) = try Self.directory()
        let run = try runCommand(arguments + ["--format", "json"], inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        let data = try #require(try parseJSON(run.stdout)["data"] as? [String: Any])
        #expect(data["sha256"] as? String == expected)
    }

    @Test(arguments: [coxArguments, olsArguments])
    func tableOutputsAreTheSameWithoutWaitingForTheDigest(_ arguments: [String]) throws {
        let (dir, expected) = try Self.directory()
        for format in ["csv", "text", "md"] {
            let shell = try runCommand(arguments + ["--format", format], inputDirectory: dir, outputDirectory: dir)
            #expect(shell.error == nil)
            // The shell rendered only tables: the digest was not waited for.
            #expect(Self.digest(in: shell.report) == "")
            // The same command as a notebook block keeps its JSON, digest included, and renders the same tables.
            let context = RunContext(inputDirectory: dir, outputDirectory: dir, standardOutput: { _ in }, standardError: { _ in })
            let command = try #require(try AllianceCLI.parseAsRoot(arguments + ["--format", format]) as? any AllianceSubcommand)
            let kept = try command.perform(in: context, printing: false)
            #expect(Self.digest(in: kept) == expected)
            #expect(context.rendersReportJSON)
            let text = kept.rendered(as: try #require(TableFormat(name: format)))
            #expect(shell.stdout == (text.hasSuffix("\n") ? text : text + "\n"))
        }
    }

    /// From the shell, a fit that renders only tables hashes its input on demand (never, as nothing asks), with no
    /// thread of its own; rendering JSON, or as a notebook block, it hashes in the background while it computes.
    @Test(arguments: [coxArguments, olsArguments])
    func onlyRunsThatRenderJSONHashInTheBackground(_ arguments: [String]) throws {
        let (dir, _) = try Self.directory()
        for (format, printing, onDemand) in [("csv", true, true), ("text", true, true), ("json", true, false),
                                             ("csv", false, false)] {
            let context = RunContext(inputDirectory: dir, outputDirectory: dir, standardOutput: { _ in }, standardError: { _ in })
            let command = try #require(try AllianceCLI.parseAsRoot(arguments + ["--format", format]) as? any AllianceSubcommand)
            _ = try command.perform(in: context, printing: printing)
            #expect(context.hashesInputsOnDemand == onDemand, "\(format), printing \(printing)")
        }
    }
}
