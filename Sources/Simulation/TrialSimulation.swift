import Distributions
import DataTable

/// A generated trial (synthetic data): one row per client, columns `SimulatedTrial.columns`.
public struct SimulatedTrial: Sendable, Equatable {
    public static let columns = ["client", "therapist", "arm", "modality", "phq_pre", "wai_sr_total", "phq_post"]

    public let parameters: TrialParameters
    public let table: Table

    /// The table as CSV text (header, LF line endings).
    public func csv() -> String { CSVText.render(table) }
}

/// Generates the trial of `TrialParameters` from stream `TrialParameters.stream` of its seed. Per client:
///
///     arm ~ Bernoulli(treatmentShare), modality ~ Bernoulli(teletherapyShare), therapist ~ uniform
///     phq_pre      = μ_pre + σ_pre·B
///     wai_sr_total = α0 + a·arm + σ_M·B
///     phq_post     = β0 + c′·arm + b·wai_sr_total + w·modality + b_w·wai_sr_total·modality + γ·phq_pre + u_t + e_Y
///
/// with B a bounded bell-shaped draw (a sum of three uniforms, centred and scaled to SD 1, so |B| ≤ 3) that keeps
/// WAI-SR inside 12–60 and PHQ-9 pre inside 0–27 without clipping (clipping would bend the true slopes), and
/// u_t, e_Y normal. phq_pre and wai_sr_total are rounded to 3 decimals before phq_post is computed from them,
/// so the linear model holds exactly for the written values; phq_post is rounded to 3 decimals. phq_post is
/// on the PHQ-9 metric but, as a linear model's value, is not confined to 0–27.
public func simulateTrial(_ p: TrialParameters) throws(SimulationError) -> SimulatedTrial {
    try p.validate()
    var rng = SeededGenerator.stream(TrialParameters.stream, seed: p.seed)
    var therapistEffect = [Double]()
    for _ in 0..<p.therapists { therapistEffect.append(p.therapistOutcomeSD * rng.nextNormal()) }
    let therapistCodes = codes(prefix: "T", count: p.therapists, minimumWidth: 2)
    let clientCodes = codes(prefix: "c", count: p.clients, minimumWidth: 4)

    var client = [String](), therapist = [String]()
    var arm = [Double](), modality = [Double](), pre = [Double](), alliance = [Double](), post = [Double]()
    for i in 0..<p.clients {
        let t = rng.nextInt(below: p.therapists)
        let x: Double = rng.nextBernoulli(p.treatmentShare) ? 1 : 0
        let w: Double = rng.nextBernoulli(p.teletherapyShare) ? 1 : 0
        let phqPre = rounded3(p.phqPreMean + p.phqPreSD * boundedDraw(&rng))
        let m = rounded3(p.allianceIntercept + p.a * x + p.allianceSD * boundedDraw(&rng))
        let y = p.outcomeIntercept + p.cPrime * x + p.b * m + p.modalityEffect * w + p.bModality * m * w
            + p.gamma * phqPre + therapistEffect[t] + p.outcomeSD * rng.nextNormal()
        client.append(clientCodes[i]); therapist.append(therapistCodes[t])
        arm.append(x); modality.append(w); pre.append(phqPre); alliance.append(m); post.append(rounded3(y))
    }
    do {
        let table = try Table(columns: [
            Column(name: "client", categorical: client),
            Column(name: "therapist", categorical: therapist),
            Column(name: "arm", numeric: arm),
            Column(name: "modality", numeric: modality),
            Column(name: "phq_pre", numeric: pre),
            Column(name: "wai_sr_total", numeric: alliance),
            Column(name: "phq_post", numeric: post),
        ])
        return SimulatedTrial(parameters: p, table: table)
    } catch {
        throw .table(error.description)
    }
}

/// (U₁ + U₂ + U₃ − 1.5) · 2: mean 0, SD 1 (the sum's variance is 3/12), bounded by ± 3.
private func boundedDraw(_ rng: inout SeededGenerator) -> Double {
    (rng.nextUniform() + rng.nextUniform() + rng.nextUniform() - 1.5) * 2
}

private func rounded3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
