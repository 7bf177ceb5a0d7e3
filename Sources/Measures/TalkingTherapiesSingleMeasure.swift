import DataTable

/// NHS Talking Therapies outcome definitions on one measure (e.g. a service auditing the PHQ-9 alone): caseness at
/// or above `caseness` (PHQ-9 ≥ 10, GAD-7 ≥ 8), recovery = at caseness at the start and not at the end, reliable
/// improvement = a fall of at least `reliableChange` points (PHQ-9 6, GAD-7 4) with no reliable rise, reliable
/// recovery = both. Lower scores are better, as on every measure the programme uses. Rows lacking a score, or with
/// fewer than `minimumSessions` (when `sessions` is given), are excluded as in `talkingTherapiesOutcomes`.
public func talkingTherapiesRows(pre: [Double?], post: [Double?], caseness: Double, reliableChange: Double,
                                 sessions: [Double?]? = nil,
                                 minimumSessions: Double = TalkingTherapiesThresholds.nhs.minimumSessions) throws(TalkingTherapiesError) -> [TalkingTherapiesRow] {
    let n = pre.count
    guard post.count == n, sessions.map({ $0.count == n }) ?? true else { throw .lengthMismatch }
    return (0..<n).map { i in
        guard let p0 = pre[i], let p1 = post[i] else {
            return TalkingTherapiesRow(exclusion: .incompleteScores, casenessAtStart: nil, casenessAtEnd: nil, recovered: nil,
                                       reliablyImproved: nil, reliablyDeteriorated: nil, reliablyRecovered: nil)
        }
        if let sessions, !((sessions[i] ?? -1) >= minimumSessions) {
            return TalkingTherapiesRow(exclusion: .notFinished, casenessAtStart: nil, casenessAtEnd: nil, recovered: nil,
                                       reliablyImproved: nil, reliablyDeteriorated: nil, reliablyRecovered: nil)
        }
        let start = DecimalCutoff.reaches(p0, caseness), end = DecimalCutoff.reaches(p1, caseness)
        let worse = DecimalCutoff.reaches(p1 - p0, reliableChange)
        let improves = DecimalCutoff.reaches(p0 - p1, reliableChange) && !worse
        let recovers = start && !end
        return TalkingTherapiesRow(exclusion: nil, casenessAtStart: start, casenessAtEnd: end,
                                   recovered: start ? recovers : nil, reliablyImproved: improves, reliablyDeteriorated: worse,
                                   reliablyRecovered: start ? (recovers && improves) : nil)
    }
}
