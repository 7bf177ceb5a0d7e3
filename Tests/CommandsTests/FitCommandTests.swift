import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance fit` end to end on the synthetic data of Tests/ModelsTests/Fixtures/make_models.R (the shared
/// fixture models_data.csv, Tests/AllianceTestSupport/Fixtures). Reference numbers are R's (lm, sandwich::vcovCL, glm.nb) from models_reference.json;
/// tolerances as in ModelsTests: OLS 1e-10 relative, negative binomial 1e-7.
@Suite("fit command")
struct FitCommandTests {
    static func run(_ arguments: [String], outputDirectory: String? = nil) throws -> (output: String, errors: String) {
        var output = "", errors = ""
        let context = RunContext(inputDirectory: try FixtureFiles.shared.directory().path, outputDirectory: outputDirectory,
                                 standardOutput: { output += $0 }, standardError: { errors += $0 })
        let parsed = try AllianceCLI.parseAsRoot(["fit"] + arguments)
        guard let command = parsed as? FitCommand else { throw CLIError.usage("not a fit command") }
        try command.perform(in: context)
        return (output, errors)
    }

    @Test func olsJSONMatchesR() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total + phq_pre + site",
                                                "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["model"] as? String == "ols")
        #expect(doc["vcov"] as? String == "classical")
        let data = try #require(doc["data"] as? [String: Any])
        #expect(data["rows"] as? Int == 600)
        #expect(data["used"] as? Int == 579)
        #expect(data["dropped"] as? Int == 21)
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String ?? "" } == ["(Intercept)", "wai_total", "phq_pre", "site[north]", "site[south]"])
        #expect(isClose(jsonNumber(coefficients[1]["estimate"]), -0.12452055442975296, relative: 1e-10))
        #expect(isClose(jsonNumber(coefficients[1]["std_error"]), 0.015627228469743692, relative: 1e-10))
        let fit = try #require(doc["fit"] as? [String: Any])
        #expect(fit["df_residual"] as? Int == 574)
        #expect(fit["df_model"] as? Int == 4)
    }

    @Test func clusterRobustLabelAndValues() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total + phq_pre + site",
                                                "--cluster", "therapist", "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        #expect(doc["vcov"] as? String == "cluster:therapist")
        let reference = try FitCommandTests.referenceStdErrors("ols_main_cluster")
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        for (c, se) in zip(coefficients, reference) { #expect(isClose(jsonNumber(c["std_error"]), se, relative: 1e-10)) }
    }

    @Test func negbinExponentiatedAndTheta() throws {
        let (out, _) = try FitCommandTests.run(["negbin", "models_data.csv", "--formula", "homework ~ wai_total + modality + site",
                                                "--exponentiate", "--allow-column", "client", "--format", "json"])
        let doc = try parseJSON(out)
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        let b = try #require((coefficients[1]["estimate"] as? NSNumber)?.doubleValue)
        #expect(isClose(jsonNumber(coefficients[1]["exp_estimate"]), Foundation.exp(b), relative: 1e-15))
        let fit = try #require(doc["fit"] as? [String: Any])
        #expect(isClose(jsonNumber(fit["theta"]), 2.7303504669878405, relative: 1e-7))
        #expect(fit["converged"] as? Bool == true)
    }

    @Test func standardizedColumnsInJSON() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total + site",
                                                "--standardize", "--allow-column", "client", "--format", "json"])
        let coefficients = try #require(try parseJSON(out)["coefficients"] as? [[String: Any]])
        #expect(coefficients[0]["beta"] is NSNull)
        let beta = try #require((coefficients[1]["beta"] as? NSNumber)?.doubleValue)
        #expect(beta < 0 && beta > -1)
        #expect(coefficients[1]["beta_conf_low"] != nil)
    }

    @Test func textTableAndReference() throws {
        let (out, _) = try FitCommandTests.run(["ols", "models_data.csv", "--formula", "phq_post ~ site", "--ref", "site=south",
                                                "--allow-column", "client"])
        #expect(out.contains("site[east]"))
        #expect(out.contains("site[north]"))
        #expect(!out.contains("site[south]"))
        #expect(out.contains("rows used"))
    }

    @Test func coefficientPlotIsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fit-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try FitCommandTests.run(["logit", "models_data.csv", "--formula", "dropout ~ wai_total + site", "--exponentiate",
                                     "--plot", "coef.svg", "--allow-column", "client"], outputDirectory: directory.path)
        let svg = try String(contentsOf: directory.appendingPathComponent("coef.svg"), encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("site[north]"))
        #expect(svg.contains("Odds ratio"))
        #expect(!svg.contains("(Intercept)"))
    }

    @Test func errorsMapToExitCodes() throws {
        func kind(_ args: [String]) -> CLIError.Kind? {
            do { _ = try FitCommandTests.run(args + ["--allow-column", "client"]); return nil }
            catch let e as CLIError { return e.kind } catch { return nil }
        }
        #expect(kind(["ols", "models_data.csv", "--formula", "phq_post ~ wai_total +"]) == .usage)
        #expect(kind(["ols", "models_data.csv", "--formula", "phq_post ~ wai_totl"]) == .usage)
        #expect(kind(["probit", "models_data.csv", "--formula", "dropout ~ wai_total"]) == .usage)
        #expect(kind(["ols", "models_data.csv", "--formula", "y ~ x", "--robust", "hc9"]) == .usage)
        #expect(kind(["ols", "models_data.csv", "--formula", "phq_post ~ site", "--ref", "site"]) == .usage)
        #expect(kind(["ols", "models_data.csv", "--formula", "phq_post ~ site", "--robust", "hc3", "--cluster", "therapist"]) == .usage)
        #expect(kind(["logit", "models_data.csv", "--formula", "phq_post ~ wai_total"]) == .data)
        #expect(kind(["ols", "missing.csv", "--formula", "y ~ x"]) == .noInput)
    }

    /// Standard errors of one fixture in ModelsTests' R reference file (copied values, not recomputed).
    static func referenceStdErrors(_ name: String) throws -> [Double] {
        switch name {
        case "ols_main_cluster": return clusterStdErrors
        default: throw CLIError.usage("unknown reference \(name)")
        }
    }

    static let clusterStdErrors: [Double] = [0.97461433762220018, 0.015899906114990012, 0.037089636779393344, 0.4592316359463372, 0.48415580576824563]
}
