import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Group functions, poly(), offsets and `.` in the model frame, worked by hand on small tables.
@Suite("Model frame: formula functions")
struct FormulaFunctionFrameTests {
    /// Two clients' sessions in shuffled row order: client a has sessions 1, 2, 3, 3 (a tie) and 4, with x missing
    /// at session 2; client b has sessions 2 and 1; one row has no client and one no session.
    static func sessions() throws -> Table {
        try Table(columns: [
            Column(name: "client", categorical: ["a", "b", "a", "a", "b", "a", nil, "a", "a"]),
            Column(name: "session", numeric: [3, 2, 1, 2, 1, 4, 1, 3, nil]),
            Column(name: "x", numeric: [30, 21, 10, nil, 11, 40, 99, 31, 50]),
            Column(name: "y", numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        ])
    }

    func frame(_ formula: String, table: Table, extra: [String] = []) throws -> ModelFrame {
        try ModelFrame(formula: Formula(formula, dataColumns: table.columnNames), table: table, extraColumns: extra)
    }

    @Test func lagFollowsTheOrderWithinGroupsBeforeDeletion() throws {
        let f = try frame("y ~ lag(x, client, session)", table: FormulaFunctionFrameTests.sessions())
        // Sorted: a → rows 2 (s1), 3 (s2, x missing), 0 (s3), 7 (s3, tie after row 0), 5 (s4); b → rows 4 (s1), 1 (s2).
        // Row 2 and row 4 are first in their groups; row 0 follows the missing x of row 3 (missing, not a skip);
        // rows 6 and 8 have no client or session.
        #expect(f.usedRows == [1, 3, 5, 7])
        #expect(f.variables["lag(x, client, session)"] == .numeric([11, 10, 31, 30]))
    }

    @Test func lagDoesNotDropARowForItsOwnMissingX() throws {
        // Row 3 has x missing but a lag (x of row 2), so a model using only the lag keeps it; a model that also
        // uses x drops it.
        let table = try FormulaFunctionFrameTests.sessions()
        #expect(try frame("y ~ lag(x, client, session)", table: table).usedRows.contains(3))
        #expect(try !frame("y ~ x + lag(x, client, session)", table: table).usedRows.contains(3))
    }

    @Test func lagOfAnExpressionAndByANumericGroup() throws {
        let table = try Table(columns: [
            Column(name: "g", numeric: [2, 1, 2, 1]),
            Column(name: "t", numeric: [2, 1, 1, 2]),
            Column(name: "x", numeric: [4, 1, 16, 9]),
            Column(name: "y", numeric: [1, 2, 3, 4]),
        ])
        let f = try frame("y ~ lag(sqrt(x), g, t)", table: table)
        #expect(f.usedRows == [0, 3])
        #expect(f.variables["lag(sqrt(x), g, t)"] == .numeric([4, 1]))
    }

    @Test func lagNeedsANumericOrder() throws {
        let table = try Table(columns: [
            Column(name: "g", categorical: ["a", "a"]), Column(name: "t", categorical: ["1", "2"]),
            Column(name: "x", numeric: [1, 2]), Column(name: "y", numeric: [1, 2]),
        ])
        #expect(throws: ModelError.invalidVariable(variable: "lag(x, g, t)",
                                                   detail: "the order column 't' must be numeric (e.g. a session number)")) {
            try frame("y ~ lag(x, g, t)", table: table)
        }
    }

    @Test func withinAndBetweenUseTheRowsTheModelUses() throws {
        let table = try Table(columns: [
            Column(name: "g", categorical: ["p", "p", "p", "q", "q", nil]),
            Column(name: "x", numeric: [1, 2, 6, 10, 20, 5]),
            Column(name: "y", numeric: [1, 1, nil, 1, 1, 1]),
        ])
        // Row 2 (y missing) and row 5 (g missing) are not in the means: p's mean is 1.5, q's 15.
        let f = try frame("y ~ within(x, g) + between(x, g)", table: table)
        #expect(f.usedRows == [0, 1, 3, 4])
        #expect(f.variables["between(x, g)"] == .numeric([1.5, 1.5, 15, 15]))
        #expect(f.variables["within(x, g)"] == .numeric([-0.5, 0.5, -5, 5]))
        // A numeric group column groups equal values.
        let numeric = try Table(columns: [
            Column(name: "g", numeric: [7, 3, 7, 3]), Column(name: "x", numeric: [1, 2, 3, 6]), Column(name: "y", numeric: [0, 0, 0, 0]),
        ])
        #expect(try frame("y ~ between(x, g)", table: numeric).variables["between(x, g)"] == .numeric([2, 4, 2, 4]))
    }

    @Test func groupFunctionColumnsAreResolvedWithCarets() throws {
        let table = try FormulaFunctionFrameTests.sessions()
        do {
            _ = try frame("y ~ within(x, clinet)", table: table)
            Issue.record("accepted an unknown group column")
        } catch let ModelError.unknownColumn(name, suggestions, _, offset, length) {
            #expect(name == "clinet" && suggestions.contains("client") && offset == 14 && length == 6)
        }
        do {
            _ = try frame("y ~ lag(x, client, sesion)", table: table)
            Issue.record("accepted an unknown order column")
        } catch let ModelError.unknownColumn(name, _, _, offset, _) {
            #expect(name == "sesion" && offset == 19)
        }
        #expect(throws: ModelError.nonNumericVariable(variable: "within(client, x)", column: "client")) {
            try frame("y ~ within(client, x)", table: table)
        }
    }

    @Test func polynomialColumnsAreOrthonormalOnTheRowsUsed() throws {
        let table = try Table(columns: [
            Column(name: "x", numeric: [1, 2, 3, 4, 5, 100]),
            Column(name: "y", numeric: [1, 4, 9, 16, 25, nil]),
        ])
        let d = DesignMatrix(frame: try frame("y ~ poly(x, 2)", table: table))
        #expect(d.columnNames == ["(Intercept)", "poly(x, 2)1", "poly(x, 2)2"])
        #expect(d.columnTerms == ["(Intercept)", "poly(x, 2)", "poly(x, 2)"])
        // On x = 1…5 (x = 100 is not a used row): (x − 3)/√10 and ((x − 3)² − 2)/√14, by hand.
        let linear = [-2.0, -1, 0, 1, 2].map { $0 / 10.0.squareRoot() }
        let quadratic = [2.0, -1, -2, -1, 2].map { $0 / 14.0.squareRoot() }
        for (a, b) in zip(d.column(1), linear) { expectClose(a, b, absolute: 1e-15) }
        for (a, b) in zip(d.column(2), quadratic) { expectClose(a, b, absolute: 1e-15) }
        let raw = DesignMatrix(frame: try frame("y ~ poly(x, 2, raw = TRUE)", table: table))
        #expect(raw.columnNames == ["(Intercept)", "poly(x, 2, raw = TRUE)1", "poly(x, 2, raw = TRUE)2"])
        #expect(raw.column(2) == [1, 4, 9, 16, 25])
        // Interactions cross each polynomial column.
        let site = try Table(columns: [
            Column(name: "x", numeric: [1, 2, 3, 4]), Column(name: "s", categorical: ["a", "b", "a", "b"]),
            Column(name: "y", numeric: [1, 2, 3, 4]),
        ])
        #expect(DesignMatrix(frame: try frame("y ~ poly(x, 2):s", table: site)).columnNames
                == ["(Intercept)", "poly(x, 2)1:s[a]", "poly(x, 2)2:s[a]", "poly(x, 2)1:s[b]", "poly(x, 2)2:s[b]"])
    }

    @Test func polynomialDegreeBelowTheDistinctValues() throws {
        let table = try Table(columns: [Column(name: "x", numeric: [1, 1, 2, 2]), Column(name: "y", numeric: [1, 2, 3, 4])])
        #expect(throws: ModelError.self) { try frame("y ~ poly(x, 2)", table: table) }
        #expect(try frame("y ~ poly(x, 1)", table: table).counts.rowsUsed == 4)
    }

    @Test func offsetsDropMissingRowsAndRefuseNonFiniteValues() throws {
        let table = try Table(columns: [
            Column(name: "y", numeric: [1, 2, 3, 4]),
            Column(name: "e", numeric: [1, nil, 4, 8]),
            Column(name: "z", numeric: [1, 1, 0, 1]),
            Column(name: "s", categorical: ["a", "b", "a", "b"]),
        ])
        let f = try frame("y ~ 1 + offset(log(e)) + offset(z)", table: table)
        #expect(f.usedRows == [0, 2, 3])
        let o = try #require(f.offset)
        #expect(o == [0 + 1, log(4.0) + 0, log(8.0) + 1])
        #expect(try frame("y ~ 1", table: table).offset == nil)
        do {
            _ = try frame("y ~ offset(log(z))", table: table)
            Issue.record("accepted log(0) as an offset")
        } catch let ModelError.invalidTransform(variable, row, detail) {
            #expect(variable == "offset(log(z))" && row == 2 && detail.contains("log"))
        }
        #expect(throws: ModelError.nonNumericVariable(variable: "offset(s)", column: "s")) { try frame("y ~ offset(s)", table: table) }
    }

    @Test func survivalOutcomeIsRefusedByTheFrame() throws {
        let table = try FormulaFunctionFrameTests.sessions()
        do {
            _ = try frame("Surv(y, x) ~ session", table: table)
            Issue.record("built a frame for a survival outcome")
        } catch let ModelError.formula(e) {
            #expect(e.message.contains("`fit cox`"))
        }
    }
}

/// Fits through `Regression.fit` with the new forms: refusals, `.`, `--offset` equivalence.
@Suite("Regression with formula functions")
struct FormulaFunctionRegressionTests {
    static func table() throws -> Table {
        try Table(columns: [
            Column(name: "y", numeric: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]),
            Column(name: "x", numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            Column(name: "g", categorical: ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"]),
            Column(name: "e", numeric: [2, 3, 2, 5, 4, 6, 3, 7, 5, 4]),
        ])
    }

    func fitError(_ kind: ModelKind, _ formula: String, options: RegressionOptions = RegressionOptions()) throws -> FormulaError? {
        let table = try FormulaFunctionRegressionTests.table()
        do {
            _ = try Regression.fit(kind, formula: formula, data: table, options: options)
            return nil
        } catch {
            guard case .formula(let e) = error else { return nil }
            return e
        }
    }

    @Test(arguments: [ModelKind.ols, .logit, .poisson, .negbin])
    func nonMatrixTermsAreRefusedByEveryRegression(_ kind: ModelKind) throws {
        let random = try #require(try fitError(kind, "y ~ x + (1 | g)"))
        #expect(random.message.contains("`fit lmm`") && random.message.contains("--cluster g") && random.offset == 8)
        let strata = try #require(try fitError(kind, "y ~ x + strata(g)"))
        #expect(strata.message.contains("`fit cox`"))
    }

    @Test func dotFitsTheSameModelAsTheNamedColumns() throws {
        let table = try FormulaFunctionRegressionTests.table()
        let dot = try Regression.fit(.ols, formula: "y ~ . - e + I(x^2)", data: table)
        let named = try Regression.fit(.ols, formula: "y ~ x + g + I(x^2)", data: table)
        #expect(dot.coefficients.map(\.term) == ["(Intercept)", "x", "g[b]", "I(x^2)"])
        #expect(dot.coefficients == named.coefficients)
    }

    @Test func offsetOptionEqualsTheOffsetTerm() throws {
        let table = try FormulaFunctionRegressionTests.table()
        for kind in [ModelKind.ols, .poisson] {
            let term = try Regression.fit(kind, formula: "y ~ x + offset(log(e))", data: table)
            let option = try Regression.fit(kind, formula: "y ~ x", data: table, options: RegressionOptions(offset: "log(e)"))
            #expect(term.coefficients == option.coefficients)
            #expect(term.fittedValues == option.fittedValues)
        }
        let e = try #require(try fitError(.poisson, "y ~ x", options: RegressionOptions(offset: "log(e")))
        #expect(e.formula == "log(e" && e.message.hasPrefix("in the offset expression:"))
    }
}
