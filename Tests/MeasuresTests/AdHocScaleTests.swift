import AllianceTestSupport
import Foundation
import Testing
import DataTable
@testable import Measures

/// Ad-hoc scales (no key file) and the two omega totals, on bfi's agreeableness items with A1 reverse-keyed on its
/// 1–6 range. Reference: AllianceTestSupport/Fixtures/bfi_omega_reference.json from make_bfi_omega.R (psych 2.2.9,
/// lavaan 0.6-14). Tolerances: alpha 1e-12 (closed form); both omegas 1e-6 (iterative ML fits by different
/// optimizers; observed agreement 1e-7).
@Suite struct AdHocScaleTests {
    static let items = ["A1", "A2", "A3", "A4", "A5"]

    func bfi() throws -> (table: Table, reference: [String: Any]) {
        (try FixtureFiles.shared.table("bfi_agreeableness.csv"), try FixtureFiles.shared.jsonObject("bfi_omega_reference.json"))
    }

    @Test func bothOmegasMatchLavaanAndPsych() throws {
        let (table, ref) = try bfi()
        let key = try ScoringKey.adHoc(id: "agree", items: Self.items, range: .init(min: 1, max: 6), reverse: ["A1"])
        #expect(key.reverseItems == [1])
        let result = try reliability(table: table, key: key, items: Self.items).total
        #expect(Double(result.n) == (try ref.double("n")))
        #expect(Double(result.dropped) == (try ref.double("dropped")))
        expectClose(result.alpha, try ref.double("alpha"), absolute: 1e-12, "alpha")
        let omega = try #require(result.omega)
        #expect(omega.converged)
        // Model-implied total variance (lavaan): unchanged by this addition.
        expectClose(omega.omegaTotal, try ref.double("omega_total"), absolute: 1e-6, "omega_total")
        // Observed total variance of the standardized items: psych::omega's omega.tot (fm = "ml").
        expectClose(omega.omegaTotalObserved, try ref.double("omega_total_observed"), absolute: 1e-6, "omega observed")
        expectClose(omega.omegaTotalObserved, try ref.double("psych_omega_ml"), absolute: 1e-6, "psych::omega fm = ml")
        // psych's default (minres) differs only in the fifth decimal: the two definitions, not the estimators,
        // make the 0.712 vs 0.724 gap.
        expectClose(omega.omegaTotalObserved, try ref.double("psych_omega_minres"), absolute: 1e-4, "psych::omega minres")
        #expect(abs(omega.omegaTotal - (omega.omegaTotalObserved ?? 0)) > 0.01)
    }

    @Test func withoutReversalTheScaleIsWorse() throws {
        // A1 left as it is pulls alpha down: reversal really happened above.
        let (table, ref) = try bfi()
        let plain = try ScoringKey.adHoc(id: "agree", items: Self.items, range: .init(min: 1, max: 6), reverse: [])
        let result = try reliability(table: table, key: plain, items: Self.items).total
        #expect((result.alpha ?? 1) < (try ref.double("alpha")) - 0.05)
    }

    @Test func scoresReverseOnTheRange() throws {
        let table = try FixtureCSV.table(csv: "a,b,c\n1,2,7\n4,,1\n")
        let key = try ScoringKey.adHoc(id: "s", items: ["a", "b", "c"], range: .init(min: 1, max: 7), reverse: ["c"], total: .mean)
        let result = try score(table: table, key: key, items: ["a", "b", "c"])
        let totals = try #require(result.table.column(named: "s_total")?.numericValues)
        #expect(totals[0] == 4.0 / 3)
        #expect(totals[1] == nil)
        #expect(result.tooManyMissing == 1)
    }

    @Test func outOfRangeValuesAreRefusedNotReversed() throws {
        let table = try FixtureCSV.table(csv: "a,b,c\n1,2,8\n")
        let key = try ScoringKey.adHoc(id: "s", items: ["a", "b", "c"], range: .init(min: 1, max: 7), reverse: ["c"])
        #expect(throws: ScoringError.self) { try score(table: table, key: key, items: ["a", "b", "c"]) }
    }

    @Test func badScalesAreTypedErrors() {
        #expect(throws: AdHocScaleError.reverseNotAnItem("d", items: ["a", "b"])) {
            try ScoringKey.adHoc(id: "s", items: ["a", "b"], range: .init(min: 1, max: 5), reverse: ["d"])
        }
        #expect(throws: AdHocScaleError.duplicateReverse("a")) {
            try ScoringKey.adHoc(id: "s", items: ["a", "b"], range: .init(min: 1, max: 5), reverse: ["a", "a"])
        }
        #expect(throws: AdHocScaleError.badRange(min: 5, max: 1)) {
            try ScoringKey.adHoc(id: "s", items: ["a", "b"], range: .init(min: 5, max: 1), reverse: [])
        }
        #expect(throws: AdHocScaleError.badID("a b")) {
            try ScoringKey.adHoc(id: "a b", items: ["a", "b"], range: nil, reverse: [])
        }
        #expect(throws: AdHocScaleError.noItems) { try ScoringKey.adHoc(id: "s", items: [], range: nil, reverse: []) }
    }
}
