import Distributions

/// The latent values the generator uses, derived from the observed targets in
/// `SimulationParameters`. The observed quantities are attenuated by item discretisation,
/// occasion and item noise, the pre-score component of improvement, and binomial noise in the
/// homework proportion, so each latent target is the observed target times an attenuation
/// correction calibrated by large-sample simulation at the defaults (docs/simulation.md §Calibration).
///
/// Latent model (all latent scores standardised):
///   alliance        A = u_t + e_i,                 u_t ~ N(0, τ), e_i ~ N(0, 1 − τ)
///   homework        H = c·A + √(1 − c²)·z_h
///   improvement     D = β_b·u_t + β_w·e_i + β_h·H + v_t + σ_ε·ε_i,   Var(D) = 1
///   dropout         dropout ⇔ −a·A + √(1 − a²)·z_d > Φ⁻¹(1 − dropoutRate)
///   session lag     depression(s + 1) += γ·δ_s, δ_s the alliance state's occasion deviation at session s
public struct LatentParameters: Sendable, Equatable {
    /// Latent correlation of alliance A with improvement D.
    public let allianceOutcomeCorrelation: Double
    /// Latent correlation of homework propensity H with improvement D.
    public let homeworkOutcomeCorrelation: Double
    /// Share of Var(D) between therapists.
    public let therapistOutcomeShare: Double
    /// Cohen's d of latent alliance between completers and dropouts.
    public let allianceDropoutD: Double
    /// τ: between-therapist share of latent alliance variance.
    public let allianceTherapistShare: Double
    /// c: latent alliance–homework correlation.
    public let allianceHomeworkCorrelation: Double
    /// β_b: slope of D on the therapist component u_t of alliance.
    public let betweenSlope: Double
    /// β_w: slope of D on the client component e_i of alliance.
    public let withinSlope: Double
    /// β_h: slope of D on homework propensity H.
    public let homeworkSlope: Double
    /// SD of the therapist effect v_t on D not carried by alliance.
    public let therapistEffectSD: Double
    /// σ_ε: SD of the client-level residual of D.
    public let residualSD: Double
    /// a: loading of the dropout liability on −A.
    public let dropoutLoading: Double
    /// Φ⁻¹(1 − dropoutRate): threshold on the standardised dropout liability.
    public let dropoutThreshold: Double
    /// γ: change in the latent depression state at session s + 1 per unit of the latent alliance state's
    /// deviation from the client's level at session s (within-client, lagged; zero mean within each client).
    public let allianceSymptomLag: Double

    /// Multipliers from observed to latent targets, calibrated at the defaults: the mean of the
    /// observed/latent ratios over seven rounds of 200,000–300,000 clients (50 per therapist),
    /// inverted (docs/simulation.md §Calibration; rerun with `ALLIANCE_CALIBRATE=1`).
    struct AttenuationCorrection: Sendable, Equatable {
        var allianceOutcome: Double
        var homeworkOutcome: Double
        var therapistShare: Double
        var allianceDropout: Double
        /// Latent γ per observed within-client slope (PHQ-9 points per WAI-SR point): the PHQ-9 total's
        /// points per latent depression unit and the WAI-SR total's points per latent alliance unit, with the
        /// attenuation of the WAI-SR's within-client deviations by item noise.
        var allianceSymptomLag: Double

        static let calibrated = AttenuationCorrection(
            allianceOutcome: 1.730, homeworkOutcome: 1.805, therapistShare: 1.420, allianceDropout: 1.140,
            allianceSymptomLag: 2.36)
    }

    /// Latent values for `p`, using the calibrated attenuation corrections.
    public init(_ p: SimulationParameters) throws(SimulationError) {
        try self.init(p, correction: .calibrated)
    }

    init(_ p: SimulationParameters, correction: AttenuationCorrection) throws(SimulationError) {
        try Self.validate(p)
        let rhoA = p.allianceOutcomeR * correction.allianceOutcome
        let rhoH = p.homeworkOutcomeR * correction.homeworkOutcome
        let share = p.therapistOutcomeShare * correction.therapistShare
        let dLatent = p.allianceDropoutD * correction.allianceDropout
        let tau = p.allianceTherapistShare
        let c = p.allianceHomeworkCorrelation
        let ratio = p.betweenWithinRatio
        guard abs(rhoA) < 1, abs(rhoH) < 1 else {
            throw .infeasible("after correcting for attenuation the latent correlations (\(rhoA), \(rhoH)) must lie in (−1, 1); lower allianceOutcomeR or homeworkOutcomeR")
        }
        guard share < 1 else {
            throw .infeasible("after correcting for attenuation the latent therapist share \(share) must be below 1; lower therapistOutcomeShare")
        }
        // Cov(A, D) = β_w·k + β_h·c and Cov(H, D) = β_h + c·β_w·k with k = ratio·τ + 1 − τ.
        let k = ratio * tau + 1 - tau
        guard abs(k) > 1e-12 else {
            throw .infeasible("betweenWithinRatio·allianceTherapistShare + 1 − allianceTherapistShare is zero; change betweenWithinRatio")
        }
        let betaW = (rhoA - c * rhoH) / (k * (1 - c * c))
        let betaH = (rhoH - c * rhoA) / (1 - c * c)
        let betaB = ratio * betaW
        let allianceCarried = (betaB + c * betaH) * (betaB + c * betaH) * tau
        let therapistVariance = share - allianceCarried
        guard therapistVariance >= 0 else {
            throw .infeasible("the between-therapist alliance slope alone puts \(allianceCarried) of the latent outcome variance between therapists, more than the latent therapist share \(share); raise therapistOutcomeShare or lower betweenWithinRatio or allianceTherapistShare")
        }
        let explained = betaB * betaB * tau + betaW * betaW * (1 - tau) + betaH * betaH
            + 2 * betaH * c * (betaB * tau + betaW * (1 - tau)) + therapistVariance
        guard explained < 1 else {
            throw .infeasible("the targets explain \(explained) of the latent outcome variance (must be below 1); lower the correlations or the therapist share")
        }
        let threshold = Normal.quantile(1 - p.dropoutRate)
        guard let loading = Self.dropoutLoading(forD: dLatent, threshold: threshold, rate: p.dropoutRate) else {
            throw .infeasible("a latent alliance–dropout d of \(dLatent) cannot be reached with a dropout rate of \(p.dropoutRate); lower allianceDropoutD")
        }
        allianceOutcomeCorrelation = rhoA
        homeworkOutcomeCorrelation = rhoH
        therapistOutcomeShare = share
        allianceDropoutD = dLatent
        allianceTherapistShare = tau
        allianceHomeworkCorrelation = c
        betweenSlope = betaB
        withinSlope = betaW
        homeworkSlope = betaH
        therapistEffectSD = therapistVariance.squareRoot()
        residualSD = (1 - explained).squareRoot()
        dropoutLoading = loading
        dropoutThreshold = threshold
        allianceSymptomLag = p.allianceSymptomLag * correction.allianceSymptomLag
    }

    /// Cohen's d (completers − dropouts, pooled SD) of a standard normal A when dropout is
    /// −a·A + √(1 − a²)·z > t: the truncated bivariate normal moments in closed form.
    static func latentDropoutD(loading a: Double, threshold t: Double, rate p: Double) -> Double {
        let upper = Normal.density(t) / p            // E[liability | dropout]
        let lower = Normal.density(t) / (1 - p)      // −E[liability | completer]
        let varDrop = 1 - a * a * upper * (upper - t)
        let varStay = 1 - a * a * lower * (lower + t)
        let pooled = (p * varDrop + (1 - p) * varStay).squareRoot()
        return a * (upper + lower) / pooled
    }

    /// Solves `latentDropoutD(a) = d` for a in (−1, 1) by bisection; nil when out of reach.
    static func dropoutLoading(forD d: Double, threshold t: Double, rate p: Double) -> Double? {
        let limit = 0.999
        let reach = latentDropoutD(loading: limit, threshold: t, rate: p)
        guard abs(d) <= reach else { return nil }
        var low = 0.0, high = limit
        for _ in 0..<100 {
            let mid = 0.5 * (low + high)
            if latentDropoutD(loading: mid, threshold: t, rate: p) < abs(d) { low = mid } else { high = mid }
        }
        return d < 0 ? -0.5 * (low + high) : 0.5 * (low + high)
    }

    static func validate(_ p: SimulationParameters) throws(SimulationError) {
        func require(_ ok: Bool, _ name: String, _ value: Double, _ allowed: String) throws(SimulationError) {
            if !ok { throw .outOfRange(parameter: name, value: value, allowed: allowed) }
        }
        try require(p.clients >= 1 && p.clients <= 10_000_000, "clients", Double(p.clients), "between 1 and 10,000,000")
        try require(p.therapists >= 1 && p.therapists <= 100_000, "therapists", Double(p.therapists), "between 1 and 100,000")
        try require(p.sites >= 1 && p.sites <= p.therapists, "sites", Double(p.sites), "between 1 and the number of therapists")
        try require(p.allianceOutcomeR.isFinite && abs(p.allianceOutcomeR) < 1, "allianceOutcomeR", p.allianceOutcomeR, "in (−1, 1)")
        try require(p.homeworkOutcomeR.isFinite && abs(p.homeworkOutcomeR) < 1, "homeworkOutcomeR", p.homeworkOutcomeR, "in (−1, 1)")
        try require(p.therapistOutcomeShare >= 0 && p.therapistOutcomeShare < 1, "therapistOutcomeShare", p.therapistOutcomeShare, "in [0, 1)")
        try require(p.dropoutRate > 0 && p.dropoutRate < 1, "dropoutRate", p.dropoutRate, "in (0, 1)")
        try require(p.allianceDropoutD.isFinite && abs(p.allianceDropoutD) <= 3, "allianceDropoutD", p.allianceDropoutD, "in [−3, 3]")
        try require(p.betweenWithinRatio.isFinite, "betweenWithinRatio", p.betweenWithinRatio, "a finite number")
        try require(p.allianceTherapistShare >= 0 && p.allianceTherapistShare < 1, "allianceTherapistShare", p.allianceTherapistShare, "in [0, 1)")
        try require(p.allianceHomeworkCorrelation.isFinite && abs(p.allianceHomeworkCorrelation) < 1, "allianceHomeworkCorrelation", p.allianceHomeworkCorrelation, "in (−1, 1)")
        try require(p.allianceSymptomLag.isFinite && abs(p.allianceSymptomLag) <= 1, "allianceSymptomLag", p.allianceSymptomLag, "in [−1, 1] PHQ-9 points per WAI-SR point")
        try require(p.maxSessions >= 4 && p.maxSessions <= 200, "maxSessions", Double(p.maxSessions), "between 4 and 200")
    }
}
