import AllianceTestSupport
import Foundation
import Output
import Testing

/// `alliance fit logit|poisson` with several grouping factors, end to end: the text report, JSON as `fit lmm` with several
/// factors (a variance component, group and ICC per factor), `--ranef` with every factor's levels, and the `--nagq` refusal.
/// Numbers of the `sim_nested_logit` fit in Tests/ModelsTests/Fixtures/glmm/glmm_multi_reference.json (make_glmm_multi_fixtures.R:
/// glmer polished; the data file is copied here), at issue 13's tolerances: 1e-5 relative for estimates, SEs and variances,
/// 1e-6 absolute for the log-likelihood.
@Suite("fit GLMM command, several grouping factors")
struct FitGLMMSeveralFactorsCommandTests {
    static let beta = [-1.1641107770866104, -0.5540649736225192]
    static let standardErrors = [0.1150069794062133, 0.06238836612466927]
    static let logLikelihood = -956.7861905813152
    /// client, therapist (Intercept) variances.
    static let variances = [0.44243079228659077, 0.3492317599528382]

    @Test func nestedLogitJSONAndRanef() throws {
        let data = try fixtureFiles.path("glmm/glmm_sessions.csv")
        let dir = try temporaryDirectory("glmm-several")
        let ranef = (dir as NSString).appendingPathComponent("modes.csv")
        let run = try runCommand(["fit", "logit", data, "--formula", "dropped ~ wai_c + (1 | therapist) + (1 | client)",
                                  "--ranef", ranef, "--format", "json"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try JSONValue(parsing: run.stdout)
        let coefficients = try #require(doc["coefficients"]?.arrayValue)
        let beta = Self.beta, se = Self.standardErrors
        #expect(coefficients.count == 2)
        for (k, c) in coefficients.enumerated() where k < 2 {
            expectClose(c["estimate"]?.doubleValue, beta[k], relative: 1e-5, "estimate \(k)")
            expectClose(c["std_error"]?.doubleValue, se[k], relative: 1e-5, "SE \(k)")
        }
        expectClose(doc["fit"]?["log_likelihood"]?.doubleValue, Self.logLikelihood, absolute: 1e-6, "logLik")
        #expect(doc["fit"]?["npar"]?.intValue == 4)
        let groups = try #require(doc["groups"]?.arrayValue)
        #expect(groups.compactMap { $0["group"]?.stringValue } == ["client", "therapist"])
        #expect(groups.compactMap { $0["levels"]?.intValue } == [298, 50])
        let random = try #require(doc["random_effects"]?.arrayValue)
        let variances = Self.variances
        #expect(random.count == 2)
        for (r, v) in zip(random, variances) { expectClose(r["variance"]?.doubleValue, v, relative: 1e-5, "variance") }
        let icc = try #require(doc["icc"]?.arrayValue)
        #expect(icc.compactMap { $0["group"]?.stringValue } == ["client", "therapist"])
        let total = variances.reduce(Double.pi * Double.pi / 3, +)
        for (i, v) in zip(icc, variances) { expectClose(i["estimate"]?.doubleValue, v / total, relative: 2e-5, "ICC") }
        let lines = try String(contentsOfFile: ranef, encoding: .utf8).components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(lines.first == "group,level,term,estimate,cond_sd,rows")
        #expect(lines.count == 1 + 298 + 50)
        #expect(lines.contains { $0.hasPrefix("therapist,T01,(Intercept),") } && lines.contains { $0.hasPrefix("client,C0001,(Intercept),") })
    }

    @Test func crossedTextReport() throws {
        let data = try fixtureFiles.path("glmm/glmm_sessions.csv")
        let run = try runCommand(["fit", "logit", data, "--formula", "rated_low ~ wai_c + (1 | client) + (1 | rater)"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        #expect(run.stdout.contains("groups: 298 client, 12 rater"))
        #expect(run.stdout.contains("Latent-scale ICC(client)") && run.stdout.contains("Latent-scale ICC(rater)"))
    }

    @Test func adaptiveQuadratureRefused() throws {
        let data = try fixtureFiles.path("glmm/glmm_sessions.csv")
        let run = try runCommand(["fit", "logit", data, "--formula", "dropped ~ wai_c + (1 | therapist/client)", "--nagq", "5"])
        let error = try #require(run.error)
        #expect(error.exitCode == 65 && error.message.contains("glmer refuses nAGQ > 1"), "\(error.message)")
    }
}
