/// Recursive-descent parser for model formulas. Precedence follows R's: `^` binds tightest, then
/// `:`, then `*`, then `+`/`-`; a leading `-` removes what follows.
struct FormulaParser {
    private let text: String
    private let tokens: [FormulaToken]
    private var position = 0
    /// Current nesting of parentheses, calls, unary minus and `^` chains; bounded so that hostile
    /// input cannot exhaust the stack (here or in the recursive expression code downstream).
    private var nesting = 0
    /// Arithmetic operators read so far; bounded because expression trees are walked recursively.
    private var operatorCount = 0
    /// Variables in order of first appearance (outcome excluded), which orders variables in terms.
    private(set) var variableOrder: [FormulaVariable] = []

    struct Parsed {
        let outcome: FormulaVariable
        let terms: [FormulaTerm]
        let intercept: Bool
        let variableOrder: [FormulaVariable]
    }

    /// Terms of a sub-formula plus its explicit intercept choice (`nil`: it said nothing).
    struct TermSet {
        private(set) var terms: [FormulaTerm] = []
        var intercept: Bool? = nil
        /// The same terms, for constant-time duplicate checks (formulas can expand to many terms).
        private var index: Set<FormulaTerm> = []

        init(terms: [FormulaTerm] = [], intercept: Bool? = nil) {
            self.intercept = intercept
            add(terms)
        }

        mutating func add(_ more: [FormulaTerm]) {
            for t in more where index.insert(t).inserted { terms.append(t) }
        }

        mutating func remove(_ other: [FormulaTerm]) {
            let removed = Set(other)
            terms.removeAll { removed.contains($0) }
            index.subtract(removed)
        }
    }

    static let supportedFunctions = "I(), log(), exp(), sqrt(), abs(), factor()"
    /// Limits that no real model reaches; beyond them the formula is refused with a clear error.
    static let maximumNesting = 64
    static let maximumOperators = 1000
    static let maximumTerms = 2_000

    init(_ text: String) throws(FormulaError) {
        self.text = text
        self.tokens = try FormulaLexer.tokenize(text)
    }

    private var current: FormulaToken { tokens[position] }
    private func peek(_ ahead: Int = 1) -> FormulaToken { tokens[min(position + ahead, tokens.count - 1)] }
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func error(_ token: FormulaToken, _ message: String) -> FormulaError {
        FormulaError(formula: text, offset: token.offset, length: token.kind == .end ? 1 : token.length, message: message)
    }

    /// Enters one level of nesting at `token`, refusing formulas nested deeper than any real model.
    private mutating func enter(_ token: FormulaToken) throws(FormulaError) {
        nesting += 1
        guard nesting <= FormulaParser.maximumNesting else {
            throw error(token, "the formula is nested more than \(FormulaParser.maximumNesting) levels deep; simplify it")
        }
    }

    private mutating func countOperator(_ token: FormulaToken) throws(FormulaError) {
        operatorCount += 1
        guard operatorCount <= FormulaParser.maximumOperators else {
            throw error(token, "the formula has more than \(FormulaParser.maximumOperators) arithmetic operators; simplify it")
        }
    }

    private mutating func expect(_ kind: FormulaTokenKind, _ what: String) throws(FormulaError) {
        guard current.kind == kind else {
            throw error(current, "expected \(what) but found \(current.kind == .end ? "the end of the formula" : "'\(current.text)'")")
        }
        advance()
    }

    mutating func parseFormula() throws(FormulaError) -> Parsed {
        guard current.kind != .end else {
            throw error(current, "the formula is empty; write it as 'outcome ~ predictors'")
        }
        if current.kind == .tilde {
            throw error(current, "the formula needs an outcome on the left of '~'")
        }
        let outcomeStart = current
        let outcome: FormulaVariable
        if case .name("I") = current.kind, !current.quoted, peek().kind == .leftParen {
            outcome = try parseCall("I")
        } else {
            let expression = try parseArithmetic()
            let outcomeEnd = tokens[position - 1]
            outcome = variable(for: expression, wrappedInI: false,
                               offset: outcomeStart.offset, end: outcomeEnd.offset + outcomeEnd.length)
        }
        guard current.kind == .tilde else {
            throw error(current, current.kind == .end
                ? "expected '~' after the outcome; write the formula as 'outcome ~ predictors'"
                : "expected '~' after the outcome but found '\(current.text)'")
        }
        advance()
        if current.kind == .end { throw error(current, "expected predictors after '~' (use '1' for an intercept-only model)") }
        variableOrder = []
        let set = try parseSum()
        guard current.kind == .end else {
            if current.kind == .tilde { throw error(current, "a formula has only one '~'") }
            if current.kind == .rightParen { throw error(current, "unmatched ')'") }
            throw error(current, "unexpected '\(current.text)'")
        }
        return Parsed(outcome: outcome, terms: set.terms, intercept: set.intercept ?? true, variableOrder: variableOrder)
    }

    // MARK: term algebra

    private mutating func parseSum() throws(FormulaError) -> TermSet {
        var result = TermSet()
        if current.kind == .minus {
            advance()
            result = TermSet().removing(try parseProduct())
        } else {
            if current.kind == .plus { advance() }
            result = try parseProduct()
        }
        while current.kind == .plus || current.kind == .minus {
            let isPlus = current.kind == .plus
            advance()
            let rhs = try parseProduct()
            if isPlus {
                result.add(rhs.terms)
                if let i = rhs.intercept { result.intercept = i }
            } else {
                result = result.removing(rhs)
            }
        }
        guard result.terms.count <= FormulaParser.maximumTerms else {
            throw error(current, "the formula expands to more than \(FormulaParser.maximumTerms) terms; simplify it")
        }
        return result
    }

    private mutating func parseProduct() throws(FormulaError) -> TermSet {
        var result = try parseInteraction()
        while current.kind == .star || current.kind == .slash {
            if current.kind == .slash {
                throw error(current, "nesting with '/' is not supported; write 'a + a:b' instead of 'a/b'")
            }
            let op = current
            advance()
            let rhs = try parseInteraction()
            // a*b = a + b + a:b
            var crossed = result
            crossed.add(rhs.terms)
            if let i = rhs.intercept { crossed.intercept = i }
            crossed.add(try interact(result, rhs, at: op))
            result = crossed
        }
        return result
    }

    private mutating func parseInteraction() throws(FormulaError) -> TermSet {
        var result = try parsePower()
        while current.kind == .colon {
            let op = current
            advance()
            let rhs = try parsePower()
            result = TermSet(terms: try interact(result, rhs, at: op), intercept: nil)
        }
        return result
    }

    private mutating func parsePower() throws(FormulaError) -> TermSet {
        let base = try parsePrimary()
        guard current.kind == .caret else { return base }
        let op = current
        advance()
        guard case .number(let s) = current.kind, let k = Int(s), k >= 1 else {
            throw error(current, "'^' in a formula needs a positive whole number, as in '(a + b + c)^2'; use I(x^2) for powers of a variable")
        }
        advance()
        // Terms cannot have more variables than there are, so larger powers add nothing.
        var distinct = Set<String>()
        for t in base.terms { for v in t.variables { distinct.insert(v.label) } }
        let effective = min(k, max(distinct.count, 1))
        var result = base
        if effective >= 2 {
            for _ in 2...effective {
                var crossed = result
                crossed.add(base.terms)
                crossed.add(try interact(result, base, at: op))
                result = crossed
            }
        }
        return TermSet(terms: result.terms.filter { $0.order <= k }, intercept: base.intercept)
    }

    private func interact(_ a: TermSet, _ b: TermSet, at op: FormulaToken) throws(FormulaError) -> [FormulaTerm] {
        if a.intercept != nil || b.intercept != nil {
            throw error(op, "the intercept ('1' or '0') cannot be part of an interaction")
        }
        guard a.terms.count * b.terms.count <= FormulaParser.maximumTerms else {
            throw error(op, "the formula expands to more than \(FormulaParser.maximumTerms) terms; simplify it")
        }
        var out: [FormulaTerm] = []
        var seen = Set<FormulaTerm>()
        for x in a.terms {
            for y in b.terms {
                var vars = x.variables
                for v in y.variables where !vars.contains(v) { vars.append(v) }
                let t = FormulaTerm(variables: vars)
                if seen.insert(t).inserted { out.append(t) }
            }
        }
        return out
    }

    private mutating func parsePrimary() throws(FormulaError) -> TermSet {
        let token = current
        switch token.kind {
        case .leftParen:
            try enter(token)
            defer { nesting -= 1 }
            advance()
            if case .number = current.kind, peek().kind == .bar {
                throw error(peek(), "random-effects terms such as '(1 | group)' are not supported yet")
            }
            let inner = try parseSum()
            if current.kind == .bar {
                throw error(current, "random-effects terms such as '(x | group)' are not supported yet")
            }
            try expect(.rightParen, "')'")
            return inner
        case .number(let s):
            advance()
            switch Double(s) {
            case 1: return TermSet(terms: [], intercept: true)
            case 0: return TermSet(terms: [], intercept: false)
            default:
                throw error(token, "a number alone in a formula must be 1 (intercept) or 0 (no intercept); use I() for arithmetic")
            }
        case .name(let name):
            if !token.quoted && peek().kind == .leftParen {
                return TermSet(terms: [FormulaTerm(variables: [try parseCall(name)])], intercept: nil)
            }
            advance()
            let v = FormulaVariable(kind: .column(name), label: FormulaNames.display(name),
                                    offset: token.offset, length: token.length)
            note(v)
            return TermSet(terms: [FormulaTerm(variables: [v])], intercept: nil)
        case .end:
            throw error(token, "the formula ends where a term was expected")
        default:
            throw error(token, "unexpected '\(token.text)' where a term was expected")
        }
    }

    private mutating func note(_ v: FormulaVariable) {
        if !variableOrder.contains(v) { variableOrder.append(v) }
    }

    /// `I(expr)`, `log(expr)` and friends, `factor(x)`; anything else is reported by name.
    private mutating func parseCall(_ name: String) throws(FormulaError) -> FormulaVariable {
        let nameToken = current
        try enter(nameToken)
        defer { nesting -= 1 }
        switch name {
        case "I":
            advance(); advance()
            let e = try parseArithmetic()
            let close = current
            try expect(.rightParen, "')' to close I(")
            let v = variable(for: e, wrappedInI: true, offset: nameToken.offset, end: close.offset + 1)
            note(v)
            return v
        case "factor", "as.factor":
            advance(); advance()
            guard case .name(let column) = current.kind else {
                throw error(current, "factor() takes a column name, as in factor(therapist)")
            }
            advance()
            let close = current
            try expect(.rightParen, "')' to close factor(")
            let v = FormulaVariable(kind: .factor(column), label: "factor(\(FormulaNames.display(column)))",
                                    offset: nameToken.offset, length: close.offset + 1 - nameToken.offset)
            note(v)
            return v
        default:
            if NumericExpression.MathFunction(rawValue: name) != nil {
                let start = nameToken.offset
                let e = try parseArithmeticAtom()
                let end = tokens[position - 1].offset + 1
                let v = variable(for: e, wrappedInI: false, offset: start, end: end)
                note(v)
                return v
            }
            if name == "Surv" {
                throw error(nameToken, "Surv() survival outcomes are not supported yet")
            }
            throw error(nameToken, "unknown function '\(name)()'; supported: \(FormulaParser.supportedFunctions)")
        }
    }

    private func variable(for e: NumericExpression, wrappedInI: Bool, offset: Int, end: Int) -> FormulaVariable {
        if !wrappedInI, case .column(let n, let o, let l) = e {
            return FormulaVariable(kind: .column(n), label: FormulaNames.display(n), offset: o, length: l)
        }
        let label = wrappedInI ? "I(\(e.label))" : e.label
        return FormulaVariable(kind: .transform(e), label: label, offset: offset, length: end - offset)
    }

    // MARK: arithmetic inside I() and function calls

    private mutating func parseArithmetic() throws(FormulaError) -> NumericExpression {
        var lhs = try parseArithmeticTerm()
        while current.kind == .plus || current.kind == .minus {
            let op: NumericExpression.BinaryOperator = current.kind == .plus ? .add : .subtract
            try countOperator(current)
            advance()
            lhs = .binary(op, lhs, try parseArithmeticTerm())
        }
        return lhs
    }

    private mutating func parseArithmeticTerm() throws(FormulaError) -> NumericExpression {
        var lhs = try parseArithmeticUnary()
        while current.kind == .star || current.kind == .slash {
            let op: NumericExpression.BinaryOperator = current.kind == .star ? .multiply : .divide
            try countOperator(current)
            advance()
            lhs = .binary(op, lhs, try parseArithmeticUnary())
        }
        return lhs
    }

    /// Unary minus binds looser than `^`, so `-x^2` is `-(x^2)`, as in R.
    private mutating func parseArithmeticUnary() throws(FormulaError) -> NumericExpression {
        if current.kind == .minus {
            try enter(current)
            defer { nesting -= 1 }
            try countOperator(current)
            advance()
            return .negate(try parseArithmeticUnary())
        }
        if current.kind == .plus { advance() }
        let base = try parseArithmeticAtom()
        if current.kind == .caret {
            try enter(current)
            defer { nesting -= 1 }
            try countOperator(current)
            advance()
            return .binary(.power, base, try parseArithmeticUnary())
        }
        return base
    }

    private mutating func parseArithmeticAtom() throws(FormulaError) -> NumericExpression {
        let token = current
        switch token.kind {
        case .number(let s):
            advance()
            return .constant(Double(s) ?? .nan, text: s)
        case .leftParen:
            try enter(token)
            defer { nesting -= 1 }
            advance()
            let inner = try parseArithmetic()
            try expect(.rightParen, "')'")
            return .parenthesized(inner)
        case .name(let name):
            advance()
            guard !token.quoted, current.kind == .leftParen else {
                return .column(name, offset: token.offset, length: token.length)
            }
            guard let f = NumericExpression.MathFunction(rawValue: name) else {
                if name == "Surv" { throw error(token, "Surv() survival outcomes are not supported yet") }
                throw error(token, "unknown function '\(name)()' in an expression; supported: log, exp, sqrt, abs")
            }
            try enter(token)
            defer { nesting -= 1 }
            advance()
            let arg = try parseArithmetic()
            try expect(.rightParen, "')' to close \(name)(")
            return .function(f, arg)
        case .end:
            throw error(token, "the formula ends where a value was expected")
        default:
            throw error(token, "unexpected '\(token.text)' where a value was expected")
        }
    }
}

extension FormulaParser.TermSet {
    /// `a - b`: drops b's terms; `- 1` removes the intercept and `- 0` restores it.
    fileprivate func removing(_ other: FormulaParser.TermSet) -> FormulaParser.TermSet {
        var out = self
        out.remove(other.terms)
        if let i = other.intercept { out.intercept = !i }
        return out
    }
}
