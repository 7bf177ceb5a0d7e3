import AllianceTestSupport
import Foundation
import Testing
import DataTable
@testable import Measures

/// Jacobson & Truax (1991). The published marital-therapy figures could not be retrieved through the
/// project's search tools, so these are hand-computed examples of the same formulas:
/// S_diff = √2·SD·√(1 − r), RCI = (post − pre)/S_diff, c = (SD_f·M_d + SD_d·M_f)/(SD_f + SD_d).
/// Expected values were worked out by hand (calculator, 17 significant digits); tolerance 1e-12.
@Suite struct ChangeTests {
    @Test func jacobsonTruaxHandExample() throws {
        // SD 7.5, r = .88: S_diff = 7.5·√0.24 = 3.6742346141747673; RC = 1.96·S_diff = 7.2014998437825435.
        let pre: [Double?] = [32, 30, 25, 18, 15, nil]
        let post: [Double?] = [21, 15, 20, 26, 7, 12]
        let result = try reliableChange(pre: pre, post: post, sd: 7.5, reliability: 0.88, cutoff: 20,
                                        direction: .lowerBetter)
        #expect(result.method == .jacobsonTruax)
        expectClose(result.sDiff, 3.6742346141747673, absolute: 1e-12, "S_diff")
        expectClose(result.reliableChange, 7.2014998437825435, absolute: 1e-12, "reliable change")
        let expectedRCI = [-2.9938207967349952, -4.08248290463863, -1.3608276348795434, 2.1773242158072694,
                           -2.1773242158072694]
        for (row, rci) in zip(result.rows, expectedRCI) { expectClose(row?.rci, rci, absolute: 1e-12, "RCI") }
        // 32→21: reliable but still ≥ 20 (improved); 30→15: crossed (recovered); 25→20: not reliable;
        // 18→26: reliable worsening; 15→7: reliable, started on the non-clinical side (improved).
        #expect(result.rows.map { $0?.category } == [.improved, .recovered, .unchanged, .deteriorated, .improved, nil])
        #expect(result.counts == ChangeCounts(recovered: 1, improved: 2, unchanged: 1, deteriorated: 1))
        #expect(result.n == 5 && result.dropped == 1)
    }

    @Test func cutoffsFromNorms() throws {
        // CORE-10 manual norms (lower is better): a = 19.7 − 2·7.7 = 4.3, b = 4.7 + 2·4.8 = 14.3,
        // c = (4.8·19.7 + 7.7·4.7)/12.5 = 130.75/12.5 = 10.46.
        let core = try ScoringKey.builtin("core-10")
        let lower = clinicalCutoffs(functional: core.norms?.functional, dysfunctional: core.norms?.dysfunctional,
                                    direction: .lowerBetter)
        expectClose(lower.a, 4.3, absolute: 1e-12, "a")
        expectClose(lower.b, 14.3, absolute: 1e-12, "b")
        expectClose(lower.c, 10.46, absolute: 1e-12, "c")
        // Higher is better: functional 100 (SD 10), dysfunctional 70 (SD 20): a = 110, b = 80, c = 2700/30 = 90.
        let higher = clinicalCutoffs(functional: .init(mean: 100, sd: 10), dysfunctional: .init(mean: 70, sd: 20),
                                     direction: .higherBetter)
        #expect(higher == ClinicalCutoffs(a: 110, b: 80, c: 90))
        #expect(clinicalCutoffs(functional: nil, dysfunctional: .init(mean: 70, sd: 20), direction: .higherBetter)
                == ClinicalCutoffs(a: 110, b: nil, c: nil))
    }

    @Test func publishedCriterionFromTheKeyIncludingTheBoundary() throws {
        // PHQ-9: reliable change 6 points, cut-off 10.
        let key = try ScoringKey.builtin("phq-9")
        let result = try reliableChange(pre: [16, 16, 12, 5, 20], post: [10, 9, 7, 11, 15], key: key)
        #expect(result.method == .publishedCriterion && result.reliableChange == 6 && result.cutoff == 10)
        // 16→10: exactly 6 but still at caseness; 16→9: recovered; 12→7: crossed but not reliable;
        // 5→11: +6 deteriorated; 20→15: 5 points.
        #expect(result.rows.map { $0?.category } == [.improved, .recovered, .unchanged, .deteriorated, .unchanged])
        expectClose(result.rows[0]?.rci, -6 / (6 / 1.96), absolute: 1e-12, "criterion-scaled RCI")
    }

    @Test func higherIsBetterWithTheORSKey() throws {
        let key = try ScoringKey.builtin("ors")
        let result = try reliableChange(pre: [18, 18, 30, 20], post: [26, 24, 24, 24], key: key)
        #expect(result.rows.map { $0?.category } == [.recovered, .improved, .deteriorated, .unchanged])
    }

    @Test func keyWithNormsButNoCriterionUsesJacobsonTruax() throws {
        let key = try ScoringKey.decode(Data("""
            {"format":"alliance-scoring-key/1","id":"core-like","items":10,"item_range":{"min":0,"max":4},
             "direction":"lower_better",
             "norms":{"functional":{"mean":4.7,"sd":4.8},"dysfunctional":{"mean":19.7,"sd":7.7},"reliability":0.9}}
            """.utf8))
        let result = try reliableChange(pre: [20, 20], post: [10, 14], key: key)
        // S_diff = √2·7.7·√0.1 = 3.4435446853496767; RC = 6.749347583285366; c = 10.46.
        expectClose(result.sDiff, 3.4435446853496767, absolute: 1e-12, "S_diff")
        expectClose(result.cutoff, 10.46, absolute: 1e-12, "c")
        #expect(result.rows.map { $0?.category } == [.recovered, .unchanged])
    }

    @Test func columnValues() throws {
        #expect(optionalValues(of: Column(name: "pre", numeric: [3, nil, 5])) == [3, nil, 5])
        #expect(optionalValues(of: Column(name: "site", categorical: ["a"])) == nil)
    }

    @Test func errors() throws {
        #expect(throws: ChangeError.lengthMismatch(pre: 2, post: 1)) {
            try reliableChange(pre: [1, 2], post: [1], sd: 1, reliability: 0.8, cutoff: nil, direction: .lowerBetter)
        }
        #expect(throws: ChangeError.invalidReliability(1)) {
            try reliableChange(pre: [1], post: [1], sd: 1, reliability: 1, cutoff: nil, direction: .lowerBetter)
        }
        #expect(throws: ChangeError.invalidSD(0)) {
            try reliableChange(pre: [1], post: [1], sd: 0, reliability: 0.8, cutoff: nil, direction: .lowerBetter)
        }
        #expect(throws: ChangeError.noCriterion(instrument: "wai-sr")) {
            try reliableChange(pre: [1], post: [1], key: try ScoringKey.builtin("wai-sr"))
        }
        let noCutoff = try reliableChange(pre: [30], post: [5], sd: 5, reliability: 0.8, cutoff: nil, direction: .lowerBetter)
        #expect(noCutoff.rows.first??.category == .improved)
        #expect(noCutoff.warnings.contains { $0.contains("no clinical cut-off") })
    }
}

/// Constructed referrals reaching every branch; expected counts worked out by hand (see comments).
@Suite struct TalkingTherapiesTests {
    // (PHQ-9 pre, post, GAD-7 pre, post, sessions)
    static let referrals: [(Double?, Double?, Double?, Double?, Double?)] = [
        (15, 5, 12, 4, 6),     // r0 case → not: recovered; PHQ −10 reliable → reliable recovery
        (12, 8, 9, 7, 4),      // r1 recovered, no reliable change (−4, −2)
        (14, 12, 10, 9, 5),    // r2 still a case, no reliable change
        (20, 13, 15, 16, 8),   // r3 still a case, PHQ −7 reliable, GAD +1: reliable improvement only
        (11, 4, 6, 11, 3),     // r4 case at end through GAD; PHQ −7 but GAD +5: deterioration, not improvement
        (6, 14, 5, 6, 4),      // r5 not a case at start; PHQ +8: deterioration
        (5, 2, 4, 1, 3),       // r6 not a case; no reliable change
        (8, 2, 7, 2, 2),       // r7 not a case; PHQ −6 exactly: reliable improvement; 2 sessions = finished
        (16, 3, 10, 2, 1),     // r8 one session: not finished
        (18, nil, 12, 6, 5),   // r9 no PHQ-9 at end: incomplete
        (9, 5, 8, 7, 3),       // r10 case through GAD = 8 exactly; recovered; no reliable change
        (13, 9, 7, 3, nil),    // r11 sessions unknown: not finished
    ]

    func run(withSessions: Bool) throws -> TalkingTherapiesOutcomes {
        let r = Self.referrals
        return try talkingTherapiesOutcomes(phq9Pre: r.map(\.0), phq9Post: r.map(\.1), gad7Pre: r.map(\.2),
                                            gad7Post: r.map(\.3), sessions: withSessions ? r.map(\.4) : nil)
    }

    @Test func everyBranchWithSessions() throws {
        let o = try run(withSessions: true)
        #expect(o.referrals == 12 && o.incompleteScores == 1 && o.notFinished == 2 && o.finishedTreatment == 9)
        #expect(o.casenessAtStart == RateMetric(numerator: 6, denominator: 9))       // r0 r1 r2 r3 r4 r10
        #expect(o.recovery == RateMetric(numerator: 3, denominator: 6))              // r0 r1 r10
        #expect(o.reliableImprovement == RateMetric(numerator: 3, denominator: 9))   // r0 r3 r7
        #expect(o.reliableDeterioration == RateMetric(numerator: 2, denominator: 9)) // r4 r5
        #expect(o.reliableRecovery == RateMetric(numerator: 1, denominator: 6))      // r0
        #expect(o.recovery.rate == 0.5)
        #expect(o.rows[8].exclusion == .notFinished && o.rows[9].exclusion == .incompleteScores
                && o.rows[11].exclusion == .notFinished)
        #expect(o.rows[5].recovered == nil && o.rows[5].reliablyDeteriorated == true)
        #expect(o.rows[4].reliablyImproved == false && o.rows[4].casenessAtEnd == true)
    }

    @Test func withoutSessionsEveryPairedReferralCounts() throws {
        // r8 and r11 join: both cases at start, both recover with reliable improvement (r11: GAD −4 exactly).
        let o = try run(withSessions: false)
        #expect(o.finishedTreatment == 11 && o.notFinished == 0)
        #expect(o.casenessAtStart == RateMetric(numerator: 8, denominator: 11))
        #expect(o.recovery == RateMetric(numerator: 5, denominator: 8))
        #expect(o.reliableImprovement == RateMetric(numerator: 5, denominator: 11))
        #expect(o.reliableDeterioration == RateMetric(numerator: 2, denominator: 11))
        #expect(o.reliableRecovery == RateMetric(numerator: 3, denominator: 8))
        #expect(o.warnings.contains { $0.contains("no sessions column") })
    }

    @Test func lengthMismatchAndEmptyDenominator() throws {
        #expect(throws: TalkingTherapiesError.lengthMismatch) {
            try talkingTherapiesOutcomes(phq9Pre: [1], phq9Post: [], gad7Pre: [1], gad7Post: [1])
        }
        let none = try talkingTherapiesOutcomes(phq9Pre: [3], phq9Post: [2], gad7Pre: [2], gad7Post: [1])
        #expect(none.recovery == RateMetric(numerator: 0, denominator: 0) && none.recovery.rate == nil)
    }
}
