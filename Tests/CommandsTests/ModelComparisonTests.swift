import AllianceTestSupport
import Foundation
import Models
import Testing

/// `ModelComparison` on fits described directly: the boundary mixture p against R's pchisq
/// (Fixtures/compare/compare_reference.json `mixtures`, within 1e-10 relative: both are the regularised gamma
/// function to rounding), and the nesting rules for random effects.
@Suite("model comparison")
struct ModelComparisonTests {
    typealias Effects = ComparedModel.RandomEffects

    static func model(_ name: String, _ effects: Effects, npar: Int, logLik: Double, fixed: [String] = ["(Intercept)", "wai"]) -> ComparedModel {
        ComparedModel(name: name, family: .lmm, formula: name, outcome: "phq_post", dataDigest: "d", dataFile: "clients.csv",
                      rowsUsed: 500, fixedColumns: fixed, randomEffects: effects, parameterCount: npar, logLikelihood: logLik)
    }

    static func effects(_ variances: [(String, String)], _ correlations: [(String, String, String)] = [],
                        levels: [String: Int]) -> Effects {
        Effects(variances: Set(variances.map { .init(group: $0.0, term: $0.1) }),
                correlations: Set(correlations.map { .init(group: $0.0, terms: [$0.1, $0.2]) }), levels: levels)
    }

    /// Random effects of the smaller and larger fit for each k: a new grouping factor (k = 0), a slope correlated
    /// with the intercept (k = 1), a second slope correlated with both (k = 2).
    static func pair(k: Int) -> (Effects, Effects) {
        switch k {
        case 0:
            return (effects([("therapist", "(Intercept)")], levels: ["therapist": 40]),
                    effects([("therapist", "(Intercept)"), ("site", "(Intercept)")], levels: ["therapist": 40, "site": 8]))
        case 1:
            return (effects([("therapist", "(Intercept)")], levels: ["therapist": 40]),
                    effects([("therapist", "(Intercept)"), ("therapist", "wai")], [("therapist", "(Intercept)", "wai")],
                            levels: ["therapist": 40]))
        default:
            return (effects([("therapist", "(Intercept)"), ("therapist", "wai")], [("therapist", "(Intercept)", "wai")],
                            levels: ["therapist": 40]),
                    effects([("therapist", "(Intercept)"), ("therapist", "wai"), ("therapist", "session")],
                            [("therapist", "(Intercept)", "wai"), ("therapist", "(Intercept)", "session"), ("therapist", "wai", "session")],
                            levels: ["therapist": 40]))
        }
    }

    @Test func boundaryMixtureMatchesR() throws {
        let doc = try parseJSON(try fixtureFiles.text("compare/compare_reference.json"))
        let mixtures = try #require(doc["mixtures"] as? [[String: Any]])
        #expect(mixtures.count == 9)
        for m in mixtures {
            let k = try #require(m["k"] as? Int)
            let statistic = try #require((m["statistic"] as? String).flatMap(Double.init))
            let expected = try #require((m["p_value"] as? String).flatMap(Double.init))
            let (small, large) = Self.pair(k: k)
            let result = try ModelComparison.compare(
                [Self.model("large", large, npar: 5 + k + 1, logLik: -100 + statistic / 2),
                 Self.model("small", small, npar: 5, logLik: -100)],
                reml: false, refitML: false)
            let test = try #require(result.rows.last)
            #expect(test.df == k + 1, "k = \(k)")
            #expect(test.boundary)
            expectClose(test.pValueMixture, expected, relative: 1e-10, "k = \(k), statistic \(statistic)")
            expectClose(test.statistic, statistic, relative: 1e-13, "statistic")
        }
    }

    @Test func uncorrelatedSlopeIsOneBoundaryVariance() throws {
        let small = Self.effects([("client", "(Intercept)")], levels: ["client": 90])
        let large = Self.effects([("client", "(Intercept)"), ("client", "session")], levels: ["client": 90])
        let result = try ModelComparison.compare([Self.model("a", small, npar: 4, logLik: -10), Self.model("b", large, npar: 5, logLik: -8)],
                                                 reml: false, refitML: false)
        let row = try #require(result.rows.last)
        // ½ χ²(0) + ½ χ²(1) at 4: half of anova's p.
        expectClose(row.pValueMixture, 0.5 * (row.pValue ?? .nan), relative: 1e-15, "mixture")
        #expect(result.notes.contains { $0.contains("session | client") && $0.contains("boundary") })
    }

    @Test func nestedGroupingFactorsMatchByTheirLevels() throws {
        let therapist = Self.effects([("therapist", "(Intercept)")], levels: ["therapist": 40])
        let nested = Self.effects([("site:therapist", "(Intercept)"), ("site", "(Intercept)")], levels: ["site:therapist": 40, "site": 8])
        let result = try ModelComparison.compare([Self.model("a", therapist, npar: 4, logLik: -10), Self.model("b", nested, npar: 5, logLik: -9)],
                                                 reml: false, refitML: false)
        #expect(result.rows.last?.df == 1)
        // Therapists coded 1…k within each site: site:therapist has more levels than therapist, so not one grouping.
        let within = Self.effects([("site:therapist", "(Intercept)"), ("site", "(Intercept)")], levels: ["site:therapist": 60, "site": 8])
        #expect(throws: ComparisonError.self) {
            try ModelComparison.compare([Self.model("a", therapist, npar: 4, logLik: -10), Self.model("b", within, npar: 5, logLik: -9)],
                                        reml: false, refitML: false)
        }
    }

    @Test func correlatedIsNotNestedInUncorrelated() throws {
        // (x | g) has a correlation (x || g) lacks; with more parameters it is the larger, so the pair is nested the
        // other way round, and a fit with the correlation and fewer fixed effects is nested in neither.
        let correlated = Self.effects([("g", "(Intercept)"), ("g", "x")], [("g", "(Intercept)", "x")], levels: ["g": 20])
        let uncorrelated = Self.effects([("g", "(Intercept)"), ("g", "x")], levels: ["g": 20])
        let error = #expect(throws: ComparisonError.self) {
            try ModelComparison.compare([Self.model("corr", correlated, npar: 6, logLik: -10),
                                         Self.model("uncorr", uncorrelated, npar: 7, logLik: -9, fixed: ["(Intercept)", "wai", "arm[tele]"])],
                                        reml: false, refitML: false)
        }
        #expect(error?.message.contains("correlations") == true, "\(error?.message ?? "")")
    }
}
