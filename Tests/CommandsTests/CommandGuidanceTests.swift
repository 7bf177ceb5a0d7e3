import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// A misspelt subcommand and `fit` without a model kind get a message that says what to type, with exit 64.
@Suite struct CommandGuidanceTests {
    @Test func misspeltSubcommandSuggestsTheNearest() throws {
        let problem = try #require(CommandGuidance.problem(with: ["corelate", "data.csv"]))
        #expect(problem.exitCode == 64)
        #expect(problem.message.contains("did you mean `correlate`?"))
        #expect(CommandGuidance.problem(with: ["relability"])?.message.contains("`reliability`") == true)
        #expect(CommandGuidance.problem(with: ["scroe"])?.message.contains("`score`") == true)
        #expect(CommandGuidance.problem(with: ["descibe"])?.message.contains("`describe`") == true)
        #expect(CommandGuidance.problem(with: ["simulat"])?.message.contains("`simulate`") == true)
        // Nothing close: no guess, but the list of commands.
        let far = try #require(CommandGuidance.problem(with: ["xyzzy"]))
        #expect(!far.message.contains("did you mean"))
        #expect(far.message.contains("correlate") && far.message.contains("reliability"))
        #expect(!far.message.contains("generate-manual"))
    }

    @Test func validCommandLinesPassThrough() {
        for args in [[], ["--help"], ["--version"], ["help", "fit"], ["correlate", "x.csv"], ["fit", "ols", "x.csv"],
                     ["fit", "LMM", "x.csv"], ["fit", "--help"], ["plot", "scatter"], ["generate-manual"], ["run", "nb.md"]] {
            #expect(CommandGuidance.problem(with: args) == nil, "\(args)")
        }
    }

    @Test func fitWithoutAKindListsTheKinds() throws {
        for args in [["fit"], ["fit", "Datasets/clinic.csv", "--formula", "y ~ x"], ["fit", "data.csv"]] {
            let problem = try #require(CommandGuidance.problem(with: args), "\(args)")
            #expect(problem.exitCode == 64)
            for kind in ["ols", "logit", "poisson", "negbin", "lmm", "cox"] {
                #expect(problem.message.contains(kind), "\(args): \(kind)")
            }
        }
        // An unknown word where the kind belongs is fit's own error, which also names the kinds.
        #expect(CommandGuidance.problem(with: ["fit", "olss", "x.csv"]) == nil)
        let unknown = try runCommand(["fit", "olss", "x.csv", "--formula", "y ~ x"])
        #expect(unknown.error?.exitCode == 64)
        #expect(unknown.error?.message.contains("ols, logit, poisson, negbin, lmm or cox") == true)
    }

    @Test func transposedLettersCountAsOneSlip() {
        #expect(CommandGuidance.editDistance(Array("corelate"), Array("correlate")) == 1)
        #expect(CommandGuidance.editDistance(Array("socre"), Array("score")) == 1)
        #expect(CommandGuidance.closest(to: "socre", among: CommandGuidance.commandNames) == "score")
        #expect(CommandGuidance.closest(to: "plto", among: CommandGuidance.commandNames) == "plot")
    }

    @Test func theExecutableExitsWithUsageStatus() throws {
        let binary = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build)")
        for (args, expected) in [(["corelate"], "did you mean `correlate`?"), (["fit"], "fit needs a model kind: ols, logit")] {
            let run = try AllianceExecutable.run(binary, args)
            let text = run.stderr
            #expect(run.status == 64, "\(args)")
            #expect(text.hasPrefix("error: ") && text.contains(expected), "\(args): \(text)")
        }
    }
}
