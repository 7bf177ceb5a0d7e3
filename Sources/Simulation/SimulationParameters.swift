/// What to simulate. The six target quantities are OBSERVED quantities in the generated data
/// (after item discretisation and measurement error), each defined in docs/simulation.md;
/// `LatentParameters` turns them into the latent values the generator uses.
public struct SimulationParameters: Sendable, Equatable {
    /// Number of clients (rows of the client table).
    public var clients: Int
    /// Number of therapists; clients are assigned to therapists at random.
    public var therapists: Int
    /// Number of sites; therapist k works at site k mod `sites`.
    public var sites: Int
    /// Seed of the project's `SeededGenerator`; the same seed gives the same bytes.
    public var seed: UInt64

    /// Pearson r between the WAI-SR total at the third attended session and PHQ-9 improvement
    /// (pre − post) among completers (Flückiger et al., 2018: r ≈ .28).
    public var allianceOutcomeR: Double
    /// ICC(1) by therapist of the completers' PHQ-9 post score adjusted for the pre score
    /// (Johns et al., 2019: therapist effects ≈ 5%).
    public var therapistOutcomeShare: Double
    /// Proportion of clients who drop out (Swift & Greenberg, 2012: ≈ 20%).
    public var dropoutRate: Double
    /// Cohen's d (pooled SD) of the WAI-SR total at the third attended session, completers minus
    /// dropouts, among clients who attended at least three sessions (Sharf et al., 2010: d ≈ .55).
    public var allianceDropoutD: Double
    /// Pearson r between the proportion of homework completed and PHQ-9 improvement among
    /// completers (Mausbach et al., 2010: r ≈ .26).
    public var homeworkOutcomeR: Double
    /// Ratio of the latent between-therapist to within-therapist alliance slopes on outcome
    /// (Baldwin, Wampold & Imel, 2007: therapist differences in alliance predict outcome more than
    /// client differences within a therapist's caseload). Latent, not an observed quantity.
    public var betweenWithinRatio: Double
    /// Share of latent alliance variance that lies between therapists (an assumption; see docs).
    public var allianceTherapistShare: Double
    /// Latent correlation between alliance and homework propensity (an assumption; see docs).
    public var allianceHomeworkCorrelation: Double
    /// Upper bound on the number of sessions offered to a client (at least 4).
    public var maxSessions: Int
    /// Within-client lagged alliance effect on symptoms (Falkenström et al., 2017): the slope, in PHQ-9
    /// points per WAI-SR point, of the PHQ-9 total at session s + 1 on the WAI-SR total at session s
    /// centred on the client's mean over attended sessions (consecutive attended sessions). Negative: a
    /// better-than-usual alliance is followed by fewer symptoms. An observed quantity (docs/simulation.md).
    public var allianceSymptomLag: Double

    public init(
        clients: Int = 1000,
        therapists: Int = 40,
        sites: Int = 3,
        seed: UInt64 = 20_240_601,
        allianceOutcomeR: Double = 0.28,
        therapistOutcomeShare: Double = 0.05,
        dropoutRate: Double = 0.20,
        allianceDropoutD: Double = 0.55,
        homeworkOutcomeR: Double = 0.26,
        betweenWithinRatio: Double = 2.0,
        allianceTherapistShare: Double = 0.10,
        allianceHomeworkCorrelation: Double = 0.30,
        maxSessions: Int = 20,
        allianceSymptomLag: Double = -0.10
    ) {
        self.clients = clients
        self.therapists = therapists
        self.sites = sites
        self.seed = seed
        self.allianceOutcomeR = allianceOutcomeR
        self.therapistOutcomeShare = therapistOutcomeShare
        self.dropoutRate = dropoutRate
        self.allianceDropoutD = allianceDropoutD
        self.homeworkOutcomeR = homeworkOutcomeR
        self.betweenWithinRatio = betweenWithinRatio
        self.allianceTherapistShare = allianceTherapistShare
        self.allianceHomeworkCorrelation = allianceHomeworkCorrelation
        self.maxSessions = maxSessions
        self.allianceSymptomLag = allianceSymptomLag
    }
}

/// Why a set of parameters cannot be simulated.
public enum SimulationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A parameter outside its allowed range: name, value, and the range in words.
    case outOfRange(parameter: String, value: Double, allowed: String)
    /// The targets cannot hold together (e.g. the therapist share is smaller than what the
    /// between-therapist alliance slope alone implies).
    case infeasible(String)
    /// The generated columns could not form a table (an internal inconsistency; please report it).
    case table(String)

    public var description: String {
        switch self {
        case .outOfRange(let name, let value, let allowed):
            return "simulation parameter \(name) = \(value) is out of range: it must be \(allowed)"
        case .infeasible(let reason):
            return "simulation parameters cannot be met together: \(reason)"
        case .table(let reason):
            return "simulated data could not be assembled into a table: \(reason)"
        }
    }
}
