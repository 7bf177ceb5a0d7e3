import Testing
@testable import Simulation

/// Large-sample recovery: 20,000 clients with 400 therapists (50 each, so the ICC is estimable);
/// every observed target must land within about 4 standard errors of the value asked for.
/// Standard errors (n ≈ 16,000 completers, ≈ 4,000 dropouts, ≈ 2,400 of them with a session-3 WAI):
///   r:       (1 − r²)/√n ≈ 0.0073, ×1.2 design effect for therapist clustering → 0.009; tolerance 0.035
///   ICC(1):  Donner's large-sample SE with k = 400, n̄ ≈ 40 → 0.005; tolerance 0.02
///   dropout: √(.2·.8/20,000) = 0.0028; tolerance 0.012
///   d:       √(1/n₁ + 1/n₂) ≈ 0.022 (≈ 0.025 with clustering); tolerance 0.10
/// The calibration itself (200,000 clients) adds < 1/3 of these SEs.
/// r, the ICC's baseline adjustment and the between/within slopes come from alliance's OLS
/// (ModelBasedTargets); d and the dropout rate are computed directly (ObservedTargets), and the two
/// paths must agree where they overlap (1e-9: same formulas, QR versus cross-products).
@Test func largeSampleRecoversCalibratedTargets() throws {
    let p = SimulationParameters(clients: 20_000, therapists: 400, sites: 3, seed: 2024)
    let study = try simulate(p)
    var o = ObservedTargets(study)
    let m = try ModelBasedTargets(study)
    #expect(abs(m.allianceOutcomeR - o.allianceOutcomeR) < 1e-9)
    #expect(abs(m.homeworkOutcomeR - o.homeworkOutcomeR) < 1e-9)
    #expect(abs(m.therapistShare - o.therapistShare) < 1e-9)
    #expect(abs(m.betweenSlope - o.betweenSlope) < 1e-9 * abs(o.betweenSlope))
    #expect(abs(m.withinSlope - o.withinSlope) < 1e-9 * abs(o.withinSlope))
    o.allianceOutcomeR = m.allianceOutcomeR
    o.homeworkOutcomeR = m.homeworkOutcomeR
    o.therapistShare = m.therapistShare
    // Better alliance, lower odds of dropping out (logistic regression on the WAI total).
    #expect(m.allianceDropoutLogitSlope < 0)
    // Sessions attended are overdispersed (gamma–Poisson course lengths): variance/mean ≈ 2.6 at the
    // defaults; a Poisson count would give 1 (SE of the ratio here ≈ 0.03).
    let attended = try #require(study.clients.column(named: "sessions_attended")?.numeric).values
    #expect(variance(attended) / mean(attended) > 1.5)
    #expect(abs(o.allianceOutcomeR - p.allianceOutcomeR) < 0.035, "alliance–outcome r \(o.allianceOutcomeR)")
    #expect(abs(o.homeworkOutcomeR - p.homeworkOutcomeR) < 0.035, "homework–outcome r \(o.homeworkOutcomeR)")
    #expect(abs(o.therapistShare - p.therapistOutcomeShare) < 0.02, "therapist ICC \(o.therapistShare)")
    #expect(abs(o.dropoutRate - p.dropoutRate) < 0.012, "dropout rate \(o.dropoutRate)")
    #expect(abs(o.allianceDropoutD - p.allianceDropoutD) < 0.10, "alliance–dropout d \(o.allianceDropoutD)")
    // Baldwin et al. (2007): therapist-level alliance predicts outcome more than client-level alliance. Large-
    // sample values at 50 clients per therapist (two 200,000-client runs): 0.436 and 0.421 between, 0.202 and
    // 0.199 within; therapist-clustered SEs there 0.0070 and 0.0020, ×√10 here: 0.022 and 0.0062; tolerances
    // 0.10 and 0.03 (≈ 4.5 SE).
    #expect(o.betweenSlope > o.withinSlope, "between \(o.betweenSlope) within \(o.withinSlope)")
    #expect(abs(o.betweenSlope - 0.428) < 0.10, "between-therapist slope \(o.betweenSlope)")
    #expect(abs(o.withinSlope - 0.200) < 0.03, "within-therapist slope \(o.withinSlope)")
}

/// Non-default targets move the observed quantities with them (the attenuation corrections are
/// proportional). 20,000 clients; same tolerances as above.
@Test func nonDefaultTargetsAreFollowed() throws {
    let p = SimulationParameters(clients: 20_000, therapists: 400, seed: 5, allianceOutcomeR: 0.20,
                                 dropoutRate: 0.35, allianceDropoutD: 0.30, homeworkOutcomeR: 0.15)
    let o = ObservedTargets(try simulate(p))
    #expect(abs(o.allianceOutcomeR - 0.20) < 0.035, "alliance–outcome r \(o.allianceOutcomeR)")
    #expect(abs(o.homeworkOutcomeR - 0.15) < 0.035, "homework–outcome r \(o.homeworkOutcomeR)")
    #expect(abs(o.dropoutRate - 0.35) < 0.015, "dropout rate \(o.dropoutRate)")
    #expect(abs(o.allianceDropoutD - 0.30) < 0.10, "alliance–dropout d \(o.allianceDropoutD)")
}
