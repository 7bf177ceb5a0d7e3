import DataTable
import Foundation
import Testing
@testable import Models

@Suite("Model errors")
struct ModelErrorTests {
    static let table = try! Table(columns: [
        Column(name: "phq_post", numeric: [3, 5, 4, 8, 6, 9, 7, 10]),
        Column(name: "wai_total", numeric: [50, 40, 45, 30, 42, 28, 35, 20]),
        Column(name: "site", categorical: ["a", "b", "a", "b", "a", "b", "a", "b"]),
        Column(name: "one_site", categorical: ["a", "a", "a", "a", "a", "a", "a", "a"]),
        Column(name: "count", numeric: [0, 1, 2, 3, -1, 2, 1, 0]),
        Column(name: "gap", numeric: [nil, nil, nil, nil, nil, nil, nil, nil]),
        Column(name: "score", numeric: [1, 0, 2, 3, 4, 5, 6, 7]),
    ])

    func error(_ kind: ModelKind = .ols, _ formula: String, options: RegressionOptions = .init()) -> ModelError? {
        do { _ = try Regression.fit(kind, formula: formula, data: ModelErrorTests.table, options: options); return nil }
        catch { return error }
    }

    @Test func unknownColumnSuggestsNearNamesAndPointsAtIt() {
        guard case .unknownColumn(let name, let suggestions, _, let offset, _)? = error(.ols, "phq_post ~ wai_totl") else {
            Issue.record("expected unknownColumn"); return
        }
        #expect(name == "wai_totl")
        #expect(suggestions.first == "wai_total")
        #expect(offset == 11)
        #expect(error(.ols, "phq_post ~ log(wai_totl)")?.description.contains("did you mean 'wai_total'") == true)
    }

    @Test func formulaSyntaxErrorIsWrapped() {
        guard case .formula(let f)? = error(.ols, "phq_post ~ wai_total +") else { Issue.record("expected formula error"); return }
        #expect(f.offset == 22)
    }

    @Test func dataErrors() {
        #expect(error(.ols, "site ~ wai_total") == .nonNumericOutcome(outcome: "site"))
        #expect(error(.ols, "phq_post ~ gap") == .noCompleteRows(rowsRead: 8, columns: ["phq_post", "gap"]))
        #expect(error(.ols, "phq_post ~ one_site") == .singleLevelFactor(variable: "one_site", column: "one_site", level: "a"))
        #expect(error(.ols, "phq_post ~ factor(wai_total)") == .tooFewRows(parameters: 8, rows: 8))
        #expect(error(.ols, "phq_post ~ log(score)") == .invalidTransform(variable: "log(score)", row: 1,
                                                                          detail: "log of 0.0 is undefined (log needs positive values)"))
        #expect(error(.ols, "phq_post ~ site", options: .init(references: ["site": "c"]))
                == .unknownReferenceLevel(column: "site", level: "c", levels: ["a", "b"]))
        #expect(error(.ols, "phq_post ~ site", options: .init(references: ["wai_total": "1"]))
                == .referenceForNonCategorical(column: "wai_total"))
        #expect(error(.ols, "phq_post ~ site", options: .init(level: 1)) == .invalidLevel(1))
        #expect(error(.ols, "phq_post ~ site", options: .init(covariance: .cluster(column: "one_site")))
                == .clusterTooFew(column: "one_site", clusters: 1))
    }

    @Test func nonFiniteValuesAreRefused() throws {
        let t = try Table(columns: [
            Column(name: "y", numeric: [1, 2, .infinity, 4, 5]),
            Column(name: "x", numeric: [1, .nan, 3, 4, 5]),
            Column(name: "z", numeric: [1, 2, 3, 4, 6]),
        ])
        #expect(throws: ModelError.nonFiniteOutcome(outcome: "y", row: 2)) { try Regression.ols("y ~ z", data: t) }
        #expect(throws: ModelError.invalidTransform(variable: "x", row: 1, detail: "the value nan is not finite")) {
            try Regression.ols("z ~ x", data: t)
        }
        // A non-finite value in a row that listwise deletion drops is not seen (the column's scan is not finite,
        // but the used rows are).
        let dropped = try Table(columns: [
            Column(name: "y", numeric: [1, 2, .infinity, 4, 5, 7]),
            Column(name: "x", numeric: [1, 2, nil, 4, 5, 3]),
        ])
        #expect(try Regression.ols("y ~ x", data: dropped).counts == DataCounts(rowsRead: 6, rowsUsed: 5))
    }

    @Test func glmOutcomeChecks() {
        guard case .outcomeNotBinary? = error(.logit, "phq_post ~ wai_total") else { Issue.record("expected not binary"); return }
        guard case .categoricalOutcomeNotBinary? = error(.logit, "one_site ~ wai_total") else { Issue.record("expected not binary"); return }
        #expect(error(.poisson, "count ~ wai_total") == .invalidCounts(outcome: "count", row: 4, value: -1))
        // Whole-number doubles are valid counts (whatever else the fit then says).
        if case .invalidCounts? = error(.negbin, "wai_total ~ site") { Issue.record("whole numbers rejected as counts") }
        guard case .invalidCounts? = error(.poisson, "I(count/2 + 1) ~ wai_total") else { Issue.record("expected invalid counts"); return }
    }

    @Test func completeSeparationNamesTheTerm() throws {
        let t = try Table(columns: [
            Column(name: "y", numeric: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
            Column(name: "x", numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ])
        do {
            _ = try Regression.fit(.logit, formula: "y ~ x", data: t)
            Issue.record("separation not detected")
        } catch {
            guard case .separation(let terms, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(terms.contains("x"))
        }
    }

    @Test func quasiCompleteSeparationByCategory() throws {
        let t = try Table(columns: [
            Column(name: "y", numeric: [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 1]),
            Column(name: "g", categorical: ["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"]),
        ])
        do {
            _ = try Regression.fit(.logit, formula: "y ~ g", data: t)
            Issue.record("separation not detected")
        } catch {
            guard case .separation(let terms, _) = error else { Issue.record("wrong error \(error)"); return }
            // Group a is all zeros: the intercept (its log-odds) diverges, and the contrasts with it.
            #expect(terms.contains("(Intercept)"))
        }
    }

    @Test func descriptionsSayWhatToDo() {
        #expect(ModelError.tooFewRows(parameters: 5, rows: 3).description.contains("simplify the model"))
        #expect(ModelError.notConverged(model: "logit", iterations: 100, lastChange: 1e-3).description.contains("100 iterations"))
    }
}
