import AllianceTestSupport
import Foundation
import Output
import Testing
@testable import Commands

/// Results that only a table's notes or the JSON document show are not computed when the shell writes the tables as
/// CSV, which carries neither: `fit cox`'s concordance. Every other output, and every notebook block (which keeps
/// its JSON), still has it, and the CSV is the same bytes either way.
@Suite("unrendered results")
struct UnrenderedResultsTests {
    static let arguments = ["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex"]

    static func concordance(in report: CommandReport?) -> JSONValue? {
        guard case .object(let fields)? = report?.json, case .object(let fit)? = fields.first(where: { $0.0 == "fit" })?.1
        else { return nil }
        return fit.first(where: { $0.0 == "concordance" })?.1
    }

    @Test func coxConcordanceIsSkippedOnlyForShellCSV() throws {
        let dir = try temporaryDirectory("unrendered")
        try fixtureFiles.text("survival/lung.csv")
            .write(toFile: (dir as NSString).appendingPathComponent("lung.csv"), atomically: true, encoding: .utf8)
        // survival's concordance for coxph(Surv(time, status) ~ age + sex, lung) (ModelsTests/Fixtures/survival/survival_reference.json).
        var shown: Double?
        for format in ["text", "md", "json", "csv"] {
            let run = try runCommand(Self.arguments + ["--format", format], inputDirectory: dir, outputDirectory: dir)
            #expect(run.error == nil)
            if format == "csv" {
                #expect(Self.concordance(in: run.report) == .null, "not computed for CSV")
            } else {
                guard case .number(let c)? = Self.concordance(in: run.report) else {
                    Issue.record("\(format): no concordance"); continue
                }
                if let shown { #expect(c == shown) } else { shown = c }
                if format != "json" { #expect(run.stdout.contains("Concordance \(NumberFormat.fixed(c, places: 3))")) }
            }
        }
        let c = try #require(shown)
        #expect(abs(c - 0.60285300289797139) < 1e-12)
        // As a notebook block the CSV keeps its JSON, concordance included, and renders the same CSV bytes.
        let context = RunContext(inputDirectory: dir, outputDirectory: dir, standardOutput: { _ in }, standardError: { _ in })
        let command = try #require(try AllianceCLI.parseAsRoot(Self.arguments + ["--format", "csv"]) as? any AllianceSubcommand)
        let kept = try command.perform(in: context, printing: false)
        #expect(Self.concordance(in: kept) == .number(c))
        let shell = try runCommand(Self.arguments + ["--format", "csv"], inputDirectory: dir, outputDirectory: dir)
        let text = kept.rendered(as: .csv)
        #expect(shell.stdout == (text.hasSuffix("\n") ? text : text + "\n"))
    }
}
