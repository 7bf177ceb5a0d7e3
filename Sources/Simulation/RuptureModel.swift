import Distributions

/// Alliance ruptures in the session-by-session SRS (issue 17): some clients have one rupture, a dip in the alliance
/// the SRS measures at one scheduled session, which is either repaired (the alliance is back at the next session,
/// a V-shaped deflection as Stiles et al. 2004 describe) or not (most of the dip persists to the end). Only the SRS
/// items see it: the WAI-SR, symptoms, attendance and the client table are unchanged, and every draw comes from a
/// stream of its own (`SeededGenerator.stream(1, seed:)`), so the other columns stay byte-identical. The synthetic
/// data build in no effect of ruptures on outcome; an association `ruptures --outcome` finds on them comes from the
/// rest of the model (a rupture is more often detected in a longer course, and SRS noise carries the alliance).
struct RuptureModel {
    /// Share of clients with a rupture.
    static let probability = 0.3
    /// Share of ruptures that are repaired by the next session.
    static let repairProbability = 0.55
    /// Depth in latent alliance units (an SRS item moves 0.88 points per unit, the total 3.5): 1.0 to 1.5.
    static let minimumDepth = 1.0
    static let depthRange = 0.5
    /// The part of an unrepaired dip that persists after the rupture session.
    static let persistence = 0.7

    let session: Int?
    let depth: Double
    let repaired: Bool

    /// Draws one client's rupture (always the same four draws, so clients never shift each other's streams).
    static func draw(offered: Int, using generator: inout SeededGenerator) -> RuptureModel {
        let happens = generator.nextUniform() < probability
        let position = generator.nextUniform()
        let depth = minimumDepth + depthRange * generator.nextUniform()
        let repaired = generator.nextUniform() < repairProbability
        // A V needs a session before and after: ruptures fall on scheduled sessions 2 … offered − 1.
        guard happens, offered >= 3 else { return RuptureModel(session: nil, depth: 0, repaired: false) }
        let session = 2 + min(offered - 3, Int(position * Double(offered - 2)))
        return RuptureModel(session: session, depth: depth, repaired: repaired)
    }

    /// How far the SRS alliance is pushed down at scheduled session `s`.
    func deflection(at s: Int) -> Double {
        guard let session, s >= session else { return 0 }
        if s == session { return depth }
        return repaired ? 0 : Self.persistence * depth
    }
}
