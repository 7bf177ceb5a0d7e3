import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Issue 11 item 8: the cluster count and its few-clusters warning, the event level of a text logit outcome, and the
/// warning for a text predictor that silently becomes a factor of many levels. Numbers are from R
/// (Fixtures/make_models.R: `logit_factor_outcome`, glm(status ~ wai_total * modality), 1e-8 relative).
@Suite("Inference hygiene")
struct InferenceHygieneTests {
    static let table: Table? = try? FixtureFiles.shared.table("models_data.csv")

    @Test func clusterCountAndFewClustersWarning() throws {
        let table = try #require(InferenceHygieneTests.table)
        let formula = "phq_post ~ wai_total + phq_pre"
        let byTherapist = try Regression.ols(formula, data: table, options: .init(covariance: .cluster(column: "therapist")))
        #expect(byTherapist.clusters == 30)
        #expect(byTherapist.warnings.isEmpty)
        let byCohort = try Regression.ols(formula, data: table, options: .init(covariance: .cluster(column: "cohort")))
        #expect(byCohort.clusters == 4)
        let warning = try #require(byCohort.warnings.first)
        #expect(warning.contains("only 4 clusters of 'cohort'") && warning.contains("--cluster-adjust cr2"))
        let logit = try Regression.fit(.logit, formula: "dropout ~ wai_total", data: table,
                                       options: .init(covariance: .cluster(column: "cohort")))
        #expect(logit.clusters == 4 && logit.warnings.count == 1)
        let cr2 = try Regression.ols(formula, data: table, options: .init(covariance: .clusterCR2(column: "cohort")))
        #expect(cr2.clusters == 4 && cr2.warnings.isEmpty)
        #expect(try Regression.ols(formula, data: table, options: .init(covariance: .robust(.hc3))).clusters == nil)
    }

    @Test func textOutcomeModelsSecondLevelByDefault() throws {
        let table = try #require(InferenceHygieneTests.table)
        let byDefault = try Regression.fit(.logit, formula: "status ~ wai_total * modality", data: table)
        #expect(byDefault.event == OutcomeEvent(level: "dropped", otherLevel: "completed", chosen: false))
        // R's glm(status ~ wai_total * modality, binomial): the intercept models P(dropped).
        #expect(isClose(byDefault.coefficients[0].estimate, 1.4346434773445693, relative: 1e-8))
        let chosen = try Regression.fit(.logit, formula: "status ~ wai_total * modality", data: table,
                                        options: .init(event: "completed"))
        #expect(chosen.event == OutcomeEvent(level: "completed", otherLevel: "dropped", chosen: true))
        for (a, b) in zip(byDefault.coefficients, chosen.coefficients) {
            #expect(isClose(b.estimate, -(a.estimate ?? 0), relative: 1e-10))
            #expect(isClose(b.stdError, a.stdError ?? 0, relative: 1e-10))
        }
        #expect(try Regression.fit(.logit, formula: "dropout ~ wai_total", data: table).event == nil)
    }

    @Test func eventErrors() throws {
        let table = try #require(InferenceHygieneTests.table)
        #expect(throws: ModelError.unknownEventLevel(outcome: "status", column: "status", level: "stayed", levels: ["completed", "dropped"])) {
            try Regression.fit(.logit, formula: "status ~ wai_total", data: table, options: .init(event: "stayed"))
        }
        #expect(throws: ModelError.eventForNumericOutcome(outcome: "dropout", level: "1")) {
            try Regression.fit(.logit, formula: "dropout ~ wai_total", data: table, options: .init(event: "1"))
        }
        #expect(throws: ModelError.categoricalOutcomeNotBinary(outcome: "site", column: "site", levels: ["east", "north", "south"])) {
            try Regression.fit(.logit, formula: "site ~ wai_total", data: table)
        }
    }

    @Test func manyLevelTextPredictorIsWarnedAbout() throws {
        // 'dose' was typed with decimal commas in some rows, so the whole column is text.
        let doses = (0..<120).map { i in i % 30 % 3 == 0 ? "\(i % 30 / 3),5" : "\(i % 30)" }
        let y = (0..<120).map { Double($0 % 7) + Double($0) / 10 }
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "dose", categorical: doses),
                                        Column(name: "site", categorical: (0..<120).map { ["a", "b", "c"][$0 / 7 % 3] })])
        let fit = try Regression.ols("y ~ site + dose", data: table, options: .init(covariance: .robust(.hc0)))
        let warning = try #require(fit.warnings.first { $0.contains("'dose'") })
        #expect(warning.contains("30 levels") && warning.contains("20 of its values read as numbers")
                && warning.contains("10 more have a decimal comma") && warning.contains("factor(dose)"))
        #expect(!fit.warnings.contains { $0.contains("'site'") })
        let silenced = try Regression.ols("y ~ site + factor(dose)", data: table, options: .init(covariance: .robust(.hc0)))
        #expect(!silenced.warnings.contains { $0.contains("'dose'") })
    }
}

/// A -99 left in a numeric column the model reads is analysed as a number unless declared missing: the fit says
/// so (the describe scan, at the place the numbers are made); a declared or absent code gives no warning.
@Suite("missing codes in fits")
struct MissingCodeFitTests {
    @Test func fitWarnsAboutALikelyMissingCode() throws {
        let y: [Double?] = (0..<40).map { Double($0 % 7) + 1 }
        var x: [Double?] = (0..<40).map { Double($0 % 5) + 10 }
        x[3] = -99
        x[17] = -99
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x)])
        let result = try Regression.fit(.ols, formula: "y ~ x", data: table)
        let warning = try #require(result.warnings.first { $0.contains("-99") })
        #expect(warning.contains("'x'") && warning.contains("2 rows") && warning.contains("--na -99"))
        x[3] = nil
        x[17] = nil
        let clean = try Regression.fit(.ols, formula: "y ~ x", data: try Table(columns: [Column(name: "y", numeric: y),
                                                                                           Column(name: "x", numeric: x)]))
        #expect(!clean.warnings.contains { $0.contains("missing-value code") })
    }
}
