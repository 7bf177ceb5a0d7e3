/// The data-step grammar on top of the formula parser: `NAME = value` for `--compute` and comparison
/// conditions for `--filter`. Arithmetic and group functions are the formula's own productions.
extension FormulaParser {
    static let maximumRowSummaryArguments = 10_000

    /// `NAME = arithmetic | condition | within(…) | between(…) | lag(…) | mean(…, min = k) | sum(…, min = k)`; a
    /// condition (`phq_post < 10`, `site == "north" & wai > 60`) gives 1/0.
    mutating func parseComputation() throws(FormulaError) -> (String, ComputedValue) {
        guard case .name(let name) = current.kind, peek().kind == .equals else {
            throw error(current, "write a computation as NAME = expression, as in phq_change = phq_post - phq_pre")
        }
        advance(); advance()
        guard current.kind != .end else { throw error(current, "expected an expression after '='") }
        let value: ComputedValue
        if case .name(let f) = current.kind, !current.quoted, peek().kind == .leftParen {
            if let kind = GroupFunction.Kind(rawValue: f) {
                let v = try parseGroupFunction(kind)
                guard case .groupFunction(let g) = v.kind else { throw error(current, "expected \(f)(…)") }
                value = .group(g)
            } else if let kind = RowSummary.Kind(rawValue: f) {
                value = .rowSummary(try parseRowSummary(kind))
            } else {
                value = .arithmetic(try parseArithmetic())
            }
        } else {
            value = try parseArithmeticOrCondition()
        }
        guard current.kind == .end else {
            if current.kind == .equals { throw error(current, "use '==' to compare (a single '=' assigns)") }
            throw error(current, "unexpected '\(current.text)'; within(), between(), lag(), mean() and sum() must be the whole "
                + "expression: compute them first, then use the new column in a later --compute")
        }
        return (name, value)
    }

    /// A condition when the right side holds a comparison or logical operator (or quoted text), read as `--filter`
    /// reads one; otherwise arithmetic, with arithmetic's own errors.
    private mutating func parseArithmeticOrCondition() throws(FormulaError) -> ComputedValue {
        let isCondition = tokens[position...].contains { token in
            switch token.kind {
            case .comparison, .ampersand, .bar, .bang, .string: return true
            case .name("is.na"): return !token.quoted
            default: return false
            }
        }
        return isCondition ? .condition(try parseDisjunction()) : .arithmetic(try parseArithmetic())
    }

    private mutating func parseRowSummary(_ kind: RowSummary.Kind) throws(FormulaError) -> RowSummary {
        let nameToken = current
        try enter(nameToken)
        defer { nesting -= 1 }
        advance(); advance()
        var arguments: [NumericExpression] = []
        var minimum: Int? = nil
        while true {
            if case .name("min") = current.kind, !current.quoted, peek().kind == .equals {
                advance(); advance()
                guard case .number(let s) = current.kind, let k = Int(s), k >= 1 else {
                    throw error(current, "min = needs a whole number of at least 1, as in \(kind.rawValue)(a, b, c, min = 2)")
                }
                minimum = k
                advance()
            } else {
                arguments.append(try parseArithmetic())
                guard arguments.count <= FormulaParser.maximumRowSummaryArguments else {
                    throw error(current, "\(kind.rawValue)() takes at most \(FormulaParser.maximumRowSummaryArguments) arguments")
                }
            }
            guard current.kind == .comma else { break }
            advance()
        }
        try expect(.rightParen, "')' to close \(kind.rawValue)(")
        guard !arguments.isEmpty else {
            throw error(nameToken, "\(kind.rawValue)() needs columns, as in \(kind.rawValue)(a, b, c, min = 2)")
        }
        if let m = minimum, m > arguments.count {
            throw error(nameToken, "min = \(m) is more than the \(arguments.count) argument\(arguments.count == 1 ? "" : "s") of \(kind.rawValue)()")
        }
        return RowSummary(kind: kind, arguments: arguments, minimum: minimum ?? arguments.count)
    }

    /// A whole `--filter` text.
    mutating func parseWholeCondition() throws(FormulaError) -> RowCondition {
        guard current.kind != .end else { throw error(current, "the condition is empty; write one such as phq_pre >= 10") }
        let c = try parseDisjunction()
        guard current.kind == .end else {
            if current.kind == .equals { throw error(current, "use '==' to compare (a single '=' assigns)") }
            throw error(current, "unexpected '\(current.text)'")
        }
        return c
    }

    private mutating func parseDisjunction() throws(FormulaError) -> RowCondition {
        var lhs = try parseConjunction()
        while current.kind == .bar {
            try countOperator(current)
            advance()
            lhs = .or(lhs, try parseConjunction())
        }
        return lhs
    }

    private mutating func parseConjunction() throws(FormulaError) -> RowCondition {
        var lhs = try parseNegation()
        while current.kind == .ampersand {
            try countOperator(current)
            advance()
            lhs = .and(lhs, try parseNegation())
        }
        return lhs
    }

    private mutating func parseNegation() throws(FormulaError) -> RowCondition {
        let token = current
        if token.kind == .bang {
            try enter(token)
            defer { nesting -= 1 }
            try countOperator(token)
            advance()
            return .not(try parseNegation())
        }
        if case .name("is.na") = token.kind, !token.quoted, peek().kind == .leftParen {
            advance(); advance()
            let column = try parseColumnArgument("is.na() takes a column name, as in is.na(phq_post)")
            try expect(.rightParen, "')' to close is.na(")
            guard case .column(let name) = column.kind else { throw error(token, "is.na() takes a column name") }
            return .isMissing(name)
        }
        if token.kind == .leftParen {
            // A parenthesised condition, unless the parentheses group arithmetic: `(a + b) / 2 > 3`.
            let saved = position
            let savedOperators = operatorCount
            try enter(token)
            defer { nesting -= 1 }
            advance()
            if let inner = try? parseDisjunction(), current.kind == .rightParen {
                advance()
                if !Self.continuesArithmetic(current.kind) { return inner }
            }
            position = saved
            operatorCount = savedOperators
        }
        return try parseComparison()
    }

    private static func continuesArithmetic(_ kind: FormulaTokenKind) -> Bool {
        switch kind {
        case .plus, .minus, .star, .slash, .caret, .comparison: return true
        default: return false
        }
    }

    private mutating func parseComparison() throws(FormulaError) -> RowCondition {
        let start = current
        let lhs = try parseOperand()
        guard case .comparison(let symbol) = current.kind, let op = RowCondition.ComparisonOperator(rawValue: symbol) else {
            if current.kind == .equals { throw error(current, "use '==' to compare (a single '=' assigns)") }
            throw error(start, "expected a comparison such as phq_pre >= 10 or site == \"north\"")
        }
        advance()
        let rhs = try parseOperand()
        if case .comparison = current.kind {
            throw error(current, "comparisons do not chain; join them with '&', as in a > 1 & a < 5")
        }
        return .compare(op, lhs, rhs)
    }

    private mutating func parseOperand() throws(FormulaError) -> RowCondition.Operand {
        if case .string(let s) = current.kind {
            advance()
            return .text(s)
        }
        return .number(try parseArithmetic())
    }
}
