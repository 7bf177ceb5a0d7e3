import Foundation
import DataTable

/// Models named in words for titles and table notes ("Logistic regression of dropout"), instead of the
/// command's shorthand and formula ("LOGIT: dropout ~ wai + phq_pre"), which belong in the JSON and the notes.
public enum ModelWords {
    /// The family in words from a result's `"model"` key; an unknown key is shown as it is.
    public static func family(_ model: String, mixed: Bool = false) -> String {
        // The phrase inside a sentence; proper names (Poisson, Cox) keep their capital.
        let phrase: String
        switch model.lowercased() {
        case "ols": phrase = "linear regression"
        case "logit": phrase = "logistic regression"
        case "poisson": phrase = "Poisson regression"
        case "negbin": phrase = "negative binomial regression"
        case "lmm": return "Linear mixed model"
        case "glmm": return "Generalized linear mixed model"
        case "cox": phrase = "Cox regression"
        case "meta", "random", "fixed", "three-level": return "Meta-analysis"
        case "moderate": phrase = "moderation model"
        case "mediate": phrase = "mediation model"
        default: return model
        }
        // A GLM with random-effects terms (glmer) keeps its family and says it is mixed.
        if mixed { return "Mixed-effects " + phrase }
        return phrase.prefix(1).uppercased() + phrase.dropFirst()
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
