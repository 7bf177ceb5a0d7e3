import Testing
@testable import Models

/// The second-wave formula forms (DESIGN.md §6): random-effects terms, survival responses, strata and offsets
/// kept apart from the fixed-effects terms; `.`; group functions; `poly()`; unsupported functions by name.
@Suite("Formula parser: non-matrix terms and functions")
struct FormulaExtendedParserTests {
    func failure(_ text: String, data: [String]? = nil) -> FormulaError? {
        do { _ = try Formula(text, dataColumns: data); return nil } catch { return error }
    }

    // MARK: random effects

    @Test func randomInterceptIsKeptOutOfTheFixedTerms() throws {
        let f = try Formula("phq_post ~ wai + phq_pre + (1 | therapist)")
        #expect(f.terms.map(\.label) == ["wai", "phq_pre"])
        #expect(f.hasIntercept)
        #expect(f.randomEffects.count == 1)
        let r = f.randomEffects[0]
        #expect(r.hasIntercept && r.terms.isEmpty && r.correlated)
        #expect(r.grouping.map(\.label) == ["therapist"])
        #expect(r.label == "(1 | therapist)")
        // The caret covers the whole parenthesised term.
        #expect(r.offset == 27 && r.length == 15)
        #expect(f.columnNames == ["phq_post", "wai", "phq_pre", "therapist"])
        #expect(f.description == "phq_post ~ wai + phq_pre + (1 | therapist)")
    }

    @Test func randomSlopesWithAndWithoutIntercept() throws {
        let slope = try Formula("y ~ x + (x | g)").randomEffects
        #expect(slope.map(\.label) == ["(1 + x | g)"])
        #expect(try Formula("y ~ x + (1 + x | g)").randomEffects.map(\.label) == slope.map(\.label))
        let noIntercept = try Formula("y ~ x + (0 + x | g)").randomEffects
        #expect(noIntercept.map(\.label) == ["(0 + x | g)"])
        #expect(!noIntercept[0].hasIntercept)
        #expect(try Formula("y ~ (-1 + x | g)").randomEffects.map(\.label) == ["(0 + x | g)"])
        // An intercept-only fixed part.
        let f = try Formula("y ~ (1 | g)")
        #expect(f.terms.isEmpty && f.hasIntercept)
        #expect(f.description == "y ~ 1 + (1 | g)")
    }

    @Test func doubleBarSplitsAsLme4() throws {
        let r = try Formula("y ~ x + (x + z || g)").randomEffects
        #expect(r.map(\.label) == ["(1 | g)", "(0 + x | g)", "(0 + z | g)"])
        #expect(r.allSatisfy { !$0.correlated })
        #expect(try Formula("y ~ (0 + x || g)").randomEffects.map(\.label) == ["(0 + x | g)"])
    }

    @Test func nestedAndCrossedGroups() throws {
        let nested = try Formula("y ~ x + (1 | site/therapist)").randomEffects
        #expect(nested.map(\.label) == ["(1 | site)", "(1 | site:therapist)"])
        #expect(nested[1].grouping.map(\.label) == ["site", "therapist"])
        let three = try Formula("y ~ (1 | a/b/c)").randomEffects
        #expect(three.map(\.groupLabel) == ["a", "a:b", "a:b:c"])
        #expect(try Formula("y ~ (1 | a:b)").randomEffects.map(\.groupLabel) == ["a:b"])
        let crossed = try Formula("y ~ x + (1 | therapist) + (1 | client)").randomEffects
        #expect(crossed.map(\.groupLabel) == ["therapist", "client"])
        #expect(try Formula("y ~ (1 | `therapist id`)").randomEffects[0].groupLabel == "`therapist id`")
    }

    @Test func randomEffectVariablesDoNotReorderFixedInteractions() throws {
        // As lme4's nobars(): b first appears in the bar term, yet the fixed term reads a:b.
        #expect(try Formula("y ~ (b | g) + a:b").terms.map(\.label) == ["a:b"])
    }

    @Test func randomEffectErrors() {
        #expect(failure("y ~ x + (1 | )")?.offset == 13)
        #expect(failure("y ~ x + (1 | log(g))")?.message.contains("grouping factor") == true)
        #expect(failure("y ~ x + (0 | g)")?.message.contains("needs an intercept or a variable") == true)
        #expect(failure("y ~ x:(1 | g)")?.message.contains("cannot be part of an interaction") == true)
        #expect(failure("y ~ x:(1 | g)")?.offset == 5)
        #expect(failure("y ~ x - (1 | g)")?.message.contains("cannot be removed") == true)
        #expect(failure("y ~ ((1 | g) | h)")?.message.contains("cannot contain another") == true)
        #expect(failure("y ~ x | g")?.message.contains("written in parentheses") == true)
        #expect(failure("y ~ (1 | g")?.message.contains("')' to close the random-effects term") == true)
    }

    // MARK: survival, strata, offsets

    @Test func survivalResponses() throws {
        let f = try Formula("Surv(weeks, dropout) ~ wai + strata(site)")
        let s = try #require(f.survival)
        #expect(s.start == nil && s.stop.label == "weeks" && s.event.label == "dropout")
        #expect(f.outcome.label == "Surv(weeks, dropout)")
        #expect(f.terms.map(\.label) == ["wai"])
        #expect(f.strata.map(\.label) == ["strata(site)"])
        #expect(f.strata[0].offset == 29)
        #expect(f.columnNames == ["weeks", "dropout", "wai", "site"])
        let counting = try #require(try Formula("Surv(start, stop, event) ~ x").survival)
        #expect(counting.start?.label == "start" && counting.stop.label == "stop")
        #expect(try Formula("Surv(t, e) ~ x + strata(a, b)").strata[0].label == "strata(a, b)")
        #expect(try Formula("Surv(t, e) ~ x").survival?.label == "Surv(t, e)")
    }

    @Test func survivalErrors() {
        #expect(failure("Surv(t) ~ x")?.message.contains("takes (time, event) or (start, stop, event)") == true)
        #expect(failure("Surv(a, b, c, d) ~ x")?.offset == 0)
        #expect(failure("y ~ Surv(t, e)")?.message.contains("belongs on the left") == true)
        #expect(failure("y ~ Surv(t, e)")?.offset == 4)
        #expect(failure("log(Surv(t, e)) ~ x")?.message.contains("whole left side") == true)
        #expect(failure("Surv(t, e) ~ strata(log(a))")?.message.contains("strata() takes column names") == true)
    }

    @Test func offsetsAreNotTerms() throws {
        let f = try Formula("attended ~ wai + offset(log(offered))")
        #expect(f.terms.map(\.label) == ["wai"])
        #expect(f.offsets.map(\.label) == ["offset(log(offered))"])
        #expect(f.offsets[0].offset == 17 && f.offsets[0].length == 20)
        #expect(f.columnNames == ["attended", "wai", "offered"])
        #expect(f.description == "attended ~ wai + offset(log(offered))")
        // Two offsets are summed; the same one twice is one (as terms() keeps one variable per expression).
        #expect(try Formula("y ~ x + offset(a) + offset(0.5 * b)").offsets.map(\.label) == ["offset(a)", "offset(0.5 * b)"])
        #expect(try Formula("y ~ offset(a) + x + offset(a)").offsets.count == 1)
        let added = try Formula("y ~ x").addingOffset("log(exposure)")
        #expect(added.offsets.map(\.label) == ["offset(log(exposure))"])
        #expect(added.text == "y ~ x")
        #expect(failure("y ~ x:offset(a)")?.message.contains("cannot be part of an interaction") == true)
        #expect(failure("y ~ offset(log(a)")?.message.contains("')' to close offset(") == true)
    }

    @Test func offsetExpressionErrorsPointIntoTheExpression() throws {
        let f = try Formula("y ~ x")
        do {
            _ = try f.addingOffset("log(a) b")
            Issue.record("accepted a malformed offset")
        } catch {
            #expect(error.formula == "log(a) b" && error.offset == 7)
        }
        #expect(throws: FormulaError.self) { try f.addingOffset("") }
    }

    @Test func refusalsNameTheCommandThatCan() throws {
        let random = try #require(try Formula("y ~ x + (1 | therapist)").fixedEffectsRefusal())
        #expect(random.message == "random-effects terms need `fit lmm` (linear mixed model); for cluster-robust errors use `--cluster therapist`")
        #expect(random.offset == 8 && random.length == 15)
        #expect(random.caretDisplay == "  y ~ x + (1 | therapist)\n" + String(repeating: " ", count: 10) + "^" + String(repeating: "~", count: 14))
        let surv = try #require(try Formula("Surv(w, d) ~ x").fixedEffectsRefusal())
        #expect(surv.message.contains("`fit cox`") && surv.offset == 0 && surv.length == 10)
        let strata = try #require(try Formula("y ~ x + strata(site)").fixedEffectsRefusal())
        #expect(strata.message.contains("`fit cox`") && strata.offset == 8)
        #expect(try Formula("y ~ x + offset(z)").fixedEffectsRefusal() == nil)
    }

    // MARK: dot

    @Test func dotExpandsToTheOtherColumnsInTableOrder() throws {
        let columns = ["id", "y", "x", "PHQ 9", "site"]
        #expect(try Formula("y ~ .", dataColumns: columns).terms.map(\.label) == ["id", "x", "`PHQ 9`", "site"])
        #expect(try Formula("y ~ . - id", dataColumns: columns).terms.map(\.label) == ["x", "`PHQ 9`", "site"])
        #expect(try Formula("y ~ . + I(x^2) - id", dataColumns: columns).terms.map(\.label) == ["x", "`PHQ 9`", "site", "I(x^2)"])
        #expect(try Formula("y ~ x + .", dataColumns: columns).terms.map(\.label) == ["x", "id", "`PHQ 9`", "site"])
        #expect(try Formula("log(y) ~ . - 1", dataColumns: ["y", "a"]).terms.map(\.label) == ["a"])
        #expect(try Formula("y ~ .:site - site", dataColumns: ["y", "x", "site"]).terms.map(\.label) == ["x:site"])
        // A column named '.' in backticks is a column, not the dot.
        #expect(try Formula("y ~ `.`").terms[0].variables[0].kind == .column("."))
    }

    @Test func dotErrors() {
        #expect(failure("y ~ .")?.message.contains("'.' stands for all other columns") == true)
        #expect(failure("y ~ .", data: ["y"])?.message.contains("none besides the outcome") == true)
        #expect(failure("y ~ x + .", data: nil)?.offset == 8)
    }

    // MARK: group functions and poly

    @Test func groupFunctions() throws {
        let f = try Formula("phq ~ within(wai, therapist) + between(wai, therapist) + lag(phq, client, session)")
        #expect(f.terms.map(\.label) == ["within(wai, therapist)", "between(wai, therapist)", "lag(phq, client, session)"])
        guard case .groupFunction(let g) = f.terms[2].variables[0].kind else { Issue.record("not a group function"); return }
        #expect(g.kind == .lag && g.group.label == "client" && g.order?.label == "session")
        #expect(f.columnNames == ["phq", "wai", "therapist", "client", "session"])
        #expect(try Formula("y ~ within(log(wai), `therapist id`):site").terms.map(\.label) == ["within(log(wai), `therapist id`):site"])
        #expect(try Formula("y ~ within( wai ,therapist )").terms.map(\.label) == ["within(wai, therapist)"])
    }

    @Test func groupFunctionErrors() {
        #expect(failure("y ~ within(wai)")?.message.contains("within(x, group)") == true)
        #expect(failure("y ~ within(wai)")?.offset == 14)
        #expect(failure("y ~ between(wai, log(g))")?.message.contains("groups rows by a column") == true)
        #expect(failure("y ~ lag(wai, client)")?.message.contains("lag(x, group, order)") == true)
        #expect(failure("y ~ lag(wai, 2)")?.message.contains("groups rows by a column") == true)
        #expect(failure("y ~ lag(wai, client, session, 2)")?.message.contains("')' to close lag(") == true)
    }

    @Test func polynomials() throws {
        let f = try Formula("y ~ poly(x, 2) + poly(z, 3, raw = TRUE)")
        #expect(f.terms.map(\.label) == ["poly(x, 2)", "poly(z, 3, raw = TRUE)"])
        guard case .polynomial(let p) = f.terms[1].variables[0].kind else { Issue.record("not a polynomial"); return }
        #expect(p.degree == 3 && p.raw)
        #expect(try Formula("y ~ poly(x, 2, raw = FALSE)").terms.map(\.label) == ["poly(x, 2, raw = FALSE)"])
        #expect(failure("y ~ poly(x)")?.message.contains("a degree") == true)
        #expect(failure("y ~ poly(x, 0)")?.message.contains("whole-number degree") == true)
        #expect(failure("y ~ poly(x, 2.5)")?.offset == 12)
        #expect(failure("y ~ poly(x, 26)")?.message.contains("from 1 to 25") == true)
        #expect(failure("y ~ poly(x, 2, coefs = 1)")?.message.contains("raw = TRUE") == true)
        #expect(failure("y ~ poly(x, 2, raw = yes)")?.message.contains("TRUE or FALSE") == true)
    }

    // MARK: unsupported functions

    @Test func unsupportedFunctionsAreNamed() throws {
        let relevel = try #require(failure("y ~ relevel(site, \"north\") + x"))
        #expect(relevel.message.hasPrefix("relevel() is not supported in formulas; supported: I(), log(),"))
        #expect(relevel.message.hasSuffix("to change the reference level use --ref site=north"))
        #expect(relevel.offset == 4 && relevel.length == 7)
        #expect(failure("y ~ relevel(site, 'north')")?.message.hasSuffix("--ref site=north") == true)
        #expect(failure("y ~ foo(x)")?.message.hasPrefix("foo() is not supported in formulas; supported:") == true)
        #expect(failure("y ~ scale(x)")?.message.contains("--standardize") == true)
        #expect(failure("y ~ ns(x, 3)")?.message.contains("poly(x, 2)") == true)
        #expect(failure("Surv(t, d) ~ x + cluster(therapist)")?.message.hasSuffix("use --cluster therapist") == true)
        #expect(failure("y ~ I(foo(x))")?.message == "foo() is not supported in expressions; supported: log(), exp(), sqrt(), abs()")
        #expect(failure("y ~ \"x\"")?.message.contains("quoted text cannot be a term") == true)
        #expect(failure("y ~ x + \"north")?.message == "unterminated quoted text; quote column names containing \" in backticks")
        #expect(failure("y ~ O'Brien")?.offset == 5)
    }
}

extension FormulaExtendedParserTests {
    @Test func hostileRandomEffectExpansionsAreBounded() throws {
        let variables = (1...10).map { "x\($0)" }.joined(separator: " * ")
        let groups = (1...3).map { "g\($0)" }.joined(separator: "/")
        // 2^10 − 1 terms plus the intercept, each on three nested groupings: refused, not expanded.
        #expect(failure("y ~ (\(variables) || \(groups))")?.message
                == "the random-effects term expands to more than 2000 terms; simplify it")
        #expect(try Formula("y ~ (\(variables) | \(groups))").randomEffects.count == 3)
    }
}
