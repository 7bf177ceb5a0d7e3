import DataTable

/// The rupture–repair rule: V-shaped deflections in session-by-session alliance (Stiles et al. 2004, Journal of
/// Counseling Psychology 51, 81–92; applied with repaired/unrepaired/no-rupture groups by McLaughlin et al. 2014,
/// Journal of Consulting and Clinical Psychology 82, 112–121). With the threshold d = max(`dropSD` × SD, `minimumDrop`):
/// - a **rupture** at session t: the alliance falls by at least d from the previous observed session
///   (A[t−1] − A[t] ≥ d); its depth is A[t−1] − A[t];
/// - it is **repaired** at the first of the next `repairWindow` sessions whose alliance has risen by at least d from
///   the rupture session (A[u] − A[t] ≥ d); otherwise it is unrepaired (and `censored` when the client's sessions
///   end before the window does);
/// - while an episode is open (up to its repair, or to the end of its window) no new rupture starts.
/// SD is the pooled within-client SD of the alliance (`SDBasis.sample`) or each client's own SD (`.client`).
public struct RuptureRule: Sendable, Equatable {
    public enum SDBasis: String, Sendable, Equatable {
        /// The pooled within-client SD over all clients with two or more scores (one threshold for everyone).
        case sample
        /// Each client's own SD of their alliance scores.
        case client
    }

    public var dropSD: Double
    public var minimumDrop: Double
    public var repairWindow: Int
    public var basis: SDBasis

    public static let name = "stiles-2004-v-shaped-deflection"

    public init(dropSD: Double = 2, minimumDrop: Double = 0, repairWindow: Int = 1, basis: SDBasis = .sample) {
        self.dropSD = dropSD
        self.minimumDrop = minimumDrop
        self.repairWindow = repairWindow
        self.basis = basis
    }

    func validate() throws(MonitoringError) {
        guard dropSD >= 0, dropSD.isFinite else {
            throw .invalidThreshold(name: "--drop-sd", value: dropSD, detail: "must be 0 or more (SDs of alliance)")
        }
        guard minimumDrop >= 0, minimumDrop.isFinite else {
            throw .invalidThreshold(name: "--min-drop", value: minimumDrop, detail: "must be 0 or more (alliance points)")
        }
        guard dropSD > 0 || minimumDrop > 0 else {
            throw .invalidThreshold(name: "--drop-sd", value: dropSD, detail: "with --min-drop 0 every fall would be a rupture; give a positive threshold")
        }
        guard repairWindow >= 1 else {
            throw .invalidThreshold(name: "--repair-window", value: Double(repairWindow), detail: "must be at least 1 session")
        }
    }
}

/// One rupture episode.
public struct RuptureEpisode: Sendable, Equatable {
    public let client: Int
    public let ruptureSession: Double
    /// Alliance points lost from the previous session.
    public let depth: Double
    public let repairSession: Double?
    /// Unrepaired because the client's sessions ended inside the repair window.
    public let censored: Bool
    public var repaired: Bool { repairSession != nil }
}

/// How a client's ruptures went (McLaughlin et al. 2014's groups).
public enum RuptureGroup: String, Sendable, Equatable, CaseIterable {
    case none
    case repaired
    case unrepaired
}

/// `ruptures`' episodes and per-client counts.
public struct RuptureResult: Sendable {
    public let rule: RuptureRule
    /// The SD the threshold was taken from (nil under `.client`, where each client has their own).
    public let pooledSD: Double?
    public let clientLabels: [String]
    public let episodes: [RuptureEpisode]
    /// Per client: ruptures, repairs, group; nil group for clients with fewer than three alliance scores (a V needs three).
    public let ruptures: [Int]
    public let repairs: [Int]
    public let groups: [RuptureGroup?]

    public init(panel: SessionPanel, rule: RuptureRule) throws(MonitoringError) {
        try rule.validate()
        var pooled: Double?
        if rule.basis == .sample {
            var ss = 0.0, df = 0
            for y in panel.scores where y.count >= 2 {
                let mean = y.reduce(0, +) / Double(y.count)
                ss += y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                df += y.count - 1
            }
            pooled = df > 0 ? (ss / Double(df)).squareRoot() : 0
        }
        var episodes: [RuptureEpisode] = []
        var ruptures = [Int](repeating: 0, count: panel.clientCount)
        var repairs = ruptures
        var groups = [RuptureGroup?](repeating: nil, count: panel.clientCount)
        for c in 0..<panel.clientCount {
            let s = panel.sessions[c], a = panel.scores[c]
            guard a.count >= 3 else { continue }
            let sd = pooled ?? Self.standardDeviation(a)
            let d = max(rule.dropSD * sd, rule.minimumDrop)
            var unrepaired = false
            var t = 1
            // A zero threshold (a client whose alliance never varies, under `.client` with no --min-drop) finds nothing.
            while d > 0 && t < a.count {
                // Within rounding of the threshold counts (`DecimalCutoff`): a fall of 8.2 → 3.2 is one of 5 points.
                guard DecimalCutoff.reaches(a[t - 1] - a[t], d) else { t += 1; continue }
                let end = min(a.count - 1, t + rule.repairWindow)
                var repair: Int?
                if t + 1 <= end {
                    for u in (t + 1)...end where DecimalCutoff.reaches(a[u] - a[t], d) { repair = u; break }
                }
                let censored = repair == nil && t + rule.repairWindow > a.count - 1
                episodes.append(RuptureEpisode(client: c, ruptureSession: s[t], depth: a[t - 1] - a[t],
                                               repairSession: repair.map { s[$0] }, censored: censored))
                ruptures[c] += 1
                if repair != nil { repairs[c] += 1 } else { unrepaired = true }
                // The next rupture is looked for after the repair (which may itself fall again) or after the window.
                t = (repair ?? (t + rule.repairWindow)) + 1
            }
            groups[c] = ruptures[c] == 0 ? RuptureGroup.none : (unrepaired ? .unrepaired : .repaired)
        }
        self.rule = rule
        self.pooledSD = pooled
        self.clientLabels = panel.clients
        self.episodes = episodes
        self.ruptures = ruptures
        self.repairs = repairs
        self.groups = groups
    }

    static func standardDeviation(_ y: [Double]) -> Double {
        guard y.count >= 2 else { return 0 }
        let mean = y.reduce(0, +) / Double(y.count)
        return (y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count - 1)).squareRoot()
    }

    public func count(_ group: RuptureGroup) -> Int { groups.count { $0 == group } }
}
