import AllianceTestSupport
import Foundation
import Output
import Testing
@testable import Commands

/// `alliance fit logit|poisson` with random effects end to end: the JSON contract (DESIGN.md §7, as `fit lmm`), the
/// numbers of lme4's cbpp against glmer (values from Tests/ModelsTests/Fixtures/glmm/glmm_reference.json, made by
/// make_glmm_fixtures.R: 1e-5 relative for estimates and SEs, 1e-6 absolute for the log-likelihood), --ranef, --plot,
/// compare of a GLM with a GLMM, and hostile input (exit 65 or 64 with a message naming the problem, never a wrong fit).
@Suite("fit GLMM command")
struct FitGLMMCommandTests {
    static let cbppFormula = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)"

    static func fit(_ arguments: [String]) throws -> (run: CapturedRun, json: JSONValue?) {
        let run = try runCommand(["fit"] + arguments + ["--format", "json"])
        return (run, run.error == nil ? try JSONValue(parsing: run.stdout) : nil)
    }

    /// A CSV written to a temporary folder.
    static func csv(_ text: String, _ label: String) throws -> String {
        let path = (try temporaryDirectory(label) as NSString).appendingPathComponent("data.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Dropout of 12 clients in each of 30 therapists, from a fixed linear congruential sequence (no randomness).
    static func dropoutData(therapists: Int = 30) -> String {
        var state: UInt64 = 20261206
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["therapist,wai,dropout"]
        for t in 0..<therapists {
            let effect = (uniform() - 0.5) * 2.4
            for _ in 0..<12 {
                let wai = (uniform() - 0.5) * 4
                let p = 1 / (1 + exp(-(-0.8 + effect - 0.5 * wai)))
                lines.append(String(format: "T%02d,%.3f,%d", t + 1, wai, uniform() < p ? 1 : 0))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func cbppMatchesGlmer() throws {
        let data = try fixtureFiles.path("glmm/cbpp.csv")
        let (run, json) = try Self.fit(["logit", data, "--formula", Self.cbppFormula, "--exponentiate"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try #require(json)
        #expect(doc["model"]?.stringValue == "logit")
        #expect(doc["call"]?.arrayValue?.compactMap(\.stringValue).prefix(2) == ["fit", "logit"])
        let coefficients = try #require(doc["coefficients"]?.arrayValue)
        let beta = [-1.3985321423531176, -0.9923327349294142, -1.1286720841631612, -1.5803138854875125]
        let se = [0.2324719922567977, 0.306642497887673, 0.3266378505170097, 0.4274365866365876]
        #expect(coefficients.count == 4)
        for (k, c) in coefficients.enumerated() where k < 4 {
            expectClose(c["estimate"]?.doubleValue, beta[k], relative: 1e-5, "estimate \(k)")
            expectClose(c["std_error"]?.doubleValue, se[k], relative: 1e-5, "SE \(k)")
            #expect(c["df"] == .null, "Wald z tests have no df")
            expectClose(c["exp_estimate"]?.doubleValue, exp(beta[k]), relative: 1e-5, "odds ratio \(k)")
        }
        let fit = try #require(doc["fit"])
        expectClose(fit["log_likelihood"]?.doubleValue, -92.02628186475707, absolute: 1e-6, "logLik")
        #expect(fit["method"]?.stringValue == "Laplace" && fit["nagq"]?.intValue == 1 && fit["npar"]?.intValue == 5)
        #expect(fit["optimizer"]?["converged"] != nil && fit["optimizer_stage1"]?["evaluations"] != nil)
        #expect(fit["singular"] == .bool(false))
        let random = try #require(doc["random_effects"]?.arrayValue)
        #expect(random.count == 1 && random.first?["group"]?.stringValue == "herd")
        expectClose(random.first?["variance"]?.doubleValue, 0.6422614484325435 * 0.6422614484325435, relative: 1e-5, "herd variance")
        let icc = try #require(doc["icc"]?.arrayValue?.first)
        let tau2 = 0.6422614484325435 * 0.6422614484325435
        expectClose(icc["estimate"]?.doubleValue, tau2 / (tau2 + Double.pi * Double.pi / 3), relative: 2e-5, "latent ICC")
        #expect(icc["scale"]?.stringValue == "latent")
        #expect(doc["groups"]?.arrayValue?.first?["levels"]?.intValue == 15)
        #expect(fit["overdispersion"] == nil, "overdispersion is reported for Poisson models")
    }

    @Test func adaptiveQuadrature() throws {
        let data = try fixtureFiles.path("glmm/cbpp.csv")
        let (run, json) = try Self.fit(["logit", data, "--formula", Self.cbppFormula, "--nagq", "10"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let fit = try #require(json?["fit"])
        #expect(fit["method"]?.stringValue == "AGQ" && fit["nagq"]?.intValue == 10)
        expectClose(fit["log_likelihood"]?.doubleValue, -91.98336875243226, absolute: 1e-6, "AGQ logLik")
        expectClose(json?["coefficients"]?.arrayValue?.first?["estimate"]?.doubleValue, -1.3992304873561099, relative: 1e-5, "intercept")
        #expect(json?["call"]?.arrayValue?.compactMap(\.stringValue).suffix(2) == ["--nagq", "10"])
    }

    @Test func textReportNamesTheOptimizerAndTheEventCoding() throws {
        // Stage 2 of a Laplace fit is Newton on the analytic gradient, AGQ's is BOBYQA: the text says which ran.
        let text = Self.dropoutData().replacingOccurrences(of: ",1\n", with: ",left\n").replacingOccurrences(of: ",0\n", with: ",stayed\n")
        let path = try Self.csv(text, "glmm-text")
        let run = try runCommand(["fit", "logit", path, "--formula", "dropout ~ wai + (1 | therapist)"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        #expect(run.stdout.contains("stage 2 (θ, β)") && run.stdout.contains("Newton step"))
        #expect(!run.stdout.contains("BOBYQA"))
        #expect(run.stdout.contains("Outcome coded 1 = stayed, 0 = left (the second level in sorted order, as R; choose with --event)."))
        let chosen = try runCommand(["fit", "logit", path, "--formula", "dropout ~ wai + (1 | therapist)", "--event", "left"])
        #expect(chosen.stdout.contains("Outcome coded 1 = left, 0 = stayed (--event)."))
        let agq = try runCommand(["fit", "logit", try fixtureFiles.path("glmm/cbpp.csv"), "--formula", Self.cbppFormula, "--nagq", "10"])
        #expect(agq.stdout.contains("stage 2 (θ, β) BOBYQA"))
    }

    @Test func ranefAndPlots() throws {
        let data = try fixtureFiles.path("glmm/cbpp.csv")
        let dir = try temporaryDirectory("glmm-files")
        let ranef = (dir as NSString).appendingPathComponent("modes.csv")
        let plot = (dir as NSString).appendingPathComponent("fit.svg")
        let run = try runCommand(["fit", "logit", data, "--formula", Self.cbppFormula, "--ranef", ranef, "--plot", plot])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let lines = try String(contentsOfFile: ranef, encoding: .utf8).components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(lines.first == "group,level,term,estimate,cond_sd,rows")
        #expect(lines.count == 16)
        #expect(FileManager.default.fileExists(atPath: plot))
        let caterpillar = try String(contentsOfFile: (dir as NSString).appendingPathComponent("fit-ranef.svg"), encoding: .utf8)
        #expect(caterpillar.contains("Caterpillar plot"))
    }

    /// A GLM nested in the GLMM with its fixed effects: the likelihood-ratio test of the therapist variance.
    @Test func compareWithGLM() throws {
        let data = try Self.csv(Self.dropoutData(), "glmm-compare")
        let dir = (data as NSString).deletingLastPathComponent
        let glm = (dir as NSString).appendingPathComponent("glm.json"), glmm = (dir as NSString).appendingPathComponent("glmm.json")
        for (formula, out) in [("dropout ~ wai", glm), ("dropout ~ wai + (1 | therapist)", glmm)] {
            let run = try runCommand(["fit", "logit", data, "--formula", formula, "--format", "json", "--out", out])
            #expect(run.error == nil, "\(run.error?.message ?? "")")
        }
        let run = try runCommand(["compare", glm, glmm, "--format", "json"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try JSONValue(parsing: run.stdout)
        let rows = try #require(doc["models"]?.arrayValue)
        #expect(rows.count == 2)
        let small = try JSONValue(parsing: try String(contentsOfFile: glm, encoding: .utf8))
        let large = try JSONValue(parsing: try String(contentsOfFile: glmm, encoding: .utf8))
        let l0 = try #require(small["fit"]?["log_likelihood"]?.doubleValue), l1 = try #require(large["fit"]?["log_likelihood"]?.doubleValue)
        #expect(rows[1]["npar"]?.intValue == 3 && rows[0]["npar"]?.intValue == 2)
        expectClose(rows[1]["statistic"]?.doubleValue, 2 * (l1 - l0), relative: 1e-12, "LR statistic")
        #expect(l1 >= l0, "the GLMM's likelihood is at least the GLM's")
    }

    // MARK: hostile input

    static func expectRefused(_ arguments: [String], code: Int32 = 65, mentioning words: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try runCommand(["fit"] + arguments)
        let error = try #require(run.error, "expected a refusal", sourceLocation: sourceLocation)
        #expect(error.exitCode == code, "\(error.message)", sourceLocation: sourceLocation)
        for word in words { #expect(error.message.contains(word), "\(error.message)", sourceLocation: sourceLocation) }
    }

    @Test func noEvents() throws {
        let data = try Self.csv("g,x,y\na,1,0\na,2,0\nb,3,0\nb,4,0\nc,5,0\nc,1,0\n", "glmm-no-events")
        try Self.expectRefused(["logit", data, "--formula", "y ~ x + (1 | g)"], mentioning: ["no events"])
        let counts = try Self.csv("g,x,y\na,1,0\na,2,0\nb,3,0\nb,4,0\n", "glmm-zero-counts")
        try Self.expectRefused(["poisson", counts, "--formula", "y ~ x + (1 | g)"], mentioning: ["every count is 0"])
    }

    @Test func singleLevel() throws {
        let data = try Self.csv("g,x,y\na,1,0\na,2,1\na,3,0\na,4,1\na,5,1\n", "glmm-one-level")
        try Self.expectRefused(["logit", data, "--formula", "y ~ x + (1 | g)"], mentioning: ["single level", "g"])
    }

    /// Every group all 0 or all 1: the group variance runs off towards infinity; either a fit with a warning in
    /// plain words or a refusal, never a silent fit.
    @Test func allEqualGroups() throws {
        var lines = ["g,x,y"]
        for g in 0..<8 { for k in 0..<5 { lines.append("g\(g),\(Double(k) / 2),\(g % 2)") } }
        let data = try Self.csv(lines.joined(separator: "\n") + "\n", "glmm-equal-groups")
        let run = try runCommand(["fit", "logit", data, "--formula", "y ~ x + (1 | g)", "--format", "json"])
        if let error = run.error {
            #expect(error.exitCode == 65, "\(error.message)")
        } else {
            let doc = try JSONValue(parsing: run.stdout)
            let warnings = (doc["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(warnings.contains { $0.contains("separate") }, "a fit of perfectly separated groups must warn: \(warnings)")
        }
    }

    @Test func missingAndNonNumericValues() throws {
        // NaN and empty cells are missing values: the rows are dropped and counted, not fitted.
        var lines = ["g,x,y"]
        for g in 0..<6 { for k in 0..<6 { lines.append("g\(g),\(k),\((g + k) % 3 == 0 ? 1 : 0)") } }
        lines.append("g1,NaN,1")
        lines.append("g2,,0")
        let data = try Self.csv(lines.joined(separator: "\n") + "\n", "glmm-nan")
        let (run, json) = try Self.fit(["logit", data, "--formula", "y ~ x + (1 | g)"])
        if let error = run.error {
            #expect(error.exitCode == 65 && error.message.contains("x"), "\(error.message)")
        } else {
            #expect(json?["data"]?["used"]?.intValue == 36)
        }
        let bad = try Self.csv("g,x,y\na,1,0\na,2,2\nb,3,1\nb,4,0\n", "glmm-not-binary")
        try Self.expectRefused(["logit", bad, "--formula", "y ~ x + (1 | g)"], mentioning: ["0/1"])
    }

    @Test func refusedOptions() throws {
        let data = try fixtureFiles.path("glmm/cbpp.csv")
        try Self.expectRefused(["logit", data, "--formula", "cbind(incidence, size - incidence) ~ factor(period) + (factor(period) | herd)",
                                "--nagq", "5"], mentioning: ["single scalar random effect"])
        try Self.expectRefused(["logit", data, "--formula", Self.cbppFormula, "--robust", "hc3"], code: 64, mentioning: ["--robust"])
        try Self.expectRefused(["logit", data, "--formula", Self.cbppFormula, "--nagq", "0"], code: 64, mentioning: ["--nagq"])
        try Self.expectRefused(["negbin", data, "--formula", "incidence ~ factor(period) + (1 | herd)"], code: 64, mentioning: ["glmer.nb"])
        try Self.expectRefused(["poisson", data, "--formula", Self.cbppFormula], mentioning: ["cbind"])
        try Self.expectRefused(["ols", data, "--formula", "incidence ~ size", "--nagq", "3"], code: 64, mentioning: ["--nagq"])
    }
    /// A -99 left in a 0/1 outcome or a count is refused ("must be binary", "a non-negative whole-number count"), but
    /// the model frame's missing-code scan, which says "pass --na -99", runs only on a fit that succeeds: the refusal
    /// gave no hint that -99 is a missing-value code. Now the warning comes before the refusal (GLMM, GLM, lmm).
    @Test func refusedMinus99OutcomeNamesTheMissingCode() throws {
        var lines = Self.dropoutData().split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: #",[01]$"#, with: ",-99", options: .regularExpression)
        lines[9] = lines[9].replacingOccurrences(of: #",[01]$"#, with: ",-99", options: .regularExpression)
        let path = try Self.csv(lines.joined(separator: "\n") + "\n", "glmm-minus99")
        for arguments in [["logit", path, "--formula", "dropout ~ wai + (1 | therapist)"],
                          ["logit", path, "--formula", "dropout ~ wai"],
                          ["poisson", path, "--formula", "dropout ~ wai + (1 | therapist)"]] {
            let (run, _) = try Self.fit(arguments)
            let error = try #require(run.error, "\(arguments)")
            #expect(error.exitCode == 65)
            #expect(run.stderr.contains("column 'dropout' holds -99 in 2 rows"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("--na -99"), "\(run.stderr)")
        }
        // A number column spoiled by one text code is a factor of a level per row: the GLMM is refused, and the frame's
        // warning that says why comes with the refusal.
        var spoiled = Self.dropoutData(therapists: 3).split(separator: "\n").map(String.init)
        spoiled[3] = spoiled[3].replacingOccurrences(of: #",-?[0-9.]+,"#, with: ",n/a,", options: .regularExpression)
        let textPath = try Self.csv(spoiled.joined(separator: "\n") + "\n", "glmm-text-wai")
        let (text, _) = try Self.fit(["logit", textPath, "--formula", "dropout ~ wai + (1 | therapist)"])
        #expect(text.error?.exitCode == 65)
        #expect(text.stderr.contains("'wai' is a text column with"), "\(text.stderr)")
        // Declared missing, the two rows are dropped and the model is fitted.
        let (declared, json) = try Self.fit(["logit", path, "--formula", "dropout ~ wai + (1 | therapist)", "--na", "-99"])
        #expect(declared.error == nil, "\(declared.error?.message ?? "")")
        #expect(json?["data"]?["dropped"]?.intValue == 2)
    }
}
