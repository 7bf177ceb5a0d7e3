import DataTable
import Testing
@testable import Models

/// The data-step grammar (`--compute`, `--filter`) read by the formula parser, and its evaluation. Values here
/// are worked by hand; the dplyr comparison is in CommandsTests/DataStepReferenceTests.
@Suite struct DataStepExpressionTests {
    let table = try! Table(columns: [
        Column(name: "g", categorical: ["a", "a", "b", "b", nil]),
        Column(name: "t", numeric: [2, 1, 1, 2, 1]),
        Column(name: "x", numeric: [1, 3, nil, 6, 8]),
        Column(name: "y", numeric: [2, nil, nil, 4, 1]),
    ])

    @Test func computeParsesEachKind() throws {
        let arithmetic = try ComputeStep(parsing: "z = x^2 + log(y)")
        #expect(arithmetic.name == "z")
        guard case .arithmetic(let e) = arithmetic.value else { Issue.record("not arithmetic"); return }
        #expect(e.label == "x^2 + log(y)")
        let mean = try ComputeStep(parsing: "m = mean(x, y, x + y, min = 2)")
        #expect(mean.value == .rowSummary(RowSummary(kind: .mean, arguments: mean.value.rowArguments, minimum: 2)))
        #expect(mean.value.rowArguments.count == 3)
        let lag = try ComputeStep(parsing: "`x lag` = lag(x, g, t)")
        #expect(lag.name == "x lag")
        guard case .group(let g) = lag.value else { Issue.record("not a group function"); return }
        #expect(g.label == "lag(x, g, t)")
    }

    @Test func computeValues() throws {
        func values(_ text: String) throws -> [Double?] {
            let c = try DataStepEvaluation.compute(try ComputeStep(parsing: text), table: table).column
            return (0..<c.count).map { c[$0] }
        }
        #expect(try values("m = mean(x, y, min = 1)") == [1.5, 3, nil, 5, 4.5])
        #expect(try values("m = mean(x, y)") == [1.5, nil, nil, 5, 4.5])
        #expect(try values("s = sum(x, y, min = 2)") == [3, nil, nil, 10, 9])
        // Group means over the rows with x; a row with a missing g has none.
        #expect(try values("b = between(x, g)") == [2, 2, 6, 6, nil])
        #expect(try values("w = within(x, g)") == [-1, 1, nil, 0, nil])
        // Group a in t order: row 2 (t 1) then row 1 (t 2).
        #expect(try values("l = lag(x, g, t)") == [3, nil, nil, nil, nil])
    }

    @Test func conditionsUseThreeValuedLogic() throws {
        func truth(_ text: String) throws -> [Bool?] {
            try DataStepEvaluation.evaluate(try RowCondition(parsing: text), table: table, step: "--filter")
        }
        #expect(try truth("x > 2") == [false, true, nil, true, true])
        #expect(try truth("x > 2 & y > 3") == [false, nil, nil, true, false])
        #expect(try truth("x > 2 | y > 3") == [false, true, nil, true, true])
        #expect(try truth("!(x > 2)") == [true, false, nil, false, false])
        #expect(try truth("g == \"a\"") == [true, true, false, false, nil])
        #expect(try truth("g != \"zzz\" & is.na(y)") == [false, true, true, false, false])
        #expect(try truth("(x + y) / 2 >= 3") == [false, nil, nil, true, true])
        #expect(try truth("((x > 2)) && !is.na(y)") == [false, false, false, true, true])
    }

    /// `--compute "r = x > 2"` is R's `as.integer(x > 2)`: 1/0, missing where the condition is (values from R 4.x:
    /// `as.integer(x > 2 & y > 3)` etc. on these columns).
    @Test func computedConditionsAreOneZeroOrMissing() throws {
        func values(_ text: String) throws -> [Double?] {
            let c = try DataStepEvaluation.compute(try ComputeStep(parsing: text), table: table).column
            return (0..<c.count).map { c[$0] }
        }
        #expect(try values("r = x > 2") == [0, 1, nil, 1, 1])
        #expect(try values("r = x > 2 & y > 3") == [0, nil, nil, 1, 0])
        #expect(try values("r = g == 'a' | is.na(y)") == [1, 1, 1, 0, nil])
        #expect(try values("r = !(x >= 3)") == [1, 0, nil, 0, 0])
        #expect(try values("r = (x + y) / 2 >= 3") == [0, nil, nil, 1, 1])
        // Arithmetic keeps its own reading (and its own errors).
        guard case .arithmetic = try ComputeStep(parsing: "r = (x + y) / 2").value else { Issue.record("not arithmetic"); return }
        #expect(throws: FormulaError.self) { try ComputeStep(parsing: "r = x > ") }
    }

    @Test func formulasStillRefuseComparisons() throws {
        #expect(throws: FormulaError.self) { try Formula("y ~ a > b") }
        // With the way to make the 0/1 column named (R users write I(phq_post < 10)).
        do {
            _ = try Formula("y ~ I(phq_post < 10)")
            Issue.record("a comparison in a formula was read")
        } catch {
            #expect("\(error)".contains("alliance transform --compute"), "\(error)")
        }
        // lme4's uncorrelated bar is not a logical or.
        #expect(!(try Formula("y ~ x + (x || g)").randomEffects.isEmpty))
        #expect(throws: FormulaError.self) { try RowCondition(parsing: "x = 1") }
        #expect(throws: FormulaError.self) { try ComputeStep(parsing: "z = mean(x, min = 0)") }
    }
}

extension ComputedValue {
    var rowArguments: [NumericExpression] {
        if case .rowSummary(let r) = self { return r.arguments }
        return []
    }
}
