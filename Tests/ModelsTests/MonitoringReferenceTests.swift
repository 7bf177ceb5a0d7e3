import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// Monitoring statistics against references: the expected-treatment-response model and its tolerance boundaries
/// against lme4 (Fixtures/monitoring/make_monitoring_fixtures.R), funnel limits against R's exact binomial limits,
/// and rupture episodes against a hand-checked set of trajectories (Fixtures/monitoring/README.md).
@Suite struct MonitoringReferenceTests {
    static func reference() throws -> [String: Any] {
        try parseJSON(fixtureFiles.text("monitoring/monitoring_reference.json"))
    }

    static func panel(_ file: String, score: String) throws -> SessionPanel {
        let table = try FixtureCSV.table(csv: fixtureFiles.text(file))
        let client = GroupingFactor(try table.requireColumn("client"))
        let session = try #require(table.column(named: "session")?.numeric)
        let values = try #require(table.column(named: score)?.numeric)
        return try SessionPanel(clientLabels: client.levels, clientCodes: client.codes,
                                session: (0..<session.count).map { session[$0] }, score: (0..<values.count).map { values[$0] })
    }

    // lme4 is polished to its optimum (tight nloptwrap tolerances); 1e-6 relative is the claim for the curves.
    @Test func expectedTreatmentResponseMatchesLme4() throws {
        let etr = try Self.reference().object("etr")
        let model = try ExpectedTreatmentResponse.fit(try Self.panel("monitoring/etr_sessions.csv", score: "score"))
        let tolerance = Tolerance.relative(1e-6)
        for (actual, expected) in zip(model.coefficients, try etr.doubles("coefficients")) {
            #expect(tolerance.accepts(actual, expected), "coefficient \(actual) vs \(expected)")
        }
        #expect(tolerance.accepts(model.interceptVariance, try etr.double("intercept_variance")))
        #expect(tolerance.accepts(model.slopeVariance, try etr.double("slope_variance")))
        #expect(tolerance.accepts(model.covariance, try etr.double("covariance")))
        #expect(tolerance.accepts(model.residualVariance, try etr.double("residual_variance")))
        #expect(model.clients == Int(try etr.double("clients")))
        #expect(model.sessions == Int(try etr.double("sessions")))
        let grid = try #require(etr["grid"] as? [[String: Any]])
        #expect(grid.count == 30)
        for point in grid {
            let intake = try point.double("intake"), session = try point.double("session"), coverage = try point.double("coverage")
            #expect(tolerance.accepts(model.expected(intake: intake, session: session), try point.double("expected")))
            #expect(tolerance.accepts(model.boundary(intake: intake, session: session, coverage: coverage, direction: .lowerBetter),
                                      try point.double("upper")))
            #expect(tolerance.accepts(model.boundary(intake: intake, session: session, coverage: coverage, direction: .higherBetter),
                                      try point.double("lower")))
        }
    }

    // Exact binomial quantiles and CDFs: 1e-10 absolute on rates in [0, 1].
    @Test func funnelLimitsMatchR() throws {
        let rows = try #require(Self.reference()["funnel"] as? [[String: Any]])
        #expect(rows.count == 48)
        for row in rows {
            let n = Int(try row.double("n")), target = try row.double("target")
            let limits = FunnelLimits(target: target, sizes: [n])
            let point = try #require(limits.points.first)
            for (actual, key) in [(point.lower95, "lower95"), (point.upper95, "upper95"), (point.lower998, "lower998"), (point.upper998, "upper998")] {
                let expected = try row.double(key)
                #expect(abs(actual - expected) <= 1e-10, "n = \(n), target = \(target), \(key): \(actual) vs \(expected)")
            }
        }
    }

    @Test(arguments: [1, 2])
    func ruptureEpisodesMatchHandCheckedSet(window: Int) throws {
        let panel = try Self.panel("monitoring/rupture_trajectories.csv", score: "alliance")
        let result = try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 0, minimumDrop: 3, repairWindow: window, basis: .sample))
        let expected = try FixtureCSV.records(fixtureFiles.text("monitoring/rupture_expected.csv")).dropFirst()
            .filter { $0.count == 6 && Int($0[0]) == window }
        #expect(result.episodes.count == expected.count)
        for (episode, row) in zip(result.episodes, expected) {
            #expect(result.clientLabels[episode.client] == row[1])
            #expect(episode.ruptureSession == Double(row[2]))
            #expect(episode.depth == Double(row[3]))
            #expect(episode.repairSession == Double(row[4]))
            #expect(episode.censored == (row[5] == "1"))
        }
        func group(_ client: String) -> RuptureGroup? {
            result.clientLabels.firstIndex(of: client).flatMap { result.groups[$0] }
        }
        #expect(group("C") == RuptureGroup.none)
        #expect(group("G") == nil)
        #expect(group("A") == .repaired && group("H") == .repaired && group("J") == .repaired)
        #expect(group("D") == .unrepaired)
        #expect(group("E") == (window == 1 ? .unrepaired : .repaired))
        #expect(result.ruptures[try #require(result.clientLabels.firstIndex(of: "H"))] == 2)
    }

    // SD thresholds worked by hand: client K (10, 20, 10, 20) has squares about its mean 4 × 25 = 100 and SD √(100/3);
    // with L (5, 5, 5) the pooled within-client SD is √((100 + 0) / (3 + 2)) = √20.
    @Test func ruptureThresholdsInStandardDeviations() throws {
        let codes: [Int32] = [0, 0, 0, 0, 1, 1, 1]
        let panel = try SessionPanel(clientLabels: ["K", "L"], clientCodes: codes, session: [1, 2, 3, 4, 1, 2, 3],
                                     score: [10, 20, 10, 20, 5, 5, 5])
        let pooled = try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 2.2, basis: .sample))
        #expect(abs((pooled.pooledSD ?? 0) - 20.0.squareRoot()) <= 1e-14)
        #expect(pooled.episodes.map(\.ruptureSession) == [3])
        #expect(pooled.episodes.map(\.repairSession) == [4])
        // 2.2 × √20 ≈ 9.84 ≤ 10 < 2.3 × √20 ≈ 10.29.
        #expect(try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 2.3, basis: .sample)).episodes.isEmpty)
        // Own SD √(100/3) ≈ 5.77: a fall of 10 is 1.73 SD; L never varies, so it has no threshold and no rupture.
        let own = try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 1.7, basis: .client))
        #expect(own.pooledSD == nil)
        #expect(own.episodes.count == 1)
        #expect(own.groups == [.repaired, RuptureGroup.none])
        #expect(try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 1.75, basis: .client)).episodes.isEmpty)
    }

    @Test func invalidRulesAndSessionsAreRefused() throws {
        let panel = try SessionPanel(clientLabels: ["a"], clientCodes: [0, 0, 0], session: [1, 2, 3], score: [1, 2, 3])
        #expect(throws: MonitoringError.self) { try RuptureResult(panel: panel, rule: RuptureRule(dropSD: 0, minimumDrop: 0)) }
        #expect(throws: MonitoringError.self) { try RuptureResult(panel: panel, rule: RuptureRule(repairWindow: 0)) }
        #expect(throws: MonitoringError.duplicateSession(client: "a", session: 2)) {
            try SessionPanel(clientLabels: ["a"], clientCodes: [0, 0, 0], session: [1, 2, 2], score: [1, 2, 3])
        }
        let zero = try SessionPanel(clientLabels: ["a"], clientCodes: [0, 0], session: [0, 1], score: [1, 2])
        #expect(throws: MonitoringError.invalidSession(client: "a", session: 0)) { try ExpectedTreatmentResponse.fit(zero) }
    }

    // Flags, first flags and sensitivity/specificity on a model with known numbers: expected = intake − 2 log s,
    // prediction SD 1 at every session (no random effects), coverage Φ(1) so the boundary is expected ± 1.
    @Test func flagsAndAccuracyFollowTheBoundary() throws {
        let model = ExpectedTreatmentResponse(coefficients: [0, 1, -2, 0], interceptVariance: 0, slopeVariance: 0, covariance: 0,
                                              residualVariance: 1, clients: 0, sessions: 0)
        let e = { (s: Double) in 10 - 2 * log(s) }
        // a: on track throughout, improves; b: beyond the boundary at session 3, does not improve; c: intake only.
        let panel = try SessionPanel(clientLabels: ["a", "b", "c"], clientCodes: [0, 0, 0, 1, 1, 1, 2],
                                     session: [1, 2, 3, 1, 2, 3, 1],
                                     score: [10, e(2) + 0.5, e(3), 10, e(2) + 0.99, e(3) + 1.01, 10])
        let coverage = 0.8413447460685429  // Φ(1)
        let result = try TrackResult(model: model, panel: panel, coverage: coverage, direction: .lowerBetter)
        #expect(result.clients.count == 2 && result.intakeOnly == 1)
        #expect(result.sessions.map(\.notOnTrack) == [false, false, false, true])
        #expect(result.clients.map(\.firstFlag) == [nil, 3])
        #expect(abs(result.sessions[3].boundary - (e(3) + 1)) <= 1e-9)
        let evaluated = try result.evaluating(improved: [true, false], checkpoints: [2, 3])
        #expect(evaluated.accuracy?.sensitivity == 1 && evaluated.accuracy?.specificity == 1)
        #expect(evaluated.accuracyBySession.map(\.sensitivity) == [0, 1])
        #expect(throws: MonitoringError.invalidCoverage(0.4)) {
            try TrackResult(model: model, panel: panel, coverage: 0.4, direction: .lowerBetter)
        }
    }

    @Test func auditCountsAndQuarters() {
        #expect(ClinicAudit.quarter(of: "2024-05-17") == "2024-Q2")
        #expect(ClinicAudit.quarter(of: "2024-12") == "2024-Q4")
        #expect(ClinicAudit.quarter(of: "2024-13-01") == nil)
        #expect(ClinicAudit.quarter(of: "spring") == nil)
        func client(_ t: String, recovered: Bool?, dropout: Bool?) -> ClinicAudit.Client {
            ClinicAudit.Client(therapist: t, service: "s", period: nil, finished: recovered != nil, casenessAtStart: recovered != nil,
                               recovered: recovered, reliablyImproved: recovered, reliablyRecovered: recovered, dropout: dropout,
                               alliance: recovered == true ? 30 : 20)
        }
        let audit = ClinicAudit(clients: [client("t1", recovered: true, dropout: false), client("t1", recovered: false, dropout: true),
                                          client("t2", recovered: nil, dropout: nil), client("t2", recovered: true, dropout: false)])
        #expect(audit.overall.referrals == 4 && audit.overall.casenessAtStart == 3 && audit.overall.reliablyRecovered == 2)
        #expect(audit.therapists.map(\.label) == ["t1", "t2"])
        #expect(audit.recoveryFunnel.target == 2.0 / 3.0)
        #expect(audit.dropoutFunnel.target == 1.0 / 3.0)
        var merged = audit.therapists[0].counts
        merged.merge(audit.therapists[1].counts)
        #expect(merged.referrals == audit.overall.referrals)
        #expect(abs(merged.allianceMean - audit.overall.allianceMean) <= 1e-12)
        #expect(abs((merged.allianceSD ?? 0) - (audit.overall.allianceSD ?? 1)) <= 1e-12)
        #expect(FunnelLimits.plottingSizes(maximum: 3) == [1, 2, 3])
        #expect(FunnelLimits.plottingSizes(maximum: 5000).last == 5000)
    }
}
