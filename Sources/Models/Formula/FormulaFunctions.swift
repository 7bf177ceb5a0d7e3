/// Variables that formula functions compute from whole columns rather than row by row: the group functions
/// `within`, `between` and `lag`, and `poly`. Their values are computed by `ModelFrame`.

/// `within(x, g)`, `between(x, g)` and `lag(x, g, order)`.
///
/// - `between(x, g)`: the mean of x in the row's group g, as R's `ave(x, g)`, over the rows the model uses
///   (after listwise deletion over every model variable, g included).
/// - `within(x, g)`: x minus `between(x, g)` (group-mean centring).
/// - `lag(x, g, order)`: x at the previous row of the same group when the rows are sorted by `order`, as
///   dplyr's `lag()` after `arrange(order)` and `group_by(g)`; computed on the data's rows before listwise
///   deletion, so a missing x in the middle of a sequence gives a missing lag (the row is dropped), never a
///   skip to an earlier row. The first row of each group has no lag. Ties in `order` keep the data's row
///   order (dplyr's `arrange` is stable). Rows with a missing g or order belong to no sequence: their lag is
///   missing and they are no row's previous row.
public struct GroupFunction: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case within, between, lag
    }

    public let kind: Kind
    /// The numeric argument (a column or an arithmetic expression of columns).
    public let argument: NumericExpression
    /// The grouping column (text or numeric).
    public let group: FormulaVariable
    /// The ordering column of `lag`; nil for `within` and `between`.
    public let order: FormulaVariable?

    public init(kind: Kind, argument: NumericExpression, group: FormulaVariable, order: FormulaVariable?) {
        self.kind = kind
        self.argument = argument
        self.group = group
        self.order = order
    }

    /// The written form: `within(wai, therapist)`, `lag(wai, client, session)`.
    public var label: String {
        let parts = [argument.label, group.label] + (order.map { [$0.label] } ?? [])
        return "\(kind.rawValue)(\(parts.joined(separator: ", ")))"
    }

    public var columnNames: [String] {
        var names = argument.columnNames
        for v in [group] + (order.map { [$0] } ?? []) { for n in v.columnNames where !names.contains(n) { names.append(n) } }
        return names
    }
}

/// `poly(x, degree)`: orthogonal polynomials exactly as R's `poly()` (columns orthonormal over the rows
/// used, each of degree 1…degree with a positive leading coefficient), or with `raw = TRUE` the plain
/// powers x, x², …. Design columns are named as R names them: `poly(x, 2)1`, `poly(x, 2)2`.
public struct Polynomial: Sendable, Equatable {
    public let argument: NumericExpression
    public let degree: Int
    public let raw: Bool
}
