import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance mediate` and `alliance moderate` through the CLI path: the JSON contract (DESIGN.md §7), files, and
/// refusals with the exit status and a message that names the column. The numbers themselves are checked against R
/// in ModelsTests (MediationReferenceTests, BootstrapReferenceTests); the values here are the ones Hayes (2022) prints.
@Suite struct MediationCommandTests {
    func path(_ name: String) throws -> String { try fixtureFiles.path("mediation/\(name)") }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let run = try runCommand(arguments + ["--format", "json"])
        #expect(run.error == nil, "\(String(describing: run.error))")
        return try parseJSON(run.stdout)
    }

    @Test func simpleMediationContract() throws {
        let j = try json(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi", "--y", "reaction", "--boot", "500", "--seed", "5"])
        #expect(j["model"] as? String == "mediation")
        #expect(jsonNumber(j["process_model"]) == 4)
        let paths = try j.object("paths")
        for key in ["a", "b", "c", "c_prime"] {
            let p = try paths.object(key)
            for field in ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"] {
                #expect(jsonNumber(p[field]) != nil, "paths.\(key).\(field)")
            }
        }
        expectClose(jsonNumber(try paths.object("a")["estimate"]), 0.476525, .absolute(5e-7))
        expectClose(jsonNumber(try paths.object("b")["estimate"]), 0.506448, .absolute(5e-7))
        let indirect = try j.object("indirect")
        expectClose(jsonNumber(indirect["estimate"]), 0.241335, .absolute(5e-7))
        #expect(indirect["ci_method"] as? String == "percentile")
        #expect(jsonNumber(indirect["resamples"]) == 500)
        #expect(jsonNumber(indirect["seed"]) == 5)
        let low = try #require(jsonNumber(indirect["conf_low"])), high = try #require(jsonNumber(indirect["conf_high"]))
        #expect(low < 0.241335 && 0.241335 < high)
        let boot = try j.object("bootstrap")
        #expect(jsonNumber(boot["failures"]) == 0)
        #expect(boot["unit"] as? String == "rows")
        #expect((j["equations"] as? [Any])?.count == 3)
    }

    @Test func textOutputNamesTheProcessModel() throws {
        let run = try runCommand(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi,import", "--y", "reaction", "--boot", "200"])
        #expect(run.stdout.contains("PROCESS model 4 (parallel mediation)"))
        #expect(run.stdout.contains("Total indirect"))
        #expect(run.stdout.contains("p < .001") || run.stdout.contains("< .001"))
    }

    @Test func parallelMediatorsAndBCa() throws {
        let j = try json(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi,import", "--y", "reaction",
                          "--covariates", "gender,age", "--boot", "300", "--ci", "bca"])
        let mediators = try #require(j["mediators"] as? [[String: Any]])
        #expect(mediators.map { $0["mediator"] as? String } == ["pmi", "import"])
        for m in mediators {
            let indirect = try m.object("indirect")
            #expect(indirect["ci_method"] as? String == "bca")
            let a = try m.object("a"), b = try m.object("b")
            #expect(jsonNumber(a["estimate"]) != nil && jsonNumber(b["estimate"]) != nil)
        }
        let total = try j.object("total_indirect")
        let sum = mediators.compactMap { jsonNumber(($0["indirect"] as? [String: Any])?["estimate"]) }.reduce(0, +)
        expectClose(jsonNumber(total["estimate"]), sum, .relative(1e-12))
        #expect(j["indirect"] == nil)
    }

    @Test func moderatedMediationWithClusterBootstrap() throws {
        let j = try json(["mediate", try path("simulated.csv"), "--x", "arm", "--m", "wai", "--y", "phq_post", "--w", "phq_pre",
                          "--moderate", "b", "--cluster", "therapist", "--boot", "200", "--seed", "2"])
        #expect(jsonNumber(j["process_model"]) == 14)
        let index = try j.object("index_of_moderated_mediation")
        #expect(jsonNumber(index["conf_low"]) != nil)
        let conditional = try #require(j["conditional_effects"] as? [[String: Any]])
        #expect(conditional.count == 3)
        let boot = try j.object("bootstrap"), probes = try j.object("probes")
        #expect(boot["unit"] as? String == "therapist")
        #expect(jsonNumber(boot["units"]) == 24)
        #expect(probes["rule"] as? String == "percentiles")
    }

    @Test func exportedResamplesReproduceTheBootstrap() throws {
        let dir = try temporaryDirectory("mediate-export")
        let run = try runCommand(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi", "--y", "reaction", "--boot", "20",
                                  "--export-resamples", "rows.txt"], outputDirectory: dir)
        #expect(run.error == nil)
        let text = try String(contentsOfFile: (dir as NSString).appendingPathComponent("rows.txt"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { $0.split(separator: " ").count == 123 })
        #expect(lines.allSatisfy { $0.split(separator: " ").allSatisfy { Int($0).map { (1...123).contains($0) } ?? false } })
    }

    @Test func moderationContractJohnsonNeymanAndPlot() throws {
        let dir = try temporaryDirectory("moderate")
        let run = try runCommand(["moderate", try path("simulated.csv"), "--x", "wai", "--w", "phq_pre", "--y", "phq_post",
                                  "--covariates", "arm", "--jn", "--plot", "slopes.svg", "--format", "json"], outputDirectory: dir)
        #expect(run.error == nil, "\(String(describing: run.error))")
        let j = try parseJSON(run.stdout)
        #expect(jsonNumber(j["process_model"]) == 1)
        let terms = (j["coefficients"] as? [[String: Any]])?.compactMap { $0["term"] as? String }
        #expect(terms?.contains("wai:phq_pre") == true)
        #expect((j["conditional_effects"] as? [[String: Any]])?.count == 3)
        let jn = try j.object("johnson_neyman")
        #expect((jn["bounds"] as? [Any])?.count == 1)
        #expect((jn["roots"] as? [Any])?.count == 2)
        #expect((jn["significant"] as? String)?.contains("significant") == true)
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("slopes.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("role=\"img\"") && svg.contains("phq_pre ="))
        // Without --jn the region is left out.
        let plain = try json(["moderate", try path("simulated.csv"), "--x", "wai", "--w", "phq_pre", "--y", "phq_post"])
        #expect(plain["johnson_neyman"] == nil)
    }

    @Test func refusalsNameTheProblem() throws {
        var csv = "arm,wai,phq_post\n"
        for r in 0..<20 { csv += "\(r % 2 == 0 ? "cbt" : "wait"),\(40 + r),\(10 - r / 3)\n" }
        let dir = try temporaryDirectory("mediate-refusals")
        let file = (dir as NSString).appendingPathComponent("text_arm.csv")
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let text = try runCommand(["mediate", file, "--x", "arm", "--m", "wai", "--y", "phq_post", "--boot", "10"])
        #expect(text.error?.exitCode == 65)
        #expect(text.error?.message.contains("'arm'") == true && text.error?.message.contains("numeric") == true)
        let unknown = try runCommand(["mediate", try path("tal_or.csv"), "--x", "cnd", "--m", "pmi", "--y", "reaction"])
        #expect(unknown.error?.exitCode == 64)
        #expect(unknown.error?.message.contains("cond") == true)
        let noW = try runCommand(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi", "--y", "reaction", "--moderate", "a"])
        #expect(noW.error?.exitCode == 64)
        let badCI = try runCommand(["mediate", try path("tal_or.csv"), "--x", "cond", "--m", "pmi", "--y", "reaction", "--ci", "normal"])
        #expect(badCI.error?.exitCode == 64)
        let twice = try runCommand(["moderate", try path("tal_or.csv"), "--x", "pmi", "--w", "pmi", "--y", "reaction"])
        #expect(twice.error?.exitCode == 65)
    }

    @Test func notebookManifestRecordsTheBootstrap() throws {
        let dir = try temporaryDirectory("mediate-notebook")
        let data = (dir as NSString).appendingPathComponent("tal_or.csv")
        try FileManager.default.copyItem(atPath: try path("tal_or.csv"), toPath: data)
        let notebook = (dir as NSString).appendingPathComponent("m.md")
        try "# M\n\n```alliance\nmediate tal_or.csv --x cond --m pmi --y reaction --boot 50 --seed 9 --ci bca\n```\n"
            .write(toFile: notebook, atomically: true, encoding: .utf8)
        let out = (dir as NSString).appendingPathComponent("out")
        let outcome = try NotebookRunner(notebookPath: notebook, outputDirectory: out, keepGoing: false).run()
        #expect(outcome.failures.isEmpty)
        let manifest = try parseJSON(try String(contentsOfFile: (out as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))
        let boots = try #require(manifest["bootstraps"] as? [[String: Any]])
        #expect(boots.count == 1)
        #expect(boots.first?["command"] as? String == "mediate")
        #expect(boots.first?["seed"] as? String == "9")
        #expect(boots.first?["ci_method"] as? String == "bca")
        #expect(jsonNumber(boots.first?["resamples"]) == 50)
        #expect((manifest["seeds"] as? [String])?.contains("9") == true)
    }
    /// PROCESS fits a dichotomous Y by logistic regression; alliance fits every equation by OLS, so a 0/1 outcome
    /// (dropout) gave a linear-probability indirect effect that differs from PROCESS's, with no word (exit 0). The
    /// numbers are kept (the documented OLS model) but a warning now says so; a continuous Y gets no warning.
    @Test func dichotomousOutcomeIsWarned() throws {
        let data = try path("tal_or.csv")
        for arguments in [["mediate", data, "--x", "pmi", "--m", "import", "--y", "cond", "--boot", "20", "--seed", "1"],
                          ["moderate", data, "--x", "pmi", "--w", "import", "--y", "cond"]] {
            let run = try runCommand(arguments)
            #expect(run.error == nil, "\(String(describing: run.error))")
            for part in ["tal_or.csv", "'cond' takes only two values (0 and 1)", "linear probability", "PROCESS", "logistic"] {
                #expect(run.stderr.contains(part), "'\(part)' not in: \(run.stderr)")
            }
        }
        let continuous = try runCommand(["mediate", data, "--x", "cond", "--m", "pmi", "--y", "reaction", "--boot", "20", "--seed", "1"])
        #expect(!continuous.stderr.contains("two values"), "\(continuous.stderr)")
    }
}
