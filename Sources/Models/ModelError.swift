import DataTable

/// Why a model could not be set up or fitted. Every case says what to do about it.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case formula(FormulaError)
    /// A column the formula (or `--cluster`) names is not in the data; `formula` and `offset` locate it
    /// when it came from the formula.
    case unknownColumn(name: String, suggestions: [String], formula: String?, offset: Int?, length: Int)
    case nonNumericOutcome(outcome: String)
    case nonNumericVariable(variable: String, column: String)
    case noCompleteRows(rowsRead: Int, columns: [String])
    case tooFewRows(parameters: Int, rows: Int)
    case singleLevelFactor(variable: String, column: String, level: String)
    case unknownReferenceLevel(column: String, level: String, levels: [String])
    case referenceForNonCategorical(column: String)
    /// A transformation gave a non-finite value: `log` or `sqrt` outside its domain, division by zero, overflow.
    case invalidTransform(variable: String, row: Int, detail: String)
    /// A formula function cannot be computed over the rows used (e.g. `poly()` of too high a degree).
    case invalidVariable(variable: String, detail: String)
    case outcomeNotBinary(outcome: String, detail: String)
    /// A categorical outcome of a binary model with other than two levels among the rows used.
    case categoricalOutcomeNotBinary(outcome: String, column: String, levels: [String])
    case invalidCounts(outcome: String, row: Int, value: Double)
    case nonFiniteOutcome(outcome: String, row: Int)
    case invalidLevel(Double)
    case separation(terms: [String], detail: String)
    case notConverged(model: String, iterations: Int, lastChange: Double)
    case clusterTooFew(column: String, clusters: Int)
    /// Rows given to a saved model have a level its fit never saw (`predict`, per-site and bootstrap refits).
    case unseenLevel(variable: String, column: String, level: String, levels: [String])
    /// A variable's kind differs from the saved model's (numeric there, categorical here or the reverse).
    case codingChanged(variable: String, detail: String)
    /// A column computed from the fitting rows themselves (orthogonal `poly`, `within`, `between`, `lag`) cannot be
    /// recomputed for new rows by `predict`.
    case dependsOnFittingRows(variable: String)
    /// A GLM's CR2 adjustment needs a dense eigen-decomposition per cluster; too large clusters are refused.
    case clusterTooLarge(column: String, largestCluster: Int)
    /// `event` names no level of the two-level outcome.
    case unknownEventLevel(outcome: String, column: String, level: String, levels: [String])
    /// `event` was given for an outcome that is not categorical.
    case eventForNumericOutcome(outcome: String, level: String)
    case numerical(String)
    /// A random-effects term that cannot be fitted (one level, no replication, a slope constant within groups).
    case invalidRandomEffects(term: String, detail: String)
    /// A mixed model's outcome does not vary over the rows used.
    case constantOutcome(outcome: String)
    /// The optimiser of a mixed model stopped without converging (with its summary).
    case mixedNotConverged(detail: String)
    /// Crossed grouping factors too large to factor densely.
    case randomEffectsTooLarge(detail: String)
    /// A mixed model's CR2 cluster-robust covariance cannot be formed (crossed factors without a nesting cluster,
    /// a factor not nested in the cluster, clusters too large for the dense adjustment).
    case mixedClusterRobust(detail: String)
    /// CR2 clusters that a grouping factor does not nest in: `level` of `group` occurs in more than one of `cluster`'s
    /// clusters (`crossed`: the grouping factors are crossed and no `--cluster` was named).
    case groupNotNested(groups: [String], group: String, level: String, cluster: String, crossed: Bool)
    /// A text column given where a PROCESS-style model needs numbers (`mediate`, `moderate`); `interaction`: the
    /// `fit ols` formula that takes it as categories, for a moderator.
    case categoricalInNumericRole(role: String, column: String, levels: [String], interaction: String?)

    /// The message with every level quoted.
    public var description: String { message(quoting: .everyColumn) }

    /// The message, quoting levels of the data's columns as `quoting` allows (docs/privacy.md): a command passes the
    /// columns let through the identifier guard. A level the user typed (`--ref`, `--event`) is their own text.
    public func message(quoting q: LevelQuoting) -> String {
        switch self {
        case .formula(let e):
            return e.description
        case .unknownColumn(let name, let suggestions, let formula, let offset, let length):
            var text = "no column named '\(name)' in the data"
            if !suggestions.isEmpty { text += "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?" }
            if let f = formula, let o = offset {
                text += "\n" + FormulaError(formula: f, offset: o, length: length, message: "").caretDisplay
            }
            return text
        case .nonNumericOutcome(let y):
            return "the outcome '\(y)' is categorical; this model needs a numeric outcome"
        case .nonNumericVariable(let v, let c):
            return "'\(v)' needs a numeric column but '\(c)' is categorical"
        case .noCompleteRows(let n, let cols):
            return "none of the \(n) rows has values for all of \(cols.joined(separator: ", ")); nothing is left to fit"
        case .tooFewRows(let p, let n):
            return "the model has \(p) parameters but only \(n) complete rows; simplify the model or add data"
        case .singleLevelFactor(let v, let c, let level):
            return "the categorical variable '\(v)' has a single level (\(q.level(level, of: c))) among the rows used; remove it from the formula"
        case .unknownReferenceLevel(let c, let level, let levels):
            let listed = q.levels(levels, of: c).map { "levels: \($0)" } ?? LevelQuoting.withheldLevels(levels.count, of: c)
            return "reference level '\(level)' is not a level of '\(c)' (\(listed))"
        case .referenceForNonCategorical(let c):
            return "a reference level was given for '\(c)', which is not a categorical variable of the model"
        case .invalidTransform(let v, let row, let detail):
            return "'\(v)' cannot be computed at data row \(row + 1): \(detail)"
        case .invalidVariable(let v, let detail):
            return "'\(v)' cannot be computed: \(detail)"
        case .outcomeNotBinary(let y, let detail):
            return "the outcome '\(y)' must be binary (0/1 or a two-level category) for logistic regression: \(detail)"
        case .categoricalOutcomeNotBinary(let y, let c, let levels):
            let count = "\(levels.count) level\(levels.count == 1 ? "" : "s") among the rows used"
            let listed = q.levels(levels, of: c, quoted: true).map { "\(count) (\($0))" }
                ?? "\(count) (not listed: the identifier guard flags '\(c)')"
            let variants = LevelSpellings.caseVariants(levels)
            let named = q.levels(variants, of: c, quoted: true)
            let spelling = variants.isEmpty ? "" : "; \(LevelSpellings.caseVariantsClause(variants, named: named)): give them one spelling "
                + "(alliance transform --recode)"
            return ModelError.outcomeNotBinary(outcome: y, detail: "it has \(listed)\(spelling)").message(quoting: q)
        case .invalidCounts(let y, let row, let value):
            return "the outcome '\(y)' must be a non-negative whole-number count; data row \(row + 1) has \(value)"
        case .nonFiniteOutcome(let y, let row):
            return "the outcome '\(y)' is not finite at data row \(row + 1); remove the row or mark the value missing"
        case .invalidLevel(let level):
            return "confidence level must be strictly between 0 and 1, got \(level)"
        case .separation(let terms, let detail):
            return "the outcome is perfectly predicted (separation) by \(terms.joined(separator: ", ")): \(detail); "
                + "estimates for these terms are not finite; remove or combine them, or use penalized (Firth) regression"
        case .notConverged(let model, let iterations, let change):
            return "the \(model) fit did not converge after \(iterations) iterations (last relative change in deviance \(change))"
        case .clusterTooFew(let c, let g):
            return "cluster-robust standard errors need at least 2 clusters; '\(c)' has \(g) among the rows used"
        case .unseenLevel(let v, let c, let level, let levels):
            let shown = q.levels(levels, of: c, limit: 20) ?? LevelQuoting.withheldLevels(levels.count, of: c)
            return "column '\(c)' has the level \(q.level(level, of: c)), which the fitted model never saw (levels of \(v): \(shown)); "
                + "remove those rows or refit the model with data that includes the level"
        case .codingChanged(let v, let detail):
            return "'\(v)' cannot be used as the fitted model used it: \(detail)"
        case .dependsOnFittingRows(let v):
            // The remedy depends on the term: poly() has a raw form; within()/between()/lag() and the like are group
            // statistics of the fitting rows, to be computed as columns (alliance transform) before fitting.
            let remedy = v.hasPrefix("poly(") ? "fit with poly(x, k, raw = TRUE), or compute the column in the data before fitting and predicting"
                : "compute it as a column before fitting and predicting (alliance transform --compute, e.g. with within() or lag()), "
                    + "so that new rows carry their own values"
            return "\(v) is computed from the rows the model was fitted to, so it cannot be recomputed for new rows; " + remedy
        case .clusterTooLarge(let c, let rows):
            return "the CR2 adjustment of a GLM decomposes an n × n matrix for each cluster of n rows, and the clusters of '\(c)' "
                + "(the largest has \(rows) rows) are too large for that (the limit is about five clusters of 2,000 rows); "
                + "use the default cluster-robust errors (cr1s), or ols, whose CR2 has no such limit"
        case .unknownEventLevel(let y, let c, let level, let levels):
            let listed = q.levels(levels, of: c, quoted: true) ?? LevelQuoting.withheldLevels(levels.count, of: c)
            return "'\(level)' is not a level of the outcome '\(y)' (levels among the rows used: \(listed))"
        case .eventForNumericOutcome(let y, let level):
            return "an event level ('\(level)') was given, but the outcome '\(y)' is numeric; a 0/1 outcome always models 1"
        case .invalidRandomEffects(let term, let detail):
            return "cannot fit the random-effects term \(term): \(detail)"
        case .constantOutcome(let y):
            return "the outcome \(y) takes a single value over the rows used, so there is no variance to model; check the column and the rows kept"
        case .mixedNotConverged(let detail):
            return "the mixed model did not converge: \(detail); simplify the random effects (drop a correlation with ||, or a slope), "
                + "or rescale predictors with very different ranges, and fit again"
        case .randomEffectsTooLarge(let detail):
            return detail
        case .mixedClusterRobust(let detail):
            return detail
        case .groupNotNested(let groups, let group, let level, let cluster, let crossed):
            // An interaction's label (site:therapist) names its columns; a level of any withheld one is withheld.
            let column = group.split(separator: ":").map(String.init).first(where: q.withholds) ?? group
            let shown = "\(group) \(q.level(level, of: column))"
            if crossed {
                return "the grouping factors \(groups.joined(separator: " and ")) are crossed "
                    + "(\(shown) occurs in more than one level of \(cluster)), so the model has no top "
                    + "grouping level for cluster-robust (CR2) standard errors; name with --cluster a column that every "
                    + "grouping factor nests in (as clubSandwich, which refuses non-nested random effects)"
            }
            return "the grouping factor \(group) is not nested in the cluster column '\(cluster)' "
                + "(\(shown) occurs in more than one of its clusters); cluster-robust (CR2) "
                + "standard errors need every grouping factor nested in the clusters (as clubSandwich); name with "
                + "--cluster a column that every grouping factor nests in, or leave --cluster out to use the top level"
        case .categoricalInNumericRole(let role, let column, let levels, let interaction):
            let count = "\(levels.count) level\(levels.count == 1 ? "" : "s")"
            let listed = q.levels(levels, of: column, limit: 5).map { "\(count): \($0)" }
                ?? LevelQuoting.withheldLevels(levels.count, of: column)
            var text = "the \(role) must be numeric, but '\(column)' is categorical (\(listed)); code it as numbers "
                + "(e.g. 0/1 with `alliance transform --recode`)"
            if let interaction {
                text += ", or fit the interaction with categories as treatment contrasts: `alliance fit ols FILE --formula \"\(interaction)\"`"
            }
            return ModelError.invalidVariable(variable: column, detail: text).message(quoting: q)
        case .numerical(let s):
            return "numerical failure: \(s)"
        }
    }
}
