import Testing
@testable import Models

@Suite("Formula parser")
struct FormulaParserTests {
    func labels(_ text: String) throws -> [String] { try Formula(text).terms.map(\.label) }

    @Test func mainEffectsAndIntercept() throws {
        let f = try Formula("y ~ a + b")
        #expect(f.outcome.label == "y")
        #expect(f.terms.map(\.label) == ["a", "b"])
        #expect(f.hasIntercept)
    }

    @Test func crossingExpandsAndOrdersByDegree() throws {
        #expect(try labels("y ~ a*b") == ["a", "b", "a:b"])
        #expect(try labels("y ~ a:b + c") == ["c", "a:b"])
        #expect(try labels("y ~ a*b*c") == ["a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"])
        #expect(try labels("y ~ (a + b):c") == ["a:c", "b:c"])
        #expect(try labels("y ~ (a + b + c)^2") == ["a", "b", "c", "a:b", "a:c", "b:c"])
        // Variables inside a term follow first appearance: b:a after a is written a:b.
        #expect(try labels("y ~ a + b:a") == ["a", "a:b"])
        #expect(try labels("y ~ a + a") == ["a"])
    }

    @Test func interceptControl() throws {
        #expect(try !Formula("y ~ x - 1").hasIntercept)
        #expect(try !Formula("y ~ x + 0").hasIntercept)
        #expect(try !Formula("y ~ 0 + x").hasIntercept)
        #expect(try !Formula("y ~ -1 + x").hasIntercept)
        #expect(try Formula("y ~ x - 1 + 1").hasIntercept)
        #expect(try Formula("y ~ 1").terms.isEmpty)
        #expect(try Formula("y ~ x - 1").description == "y ~ x - 1")
    }

    @Test func termRemoval() throws {
        #expect(try labels("y ~ a*b - a:b") == ["a", "b"])
        #expect(try labels("y ~ a*b - a") == ["b", "a:b"])
    }

    @Test func transformationsAndLabels() throws {
        #expect(try labels("y ~ x + I(x^2)") == ["x", "I(x^2)"])
        #expect(try labels("y ~ I(x ^ 2) + I(a*b) + I(a / b) + I(-x)") == ["I(x^2)", "I(a * b)", "I(a/b)", "I(-x)"])
        #expect(try labels("y ~ log(x) + exp(-z/10) + sqrt(abs(w))") == ["log(x)", "exp(-z/10)", "sqrt(abs(w))"])
        #expect(try labels("y ~ factor(cohort)") == ["factor(cohort)"])
        #expect(try labels("y ~ `PHQ-9 total` + `wai`") == ["`PHQ-9 total`", "wai"])
        #expect(try Formula("log(y + 1) ~ x").outcome.label == "log(y + 1)")
        #expect(try Formula("y ~ log(x) + z").columnNames == ["y", "x", "z"])
        // -x^2 is -(x^2), as in R.
        let f = try Formula("y ~ I(-x^2)")
        guard case .transform(let e) = f.terms[0].variables[0].kind else { Issue.record("not a transform"); return }
        #expect(e.evaluate { _ in 3 } == -9)
    }

    @Test func syntaxErrorsCarryTheOffendingOffset() {
        func failure(_ text: String) -> FormulaError? {
            do { _ = try Formula(text); return nil } catch { return error }
        }
        #expect(failure("y ~ a +")?.offset == 7)
        #expect(failure("y ~ a + )")?.offset == 8)
        #expect(failure("~ a")?.offset == 0)
        #expect(failure("y ~ a $ b")?.offset == 6)
        #expect(failure("y ~ (a + b")?.offset == 10)
        #expect(failure("y ~ a ~ b")?.message == "a formula has only one '~'")
        #expect(failure("y ~ foo(x, 2)")?.message.contains("foo() is not supported in formulas") == true)
        #expect(failure("y ~ a/b")?.message.contains("nesting") == true)
        #expect(failure("y ~ 2")?.offset == 4)
        #expect(failure("y ~ `a")?.offset == 4)
    }

    @Test func caretRendering() {
        let e = FormulaError(formula: "y ~ a + )", offset: 8, message: "unmatched ')'")
        #expect(e.caretDisplay == "  y ~ a + )\n          ^")
        #expect(e.description == "unmatched ')' (at character 9)\n  y ~ a + )\n          ^")
        let long = FormulaError(formula: "y ~ poly(x)", offset: 4, length: 4, message: "m")
        #expect(long.caretDisplay.hasSuffix("\n      ^~~~"))
    }
}
