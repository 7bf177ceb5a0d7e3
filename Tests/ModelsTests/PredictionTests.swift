import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// `Prediction` against R's `predict.lm(interval = "confidence"/"prediction")` and `predict.glm(type = "response",
/// se.fit = TRUE)` (Fixtures/make_predict.R): fitted on rows 1–450 of models_data.csv, predicted on rows 451–600
/// through the fit's frozen schema. Tolerance 1e-10 relative (issue 11); rows with a missing predictor are missing
/// in both.
@Suite("predict against R")
struct PredictionTests {
    struct Reference {
        var fit: [Double?] = [], se: [Double?] = [], lower: [Double?] = [], upper: [Double?] = []
    }

    static let references: [String: Reference] = {
        guard let text = try? fixtureFiles.text("predict_reference.csv") else { return [:] }
        var out: [String: Reference] = [:]
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6 else { continue }
            func value(_ s: String) -> Double? { s == "NA" ? nil : Double(s) }
            out[f[0], default: Reference()].fit.append(value(f[2]))
            out[f[0], default: Reference()].se.append(value(f[3]))
            out[f[0], default: Reference()].lower.append(value(f[4]))
            out[f[0], default: Reference()].upper.append(value(f[5]))
        }
        return out
    }()

    static func split() throws -> (train: Table, new: Table) {
        let table = try FixtureFiles.shared.table("models_data.csv")
        return (table.subset(rows: Array(0..<450)), table.subset(rows: Array(450..<600)))
    }


    @Test(arguments: [
        ("ols_confidence", ModelKind.ols, "phq_post ~ wai_total + phq_pre + site + modality", PredictionInterval.confidence, 0.95),
        ("ols_prediction", .ols, "phq_post ~ wai_total + phq_pre + site + modality", .prediction, 0.95),
        ("ols_prediction_90", .ols, "phq_post ~ wai_total + phq_pre + site + modality", .prediction, 0.90),
        ("ols_transforms", .ols, "phq_post ~ I(wai_total^2) + log(phq_pre) + factor(cohort) + site:wai_total", .confidence, 0.95),
        ("logit_response", .logit, "dropout ~ wai_total + phq_pre + site", .confidence, 0.95),
        ("poisson_response", .poisson, "sessions ~ wai_total + modality", .confidence, 0.95),
        ("poisson_offset", .poisson, "sessions ~ wai_total + site + offset(log(cohort))", .confidence, 0.95),
    ])
    func matchesR(_ name: String, _ kind: ModelKind, _ formula: String, _ interval: PredictionInterval, _ level: Double) throws {
        let reference = try #require(PredictionTests.references[name])
        let (train, new) = try PredictionTests.split()
        let fitted = try Regression.fit(kind, formula: formula, data: train)
        let result = try Prediction.predict(SavedRegression(fitted), data: new, interval: interval, level: level)
        expectClose(result.fit, reference.fit, relative: 1e-10, "\(name) fit")
        if name != "ols_prediction_90" { expectClose(result.stdError, reference.se, relative: 1e-10, "\(name) se") }
        expectClose(result.lower, reference.lower, relative: 1e-10, "\(name) lower")
        expectClose(result.upper, reference.upper, relative: 1e-10, "\(name) upper")
        #expect(result.counts.rowsRead == 150)
    }

    /// A refit on a subset through the first fit's schema keeps every column and name, even when a level is
    /// absent from the subset (its column is all zeros and aliased), as bootstrap and per-site refits need.
    @Test func schemaKeepsColumnsOnASubset() throws {
        let (train, _) = try PredictionTests.split()
        let full = try Regression.fit(.ols, formula: "phq_post ~ wai_total + site", data: train)
        let siteColumn = try #require(train.column(named: "site")?.categorical)
        let eastRows = (0..<train.rowCount).filter { siteColumn[$0] != "south" }
        let subset = try Regression.fit(.ols, formula: "phq_post ~ wai_total + site", data: train.subset(rows: eastRows),
                                        options: RegressionOptions(schema: full.schema))
        #expect(subset.coefficients.map(\.term) == full.coefficients.map(\.term))
        #expect(subset.coefficient("site[south]")?.aliased == true)
        #expect(subset.schema == full.schema)
    }

    @Test func unseenLevelIsAnErrorNamingColumnAndLevel() throws {
        let (train, new) = try PredictionTests.split()
        let fitted = try Regression.fit(.ols, formula: "phq_post ~ wai_total + site", data: train)
        let site = try #require(new.column(named: "site")?.categorical)
        let renamed = site.levels.map { $0 == "east" ? "west" : $0 }
        let columns = new.columns.map { $0.name == "site" ? Column(name: "site", data: .categorical(CategoricalColumn(levels: renamed, codes: site.codes))) : $0 }
        let changed = try Table(columns: columns)
        let error = #expect(throws: ModelError.self) { try Prediction.predict(SavedRegression(fitted), data: changed) }
        #expect(error?.description.contains("'site'") == true && error?.description.contains("'west'") == true)
    }

    /// Orthogonal poly() and the group functions are computed from the fitting rows: refused, never recomputed.
    @Test func rowDependentColumnsAreRefused() throws {
        let (train, new) = try PredictionTests.split()
        for formula in ["phq_post ~ poly(wai_total, 2)", "phq_post ~ within(wai_total, therapist)"] {
            let fitted = try Regression.fit(.ols, formula: formula, data: train)
            let error = #expect(throws: ModelError.self) { try Prediction.predict(SavedRegression(fitted), data: new) }
            #expect(error?.description.contains("cannot be recomputed for new rows") == true)
        }
        // raw = TRUE does not depend on the rows: allowed.
        let raw = try Regression.fit(.ols, formula: "phq_post ~ poly(wai_total, 2, raw = TRUE)", data: train)
        #expect(try Prediction.predict(SavedRegression(raw), data: new).counts.rowsUsed > 0)
    }

    @Test func predictionIntervalsOnlyForOLS() throws {
        let (train, new) = try PredictionTests.split()
        let fitted = try Regression.fit(.logit, formula: "dropout ~ wai_total", data: train)
        #expect(throws: ModelError.self) { try Prediction.predict(SavedRegression(fitted), data: new, interval: .prediction) }
    }
}
