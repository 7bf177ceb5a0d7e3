import Distributions

/// One session checked against the expected-response boundary.
public struct TrackedSession: Sendable, Equatable {
    public let client: Int
    public let session: Double
    public let score: Double
    public let expected: Double
    public let boundary: Double
    public let notOnTrack: Bool
}

/// One client: whether any session was flagged, when first, and how treatment ended.
public struct TrackedClient: Sendable, Equatable {
    public let intake: Double
    public let final: Double
    /// Sessions after intake that were checked.
    public let sessions: Int
    /// The first session flagged not on track (nil: never).
    public let firstFlag: Double?
    /// Reliable improvement from intake to the last session (set by `TrackResult.evaluating`), nil when unknown.
    public var reliablyImproved: Bool?
}

/// Sensitivity and specificity of "flagged at some session up to `session`" for predicting no reliable improvement
/// by the end (Lambert's feedback studies report it this way: a not-on-track flag as a test for a poor final outcome).
public struct FlagAccuracy: Sendable, Equatable {
    /// Flags counted up to and including this session (nil: any session).
    public let session: Double?
    /// Not reliably improved and flagged / not reliably improved.
    public let truePositives: Int
    public let positives: Int
    /// Reliably improved and never flagged / reliably improved.
    public let trueNegatives: Int
    public let negatives: Int
    public var sensitivity: Double? { positives > 0 ? Double(truePositives) / Double(positives) : nil }
    public var specificity: Double? { negatives > 0 ? Double(trueNegatives) / Double(negatives) : nil }
}

/// `track`'s result: the model, every checked session, every client and the accuracy of the flags.
public struct TrackResult: Sendable {
    public let model: ExpectedTreatmentResponse
    public let coverage: Double
    public let direction: MonitoringDirection
    public let clientLabels: [String]
    public let sessions: [TrackedSession]
    public private(set) var clients: [TrackedClient]
    /// Clients with only an intake session (nothing to check).
    public let intakeOnly: Int
    public private(set) var accuracy: FlagAccuracy?
    public private(set) var accuracyBySession: [FlagAccuracy] = []

    /// Checks each client's sessions after intake against the model's boundary.
    public init(model: ExpectedTreatmentResponse, panel: SessionPanel, coverage: Double,
                direction: MonitoringDirection) throws(MonitoringError) {
        guard coverage > 0.5, coverage < 1 else { throw .invalidCoverage(coverage) }
        var sessions: [TrackedSession] = []
        var clients: [TrackedClient] = []
        var labels: [String] = []
        var intakeOnly = 0
        sessions.reserveCapacity(panel.sessions.reduce(0) { $0 + max(0, $1.count - 1) })
        let worse: Double = direction == .lowerBetter ? 1 : -1
        let z = Normal.quantile(coverage)
        for c in 0..<panel.clientCount {
            let s = panel.sessions[c], y = panel.scores[c]
            guard s.count >= 2 else { intakeOnly += 1; continue }
            try ExpectedTreatmentResponse.validate(s, client: panel.clients[c])
            let index = labels.count
            labels.append(panel.clients[c])
            var first: Double?
            for t in 1..<s.count {
                let e = model.expected(intake: y[0], session: s[t])
                let b = model.boundary(intake: y[0], session: s[t], z: z, direction: direction)
                // Beyond the boundary on the worse side (strictly: a score on the boundary is on track).
                let flagged = worse * (y[t] - b) > 0
                if flagged && first == nil { first = s[t] }
                sessions.append(TrackedSession(client: index, session: s[t], score: y[t], expected: e, boundary: b,
                                               notOnTrack: flagged))
            }
            clients.append(TrackedClient(intake: y[0], final: y[s.count - 1], sessions: s.count - 1, firstFlag: first,
                                         reliablyImproved: nil))
        }
        self.model = model
        self.coverage = coverage
        self.direction = direction
        self.clientLabels = labels
        self.sessions = sessions
        self.clients = clients
        self.intakeOnly = intakeOnly
    }

    public var flaggedClients: Int { clients.count { $0.firstFlag != nil } }
    public var flaggedSessions: Int { sessions.count { $0.notOnTrack } }

    /// The result with each client's final outcome (`improved[c]`: reliable improvement from intake to the last
    /// session, nil when unknown) and the accuracy of the flags for predicting no reliable improvement, overall
    /// and for flags raised up to each session number in `checkpoints`.
    public func evaluating(improved: [Bool?], checkpoints: [Double]) throws(MonitoringError) -> TrackResult {
        guard improved.count == clients.count else {
            throw .lengthMismatch(detail: "one reliable-improvement verdict is needed per tracked client")
        }
        var copy = self
        for i in copy.clients.indices { copy.clients[i].reliablyImproved = improved[i] }
        copy.accuracy = copy.flagAccuracy(upTo: nil)
        copy.accuracyBySession = checkpoints.map { copy.flagAccuracy(upTo: $0) }
        return copy
    }

    private func flagAccuracy(upTo limit: Double?) -> FlagAccuracy {
        var tp = 0, p = 0, tn = 0, n = 0
        for client in clients {
            guard let improved = client.reliablyImproved else { continue }
            let flagged = client.firstFlag.map { first in limit.map { first <= $0 } ?? true } ?? false
            if improved {
                n += 1
                if !flagged { tn += 1 }
            } else {
                p += 1
                if flagged { tp += 1 }
            }
        }
        return FlagAccuracy(session: limit, truePositives: tp, positives: p, trueNegatives: tn, negatives: n)
    }
}
