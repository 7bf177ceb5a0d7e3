/// The expressions of `alliance transform`: the right side of `--compute "NAME = expr"` and the condition of
/// `--filter`. Both are read by the formula parser (`FormulaParser+DataSteps.swift`), so the arithmetic and the
/// group functions mean exactly what they mean in a model formula.

/// What `--compute` assigns: formula arithmetic (`phq_post - phq_pre`, `log(x)`), a group function
/// (`within(x, g)`, `between(x, g)`, `lag(x, g, order)`), a row-wise `mean(…)`/`sum(…)` across columns, or a
/// condition as 1/0 (`remitted = phq_post < 10`: R's `as.integer(phq_post < 10)`, missing where the condition is).
public enum ComputedValue: Sendable, Equatable {
    case arithmetic(NumericExpression)
    case group(GroupFunction)
    case rowSummary(RowSummary)
    case condition(RowCondition)

    /// Columns the value reads, in order of first appearance.
    public var columnNames: [String] {
        switch self {
        case .arithmetic(let e): return e.columnNames
        case .group(let g): return g.columnNames
        case .rowSummary(let r):
            var names: [String] = []
            for a in r.arguments { for n in a.columnNames where !names.contains(n) { names.append(n) } }
            return names
        case .condition(let c): return c.columnNames
        }
    }
}

/// `mean(a, b, c, min = 2)` or `sum(a, b, c, min = 2)` across the arguments of one row: the mean (sum) of the
/// non-missing arguments when at least `minimum` are present, else missing. Without `min =`, every argument
/// must be present (R's `rowMeans(m)`, which is NA when any is).
public struct RowSummary: Sendable, Equatable {
    public enum Kind: String, Sendable { case mean, sum }
    public let kind: Kind
    public let arguments: [NumericExpression]
    public let minimum: Int

    public init(kind: Kind, arguments: [NumericExpression], minimum: Int) {
        self.kind = kind
        self.arguments = arguments
        self.minimum = minimum
    }
}

/// One `--compute`: the new (or replaced) column's name and its value.
public struct ComputeStep: Sendable, Equatable {
    public let name: String
    public let value: ComputedValue
    /// The step as written, for reports and errors.
    public let text: String

    /// Parses `NAME = expr`; a syntax error carries the text and a caret.
    public init(parsing text: String) throws(FormulaError) {
        var parser = try FormulaParser(text, dataStep: true)
        let (name, value) = try parser.parseComputation()
        self.name = name
        self.value = value
        self.text = text
    }
}

/// A `--filter` condition: comparisons joined by `&`, `|` and `!`, with R's three-valued logic (a comparison
/// involving a missing value is missing; `NA & FALSE` is false, `NA | TRUE` is true). Rows where the whole
/// condition is missing are dropped, as dplyr's `filter()` drops them, and counted.
public indirect enum RowCondition: Sendable, Equatable {
    case compare(ComparisonOperator, Operand, Operand)
    case isMissing(String)
    case not(RowCondition)
    case and(RowCondition, RowCondition)
    case or(RowCondition, RowCondition)

    public enum ComparisonOperator: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// A side of a comparison: numbers (an arithmetic expression of numeric columns), or quoted text compared
    /// with a text column.
    public enum Operand: Sendable, Equatable {
        case number(NumericExpression)
        case text(String)
    }

    /// Parses a condition such as `phq_pre >= 10 & site == "north"`.
    public init(parsing text: String) throws(FormulaError) {
        var parser = try FormulaParser(text, dataStep: true)
        self = try parser.parseWholeCondition()
    }

    public var columnNames: [String] {
        var names: [String] = []
        func add(_ more: [String]) { for n in more where !names.contains(n) { names.append(n) } }
        func walk(_ c: RowCondition) {
            switch c {
            case .compare(_, let a, let b):
                for side in [a, b] { if case .number(let e) = side { add(e.columnNames) } }
            case .isMissing(let n): add([n])
            case .not(let a): walk(a)
            case .and(let a, let b), .or(let a, let b): walk(a); walk(b)
            }
        }
        walk(self)
        return names
    }
}
