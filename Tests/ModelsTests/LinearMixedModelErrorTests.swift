import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// Issue 12 item 7: models that cannot be fitted are refused with what to do, never fitted into wrong numbers.
@Suite("Linear mixed model refusals")
struct LinearMixedModelErrorTests {
    static func table(y: [Double], x: [Double], g: [String]) throws -> Table {
        try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x), Column(name: "g", categorical: g)])
    }

    static func refusal(_ formula: String, _ table: Table) -> String? {
        do {
            _ = try LinearMixedModel.fit(formula: try Formula(formula, dataColumns: table.columnNames), table: table)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aGroupingFactorWithOneLevelIsRefused() throws {
        let t = try Self.table(y: [1, 2, 3, 4, 5, 7], x: [1, 2, 3, 4, 5, 6], g: Array(repeating: "a", count: 6))
        let message = try #require(Self.refusal("y ~ x + (1 | g)", t))
        #expect(message.contains("single level"))
    }

    @Test func groupsOfOneRowEverywhereAreRefused() throws {
        let t = try Self.table(y: [1, 2, 3, 4, 5, 7], x: [1, 2, 3, 4, 5, 6], g: ["a", "b", "c", "d", "e", "f"])
        let message = try #require(Self.refusal("y ~ x + (1 | g)", t))
        #expect(message.contains("single row"))
    }

    @Test func aSlopeConstantWithinGroupsIsRefused() throws {
        let g = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d", "d"]
        let x: [Double] = [1, 1, 1, 2, 2, 2, 3, 3, 3, 5, 5, 5]
        let t = try Self.table(y: [1, 2, 3, 2, 4, 3, 3, 5, 4, 6, 9, 7], x: x, g: g)
        let message = try #require(Self.refusal("y ~ x + (x | g)", t))
        #expect(message.contains("constant within every level of g"))
    }

    @Test func aConstantOutcomeIsRefused() throws {
        let t = try Self.table(y: Array(repeating: 3, count: 8), x: [1, 2, 3, 4, 5, 6, 7, 8], g: ["a", "a", "b", "b", "c", "c", "d", "d"])
        let message = try #require(Self.refusal("y ~ x + (1 | g)", t))
        #expect(message.contains("single value"))
    }

    @Test func aFormulaWithoutRandomEffectsIsSentToOLS() throws {
        let t = try Self.table(y: [1, 2, 3, 4, 5, 7], x: [1, 2, 3, 4, 5, 6], g: ["a", "a", "b", "b", "c", "c"])
        let message = try #require(Self.refusal("y ~ x", t))
        #expect(message.contains("fit ols"))
    }

    @Test func aSingularFitIsReportedInWords() throws {
        // The fixture data set simulated without a therapist effect, where lme4's REML fit is singular.
        let t = try fixtureFiles.table("lmm/alliance_singular.csv")
        let r = try LinearMixedModel.fit(formula: try Formula("phq_post ~ wai + (1 | therapist)", dataColumns: t.columnNames), table: t)
        #expect(r.singular)
        #expect(r.warnings.contains { $0.contains("therapist (Intercept) variance is estimated at zero: the model is singular") })
    }
}
