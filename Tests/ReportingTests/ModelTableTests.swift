import DataTable
import Foundation
import Output
import Testing
@testable import Reporting

/// `ModelTable` from the JSON contract (DESIGN.md §7), including the second wave's shapes (cox, GLMM, meta), written
/// here by hand from the documented keys because those commands are built in parallel.
@Suite struct ModelTableTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

    static let ols = """
        { "model": "ols", "formula": "phq_post ~ phq_pre + site", "data": { "file": "/x/clinic.csv", "rows": 1000, "used": 939 },
          "vcov": "classical", "level": 0.95,
          "coefficients": [
            { "term": "(Intercept)", "estimate": 3.3115, "std_error": 0.5109, "p_value": 2e-10, "conf_low": 2.309, "conf_high": 4.314 },
            { "term": "phq_pre", "estimate": 0.3551, "std_error": 0.0291, "p_value": 1e-30, "conf_low": 0.298, "conf_high": 0.412 },
            { "term": "site[north]", "estimate": 0.0271, "std_error": 0.3994, "p_value": 0.946, "conf_low": -0.757, "conf_high": 0.811 } ],
          "fit": { "r_squared": 0.1376, "adj_r_squared": 0.1348, "log_likelihood": -2843.43, "aic": 5696.86, "bic": 5721.08 },
          "warnings": [], "schema": { "variables": [ { "variable": "phq_pre", "coding": "numeric" },
                                                     { "variable": "site", "coding": "categorical", "levels": ["east", "north"] } ] } }
        """
    static let lmm = """
        { "model": "lmm", "formula": "phq_post ~ phq_pre + (1 | therapist)", "data": { "file": "clinic.csv", "rows": 1000, "used": 894 },
          "level": 0.95,
          "coefficients": [ { "term": "(Intercept)", "estimate": 7.69, "std_error": 0.85, "df": 40.1, "p_value": 0.0004, "conf_low": 6.02, "conf_high": 9.36 },
                            { "term": "phq_pre", "estimate": 0.3571, "std_error": 0.0279, "df": 875.2, "p_value": 0.004, "conf_low": 0.302, "conf_high": 0.412 } ],
          "random_effects": [ { "group": "therapist", "term": "(Intercept)", "variance": 1.134, "std_dev": 1.065 },
                              { "group": "therapist", "terms": ["(Intercept)", "phq_pre"], "correlation": -0.31 },
                              { "group": "Residual", "variance": 22.78, "std_dev": 4.773 } ],
          "groups": [ { "group": "therapist", "levels": 40 } ],
          "icc": [ { "group": "therapist", "estimate": 0.0474, "conf_low": null, "conf_high": null } ],
          "fit": { "method": "REML", "log_likelihood": -2683.1, "aic": 5376.2, "bic": 5400.18, "singular": false },
          "warnings": ["boundary (singular) fit: see help('isSingular')"] }
        """
    /// survival::coxph's shape: log hazard ratios with `exp_estimate`, concordance and events in `fit`.
    static let cox = """
        { "model": "cox", "formula": "Surv(weeks, dropout) ~ wai + strata(site)", "data": { "file": "clinic.csv", "rows": 1000, "used": 990 },
          "level": 0.95,
          "coefficients": [ { "term": "wai", "estimate": -0.05, "std_error": 0.01, "statistic": -5, "p_value": 5.7e-7,
                              "conf_low": -0.0696, "conf_high": -0.0304, "exp_estimate": 0.95123, "exp_conf_low": 0.93277, "exp_conf_high": 0.97006 } ],
          "fit": { "concordance": { "estimate": 0.612, "std_error": 0.02 }, "events": 198, "log_likelihood": -1201.5 },
          "warnings": [] }
        """
    /// A GLMM (glmer): a logit with random effects, no `exp_` keys (the table exponentiates estimate and limits).
    static let glmm = """
        { "model": "logit", "formula": "dropout ~ wai + (1 | therapist)", "data": { "file": "clinic.csv", "rows": 1000, "used": 894 },
          "coefficients": [ { "term": "(Intercept)", "estimate": 1.2, "std_error": 0.5, "p_value": 0.016, "conf_low": 0.22, "conf_high": 2.18 },
                            { "term": "wai", "estimate": -0.05, "std_error": 0.01, "p_value": 0.0000006, "conf_low": -0.0696, "conf_high": -0.0304 } ],
          "random_effects": [ { "group": "therapist", "term": "(Intercept)", "variance": 0.21, "std_dev": 0.458 } ],
          "groups": [ { "group": "therapist", "levels": 40 } ],
          "fit": { "log_likelihood": -300.2, "aic": 606.4, "bic": 620.8 } }
        """
    /// metafor::rma's shape: the pooled estimate and heterogeneity at the top level, no coefficients.
    static let meta = """
        { "model": "random", "method": "REML", "k": 12, "estimate": 0.278, "std_error": 0.041, "p_value": 1e-11,
          "conf_low": 0.198, "conf_high": 0.358, "tau2": 0.0123, "i2": 54.21, "q": 24.1, "q_df": 11, "q_p_value": 0.012 }
        """

    static func table(_ sources: [String], options: ModelTableOptions = ModelTableOptions()) throws -> ResultTable {
        let models = try sources.enumerated().map { index, text in
            ModelTable.Model(name: "Model \(index + 1)", file: "m\(index + 1).json", json: try parse(text))
        }
        return try ModelTable(models, options: options).resultTable()
    }

    /// The row whose first cell is `label`, as text cells; the row after it (the precision row) with `below`.
    static func row(_ table: ResultTable, _ label: String, below: Bool = false) -> [String]? {
        guard let index = table.rows.firstIndex(where: { $0.first == .text(label) }) else { return nil }
        let row = table.rows[below ? index + 1 : index]
        return row.dropFirst().map { cell in
            if case .text(let text) = cell { return text }
            return "?"
        }
    }

    @Test func olsAndMixedModelSideBySide() throws {
        let table = try Self.table([Self.ols, Self.lmm], options: ModelTableOptions(stars: true))
        #expect(table.columns.map(\.header) == ["", "Model 1", "Model 2"])
        #expect(table.title == "Models of phq_post")
        #expect(Self.row(table, "Intercept") == ["3.31***", "7.69***"])
        #expect(Self.row(table, "Intercept", below: true) == ["(0.51)", "(0.85)"])
        #expect(Self.row(table, "phq_pre") == ["0.36***", "0.36**"])
        #expect(Self.row(table, "site[north]") == ["0.03", ""])
        #expect(Self.row(table, "N") == ["939", "894"])
        #expect(Self.row(table, "R²") == [".138", ""])
        #expect(Self.row(table, "Adjusted R²") == [".135", ""])
        #expect(Self.row(table, "Groups: therapist") == ["", "40"])
        #expect(Self.row(table, "Variance: therapist intercept") == ["", "1.13"])
        #expect(Self.row(table, "Correlation: therapist ((Intercept), phq_pre)") == ["", "-.31"])
        #expect(Self.row(table, "Variance: residual") == ["", "22.78"])
        #expect(Self.row(table, "ICC: therapist") == ["", ".047"])
        #expect(Self.row(table, "Log-likelihood") == ["-2843.43", "-2683.10"])
        #expect(Self.row(table, "AIC") == ["5696.86", "5376.20"])
        // Fit rows follow the fixed order: sizes, R², variance components, ICC, information criteria.
        let labels = table.rows.compactMap { row -> String? in if case .text(let t) = row[0], !t.isEmpty { return t } else { return nil } }
        #expect(Array(labels.suffix(11)) == ["N", "Groups: therapist", "R²", "Adjusted R²", "Variance: therapist intercept",
                                             "Variance: residual", "Correlation: therapist ((Intercept), phq_pre)", "ICC: therapist",
                                             "Log-likelihood", "AIC", "BIC"])
        #expect(table.notes.contains("Model 1: Linear regression of phq_post (clinic.csv, 939 of 1000 rows)."))
        #expect(table.notes.contains("Model 2: Linear mixed model of phq_post (clinic.csv, 894 of 1000 rows; REML)."))
        #expect(table.notes.contains("Model 2: boundary (singular) fit: see help('isSingular')"))
        #expect(table.notes.last == "* p < .05. ** p < .01. *** p < .001.")
    }

    @Test func intervalsInsteadOfStandardErrors() throws {
        let table = try Self.table([Self.ols], options: ModelTableOptions(intervals: true, digits: 3))
        #expect(Self.row(table, "site[north]", below: true) == ["[-0.757, 0.811]"])
        #expect(table.notes.first == "Estimates with 95% confidence intervals in brackets.")
    }

    @Test func coxShowsHazardRatiosItReported() throws {
        let table = try Self.table([Self.cox], options: ModelTableOptions(exponentiate: true, digits: 3))
        #expect(table.title == "Models of Surv(weeks, dropout)")
        #expect(Self.row(table, "wai") == ["0.951"])
        #expect(Self.row(table, "wai", below: true) == ["[0.933, 0.970]"])
        #expect(Self.row(table, "Events") == ["198"])
        #expect(Self.row(table, "Concordance") == [".612"])
        #expect(Self.row(table, "N") == ["990"])
        #expect(table.notes.contains("Model 1: exponentiated estimates and interval limits (odds, rate or hazard ratios)."))
        #expect(table.notes.contains("Model 1: Cox regression of Surv(weeks, dropout) (clinic.csv, 990 of 1000 rows)."))
    }

    @Test func coxOnTheLogScaleByDefault() throws {
        let table = try Self.table([Self.cox])
        #expect(Self.row(table, "wai") == ["-0.05"])
        #expect(Self.row(table, "wai", below: true) == ["(0.01)"])
    }

    @Test func glmmIsExponentiatedFromItsEstimateAndLimits() throws {
        let table = try Self.table([Self.glmm, Self.ols], options: ModelTableOptions(exponentiate: true, digits: 4))
        // exp(1.2) = 3.3201169…, exp(0.22) = 1.2460767…, exp(2.18) = 8.8463063… (R: exp(c(1.2, 0.22, 2.18))).
        #expect(Self.row(table, "Intercept") == ["3.3201", "3.3115"])
        #expect(Self.row(table, "Intercept", below: true) == ["[1.2461, 8.8463]", "[2.3090, 4.3140]"])
        #expect(Self.row(table, "Variance: therapist intercept") == ["0.21", ""])
        #expect(table.notes.contains("Model 2: not a log-link model; estimates on their own scale."))
        #expect(table.notes.contains("Model 1: Mixed-effects logistic regression of dropout (clinic.csv, 894 of 1000 rows)."))
    }

    @Test func metaAnalysisPoolsIntoOneRow() throws {
        let table = try Self.table([Self.meta, Self.ols])
        #expect(table.title == "Models compared")
        #expect(Self.row(table, "Pooled estimate") == ["0.28", ""])
        #expect(Self.row(table, "Pooled estimate", below: true) == ["(0.04)", ""])
        #expect(Self.row(table, "k (studies)") == ["12", ""])
        #expect(Self.row(table, "τ²") == ["0.012", ""])
        #expect(Self.row(table, "I² (%)") == ["54.2", ""])
        #expect(Self.row(table, "Q") == ["24.10", ""])
        #expect(table.notes.contains("Model 1: Meta-analysis (REML)."))
    }

    @Test func labelsNameTermsAndTheOutcome() throws {
        let labels = VariableLabels(["site": "Site", "phq_pre": "PHQ-9 at intake", "phq_post": "PHQ-9 at end"])
        let table = try Self.table([Self.ols], options: ModelTableOptions(labels: labels))
        #expect(Self.row(table, "Site: north") == ["0.03"])
        #expect(Self.row(table, "PHQ-9 at intake") == ["0.36"])
        #expect(table.title == "Models of PHQ-9 at end")
        #expect(table.notes.contains("Model 1: Linear regression of PHQ-9 at end (clinic.csv, 939 of 1000 rows)."))
    }

    @Test func missingKeysLeaveCellsEmptyNotWrong() throws {
        let bare = #"{ "model": "poisson", "coefficients": [ { "term": "x", "estimate": 0.5 } ] }"#
        let table = try Self.table([bare])
        #expect(Self.row(table, "x") == ["0.50"])
        #expect(Self.row(table, "x", below: true) == [""])
        #expect(table.rows.count == 2)
    }

    @Test func aliasedTermsAreLeftOut() throws {
        let aliased = #"{ "model": "ols", "coefficients": [ { "term": "x", "estimate": 1, "aliased": false }, { "term": "z", "estimate": null, "aliased": true } ] }"#
        #expect(Self.row(try Self.table([aliased]), "z") == nil)
    }

    @Test func notAModelIsRefusedNamingTheFile() throws {
        #expect(throws: ModelTableError.self) { try Self.table([#"{ "pairs": [] }"#]) }
        #expect(throws: ModelTableError.self) { try Self.table([#"[1, 2]"#]) }
        #expect(throws: ModelTableError.self) { try Self.table([#"{ "coefficients": [ { "estimate": 1 } ] }"#]) }
        do {
            _ = try Self.table([#"{ "pairs": [] }"#])
        } catch {
            #expect("\(error)".hasPrefix("m1.json: "))
        }
    }

    @Test func jsonKeepsFullPrecision() throws {
        let models = [ModelTable.Model(name: "A", file: "a.json", json: try Self.parse(Self.ols))]
        let json = try ModelTable(models, options: ModelTableOptions()).report().json
        let first = json["coefficients"]?.arrayValue?.first
        #expect(first?["term"] == .string("(Intercept)"))
        #expect(first?["values"]?.arrayValue?.first?["estimate"] == .number(3.3115))
        #expect(json["fit"]?.arrayValue?.first?["values"]?.arrayValue?.first == .number(939))
    }

    @Test func starsFollowAPAThresholds() {
        #expect(ModelTable.stars(0.0009) == "***")
        #expect(ModelTable.stars(0.001) == "**")
        #expect(ModelTable.stars(0.0099) == "**")
        #expect(ModelTable.stars(0.01) == "*")
        #expect(ModelTable.stars(0.049) == "*")
        #expect(ModelTable.stars(0.05) == "")
        #expect(ModelTable.stars(nil) == "")
    }

    @Test func modelsInWords() {
        #expect(ModelWords.title(model: "logit", formula: "dropout ~ wai + phq_pre") == "Logistic regression of dropout")
        #expect(ModelWords.title(model: "negbin", formula: "sessions ~ wai") == "Negative binomial regression of sessions")
        #expect(ModelWords.title(model: "poisson", formula: "n ~ x", mixed: true) == "Mixed-effects Poisson regression of n")
        #expect(ModelWords.title(model: "lmm", formula: "y ~ x + (1 | g)", labels: VariableLabels(["y": "Outcome"])) == "Linear mixed model of Outcome")
        #expect(ModelWords.title(model: "something", formula: nil) == "something")
    }
}
