/// What the trial generator (`simulateTrial`) draws: a two-arm trial in which an alliance-focused treatment
/// works partly through the alliance, with the alliance → outcome slope moderated by modality (PROCESS model
/// 14). Every path is a parameter of a linear model, so the true a, b, c′, indirect effect and index of
/// moderated mediation are known in closed form (docs/simulation.md, "The trial").
public struct TrialParameters: Sendable, Equatable {
    /// The stream of `seed` the trial draws from, so a trial never repeats the clinic study's draws.
    public static let stream = 1

    /// Number of clients.
    public var clients: Int
    /// Number of therapists; clients are assigned at random, whatever their arm.
    public var therapists: Int
    /// Seed of the project's `SeededGenerator` (stream `TrialParameters.stream`).
    public var seed: UInt64
    /// Probability of the alliance-focused arm (arm = 1); 1:1 randomisation by default.
    public var treatmentShare: Double
    /// Probability of teletherapy (modality = 1); an assumption.
    public var teletherapyShare: Double

    /// Mean of PHQ-9 at baseline; a moderate-to-severe trial sample (inclusion PHQ-9 ≥ 10), an assumption.
    public var phqPreMean: Double
    /// SD of PHQ-9 at baseline (an assumption). Drawn bounded at mean ± 3 SD (see `simulateTrial`).
    public var phqPreSD: Double

    /// α0: mean WAI-SR total (12–60) under usual care (an assumption; item mean ≈ 3.4 on the 1–5 scale).
    public var allianceIntercept: Double
    /// a: arm → alliance, in WAI-SR points. Default 0.3 · `allianceSD` (a small effect of an alliance-focused
    /// treatment on the alliance, d = 0.3: an assumption).
    public var a: Double
    /// SD of the alliance residual e_M, drawn bounded at ± 3 SD so the total stays inside 12–60.
    public var allianceSD: Double

    /// β0: intercept of PHQ-9 post.
    public var outcomeIntercept: Double
    /// c′: direct effect of the arm on PHQ-9 post (a small effect, an assumption).
    public var cPrime: Double
    /// b: alliance → PHQ-9 post for in-person clients (modality = 0). With the defaults the modality-averaged
    /// slope b + π·b_w = −0.20 gives an alliance–outcome partial r (given arm and baseline) of about −.26 in the
    /// population (−.27 in Datasets/trial.csv), near Flückiger et al. (2018: r ≈ .28).
    public var b: Double
    /// b_w: how much the alliance slope differs in teletherapy (modality = 1); an assumption for the
    /// moderated-mediation example (a weaker alliance–outcome link at a distance).
    public var bModality: Double
    /// Main effect of teletherapy on PHQ-9 post (an assumption).
    public var modalityEffect: Double
    /// γ: PHQ-9 pre → post (an assumption; a pre–post correlation of about .3 in a treated sample).
    public var gamma: Double
    /// SD of the outcome residual e_Y (normal).
    public var outcomeSD: Double
    /// SD of a therapist's random intercept on PHQ-9 post (normal). Therapists are independent of arm,
    /// modality and alliance, so they leave every true slope unchanged and only cluster the residuals;
    /// 1.0 is about 5% of the outcome's residual variance (Johns et al., 2019: therapist effects ≈ 5%).
    public var therapistOutcomeSD: Double

    public init(
        clients: Int = 1000,
        therapists: Int = 40,
        seed: UInt64 = 20_240_601,
        treatmentShare: Double = 0.5,
        teletherapyShare: Double = 0.5,
        phqPreMean: Double = 17,
        phqPreSD: Double = 3,
        allianceIntercept: Double = 40,
        a: Double = 1.8,
        allianceSD: Double = 6,
        outcomeIntercept: Double = 8,
        cPrime: Double = -0.5,
        b: Double = -0.24,
        bModality: Double = 0.08,
        modalityEffect: Double = 0.5,
        gamma: Double = 0.5,
        outcomeSD: Double = 4,
        therapistOutcomeSD: Double = 1
    ) {
        self.clients = clients
        self.therapists = therapists
        self.seed = seed
        self.treatmentShare = treatmentShare
        self.teletherapyShare = teletherapyShare
        self.phqPreMean = phqPreMean
        self.phqPreSD = phqPreSD
        self.allianceIntercept = allianceIntercept
        self.a = a
        self.allianceSD = allianceSD
        self.outcomeIntercept = outcomeIntercept
        self.cPrime = cPrime
        self.b = b
        self.bModality = bModality
        self.modalityEffect = modalityEffect
        self.gamma = gamma
        self.outcomeSD = outcomeSD
        self.therapistOutcomeSD = therapistOutcomeSD
    }

    /// The true slopes of the model-4 regressions (outcome on arm and alliance, phq_pre as covariate), which
    /// average the alliance slope over modality: modality is independent of everything else, so the omitted
    /// b_w·(modality − π)·alliance term is uncorrelated with the regressors and b₄ = b + π·b_w exactly.
    public var modelFourB: Double { b + teletherapyShare * bModality }
    /// True indirect effect of model 4: a · (b + π·b_w).
    public var modelFourIndirect: Double { a * modelFourB }
    /// True conditional indirect effect at a modality value (PROCESS model 14): a · (b + b_w·modality).
    public func conditionalIndirect(modality: Double) -> Double { a * (b + bModality * modality) }
    /// True index of moderated mediation (model 14): a · b_w.
    public var indexOfModeratedMediation: Double { a * bModality }
    /// True total effect of the arm on PHQ-9 post: c = c′ + a·(b + π·b_w).
    public var totalEffect: Double { cPrime + modelFourIndirect }

    /// Checks every parameter; the alliance and baseline supports must lie inside their scales' ranges.
    public func validate() throws(SimulationError) {
        if clients < 10 { throw .outOfRange(parameter: "clients", value: Double(clients), allowed: "at least 10") }
        if therapists < 1 || therapists > clients {
            throw .outOfRange(parameter: "therapists", value: Double(therapists), allowed: "between 1 and the number of clients")
        }
        if !(therapistOutcomeSD >= 0 && therapistOutcomeSD.isFinite) {
            throw .outOfRange(parameter: "therapist_outcome_sd", value: therapistOutcomeSD, allowed: "zero or a positive finite number")
        }
        for (name, p) in [("treatment_share", treatmentShare), ("teletherapy_share", teletherapyShare)]
        where !(p > 0 && p < 1) {
            throw .outOfRange(parameter: name, value: p, allowed: "strictly between 0 and 1")
        }
        for (name, s) in [("phq_pre_sd", phqPreSD), ("alliance_sd", allianceSD), ("outcome_sd", outcomeSD)]
        where !(s > 0 && s.isFinite) {
            throw .outOfRange(parameter: name, value: s, allowed: "a positive finite number")
        }
        for (name, v) in [("phq_pre_mean", phqPreMean), ("alliance_intercept", allianceIntercept), ("a", a),
                          ("outcome_intercept", outcomeIntercept), ("c_prime", cPrime), ("b", b),
                          ("b_modality", bModality), ("modality_effect", modalityEffect), ("gamma", gamma)]
        where !v.isFinite {
            throw .outOfRange(parameter: name, value: v, allowed: "a finite number")
        }
        let preLow = phqPreMean - 3 * phqPreSD, preHigh = phqPreMean + 3 * phqPreSD
        if preLow < 0 || preHigh > 27 {
            throw .infeasible("phq_pre ranges over \(preLow)…\(preHigh) (mean ± 3 SD); it must stay inside the PHQ-9 range 0–27")
        }
        let allianceLow = allianceIntercept + min(0, a) - 3 * allianceSD
        let allianceHigh = allianceIntercept + max(0, a) + 3 * allianceSD
        if allianceLow < 12 || allianceHigh > 60 {
            throw .infeasible("alliance ranges over \(allianceLow)…\(allianceHigh) (intercept, a and ± 3 SD); it must stay inside the WAI-SR total range 12–60")
        }
    }
}
