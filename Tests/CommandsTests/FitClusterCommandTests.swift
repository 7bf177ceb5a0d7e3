import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance fit` with --cluster: the cluster count, the few-clusters warning, --cluster-adjust cr2, and --event for a
/// text logit outcome, on the shared fixture models_data.csv. CR2 reference numbers
/// are clubSandwich's, fixture `ols_cr2_models` of Tests/ModelsTests/Fixtures/make_cr2.R (1e-8 relative).
@Suite("fit command: clusters and events")
struct FitClusterCommandTests {
    static let olsFormula = "phq_post ~ wai_total + phq_pre + site"

    static func usageMessage(_ arguments: [String]) -> String? {
        do { _ = try FitCommandTests.run(arguments); return nil } catch let error as CLIError {
            return error.kind == .usage ? error.message : "not a usage error: \(error.message)"
        } catch { return "unexpected \(error)" }
    }

    @Test func cr2JSONHasClustersAndSatterthwaiteDF() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", FitClusterCommandTests.olsFormula,
                                                "--cluster", "therapist", "--cluster-adjust", "cr2",
                                                "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["vcov"] as? String == "cluster-cr2:therapist")
        #expect(doc["clusters"] as? Int == 30)
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(coefficients.allSatisfy { $0["df"] is NSNumber })
        #expect(isClose(jsonNumber(coefficients[1]["std_error"]), 0.015907525374393376, relative: 1e-8))
        #expect(isClose(jsonNumber(coefficients[1]["df"]), 26.582924172701141, relative: 1e-8))
        #expect(isClose(jsonNumber(coefficients[3]["df"]), 16.385414971382843, relative: 1e-8))
        #expect((doc["warnings"] as? [String])?.isEmpty == true)
    }

    @Test func cr2TextTableHasDFColumnAndNote() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", FitClusterCommandTests.olsFormula,
                                                "--cluster", "therapist", "--cluster-adjust", "cr2", "--allow-column", "client"])
        let header = try #require(out.split(separator: "\n").first { $0.contains("Estimate") })
        #expect(header.contains(" df "))
        #expect(out.contains("CR2 bias-reduced, Satterthwaite df), 30 clusters."))
        #expect(out.contains("Satterthwaite degrees of freedom per coefficient"))
    }

    @Test func defaultClusterJSONHasClustersAndNoDF() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", FitClusterCommandTests.olsFormula,
                                                "--cluster", "therapist", "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["vcov"] as? String == "cluster:therapist")
        #expect(doc["clusters"] as? Int == 30)
        #expect((doc["coefficients"] as? [[String: Any]])?.allSatisfy { $0["df"] == nil } == true)
        let classical = try parseJSON(try FitCommandTests.run(["ols", "models_data.csv", "--formula", FitClusterCommandTests.olsFormula,
                                                                          "--allow-column", "client", "--format", "json"]).output)
        #expect(classical["clusters"] == nil)
    }

    @Test func fewClustersWarnOnStandardErrorAndInJSON() throws {
        let (out, errors) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total",
                                                     "--cluster", "cohort", "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["clusters"] as? Int == 4)
        let warnings = try #require(doc["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("only 4 clusters of 'cohort'") && $0.contains("--cluster-adjust cr2") })
        #expect(errors.contains("--cluster-adjust cr2"))
    }

    @Test func textOutcomeNamesTheModelledLevel() throws {
        let (out, errors) = try FitCommandTests.run(["logit", "models_data.csv", "--formula", "status ~ wai_total",
                                                     "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["event"] as? String == "dropped")
        #expect(errors.isEmpty)
        let (text, _) = try FitCommandTests.run(["logit", "models_data.csv", "--formula", "status ~ wai_total",
                                                 "--allow-column", "client"])
        #expect(text.contains("Outcome coded 1 = dropped, 0 = completed (the second level in sorted order"))
        let chosen = try parseJSON(try FitCommandTests.run(["logit", "models_data.csv", "--formula", "status ~ wai_total",
                                                                       "--event", "completed", "--allow-column", "client",
                                                                       "--format", "json"]).output)
        #expect(chosen["event"] as? String == "completed")
        let numeric = try parseJSON(try FitCommandTests.run(["logit", "models_data.csv", "--formula", "dropout ~ wai_total",
                                                                        "--allow-column", "client", "--format", "json"]).output)
        #expect(numeric["event"] == nil)
    }

    @Test func usageErrors() {
        let unknown = FitClusterCommandTests.usageMessage(["logit", "models_data.csv", "--formula", "status ~ wai_total",
                                                           "--event", "stayed", "--allow-column", "client"])
        #expect(unknown?.contains("'stayed' is not a level of the outcome 'status'") == true)
        #expect(unknown?.contains("'completed', 'dropped'") == true)
        #expect(FitClusterCommandTests.usageMessage(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total",
                                                     "--cluster-adjust", "cr2", "--allow-column", "client"])?
            .contains("--cluster-adjust needs --cluster") == true)
        #expect(FitClusterCommandTests.usageMessage(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total",
                                                     "--cluster", "therapist", "--cluster-adjust", "cr3", "--allow-column", "client"])?
            .contains("use cr1s (the default) or cr2") == true)
        #expect(FitClusterCommandTests.usageMessage(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total",
                                                     "--event", "1", "--allow-column", "client"])?
            .contains("--event applies to logit") == true)
    }
}
