import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance fit` with the formula functions, on the session data of Tests/ModelsTests/Fixtures/make_formula.R
/// (the shared fixture formula_data.csv, Tests/AllianceTestSupport/Fixtures). Reference numbers are R's, copied
/// from formula_reference.json (poisson_offset_option, ols_within_between_cluster, ols_lag); tolerances OLS 1e-10, Poisson 1e-9 relative.
@Suite("fit command: formula functions")
struct FitFormulaCommandTests {
    /// `FitCommandTests.run` (in the shared fixtures folder) with the client id column allowed.
    static func run(_ arguments: [String], outputDirectory: String? = nil) throws -> (output: String, errors: String) {
        try FitCommandTests.run(arguments + ["--allow-column", "client"], outputDirectory: outputDirectory)
    }

    /// The error a run ends with.
    static func failure(_ arguments: [String]) -> CLIError? {
        do { _ = try run(arguments); return nil } catch let e as CLIError { return e } catch { return nil }
    }

    static func coefficients(_ output: String) throws -> [[String: Any]] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return try #require(doc["coefficients"] as? [[String: Any]])
    }

    static func values(_ coefficients: [[String: Any]], _ key: String) -> [Double] {
        coefficients.map { ($0[key] as? NSNumber)?.doubleValue ?? .nan }
    }

    @Test func offsetOptionMatchesRAndIsReported() throws {
        let (out, _) = try FitFormulaCommandTests.run(["poisson", "formula_data.csv", "--formula", "attended ~ wai + site",
                                                       "--offset", "log(offered)", "--format", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(doc["offset"] as? String == "log(offered)")
        #expect((doc["data"] as? [String: Any])?["used"] as? Int == 379)
        let c = try FitFormulaCommandTests.coefficients(out)
        #expect(isClose(FitFormulaCommandTests.values(c, "estimate"),
                        [-1.6515099224192005, 0.016247441482347715, -0.039058571262069762, -0.10086887911429418], .relative(1e-9)))
        #expect(isClose(FitFormulaCommandTests.values(c, "std_error"),
                        [0.19841192840461794, 0.0035527358359689148, 0.063960602281595641, 0.06280158555712477], .relative(1e-9)))
        let (text, _) = try FitFormulaCommandTests.run(["poisson", "formula_data.csv", "--formula", "attended ~ wai + site",
                                                        "--offset", "log(offered)"])
        #expect(text.contains("Offset: log(offered) (added to the linear predictor with coefficient 1)."))
        // Without --offset the JSON has no offset key (the contract only grows).
        let (plain, _) = try FitFormulaCommandTests.run(["poisson", "formula_data.csv", "--formula", "attended ~ wai + offset(log(offered))",
                                                         "--format", "json"])
        let plainDoc = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any])
        #expect(plainDoc["offset"] == nil)
    }

    @Test func withinBetweenWithClusterRobustErrors() throws {
        let (out, _) = try FitFormulaCommandTests.run(["ols", "formula_data.csv", "--formula",
                                                       "phq ~ within(wai, therapist) + between(wai, therapist) + phq_pre",
                                                       "--cluster", "therapist", "--format", "json"])
        let c = try FitFormulaCommandTests.coefficients(out)
        #expect(c.map { $0["term"] as? String ?? "" } == ["(Intercept)", "within(wai, therapist)", "between(wai, therapist)", "phq_pre"])
        #expect(isClose(FitFormulaCommandTests.values(c, "estimate"),
                        [17.461589617194239, -0.19887078607338485, -0.14297456170833242, -0.087514605019015645], .relative(1e-10)))
        #expect(isClose(FitFormulaCommandTests.values(c, "std_error"),
                        [1.5918074375074005, 0.025461794119214176, 0.018207673077204556, 0.049670721678840117], .relative(1e-10)))
    }

    @Test func lagInTheTextTable() throws {
        let (out, _) = try FitFormulaCommandTests.run(["ols", "formula_data.csv", "--formula", "phq ~ lag(wai, client, session) + wai",
                                                       "--format", "json"])
        let c = try FitFormulaCommandTests.coefficients(out)
        #expect(isClose(FitFormulaCommandTests.values(c, "estimate"),
                        [16.492449917408276, 0.062450549587841603, -0.2169349339153212], .relative(1e-10)))
        let (text, _) = try FitFormulaCommandTests.run(["ols", "formula_data.csv", "--formula", "phq ~ lag(wai, client, session) + wai"])
        #expect(text.contains("lag(wai, client, session)"))
        #expect(text.contains("297 of 398 rows used"))
    }

    @Test func dotAndPoly() throws {
        let (out, _) = try FitFormulaCommandTests.run(["ols", "formula_data.csv", "--formula",
                                                       "phq ~ . - client - therapist - clinic - session + poly(x, 2) - x",
                                                       "--format", "json"])
        #expect(try FitFormulaCommandTests.coefficients(out).map { $0["term"] as? String ?? "" }
                == ["(Intercept)", "site[north]", "site[south]", "wai", "phq_pre", "offered", "attended", "homework", "dropout",
                    "poly(x, 2)1", "poly(x, 2)2"])
    }

    @Test func refusalsAreUsageErrorsWithCarets() throws {
        let random = try #require(FitFormulaCommandTests.failure(["ols", "formula_data.csv", "--formula", "phq ~ wai + (1 | therapist)"]))
        #expect(random.kind == .usage)
        #expect(random.message.contains("random-effects terms need `fit lmm` (linear mixed model); for cluster-robust errors use `--cluster therapist`"))
        #expect(random.message.contains("  phq ~ wai + (1 | therapist)\n              ^~~~~~~~~~~~~~~"))
        let surv = try #require(FitFormulaCommandTests.failure(["logit", "formula_data.csv", "--formula", "Surv(session, dropout) ~ wai"]))
        #expect(surv.kind == .usage && surv.message.contains("`fit cox`"))
        let strata = try #require(FitFormulaCommandTests.failure(["ols", "formula_data.csv", "--formula", "phq ~ wai + strata(site)"]))
        #expect(strata.kind == .usage && strata.message.contains("`fit cox`"))
        let relevel = try #require(FitFormulaCommandTests.failure(["ols", "formula_data.csv", "--formula", "phq ~ relevel(site, \"north\")"]))
        #expect(relevel.kind == .usage)
        #expect(relevel.message.contains("relevel() is not supported in formulas"))
        #expect(relevel.message.contains("use --ref site=north"))
        let offset = try #require(FitFormulaCommandTests.failure(["poisson", "formula_data.csv", "--formula", "attended ~ wai",
                                                                 "--offset", "log(ofered)"]))
        #expect(offset.kind == .usage && offset.message.contains("no column named 'ofered' in the data; did you mean 'offered'"))
        // The caret points into the offset expression, not the formula.
        #expect(offset.message.contains("  log(ofered)\n      ^~~~~~"))
        let badOffset = try #require(FitFormulaCommandTests.failure(["poisson", "formula_data.csv", "--formula", "attended ~ wai",
                                                                    "--offset", "log(offered"]))
        #expect(badOffset.kind == .usage && badOffset.message.contains("in the offset expression"))
    }
}
