/// Recursive-descent parser for model formulas. Precedence follows R's: `^` binds tightest, then
/// `:`, then `*`, then `+`/`-`; a leading `-` removes what follows. Random-effects terms `(… | g)`,
/// `strata()` and `offset()` are collected apart from the fixed-effects terms (`Specials`).
struct FormulaParser {
    private let text: String
    let tokens: [FormulaToken]
    /// The data's column names in table order, for `.`; nil when the formula is parsed without data.
    private let dataColumns: [String]?
    var position = 0
    /// Current nesting of parentheses, calls, unary minus and `^` chains; bounded so that hostile
    /// input cannot exhaust the stack (here or in the recursive expression code downstream).
    var nesting = 0
    /// Arithmetic operators read so far; bounded because expression trees are walked recursively.
    var operatorCount = 0
    /// Variables in order of first appearance (outcome excluded), which orders variables in terms.
    private(set) var variableOrder: [FormulaVariable] = []
    /// Whether `.` was expanded (the expansion depends on the data's columns).
    private var expandedDot = false
    /// Columns on the left of `~`, which `.` leaves out.
    private var outcomeColumns: [String] = []

    struct Parsed {
        let outcome: FormulaVariable
        let terms: [FormulaTerm]
        let intercept: Bool
        let variableOrder: [FormulaVariable]
        let randomEffects: [RandomEffectTerm]
        let strata: [StrataTerm]
        let offsets: [FormulaVariable]
        let usesDot: Bool
    }

    /// Non-matrix terms read alongside a sub-formula's terms.
    struct Specials {
        var randomEffects: [RandomEffectTerm] = []
        var strata: [StrataTerm] = []
        var offsets: [FormulaVariable] = []

        var isEmpty: Bool { randomEffects.isEmpty && strata.isEmpty && offsets.isEmpty }

        mutating func add(_ other: Specials) {
            randomEffects += other.randomEffects
            strata += other.strata
            // One offset per distinct expression, as R's terms() keeps one variable per expression.
            for o in other.offsets where !offsets.contains(o) { offsets.append(o) }
        }
    }

    /// Terms of a sub-formula plus its explicit intercept choice (`nil`: it said nothing) and its non-matrix terms.
    struct TermSet {
        private(set) var terms: [FormulaTerm] = []
        var intercept: Bool? = nil
        var specials = Specials()
        /// The same terms, for constant-time duplicate checks (formulas can expand to many terms).
        private var index: Set<FormulaTerm> = []

        init(terms: [FormulaTerm] = [], intercept: Bool? = nil, specials: Specials = Specials()) {
            self.intercept = intercept
            self.specials = specials
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

    static let supportedFunctions = "I(), log(), exp(), sqrt(), abs(), factor(), poly(), within(), between(), lag(), offset()"
        + " (and for `fit cox`: Surv() on the left, strata())"
    /// Limits that no real model reaches; beyond them the formula is refused with a clear error.
    static let maximumNesting = 64
    static let maximumOperators = 1000
    static let maximumTerms = 2_000
    static let maximumPolynomialDegree = 25

    /// `dataStep`: also read the comparison and logical operators of data-step expressions (`--filter`).
    init(_ text: String, dataColumns: [String]? = nil, dataStep: Bool = false) throws(FormulaError) {
        self.text = text
        self.dataColumns = dataColumns
        self.tokens = try FormulaLexer.tokenize(text, comparisons: dataStep)
    }

    var current: FormulaToken { tokens[position] }
    func peek(_ ahead: Int = 1) -> FormulaToken { tokens[min(position + ahead, tokens.count - 1)] }
    mutating func advance() { if position < tokens.count - 1 { position += 1 } }
    /// The last token read.
    var previous: FormulaToken { tokens[max(position - 1, 0)] }

    func error(_ token: FormulaToken, _ message: String) -> FormulaError {
        FormulaError(formula: text, offset: token.offset, length: token.kind == .end ? 1 : token.length, message: message)
    }

    /// Enters one level of nesting at `token`, refusing formulas nested deeper than any real model.
    mutating func enter(_ token: FormulaToken) throws(FormulaError) {
        nesting += 1
        guard nesting <= FormulaParser.maximumNesting else {
            throw error(token, "the formula is nested more than \(FormulaParser.maximumNesting) levels deep; simplify it")
        }
    }

    mutating func countOperator(_ token: FormulaToken) throws(FormulaError) {
        operatorCount += 1
        guard operatorCount <= FormulaParser.maximumOperators else {
            throw error(token, "the formula has more than \(FormulaParser.maximumOperators) arithmetic operators; simplify it")
        }
    }

    mutating func expect(_ kind: FormulaTokenKind, _ what: String) throws(FormulaError) {
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
        } else if case .name("Surv") = current.kind, !current.quoted, peek().kind == .leftParen {
            outcome = try parseSurvival()
        } else {
            let expression = try parseArithmetic()
            outcome = variable(for: expression, wrappedInI: false,
                               offset: outcomeStart.offset, end: previous.offset + previous.length)
        }
        guard current.kind == .tilde else {
            throw error(current, current.kind == .end
                ? "expected '~' after the outcome; write the formula as 'outcome ~ predictors'"
                : "expected '~' after the outcome but found '\(current.text)'")
        }
        advance()
        if current.kind == .end { throw error(current, "expected predictors after '~' (use '1' for an intercept-only model)") }
        variableOrder = []
        outcomeColumns = outcome.columnNames
        let set = try parseSum()
        guard current.kind == .end else {
            if current.kind == .tilde { throw error(current, "a formula has only one '~'") }
            if current.kind == .rightParen { throw error(current, "unmatched ')'") }
            if current.kind == .bar {
                throw error(current, "a random-effects term is written in parentheses, as in (1 | therapist)")
            }
            throw error(current, "unexpected '\(current.text)'")
        }
        return Parsed(outcome: outcome, terms: set.terms, intercept: set.intercept ?? true, variableOrder: variableOrder,
                      randomEffects: set.specials.randomEffects, strata: set.specials.strata, offsets: set.specials.offsets,
                      usesDot: expandedDot)
    }

    /// A whole text that is one arithmetic expression (`--offset log(sessions_offered)`), as an offset variable.
    mutating func parseOffsetExpression() throws(FormulaError) -> FormulaVariable {
        guard current.kind != .end else { throw error(current, "the offset expression is empty") }
        let start = current
        let e = try parseArithmetic()
        guard current.kind == .end else { throw error(current, "unexpected '\(current.text)' in the offset expression") }
        let inner = variable(for: e, wrappedInI: false, offset: start.offset, end: previous.offset + previous.length)
        return FormulaVariable(kind: inner.kind, label: "offset(\(e.label))", offset: inner.offset, length: inner.length)
    }

    // MARK: term algebra

    private mutating func parseSum() throws(FormulaError) -> TermSet {
        var result = TermSet()
        if current.kind == .minus {
            let op = current
            advance()
            let removed = try parseProduct()
            try refuseSpecials(removed, at: op, "removed with '-'")
            result = TermSet().removing(removed)
        } else {
            if current.kind == .plus { advance() }
            result = try parseProduct()
        }
        while current.kind == .plus || current.kind == .minus {
            let op = current
            advance()
            let rhs = try parseProduct()
            if op.kind == .plus {
                result.add(rhs.terms)
                result.specials.add(rhs.specials)
                if let i = rhs.intercept { result.intercept = i }
            } else {
                try refuseSpecials(rhs, at: op, "removed with '-'")
                result = result.removing(rhs)
            }
        }
        guard result.terms.count <= FormulaParser.maximumTerms else {
            throw error(current, "the formula expands to more than \(FormulaParser.maximumTerms) terms; simplify it")
        }
        return result
    }

    private func refuseSpecials(_ set: TermSet, at op: FormulaToken, _ what: String) throws(FormulaError) {
        guard set.specials.isEmpty else {
            throw error(op, "random-effects terms, strata() and offset() cannot be \(what)")
        }
    }

    private mutating func parseProduct() throws(FormulaError) -> TermSet {
        var result = try parseInteraction()
        while current.kind == .star || current.kind == .slash {
            if current.kind == .slash {
                throw error(current, "nesting with '/' is not supported among fixed effects; write 'a + a:b' instead of 'a/b' "
                    + "(in a random-effects term, (1 | a/b) is supported)")
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
        try refuseSpecials(base, at: op, "raised to a power")
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
        try refuseSpecials(a, at: op, "part of an interaction")
        try refuseSpecials(b, at: op, "part of an interaction")
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
            let order = variableOrder
            let inner = try parseSum()
            if current.kind == .bar {
                // As lme4's nobars(): variables left of a bar do not order the fixed-effects variables.
                variableOrder = order
                return TermSet(specials: Specials(randomEffects: try parseRandomEffects(inner, open: token)))
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
                switch name {
                case "offset":
                    return TermSet(specials: Specials(offsets: [try parseOffsetCall()]))
                case "strata":
                    return TermSet(specials: Specials(strata: [try parseStrata()]))
                case "Surv":
                    throw error(token, "Surv() is a survival outcome and belongs on the left of '~', as in Surv(weeks, dropout) ~ wai")
                default:
                    return TermSet(terms: [FormulaTerm(variables: [try parseCall(name)])], intercept: nil)
                }
            }
            if name == ".", !token.quoted { return try parseDot() }
            advance()
            let v = FormulaVariable(kind: .column(name), label: FormulaNames.display(name),
                                    offset: token.offset, length: token.length)
            note(v)
            return TermSet(terms: [FormulaTerm(variables: [v])], intercept: nil)
        case .string:
            throw error(token, "quoted text cannot be a term; write column names bare, or in backticks (`PHQ-9 total`) when they contain spaces or symbols")
        case .end:
            throw error(token, "the formula ends where a term was expected")
        default:
            throw error(token, "unexpected '\(token.text)' where a term was expected")
        }
    }

    /// `.`: every column of the data not on the left of `~`, in table order (R's `terms(formula, data =)`).
    private mutating func parseDot() throws(FormulaError) -> TermSet {
        let token = current
        guard let columns = dataColumns else {
            throw error(token, "'.' stands for all other columns of the data and can only be expanded where the data are known")
        }
        let variables = columns.filter { !outcomeColumns.contains($0) }.map {
            FormulaVariable(kind: .column($0), label: FormulaNames.display($0), offset: token.offset, length: token.length)
        }
        guard !variables.isEmpty else { throw error(token, "'.' stands for all other columns, but the data have none besides the outcome") }
        guard variables.count <= FormulaParser.maximumTerms else {
            throw error(token, "'.' expands to more than \(FormulaParser.maximumTerms) columns; name the predictors")
        }
        advance()
        expandedDot = true
        for v in variables { note(v) }
        return TermSet(terms: variables.map { FormulaTerm(variables: [$0]) }, intercept: nil)
    }

    /// After `( lhs` at a bar: `| g)`, `|| g)`, with g a column, `g1:g2`, or nested `g1/g2` (lme4's findbars
    /// expands `(e | g1/g2)` to `(e | g1) + (e | g1:g2)`; its expandDoubleVerts splits `(x || g)` into
    /// `(1 | g) + (0 + x | g)`).
    private mutating func parseRandomEffects(_ lhs: TermSet, open: FormulaToken) throws(FormulaError) -> [RandomEffectTerm] {
        let bar = current
        guard lhs.specials.isEmpty else {
            throw error(open, "a random-effects term cannot contain another random-effects term, strata() or offset()")
        }
        advance()
        var correlated = true
        if current.kind == .bar && current.offset == bar.offset + 1 {
            correlated = false
            advance()
        }
        var segments: [[FormulaVariable]] = []
        var segment: [FormulaVariable] = []
        while true {
            guard case .name(let name) = current.kind, !(name == "." && !current.quoted),
                  current.quoted || peek().kind != .leftParen else {
                throw error(current, "the grouping factor after '|' must be a column name, as in (1 | therapist), "
                    + "(1 | site:therapist) or (1 | site/therapist)")
            }
            segment.append(FormulaVariable(kind: .column(name), label: FormulaNames.display(name),
                                           offset: current.offset, length: current.length))
            advance()
            if current.kind == .colon { advance(); continue }
            segments.append(segment)
            segment = []
            if current.kind == .slash { advance(); continue }
            break
        }
        let close = current
        try expect(.rightParen, "')' to close the random-effects term")
        let intercept = lhs.intercept ?? true
        guard intercept || !lhs.terms.isEmpty else {
            throw error(open, "a random-effects term needs an intercept or a variable left of '|', as in (1 | therapist)")
        }
        let offset = open.offset, length = close.offset + 1 - open.offset
        var groupings: [[FormulaVariable]] = []
        var prefix: [FormulaVariable] = []
        for s in segments {
            for v in s where !prefix.contains(v) { prefix.append(v) }
            groupings.append(prefix)
        }
        let expanded = groupings.count * (correlated ? 1 : lhs.terms.count + 1)
        guard expanded <= FormulaParser.maximumTerms else {
            throw error(open, "the random-effects term expands to more than \(FormulaParser.maximumTerms) terms; simplify it")
        }
        var out: [RandomEffectTerm] = []
        for grouping in groupings {
            if correlated {
                out.append(RandomEffectTerm(terms: lhs.terms, hasIntercept: intercept, grouping: grouping, correlated: true,
                                            offset: offset, length: length))
            } else {
                if intercept {
                    out.append(RandomEffectTerm(terms: [], hasIntercept: true, grouping: grouping, correlated: false,
                                                offset: offset, length: length))
                }
                for t in lhs.terms {
                    out.append(RandomEffectTerm(terms: [t], hasIntercept: false, grouping: grouping, correlated: false,
                                                offset: offset, length: length))
                }
            }
        }
        return out
    }

    private mutating func note(_ v: FormulaVariable) {
        if !variableOrder.contains(v) { variableOrder.append(v) }
    }

    /// A bare or backtick-quoted column name as a function argument.
    mutating func parseColumnArgument(_ hint: String) throws(FormulaError) -> FormulaVariable {
        guard case .name(let name) = current.kind, current.quoted || peek().kind != .leftParen,
              !(name == "." && !current.quoted) else {
            throw error(current, hint)
        }
        let v = FormulaVariable(kind: .column(name), label: FormulaNames.display(name), offset: current.offset, length: current.length)
        advance()
        return v
    }

    /// `Surv(time, event)` or `Surv(start, stop, event)` on the left of `~`.
    private mutating func parseSurvival() throws(FormulaError) -> FormulaVariable {
        let nameToken = current
        try enter(nameToken)
        defer { nesting -= 1 }
        advance(); advance()
        var arguments: [FormulaVariable] = []
        while true {
            let start = current
            let e = try parseArithmetic()
            arguments.append(variable(for: e, wrappedInI: false, offset: start.offset, end: previous.offset + previous.length))
            guard current.kind == .comma else { break }
            advance()
        }
        let close = current
        try expect(.rightParen, "')' to close Surv(")
        let survival: SurvivalResponse
        switch arguments.count {
        case 2: survival = SurvivalResponse(start: nil, stop: arguments[0], event: arguments[1])
        case 3: survival = SurvivalResponse(start: arguments[0], stop: arguments[1], event: arguments[2])
        default:
            throw error(nameToken, "Surv() takes (time, event) or (start, stop, event); this one has \(arguments.count) argument\(arguments.count == 1 ? "" : "s")")
        }
        return FormulaVariable(kind: .survival(survival), label: survival.label, offset: nameToken.offset,
                               length: close.offset + 1 - nameToken.offset)
    }

    /// `offset(expr)`: an arithmetic expression added to the linear predictor.
    private mutating func parseOffsetCall() throws(FormulaError) -> FormulaVariable {
        let nameToken = current
        try enter(nameToken)
        defer { nesting -= 1 }
        advance(); advance()
        let start = current
        let e = try parseArithmetic()
        let inner = variable(for: e, wrappedInI: false, offset: start.offset, end: previous.offset + previous.length)
        let close = current
        try expect(.rightParen, "')' to close offset(")
        return FormulaVariable(kind: inner.kind, label: "offset(\(e.label))", offset: nameToken.offset,
                               length: close.offset + 1 - nameToken.offset)
    }

    /// `strata(a)` or `strata(a, b)`.
    private mutating func parseStrata() throws(FormulaError) -> StrataTerm {
        let nameToken = current
        try enter(nameToken)
        defer { nesting -= 1 }
        advance(); advance()
        var variables: [FormulaVariable] = []
        while true {
            variables.append(try parseColumnArgument("strata() takes column names, as in strata(site)"))
            guard current.kind == .comma else { break }
            advance()
        }
        let close = current
        try expect(.rightParen, "')' to close strata(")
        return StrataTerm(variables: variables, offset: nameToken.offset, length: close.offset + 1 - nameToken.offset)
    }

    /// `I(expr)`, `log(expr)` and friends, `factor(x)`, `poly(x, k)`, `within(x, g)`, `between(x, g)`,
    /// `lag(x, g, order)`; anything else is refused by name.
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
        case "poly":
            let v = try parsePolynomial()
            note(v)
            return v
        default:
            if let kind = GroupFunction.Kind(rawValue: name) {
                let v = try parseGroupFunction(kind)
                note(v)
                return v
            }
            if NumericExpression.MathFunction(rawValue: name) != nil {
                let start = nameToken.offset
                let e = try parseArithmeticAtom()
                let end = previous.offset + 1
                let v = variable(for: e, wrappedInI: false, offset: start, end: end)
                note(v)
                return v
            }
            throw unsupportedFunction(name, at: nameToken)
        }
    }

    /// `within(x, g)`, `between(x, g)`, `lag(x, g, order)`.
    mutating func parseGroupFunction(_ kind: GroupFunction.Kind) throws(FormulaError) -> FormulaVariable {
        let nameToken = current
        let name = kind.rawValue
        let usage = name == "lag" ? "lag(x, group, order), as in lag(wai, client, session)" : "\(name)(x, group), as in \(name)(wai, therapist)"
        advance(); advance()
        let argument = try parseArithmetic()
        try expect(.comma, "',' and a grouping column: \(usage)")
        let group = try parseColumnArgument("\(name)() groups rows by a column: \(usage)")
        var order: FormulaVariable? = nil
        if name == "lag" {
            try expect(.comma, "',' and an ordering column: \(usage)")
            order = try parseColumnArgument("lag() orders rows by a column: \(usage); lags of more than one step are not supported")
        }
        let close = current
        try expect(.rightParen, "')' to close \(name)(; it takes \(usage)")
        let function = GroupFunction(kind: kind, argument: argument, group: group, order: order)
        return FormulaVariable(kind: .groupFunction(function), label: function.label, offset: nameToken.offset,
                               length: close.offset + 1 - nameToken.offset)
    }

    /// `poly(x, k)` or `poly(x, k, raw = TRUE)`.
    private mutating func parsePolynomial() throws(FormulaError) -> FormulaVariable {
        let nameToken = current
        advance(); advance()
        let argument = try parseArithmetic()
        try expect(.comma, "',' and a degree, as in poly(x, 2)")
        guard case .number(let degreeText) = current.kind, let degree = Int(degreeText), degree >= 1,
              degree <= FormulaParser.maximumPolynomialDegree else {
            throw error(current, "poly() needs a whole-number degree from 1 to \(FormulaParser.maximumPolynomialDegree), as in poly(x, 2)")
        }
        advance()
        var raw = false
        var rawText: String? = nil
        if current.kind == .comma {
            advance()
            guard case .name("raw") = current.kind, peek().kind == .equals else {
                throw error(current, "poly() takes only 'raw = TRUE' or 'raw = FALSE' after the degree")
            }
            advance(); advance()
            guard case .name(let value) = current.kind, ["TRUE", "FALSE", "T", "F"].contains(value) else {
                throw error(current, "raw must be TRUE or FALSE")
            }
            raw = value.hasPrefix("T")
            rawText = value
            advance()
        }
        let close = current
        try expect(.rightParen, "')' to close poly(")
        let label = "poly(\(argument.label), \(degreeText)" + (rawText.map { ", raw = \($0)" } ?? "") + ")"
        return FormulaVariable(kind: .polynomial(Polynomial(argument: argument, degree: degree, raw: raw)), label: label,
                               offset: nameToken.offset, length: close.offset + 1 - nameToken.offset)
    }

    /// An unsupported function named as such, with the way to get what it does where there is one.
    private func unsupportedFunction(_ name: String, at token: FormulaToken) -> FormulaError {
        var message = "\(name)() is not supported in formulas; supported: \(FormulaParser.supportedFunctions)"
        switch name {
        case "relevel":
            var column = "column", level = "level"
            if case .name(let c) = peek(2).kind { column = c }
            if peek(3).kind == .comma, case .string(let l) = peek(4).kind { level = l }
            message += "; to change the reference level use --ref \(column)=\(level)"
        case "C", "contrasts":
            message += "; categorical predictors use treatment contrasts; choose the reference level with --ref column=level"
        case "scale":
            message += "; for coefficients per standard deviation use --standardize"
        case "ns", "bs", "s":
            message += "; for a curved effect use poly(x, 2)"
        case "as.numeric":
            message += "; numeric columns already enter as numbers"
        case "cluster":
            // coxph's cluster(g) term and a habit from it: the option gives the same robust variance.
            var column = "column"
            if peek(1).kind == .leftParen, case .name(let c) = peek(2).kind { column = c }
            message += "; for cluster-robust standard errors use --cluster \(column)"
        default:
            break
        }
        return error(token, message)
    }

    private func variable(for e: NumericExpression, wrappedInI: Bool, offset: Int, end: Int) -> FormulaVariable {
        if !wrappedInI, case .column(let n, let o, let l) = e {
            return FormulaVariable(kind: .column(n), label: FormulaNames.display(n), offset: o, length: l)
        }
        let label = wrappedInI ? "I(\(e.label))" : e.label
        return FormulaVariable(kind: .transform(e), label: label, offset: offset, length: end - offset)
    }

    // MARK: arithmetic inside I() and function calls

    mutating func parseArithmetic() throws(FormulaError) -> NumericExpression {
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
                if name == "Surv" {
                    throw error(token, "Surv() is a survival outcome: it must be the whole left side of '~', as in Surv(weeks, dropout) ~ wai")
                }
                throw error(token, "\(name)() is not supported in expressions; supported: log(), exp(), sqrt(), abs()")
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
