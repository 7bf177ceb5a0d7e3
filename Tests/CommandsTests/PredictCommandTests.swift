import AllianceTestSupport
import DataTable
import Foundation
import Models
import Output
import Testing
@testable import Commands

/// `alliance predict` end to end: `fit --format json --out fit.json` writes the schema and covariance matrix at full
/// precision, so predictions from the saved file are the same doubles as from the fit in memory (which
/// ModelsTests/PredictionTests checks against R's predict.lm / predict.glm to 1e-10).
@Suite("predict command")
struct PredictCommandTests {
    static var data: String { get throws { try FixtureFiles.shared.path("models_data.csv") } }

    static func saveFit(_ model: String, _ formula: String, in dir: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent("fit.json")
        let run = try runCommand(["fit", model, data, "--formula", formula, "--allow-column", "client", "--out", path])
        #expect(run.error == nil)
        return path
    }

    @Test(arguments: [("ols", "phq_post ~ wai_total + phq_pre + site + modality", "prediction"),
                      ("logit", "dropout ~ wai_total + phq_pre + site", "confidence"),
                      ("negbin", "homework ~ wai_total + modality", "none")])
    func savedFitPredictsAsTheFitInMemory(_ model: String, _ formula: String, _ interval: String) throws {
        let dir = try temporaryDirectory("predict")
        let fitFile = try PredictCommandTests.saveFit(model, formula, in: dir)
        let out = (dir as NSString).appendingPathComponent("predicted.csv")
        let run = try runCommand(["predict", fitFile, PredictCommandTests.data, "--interval", interval,
                                  "--allow-column", "client", "--out", out, "--format", "json"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        // Output's own reader: Foundation's JSONSerialization does not round-trip every double on Linux.
        let doc = try JSONValue(parsing: run.stdout)
        let predictions = try #require(doc["predictions"]?.arrayValue)
        #expect(predictions.count == 600)

        let table = try CSVReader.read(contentsOf: PredictCommandTests.data)
        let kind = try #require(ModelKind(rawValue: model))
        let fitted = try Regression.fit(kind, formula: formula, data: table)
        let direct = try Prediction.predict(SavedRegression(fitted), data: table,
                                            interval: PredictionInterval(rawValue: interval) ?? .none)
        for (i, p) in predictions.enumerated() {
            #expect(p["fit"]?.doubleValue == direct.fit[i], "row \(i + 1)")
            #expect(p["se_fit"]?.doubleValue == direct.stdError[i], "row \(i + 1)")
            if interval != "none" { #expect(p["upper"]?.doubleValue == direct.upper[i], "row \(i + 1)") }
        }
        let written = try CSVReader.read(contentsOf: out)
        #expect(written.columnNames.suffix(interval == "none" ? 2 : 4) == (interval == "none" ? ["fit", "se_fit"] : ["fit", "se_fit", "lower", "upper"]))
        #expect(written.rowCount == 600)
    }

    @Test func unseenLevelNamesColumnAndLevel() throws {
        let dir = try temporaryDirectory("predict-level")
        let fitFile = try PredictCommandTests.saveFit("ols", "phq_post ~ wai_total + site", in: dir)
        let newData = (dir as NSString).appendingPathComponent("new.csv")
        try "wai_total,site\n50,east\n55,west\n".write(toFile: newData, atomically: true, encoding: .utf8)
        let run = try runCommand(["predict", fitFile, newData])
        let error = try #require(run.error)
        #expect(error.exitCode == 65)
        #expect(error.message.contains("'site'") && error.message.contains("'west'") && error.message.contains("never saw"))
    }

    @Test func notAFitIsAClearError() throws {
        let dir = try temporaryDirectory("predict-bad")
        let bad = (dir as NSString).appendingPathComponent("bad.json")
        try "{\"model\": \"ols\", \"formula\": \"y ~ x\"}".write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try runCommand(["predict", bad, PredictCommandTests.data, "--allow-column", "client"])
        let error = try #require(run.error)
        #expect(error.exitCode == 65)
        #expect(error.message.contains("bad.json") && error.message.contains("schema"))
        let garbage = (dir as NSString).appendingPathComponent("garbage.json")
        try "{\"model\": ".write(toFile: garbage, atomically: true, encoding: .utf8)
        let run2 = try runCommand(["predict", garbage, PredictCommandTests.data, "--allow-column", "client"])
        #expect(run2.error?.message.contains("line 1") == true)
    }
    /// A GLMM's JSON (`fit logit … (1 | therapist)`) was refused as lacking "df_residual", with the advice to write it
    /// with `fit --out` and to refit it (which gives the same file again); an lmm's as "not one of ols, …" with the
    /// same advice. predict applies fixed-effects regressions only: the message now says that, names the random
    /// effects, and says what to do instead.
    @Test(arguments: [("logit", "dropout ~ wai_total + (1 | therapist)"), ("lmm", "phq_post ~ wai_total + (1 | therapist)")])
    func mixedModelFitIsRefusedForWhatItIs(_ model: String, _ formula: String) throws {
        let dir = try temporaryDirectory("predict-mixed")
        let fitFile = try PredictCommandTests.saveFit(model, formula, in: dir)
        let run = try runCommand(["predict", fitFile, PredictCommandTests.data, "--allow-column", "client"])
        let error = try #require(run.error)
        #expect(error.exitCode == 65)
        for part in ["fit.json", "random effects", "(1 | therapist)", "ols, logit, poisson or negbin"] {
            #expect(error.message.contains(part), "'\(part)' not in: \(error.message)")
        }
        #expect(!error.message.contains("must be refit"), "\(error.message)")
    }
}
