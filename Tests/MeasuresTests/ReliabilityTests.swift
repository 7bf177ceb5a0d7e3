import AllianceTestSupport
import Foundation
import Testing
import Distributions
import DataTable
@testable import Measures

/// Reference: Fixtures/reliability_reference.json from make_reliability.R (psych 2.2.9, lavaan 0.6-14).
@Suite struct ReliabilityTests {
    let data: (names: [String], columns: [[Double?]])
    let reference: [String: Any]

    init() throws {
        data = try fixtureFiles.numericColumns("wai_items.csv")
        reference = try fixtureFiles.jsonObject("reliability_reference.json")
    }

    /// Alpha, standardized alpha, r.drop, alpha.drop within 1e-10 of psych::alpha; Feldt CI within 1e-10 of R's qf.
    func checkAlpha(_ result: ReliabilityResult, _ ref: [String: Any]) throws {
        #expect(Double(result.n) == (try ref.double("n")))
        expectClose(result.alpha, try ref.double("raw_alpha"), absolute: 1e-10, "raw alpha")
        expectClose(result.standardizedAlpha, try ref.double("std_alpha"), absolute: 1e-10, "std alpha")
        expectClose(result.alphaConfLow, try ref.double("feldt_low"), absolute: 1e-10, "Feldt low")
        expectClose(result.alphaConfHigh, try ref.double("feldt_high"), absolute: 1e-10, "Feldt high")
        let rDrop = try ref.doubles("r_drop"), alphaDrop = try ref.doubles("alpha_drop")
        for (j, stat) in result.itemStats.enumerated() {
            expectClose(stat.itemRestCorrelation, rDrop[j], absolute: 1e-10, "r.drop \(stat.item)")
            expectClose(stat.alphaIfDropped, alphaDrop[j], absolute: 1e-10, "alpha.drop \(stat.item)")
        }
    }

    /// Omega within 1e-6 of the value computed from lavaan's ML estimates (the requirement is 1e-4;
    /// agreement observed is better than 1e-7); loadings and residual variances within 1e-5
    /// (same optimum, different optimizers and stopping rules).
    func checkOmega(_ result: ReliabilityResult, _ ref: [String: Any]) throws {
        let omega = try #require(result.omega)
        #expect(omega.converged)
        #expect(omega.heywoodItems.isEmpty)
        expectClose(omega.omegaTotal, try ref.double("omega"), absolute: 1e-6, "omega")
        for (a, b) in zip(omega.loadings, try ref.doubles("loadings")) { expectClose(a, b, absolute: 1e-5, "loading") }
        for (a, b) in zip(omega.residualVariances, try ref.doubles("residual_variances")) {
            expectClose(a, b, absolute: 1e-5, "residual variance")
        }
    }

    @Test func twelveItemsMatchPsychAndLavaan() throws {
        let result = try reliability(items: data.columns, names: data.names)
        #expect(result.dropped == 8)
        try checkAlpha(result, try reference.object("total"))
        try checkOmega(result, try reference.object("total"))
    }

    @Test func wholeInstrumentAndTaskSubscaleThroughTheKey() throws {
        let table = try Table(columns: zip(data.names, data.columns).map { Column(name: $0, numeric: $1) })
        let key = try ScoringKey.builtin("wai-sr")
        let items = try resolveItems(prefix: "wai", count: 12, in: table)
        let result = try reliability(table: table, key: key, items: items, subscales: true)
        try checkAlpha(result.total, try reference.object("total"))
        #expect(result.subscales.map(\.name) == ["task", "bond", "goal"])
        let task = try #require(result.subscales.first).result
        #expect(task.items == ["wai_1", "wai_2", "wai_10", "wai_12"])
        try checkAlpha(task, try reference.object("task"))
        try checkOmega(task, try reference.object("task"))
    }

    @Test func namedColumnsOfATable() throws {
        let table = try Table(columns: zip(data.names, data.columns).map { Column(name: $0, numeric: $1) }
                                       + [Column(name: "site", categorical: Array(repeating: "a", count: 300))])
        try checkAlpha(try reliability(table: table, items: data.names), try reference.object("total"))
        #expect(throws: ReliabilityError.unknownColumn("wai_13", suggestions: ["wai_1", "wai_10", "wai_11"])) {
            try reliability(table: table, items: ["wai_1", "wai_13"])
        }
        #expect(throws: ReliabilityError.nonNumericColumn("site")) { try reliability(table: table, items: ["wai_1", "site"]) }
    }

    @Test func fQuantilesMatchR() throws {
        // R qf values; relative tolerance 1e-10.
        guard let rows = reference["f_quantiles"] as? [[String: Any]] else { throw FixtureError.malformed("f_quantiles") }
        for row in rows {
            let q = try row.double("q")
            // Feldt's interval uses the Distributions module's F quantile; checked here on the values it needs.
            let mine = FDistribution(numerator: try row.double("df1"), denominator: try row.double("df2")).quantile(try row.double("p"))
            expectClose(mine, q, relative: 1e-10, "qf(\(row["p"]!), \(row["df1"]!), \(row["df2"]!))")
        }
    }

    @Test func reverseKeyedItemsAreReversedBeforeAlpha() throws {
        // Item 2 of a 3-item 0–4 scale written in the opposite direction: reversing it must give the
        // same alpha as the data with item 2 already reversed.
        let a: [Double?] = [0, 1, 2, 3, 4, 2, 1]
        let b: [Double?] = [4, 2, 2, 1, 0, 1, 3]   // reversed sense
        let c: [Double?] = [1, 1, 3, 3, 4, 2, 0]
        let key = try ScoringKey.decode(Data("""
            {"format":"alliance-scoring-key/1","id":"toy","items":3,"item_range":{"min":0,"max":4},
             "reverse_items":[2],"direction":"lower_better"}
            """.utf8))
        let table = try Table(columns: [Column(name: "t1", numeric: a), Column(name: "t2", numeric: b),
                                        Column(name: "t3", numeric: c)])
        let viaKey = try reliability(table: table, key: key, items: ["t1", "t2", "t3"]).total
        let direct = try reliability(items: [a, b.map { $0.map { 4 - $0 } }, c], names: ["t1", "t2", "t3"])
        #expect(viaKey.alpha == direct.alpha)
        #expect((direct.alpha ?? 0) > 0.8)
    }

    @Test func listwiseDeletionAndErrors() throws {
        let x: [Double?] = [1, 2, nil, 4, 5]
        let y: [Double?] = [2, 1, 3, nil, 5]
        let z: [Double?] = [1, 3, 3, 4, 4]
        let result = try reliability(items: [x, y, z], names: ["x", "y", "z"])
        #expect(result.n == 3 && result.dropped == 2)
        #expect(throws: ReliabilityError.tooFewItems(1)) { try reliability(items: [x], names: ["x"]) }
        #expect(throws: ReliabilityError.tooFewCompleteRows(1)) {
            try reliability(items: [[1, 2, nil], [1, nil, 3], [2, 2, 2]], names: ["a", "b", "c"])
        }
        #expect(throws: ReliabilityError.lengthMismatch) { try reliability(items: [x, y], names: ["x"]) }
    }

    /// An item every respondent answered alike adds nothing to the total's variance: psych::alpha ("had no variance and
    /// was deleted") and SPSS RELIABILITY leave it out, so alpha, its interval, standardized alpha and omega are those of
    /// the other items (it used to count in k: 5/4 instead of 4/3 in front of the same bracket, with the warning that
    /// alpha was undefined).
    @Test func constantItemIsLeftOutAsPsychAndSPSSDo() throws {
        let items = Array(data.columns.prefix(4)), names = Array(data.names.prefix(4))
        let complete = (0..<items[0].count).filter { r in items.allSatisfy { $0[r] != nil } }
        let trimmed = items.map { column in complete.map { column[$0] } }
        let constant = [Double?](repeating: 3, count: complete.count)
        let without = try reliability(items: trimmed, names: names)
        let with = try reliability(items: [trimmed[0], trimmed[1], constant, trimmed[2], trimmed[3]],
                                   names: [names[0], names[1], "same", names[2], names[3]])
        #expect(with.alpha == without.alpha)
        #expect(with.alphaConfLow == without.alphaConfLow && with.alphaConfHigh == without.alphaConfHigh)
        #expect(with.standardizedAlpha == without.standardizedAlpha)
        #expect(with.omega?.omegaTotal == without.omega?.omegaTotal)
        #expect(with.n == without.n && with.dropped == 0)
        #expect(with.itemStats.map(\.item) == [names[0], names[1], "same", names[2], names[3]])
        #expect(with.itemStats[2].itemRestCorrelation == nil)
        #expect(with.itemStats[2].alphaIfDropped == without.alpha)
        for (a, b) in zip(with.itemStats.filter { $0.item != "same" }, without.itemStats) { #expect(a == b) }
        #expect(with.warnings.contains { $0.contains("'same' has zero variance") }, "\(with.warnings)")
    }

    /// psych::alpha warns when an item correlates negatively with the rest of the scale (a reverse-keyed item not
    /// reversed): a negative alpha with no word sends a researcher to the wrong conclusion.
    @Test func negativeItemRestCorrelationIsWarned() throws {
        let a: [Double?] = [1, 2, 3, 4, 5, 2, 3, 4, 5, 1]
        let b: [Double?] = [2, 2, 3, 5, 5, 1, 3, 4, 4, 1]
        let c: [Double?] = [1, 3, 3, 4, 4, 2, 2, 5, 5, 2]
        let d: [Double?] = a.map { 6 - $0! }
        let result = try reliability(items: [a, b, c, d], names: ["a", "b", "c", "d"])
        #expect(result.warnings.contains { $0.contains("'d'") && $0.contains("negatively") && $0.contains("--reverse") },
                "\(result.warnings)")
        let clean = try reliability(items: [a, b, c], names: ["a", "b", "c"])
        #expect(!clean.warnings.contains { $0.contains("negatively") }, "\(clean.warnings)")
    }

    @Test func heywoodCaseIsBoundedAndReported() throws {
        // Three items with r12 = r13 = 0.9, r23 = 0.5: the exact one-factor solution has
        // λ1² = r12·r13/r23 = 1.62 > 1, i.e. a negative residual variance for item 1 (Heywood case).
        let s: [[Double]] = [[1, 0.9, 0.9], [0.9, 1, 0.5], [0.9, 0.5, 1]]
        let omega = try #require(fitOneFactorOmega(covariance: s))
        #expect(omega.heywoodItems == [0])
        #expect(omega.residualVariances[0] == 1e-6)
        #expect(omega.residualVariances.allSatisfy { $0 > 0 })
        #expect(omega.omegaTotal > 0 && omega.omegaTotal < 1)
    }

    @Test func exactOneFactorCovarianceIsRecovered() throws {
        // Σ = λλᵀ + Ψ exactly: ML recovers λ and Ψ, and ω follows the stated formula.
        let lambda = [0.8, 0.6, 0.7, 0.5], psi = [0.36, 0.64, 0.51, 0.75]
        let s = (0..<4).map { i in (0..<4).map { j in lambda[i] * lambda[j] + (i == j ? psi[i] : 0) } }
        let omega = try #require(fitOneFactorOmega(covariance: s))
        #expect(omega.converged)
        for (a, b) in zip(omega.loadings, lambda) { expectClose(a, b, absolute: 1e-9, "loading") }
        for (a, b) in zip(omega.residualVariances, psi) { expectClose(a, b, absolute: 1e-9, "psi") }
        expectClose(omega.omegaTotal, 2.6 * 2.6 / (2.6 * 2.6 + 2.26), absolute: 1e-9, "omega")
        expectClose(omega.discrepancy, 0, absolute: 1e-12, "F at the exact fit")
    }
}
