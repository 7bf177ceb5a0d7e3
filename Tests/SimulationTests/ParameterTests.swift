import Testing
import Distributions
@testable import Simulation

@Test func outOfRangeParametersThrowNamedErrors() {
    #expect(throws: SimulationError.outOfRange(parameter: "clients", value: 0, allowed: "between 1 and 10,000,000")) {
        try simulate(SimulationParameters(clients: 0))
    }
    #expect(throws: SimulationError.self) { try simulate(SimulationParameters(dropoutRate: 1)) }
    #expect(throws: SimulationError.self) { try simulate(SimulationParameters(sites: 41)) }
    #expect(throws: SimulationError.self) { try simulate(SimulationParameters(maxSessions: 3)) }
    #expect(throws: SimulationError.self) { try simulate(SimulationParameters(allianceOutcomeR: .nan)) }
}

@Test func incompatibleTargetsAreReportedAsInfeasible() {
    // A strong between-therapist slope with almost no therapist outcome variance cannot hold.
    do {
        _ = try LatentParameters(SimulationParameters(therapistOutcomeShare: 0.001, betweenWithinRatio: 5))
        Issue.record("expected an infeasibility error")
    } catch {
        guard case .infeasible = error else { Issue.record("wrong error \(error)"); return }
    }
    // Observed r = .9 needs a latent correlation above 1 after the attenuation correction.
    #expect(throws: SimulationError.self) { try LatentParameters(SimulationParameters(allianceOutcomeR: 0.9)) }
}

@Test func latentOutcomeVarianceIsOneAndTargetsAreMet() throws {
    let l = try LatentParameters(SimulationParameters())
    let tau = l.allianceTherapistShare, c = l.allianceHomeworkCorrelation
    let bb = l.betweenSlope, bw = l.withinSlope, bh = l.homeworkSlope
    let variance = bb * bb * tau + bw * bw * (1 - tau) + bh * bh + 2 * bh * c * (bb * tau + bw * (1 - tau))
        + l.therapistEffectSD * l.therapistEffectSD + l.residualSD * l.residualSD
    #expect(abs(variance - 1) < 1e-12)
    let covAD = bb * tau + bw * (1 - tau) + bh * c
    #expect(abs(covAD - l.allianceOutcomeCorrelation) < 1e-12)
    let covHD = bh + c * (bb * tau + bw * (1 - tau))
    #expect(abs(covHD - l.homeworkOutcomeCorrelation) < 1e-12)
    let therapistVariance = (bb + c * bh) * (bb + c * bh) * tau + l.therapistEffectSD * l.therapistEffectSD
    #expect(abs(therapistVariance - l.therapistOutcomeShare) < 1e-12)
    #expect(abs(bb / bw - 2) < 1e-12)
}

@Test func dropoutLoadingReproducesLatentD() throws {
    let t = Normal.quantile(0.8)
    #expect(abs(Normal.cdf(t) - 0.8) < 1e-14)
    #expect(LatentParameters.latentDropoutD(loading: 0, threshold: t, rate: 0.2) == 0)
    for d in [-0.8, 0.3, 0.66, 1.2] {
        let a = try #require(LatentParameters.dropoutLoading(forD: d, threshold: t, rate: 0.2))
        #expect(abs(LatentParameters.latentDropoutD(loading: a, threshold: t, rate: 0.2) - d) < 1e-12)
    }
    #expect(LatentParameters.dropoutLoading(forD: 10, threshold: t, rate: 0.2) == nil)
}

/// Monte Carlo check of the closed-form truncated-normal d: 400,000 draws, SE of d ≈ 0.004,
/// tolerance 0.02 (5 SE).
@Test func closedFormDropoutDMatchesMonteCarlo() {
    var rng = SeededGenerator(seed: 99)
    let rate = 0.2, t = Normal.quantile(1 - rate), a = 0.4
    var stay = [Double](), leave = [Double]()
    for _ in 0..<400_000 {
        let alliance = rng.nextNormal()
        let liability = -a * alliance + (1 - a * a).squareRoot() * rng.nextNormal()
        if liability > t { leave.append(alliance) } else { stay.append(alliance) }
    }
    let pooled = (((Double(stay.count) - 1) * variance(stay) + (Double(leave.count) - 1) * variance(leave))
        / Double(stay.count + leave.count - 2)).squareRoot()
    let observed = (mean(stay) - mean(leave)) / pooled
    #expect(abs(observed - LatentParameters.latentDropoutD(loading: a, threshold: t, rate: rate)) < 0.02)
}
