import DataTable

/// Thresholds of the NHS Talking Therapies outcome metrics (defaults from the NHS Talking Therapies Manual).
public struct TalkingTherapiesThresholds: Sendable, Equatable {
    /// Caseness: PHQ-9 total at or above this.
    public var phq9Caseness: Double
    /// Caseness: GAD-7 total at or above this.
    public var gad7Caseness: Double
    /// Reliable change on the PHQ-9, in points.
    public var phq9ReliableChange: Double
    /// Reliable change on the GAD-7, in points.
    public var gad7ReliableChange: Double
    /// Attended treatment sessions needed to count as having finished a course of treatment.
    public var minimumSessions: Double

    public init(phq9Caseness: Double = 10, gad7Caseness: Double = 8, phq9ReliableChange: Double = 6,
                gad7ReliableChange: Double = 4, minimumSessions: Double = 2) {
        self.phq9Caseness = phq9Caseness
        self.gad7Caseness = gad7Caseness
        self.phq9ReliableChange = phq9ReliableChange
        self.gad7ReliableChange = gad7ReliableChange
        self.minimumSessions = minimumSessions
    }

    public static let nhs = TalkingTherapiesThresholds()
}

/// A metric as numerator / denominator; `rate` is nil when the denominator is 0.
public struct RateMetric: Sendable, Equatable {
    public let numerator: Int
    public let denominator: Int
    public var rate: Double? { denominator > 0 ? Double(numerator) / Double(denominator) : nil }

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// Why a row is outside the outcome metrics.
public enum TalkingTherapiesExclusion: String, Sendable, Equatable {
    /// A PHQ-9 or GAD-7 score is missing at the start or the end.
    case incompleteScores = "incomplete_scores"
    /// Fewer than the minimum treatment sessions (or sessions unknown when a sessions column is given).
    case notFinished = "not_finished"
}

/// One referral's classification; the outcome flags are nil for excluded rows.
public struct TalkingTherapiesRow: Sendable, Equatable {
    public let exclusion: TalkingTherapiesExclusion?
    public let casenessAtStart: Bool?
    public let casenessAtEnd: Bool?
    public let recovered: Bool?
    public let reliablyImproved: Bool?
    public let reliablyDeteriorated: Bool?
    public let reliablyRecovered: Bool?
}

public struct TalkingTherapiesOutcomes: Sendable, Equatable {
    public let thresholds: TalkingTherapiesThresholds
    public let referrals: Int
    /// Rows excluded for a missing score.
    public let incompleteScores: Int
    /// Rows excluded for fewer than the minimum sessions.
    public let notFinished: Int
    /// Finished a course of treatment with paired scores: the base of every metric.
    public let finishedTreatment: Int
    /// At caseness at the start, among those finishing treatment.
    public let casenessAtStart: RateMetric
    /// Recovery: at caseness at the start and not at the end; denominator excludes those not at caseness at the start.
    public let recovery: RateMetric
    /// Reliable improvement on either measure with no reliable deterioration on either; denominator: all finishing treatment.
    public let reliableImprovement: RateMetric
    /// Reliable deterioration on either measure; denominator: all finishing treatment.
    public let reliableDeterioration: RateMetric
    /// Recovered and reliably improved; denominator as for recovery.
    public let reliableRecovery: RateMetric
    public let rows: [TalkingTherapiesRow]
    public let warnings: [String]
}

public enum TalkingTherapiesError: Error, Equatable, CustomStringConvertible, Sendable {
    case lengthMismatch
    /// A total outside 0–27 (PHQ-9) or 0–21 (GAD-7); `input` 0…3 is PHQ-9 start, PHQ-9 end, GAD-7 start, GAD-7 end.
    case outOfRange(OutOfRangeTotals)

    public var description: String {
        switch self {
        case .lengthMismatch:
            return "PHQ-9 and GAD-7 pre/post scores (and sessions, when given) must all have one value per referral"
        case .outOfRange(let r):
            return r.description(columns: ["PHQ-9 start", "PHQ-9 end", "GAD-7 start", "GAD-7 end"])
        }
    }
}

/// NHS Talking Therapies outcome metrics from paired PHQ-9 and GAD-7 totals (definitions and sources in
/// docs/nhs-talking-therapies.md). Without `sessions`, every row is taken to have finished treatment.
public func talkingTherapiesOutcomes(phq9Pre: [Double?], phq9Post: [Double?], gad7Pre: [Double?], gad7Post: [Double?],
                                     sessions: [Double?]? = nil,
                                     thresholds: TalkingTherapiesThresholds = .nhs) throws(TalkingTherapiesError) -> TalkingTherapiesOutcomes {
    let n = phq9Pre.count
    guard phq9Post.count == n, gad7Pre.count == n, gad7Post.count == n, sessions.map({ $0.count == n }) ?? true else {
        throw .lengthMismatch
    }
    // A -99 left in an end score would count as recovered and a 999 as deteriorated: refuse totals the measures cannot give.
    if let found = OutOfRangeTotals.find([phq9Pre, phq9Post], min: 0, max: 27, instrument: "PHQ-9")
        ?? OutOfRangeTotals.find([gad7Pre, gad7Post], min: 0, max: 21, instrument: "GAD-7", firstInput: 2) {
        throw .outOfRange(found)
    }
    let t = thresholds
    func isCase(_ phq: Double, _ gad: Double) -> Bool {
        DecimalCutoff.reaches(phq, t.phq9Caseness) || DecimalCutoff.reaches(gad, t.gad7Caseness)
    }

    var rows: [TalkingTherapiesRow] = []
    var incomplete = 0, notFinished = 0, finished = 0
    var casesAtStart = 0, recovered = 0, improved = 0, deteriorated = 0, reliablyRecovered = 0
    for i in 0..<n {
        guard let p0 = phq9Pre[i], let p1 = phq9Post[i], let g0 = gad7Pre[i], let g1 = gad7Post[i] else {
            incomplete += 1
            rows.append(TalkingTherapiesRow(exclusion: .incompleteScores, casenessAtStart: nil, casenessAtEnd: nil,
                                            recovered: nil, reliablyImproved: nil, reliablyDeteriorated: nil,
                                            reliablyRecovered: nil))
            continue
        }
        if let sessions, !((sessions[i] ?? -1) >= t.minimumSessions) {
            notFinished += 1
            rows.append(TalkingTherapiesRow(exclusion: .notFinished, casenessAtStart: nil, casenessAtEnd: nil,
                                            recovered: nil, reliablyImproved: nil, reliablyDeteriorated: nil,
                                            reliablyRecovered: nil))
            continue
        }
        finished += 1
        let startCase = isCase(p0, g0), endCase = isCase(p1, g1)
        // Improvement is a fall in score on both measures.
        let phqImproved = DecimalCutoff.reaches(p0 - p1, t.phq9ReliableChange)
        let gadImproved = DecimalCutoff.reaches(g0 - g1, t.gad7ReliableChange)
        let phqWorse = DecimalCutoff.reaches(p1 - p0, t.phq9ReliableChange)
        let gadWorse = DecimalCutoff.reaches(g1 - g0, t.gad7ReliableChange)
        let deteriorates = phqWorse || gadWorse
        let improves = (phqImproved || gadImproved) && !deteriorates
        let recovers = startCase && !endCase
        if startCase { casesAtStart += 1 }
        if recovers { recovered += 1 }
        if improves { improved += 1 }
        if deteriorates { deteriorated += 1 }
        if recovers && improves { reliablyRecovered += 1 }
        rows.append(TalkingTherapiesRow(exclusion: nil, casenessAtStart: startCase, casenessAtEnd: endCase,
                                        recovered: startCase ? recovers : nil, reliablyImproved: improves,
                                        reliablyDeteriorated: deteriorates,
                                        reliablyRecovered: startCase ? (recovers && improves) : nil))
    }
    var warnings: [String] = []
    if incomplete > 0 { warnings.append("\(incomplete) referral(s) lack a PHQ-9 or GAD-7 score at start or end and are excluded") }
    if notFinished > 0 { warnings.append("\(notFinished) referral(s) had fewer than \(format(t.minimumSessions)) treatment sessions and are excluded") }
    if sessions == nil { warnings.append("no sessions column: every referral with paired scores is taken to have finished treatment") }
    return TalkingTherapiesOutcomes(
        thresholds: t, referrals: n, incompleteScores: incomplete, notFinished: notFinished, finishedTreatment: finished,
        casenessAtStart: RateMetric(numerator: casesAtStart, denominator: finished),
        recovery: RateMetric(numerator: recovered, denominator: casesAtStart),
        reliableImprovement: RateMetric(numerator: improved, denominator: finished),
        reliableDeterioration: RateMetric(numerator: deteriorated, denominator: finished),
        reliableRecovery: RateMetric(numerator: reliablyRecovered, denominator: casesAtStart),
        rows: rows, warnings: warnings)
}

extension TalkingTherapiesOutcomes {
    /// Per-referral flags for `change --nhs-talking-therapies --out`: 1/0, empty where a row is excluded or
    /// (recovery) was not at caseness at the start.
    public var rowColumns: [Column] {
        func flag(_ value: Bool?) -> Double? { value.map { $0 ? 1 : 0 } }
        return [
            Column(name: "tt_excluded", categorical: rows.map { $0.exclusion?.rawValue }),
            Column(name: "tt_caseness_start", numeric: rows.map { flag($0.casenessAtStart) }),
            Column(name: "tt_caseness_end", numeric: rows.map { flag($0.casenessAtEnd) }),
            Column(name: "tt_recovered", numeric: rows.map { flag($0.recovered) }),
            Column(name: "tt_reliable_improvement", numeric: rows.map { flag($0.reliablyImproved) }),
            Column(name: "tt_reliable_deterioration", numeric: rows.map { flag($0.reliablyDeteriorated) }),
            Column(name: "tt_reliable_recovery", numeric: rows.map { flag($0.reliablyRecovered) }),
        ]
    }
}
