/// Fixed constants of the generator that are not calibration targets: latent means, change
/// curves, attendance and homework. Documented in docs/simulation.md §Structural constants.
enum TrajectoryModel {
    // Depression (PHQ-9 latent, intake ~ N(0, 1)): end-of-treatment value
    // post = depressionPostMean + depressionCarryOver·pre − depressionChangeSD·D.
    static let depressionPostMean = -1.2
    static let depressionCarryOver = 0.5
    static let depressionChangeSD = 1.0
    // Anxiety (GAD-7 latent): intake = .6·depression + .8·z; change loads .7 on D.
    static let anxietyDepressionLoading = 0.6
    static let anxietyPostMean = -1.1
    static let anxietyCarryOver = 0.5
    static let anxietyChangeSD = 1.0
    static let anxietyChangeOnD = 0.7
    /// SD of session-to-session fluctuation of the symptom and alliance states.
    static let symptomOccasionSD = 0.3
    static let allianceOccasionSD = 0.4
    /// Change follows the saturating curve (s − 1)/(s − 1 + halfway), rescaled to reach 1 at the
    /// planned last session (rational, so no libm call can differ across platforms).
    static let symptomChangeHalfway = 4.0
    /// Alliance: mean latent level of the session state, constant over sessions. No trend: a trend in
    /// alliance alongside the symptom trend would confound the within-client lagged effect for any analysis
    /// that does not detrend (Falkenström et al., 2017). 0.42 is the level the former growth curve
    /// (0.3 + 0.3·(s − 1)/(s + 2)) reached at session 3, so the session-3 WAI-SR of the client table keeps
    /// its calibrated distribution.
    static let allianceMean = 0.42
    /// Sessions offered when completing: 4 + Poisson(Gamma(shape)·scale), capped at maxSessions.
    static let minimumSessions = 4
    static let extraSessionsShape = 2.0
    static let extraSessionsScale = 3.0
    /// A scheduled middle session is attended with probability Φ(attendIntercept + attendSlope·A),
    /// drawn as attendIntercept + attendSlope·A + z > 0.
    static let attendIntercept = 1.3
    static let attendSlope = 0.25
    /// Homework set at the previous session is done with probability Φ(homeworkIntercept + homeworkSlope·H).
    static let homeworkIntercept = 0.25
    static let homeworkSlope = 0.8
    /// Client demographics.
    static let ageMean = 38.0
    static let ageSD = 13.0
    static let femaleProbability = 0.64

    /// Fraction of the planned change reached at session `s` of a course planned to `planned` sessions.
    static func changeFraction(session s: Int, planned: Int) -> Double {
        func curve(_ k: Int) -> Double { Double(k - 1) / (Double(k - 1) + symptomChangeHalfway) }
        return min(1, curve(s) / curve(planned))
    }
}
