/// One variable of a formula (a "factor" in R's terms vocabulary): a column, a column forced to be
/// categorical with `factor(x)`, a numeric transformation such as `I(x^2)` or `log(x)`, a group function
/// (`within(x, g)`, `between(x, g)`, `lag(x, g, order)`), `poly(x, k)`, or a survival response.
/// Two variables are the same when their labels are equal.
public struct FormulaVariable: Sendable, Hashable, CustomStringConvertible {
    public indirect enum Kind: Sendable, Equatable {
        /// A column used as it is: numeric columns enter as numbers, categorical ones as factors.
        case column(String)
        /// `factor(x)`: the column's values are treated as categories (numeric values by their text).
        case factor(String)
        /// A computed numeric variable; `I(...)` wrappers are kept in the label only.
        case transform(NumericExpression)
        /// `within(x, g)`, `between(x, g)`, `lag(x, g, order)`: computed over groups of rows.
        case groupFunction(GroupFunction)
        /// `poly(x, k)`: k design columns.
        case polynomial(Polynomial)
        /// `Surv(time, event)` or `Surv(start, stop, event)`: only ever a formula's outcome.
        case survival(SurvivalResponse)
    }

    public let kind: Kind
    /// The name used in term labels, the variable as written: `x`, `factor(g)`, `I(x^2)`, `log(x)`,
    /// `` `PHQ-9 total` ``, `within(wai, therapist)`, `poly(x, 2)`.
    public let label: String
    /// Where the variable was written in the formula (characters), for error carets.
    public let offset: Int
    public let length: Int

    /// Column names this variable reads.
    public var columnNames: [String] {
        switch kind {
        case .column(let n), .factor(let n): return [n]
        case .transform(let e): return e.columnNames
        case .groupFunction(let g): return g.columnNames
        case .polynomial(let p): return p.argument.columnNames
        case .survival(let s): return s.columnNames
        }
    }

    /// Offset and length of the first reference to `column` inside this variable (the whole variable
    /// when no finer position is known), for error carets.
    public func location(of column: String) -> (offset: Int, length: Int) {
        switch kind {
        case .transform(let e):
            if let hit = e.columnReference(column) { return hit }
        case .polynomial(let p):
            if let hit = p.argument.columnReference(column) { return hit }
        case .groupFunction(let g):
            if let hit = g.argument.columnReference(column) { return hit }
            for v in [g.group] + (g.order.map { [$0] } ?? []) where v.columnNames.contains(column) { return v.location(of: column) }
        case .survival(let s):
            for v in [s.start, s.stop, s.event].compactMap({ $0 }) where v.columnNames.contains(column) {
                return v.location(of: column)
            }
        case .column, .factor:
            break
        }
        return (offset, length)
    }

    public var description: String { label }
    public static func == (a: FormulaVariable, b: FormulaVariable) -> Bool { a.label == b.label }
    public func hash(into hasher: inout Hasher) { hasher.combine(label) }
}

/// A model term: one variable, or an interaction of several (`a:b`). Variables are kept in their
/// order of first appearance in the formula, as R does, so `b:a` and `a:b` are the same term.
public struct FormulaTerm: Sendable, Hashable, CustomStringConvertible {
    public let variables: [FormulaVariable]
    /// The variables' labels as a set, kept because equality and hashing use it (formulas can expand to
    /// thousands of terms, each compared many times).
    let labelSet: Set<String>

    public init(variables: [FormulaVariable]) {
        self.variables = variables
        self.labelSet = Set(variables.map(\.label))
    }

    public var label: String { variables.map(\.label).joined(separator: ":") }
    public var order: Int { variables.count }
    public var description: String { label }

    public static func == (a: FormulaTerm, b: FormulaTerm) -> Bool { a.labelSet == b.labelSet }
    public func hash(into hasher: inout Hasher) { hasher.combine(labelSet) }
}

/// A parsed model formula (DESIGN.md §6).
///
/// The fixed-effects part is `outcome`, `terms` (ordered by degree as R orders them: main effects, then
/// two-way interactions, …; ties by first appearance) and `hasIntercept`; `DesignMatrix` builds its columns
/// from these alone. Terms that are not design columns are kept apart in their own lists, as StatsModels.jl
/// keeps non-matrix terms apart: `randomEffects` (lme4's bars), `strata` (survival's `strata()`),
/// `offsets` (`offset(expr)`, summed into the linear predictor), and a survival response (`survival`).
/// A model family that cannot use one of them refuses the formula with `refusal(for:)`.
///
/// `y ~ .` needs the data's column names (`dataColumns`): `.` stands for every column of the data not on
/// the left of `~`, in table order, as R's `terms(formula, data =)`.
public struct Formula: Sendable, Equatable, CustomStringConvertible {
    /// The formula as written.
    public let text: String
    /// The response: a variable, or for `Surv(...) ~ ...` a variable of kind `.survival`.
    public let outcome: FormulaVariable
    /// Fixed-effects terms (design-matrix columns).
    public let terms: [FormulaTerm]
    public let hasIntercept: Bool
    /// Random-effects terms, in the order written (after `||` and `/` expansion).
    public let randomEffects: [RandomEffectTerm]
    /// `strata(...)` terms, in the order written.
    public let strata: [StrataTerm]
    /// `offset(expr)` terms (and any `addingOffset` expression), labelled `offset(expr)`; their sum is added to the
    /// linear predictor with coefficient 1, as R's `model.offset`.
    public private(set) var offsets: [FormulaVariable]
    /// For each offset, the text its positions refer to when it is not `text` (an `addingOffset` expression).
    private(set) var offsetSources: [String?]
    /// Whether the formula used `.`, which expanded over the data's columns (a saved schema keeps them).
    public let usesDot: Bool

    /// Parses `text`. `dataColumns` (the table's column names, in table order) is needed only when the formula
    /// uses `.`; without it `.` is an error.
    public init(_ text: String, dataColumns: [String]? = nil) throws(FormulaError) {
        var parser = try FormulaParser(text, dataColumns: dataColumns)
        let parsed = try parser.parseFormula()
        self.text = text
        self.outcome = parsed.outcome
        self.hasIntercept = parsed.intercept
        self.terms = Formula.normalized(parsed.terms, variableOrder: parsed.variableOrder)
        self.randomEffects = parsed.randomEffects
        self.strata = parsed.strata
        self.offsets = parsed.offsets
        self.offsetSources = parsed.offsets.map { _ in nil }
        self.usesDot = parsed.usesDot
    }

    /// Variables inside a term in order of first appearance; terms stably sorted by degree.
    private static func normalized(_ terms: [FormulaTerm], variableOrder: [FormulaVariable]) -> [FormulaTerm] {
        var order: [String: Int] = [:]
        for (i, v) in variableOrder.enumerated() where order[v.label] == nil { order[v.label] = i }
        let normalized: [FormulaTerm] = terms.map { term in
            FormulaTerm(variables: term.variables.sorted { (order[$0.label] ?? 0) < (order[$1.label] ?? 0) })
        }
        let indexed: [(Int, FormulaTerm)] = Array(normalized.enumerated()).map { ($0.offset, $0.element) }
        let sorted = indexed.sorted { a, b in a.1.order != b.1.order ? a.1.order < b.1.order : a.0 < b.0 }
        return sorted.map { $0.1 }
    }

    /// The same formula with one more offset: `expression` is an arithmetic expression in formula syntax
    /// (as inside `I()`, e.g. `log(sessions_offered)`), like R's `offset =` argument of `glm` and `lm`.
    /// Errors point into `expression`.
    public func addingOffset(_ expression: String) throws(FormulaError) -> Formula {
        var parser = try FormulaParser(expression, dataColumns: nil)
        let variable = try parser.parseOffsetExpression()
        var formula = self
        formula.offsets.append(variable)
        formula.offsetSources.append(expression)
        return formula
    }

    /// The survival response of `Surv(...) ~ ...`; nil for an ordinary outcome.
    public var survival: SurvivalResponse? {
        if case .survival(let s) = outcome.kind { return s }
        return nil
    }

    /// Right-hand-side fixed-effects variables in order of first appearance in the terms.
    public var predictorVariables: [FormulaVariable] {
        var seen: [FormulaVariable] = []
        for term in terms { for v in term.variables where !seen.contains(v) { seen.append(v) } }
        return seen
    }

    /// Every column the model reads (outcome first, then fixed effects, offsets, random effects, strata),
    /// without duplicates.
    public var columnNames: [String] {
        var names: [String] = []
        func add(_ more: [String]) { for n in more where !names.contains(n) { names.append(n) } }
        for v in [outcome] + predictorVariables + offsets { add(v.columnNames) }
        for r in randomEffects { add(r.columnNames) }
        for s in strata { add(s.columnNames) }
        return names
    }

    /// Canonical form: `y ~ a + b + a:b` (with `- 1` for models without an intercept), then offsets,
    /// strata and random-effects terms.
    public var description: String {
        let labels = terms.map(\.label) + offsets.map(\.label) + strata.map(\.label) + randomEffects.map(\.label)
        let rhs: String
        if hasIntercept {
            rhs = terms.isEmpty ? (["1"] + labels).joined(separator: " + ") : labels.joined(separator: " + ")
        } else {
            rhs = labels.isEmpty ? "0" : labels.joined(separator: " + ") + " - 1"
        }
        return "\(outcome.label) ~ \(rhs)"
    }
}
