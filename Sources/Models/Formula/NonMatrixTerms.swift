/// Terms that the parser reads but that never become fixed-effects design columns (DESIGN.md §2: kept apart
/// the way StatsModels.jl keeps non-matrix terms apart). Model families that use them read them from
/// `Formula.randomEffects`, `Formula.survival` and `Formula.strata`; the others refuse them (`Formula.refusal`).

/// A random-effects term as lme4 writes it: `(1 | g)`, `(x | g)`, `(1 + x | g)`, `(0 + x | g)`.
/// `(x || g)` arrives already split as lme4's `expandDoubleVerts` does (`(1 | g) + (0 + x | g)`), and
/// `(1 | g1/g2)` as lme4's `findbars` nests it (`(1 | g1) + (1 | g1:g2)`).
public struct RandomEffectTerm: Sendable, Equatable, CustomStringConvertible {
    /// The model terms left of the bar (their variables may be any fixed-effects variable kind).
    public let terms: [FormulaTerm]
    /// Whether the term has a random intercept (`1`, or implicit, as in `(x | g)`; not `(0 + x | g)`).
    public let hasIntercept: Bool
    /// The grouping factor: one column (`g`), or several whose interaction groups the rows (`g1:g2`).
    public let grouping: [FormulaVariable]
    /// False when the term came from `||` (its effects are uncorrelated with the other terms' on the same group).
    public let correlated: Bool
    /// Where the term was written in the formula (characters), for error carets: the whole parenthesised term.
    public let offset: Int
    public let length: Int

    public init(terms: [FormulaTerm], hasIntercept: Bool, grouping: [FormulaVariable], correlated: Bool,
                offset: Int, length: Int) {
        self.terms = terms
        self.hasIntercept = hasIntercept
        self.grouping = grouping
        self.correlated = correlated
        self.offset = offset
        self.length = length
    }

    /// `therapist`, or `site:therapist` for an interaction of grouping columns.
    public var groupLabel: String { grouping.map(\.label).joined(separator: ":") }

    /// lme4's form: `(1 | g)`, `(1 + x | g)`, `(0 + x | g)`.
    public var label: String {
        let labels = terms.map(\.label)
        let lhs: String
        if hasIntercept {
            lhs = (["1"] + labels).joined(separator: " + ")
        } else {
            lhs = (["0"] + labels).joined(separator: " + ")
        }
        return "(\(lhs) | \(groupLabel))"
    }

    public var description: String { label }

    /// Columns the term reads: its variables' and the grouping columns.
    public var columnNames: [String] {
        var names: [String] = []
        for v in terms.flatMap(\.variables) + grouping { for n in v.columnNames where !names.contains(n) { names.append(n) } }
        return names
    }
}

/// The response of a survival formula: `Surv(time, event)`, or `Surv(start, stop, event)` for
/// counting-process (left-truncated or time-varying) data, as the survival package reads them.
public struct SurvivalResponse: Sendable, Equatable {
    /// The entry time of `Surv(start, stop, event)`; nil for `Surv(time, event)`.
    public let start: FormulaVariable?
    /// The follow-up time (`time`), or the exit time of `Surv(start, stop, event)`.
    public let stop: FormulaVariable
    /// The event indicator (1/0, TRUE/FALSE or a two-level category).
    public let event: FormulaVariable

    public init(start: FormulaVariable?, stop: FormulaVariable, event: FormulaVariable) {
        self.start = start
        self.stop = stop
        self.event = event
    }

    public var label: String {
        "Surv(" + ([start, stop, event].compactMap { $0?.label }).joined(separator: ", ") + ")"
    }

    public var columnNames: [String] {
        var names: [String] = []
        for v in [start, stop, event].compactMap({ $0 }) { for n in v.columnNames where !names.contains(n) { names.append(n) } }
        return names
    }
}

/// `strata(site)` or `strata(site, sex)` on the right of a Cox formula: separate baseline hazards per
/// stratum (the interaction of the columns), as survival's `strata()`.
public struct StrataTerm: Sendable, Equatable, CustomStringConvertible {
    public let variables: [FormulaVariable]
    public let offset: Int
    public let length: Int

    public init(variables: [FormulaVariable], offset: Int, length: Int) {
        self.variables = variables
        self.offset = offset
        self.length = length
    }

    public var label: String { "strata(\(variables.map(\.label).joined(separator: ", ")))" }
    public var description: String { label }
    public var columnNames: [String] { variables.flatMap(\.columnNames) }
}

extension Formula {
    /// For fixed-effects regressions (OLS and GLMs): the first non-matrix term they cannot fit, as a caret
    /// error that names the command that can; nil when the formula has none. Offsets are not refused: every
    /// regression takes them.
    public func fixedEffectsRefusal() -> FormulaError? {
        if let s = survival {
            return FormulaError(formula: text, offset: outcome.offset, length: outcome.length,
                                message: "a survival outcome \(s.label) needs `fit cox` (Cox proportional hazards regression)")
        }
        if let r = randomEffects.first {
            let group = r.grouping.first?.label ?? "group"
            return FormulaError(formula: text, offset: r.offset, length: r.length,
                                message: "random-effects terms need `fit lmm` (linear mixed model); "
                                    + "for cluster-robust errors use `--cluster \(group)`")
        }
        if let s = strata.first {
            return FormulaError(formula: text, offset: s.offset, length: s.length,
                                message: "strata() belongs in survival models: use `fit cox`; "
                                    + "to adjust a regression for \(s.variables.map(\.label).joined(separator: ", ")) enter it as a predictor")
        }
        return nil
    }
}
