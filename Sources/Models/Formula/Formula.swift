/// One variable of a formula (a "factor" in R's terms vocabulary): a column, a column forced to be
/// categorical with `factor(x)`, or a numeric transformation such as `I(x^2)` or `log(x)`.
/// Two variables are the same when their labels are equal.
public struct FormulaVariable: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A column used as it is: numeric columns enter as numbers, categorical ones as factors.
        case column(String)
        /// `factor(x)`: the column's values are treated as categories (numeric values by their text).
        case factor(String)
        /// A computed numeric variable; `I(...)` wrappers are kept in the label only.
        case transform(NumericExpression)
    }

    public let kind: Kind
    /// The name used in term labels: `x`, `factor(g)`, `I(x^2)`, `log(x)`, `` `PHQ-9 total` ``.
    public let label: String
    /// Where the variable was written in the formula (characters), for error carets.
    public let offset: Int
    public let length: Int

    public init(kind: Kind, label: String, offset: Int, length: Int) {
        self.kind = kind
        self.label = label
        self.offset = offset
        self.length = length
    }

    /// Column names this variable reads.
    public var columnNames: [String] {
        switch kind {
        case .column(let n), .factor(let n): return [n]
        case .transform(let e): return e.columnNames
        }
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

/// A parsed model formula (DESIGN.md §6): outcome, right-hand-side terms ordered by degree as R
/// orders them (main effects, then two-way interactions, …; ties by first appearance), and whether
/// the model has an intercept.
public struct Formula: Sendable, Equatable, CustomStringConvertible {
    /// The formula as written.
    public let text: String
    public let outcome: FormulaVariable
    public let terms: [FormulaTerm]
    public let hasIntercept: Bool

    public init(_ text: String) throws(FormulaError) {
        var parser = try FormulaParser(text)
        let parsed = try parser.parseFormula()
        self.text = text
        self.outcome = parsed.outcome
        self.hasIntercept = parsed.intercept
        // Variables inside a term in order of first appearance; terms stably sorted by degree.
        var order: [String: Int] = [:]
        for (i, v) in parsed.variableOrder.enumerated() where order[v.label] == nil { order[v.label] = i }
        let normalized: [FormulaTerm] = parsed.terms.map { term in
            FormulaTerm(variables: term.variables.sorted { (order[$0.label] ?? 0) < (order[$1.label] ?? 0) })
        }
        let indexed: [(Int, FormulaTerm)] = Array(normalized.enumerated()).map { ($0.offset, $0.element) }
        let sorted = indexed.sorted { a, b in a.1.order != b.1.order ? a.1.order < b.1.order : a.0 < b.0 }
        self.terms = sorted.map { $0.1 }
    }

    /// Right-hand-side variables in order of first appearance in the terms.
    public var predictorVariables: [FormulaVariable] {
        var seen: [FormulaVariable] = []
        for term in terms { for v in term.variables where !seen.contains(v) { seen.append(v) } }
        return seen
    }

    /// Every column the model reads (outcome first), without duplicates.
    public var columnNames: [String] {
        var names: [String] = []
        for v in [outcome] + predictorVariables { for n in v.columnNames where !names.contains(n) { names.append(n) } }
        return names
    }

    /// Canonical form: `y ~ a + b + a:b` (with `- 1` for models without an intercept).
    public var description: String {
        let labels = terms.map(\.label)
        let rhs: String
        if hasIntercept {
            rhs = labels.isEmpty ? "1" : labels.joined(separator: " + ")
        } else {
            rhs = labels.isEmpty ? "0" : labels.joined(separator: " + ") + " - 1"
        }
        return "\(outcome.label) ~ \(rhs)"
    }
}
