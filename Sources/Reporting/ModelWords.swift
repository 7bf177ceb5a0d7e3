import Foundation
import DataTable

/// Models named in words for titles and table notes ("Logistic regression of dropout"), instead of the
/// command's shorthand and formula ("LOGIT: dropout ~ wai + phq_pre"), which belong in the JSON and the notes.
public enum ModelWords {
    /// The family in words from a result's `"model"` key; an unknown key is shown as it is.
    public static func family(_ model: String, mixed: Bool = false) -> String {
        let name: String
        switch model.lowercased() {
        case "ols": name = "Linear regression"
        case "logit": name = "Logistic regression"
        case "poisson": name = "Poisson regression"
        case "negbin": name = "Negative binomial regression"
        case "lmm": return "Linear mixed model"
        case "glmm": return "Generalized linear mixed model"
        case "cox": name = "Cox regression"
        case "meta", "random", "fixed", "three-level": return "Meta-analysis"
        case "moderate": name = "Moderation model"
        case "mediate": name = "Mediation model"
        default: return model
        }
        // A GLM with random-effects terms (glmer) keeps its family and says it is mixed.
        return mixed ? "Mixed-effects " + name.prefix(1).lowercased() + name.dropFirst() : name
    }

    /// The outcome as written left of `~` (`Surv(weeks, dropout)` stays whole); nil without a `~`.
    public static func outcome(ofFormula formula: String) -> String? {
        guard let tilde = formula.firstIndex(of: "~") else { return nil }
        let text = formula[..<tilde].trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    /// "Logistic regression of dropout": the family, then the outcome under its label where it has one.
    public static func title(model: String, formula: String?, labels: VariableLabels = VariableLabels(),
                             mixed: Bool = false) -> String {
        let family = family(model, mixed: mixed)
        guard let formula, let outcome = outcome(ofFormula: formula) else { return family }
        return "\(family) of \(labels[outcome] ?? outcome)"
    }
}
