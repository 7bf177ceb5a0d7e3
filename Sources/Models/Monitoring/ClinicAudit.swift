/// A clinic audit's counts (NHS Talking Therapies metrics by service and period, reliable recovery and dropout by
/// therapist against a funnel, alliance by therapist). Per-client outcome flags come from the metric definitions
/// (Measures' `talkingTherapiesOutcomes`); this type only groups and counts them. Small-cell suppression is
/// applied when the audit is reported, never here.
public struct ClinicAudit: Sendable {
    /// One client's audit record; outcome flags nil where the metric's definition excludes the client.
    public struct Client: Sendable, Equatable {
        public var therapist: String?
        public var service: String?
        public var period: String?
        public var finished: Bool
        public var casenessAtStart: Bool?
        public var recovered: Bool?
        public var reliablyImproved: Bool?
        public var reliablyRecovered: Bool?
        public var dropout: Bool?
        public var alliance: Double?

        public init(therapist: String?, service: String?, period: String?, finished: Bool, casenessAtStart: Bool?,
                    recovered: Bool?, reliablyImproved: Bool?, reliablyRecovered: Bool?, dropout: Bool?, alliance: Double?) {
            self.therapist = therapist
            self.service = service
            self.period = period
            self.finished = finished
            self.casenessAtStart = casenessAtStart
            self.recovered = recovered
            self.reliablyImproved = reliablyImproved
            self.reliablyRecovered = reliablyRecovered
            self.dropout = dropout
            self.alliance = alliance
        }
    }

    /// Counts of one group of clients.
    public struct Counts: Sendable, Equatable {
        public var referrals = 0
        public var finished = 0
        /// Finished and at caseness at the start: the denominator of recovery and reliable recovery.
        public var casenessAtStart = 0
        public var recovered = 0
        public var reliablyImproved = 0
        public var reliablyRecovered = 0
        /// Clients with a known dropout status, and dropouts among them.
        public var dropoutKnown = 0
        public var dropouts = 0
        /// Clients with an alliance score: count, sum and sum of squares about the mean (Welford).
        public var allianceN = 0
        public var allianceMean = 0.0
        public var allianceM2 = 0.0

        public init() {}

        mutating func add(_ c: Client) {
            referrals += 1
            if c.finished { finished += 1 }
            if c.finished && c.casenessAtStart == true { casenessAtStart += 1 }
            if c.recovered == true { recovered += 1 }
            if c.reliablyImproved == true { reliablyImproved += 1 }
            if c.reliablyRecovered == true { reliablyRecovered += 1 }
            if let d = c.dropout { dropoutKnown += 1; if d { dropouts += 1 } }
            if let a = c.alliance {
                allianceN += 1
                let delta = a - allianceMean
                allianceMean += delta / Double(allianceN)
                allianceM2 += delta * (a - allianceMean)
            }
        }

        public var allianceSD: Double? { allianceN >= 2 ? (allianceM2 / Double(allianceN - 1)).squareRoot() : nil }
    }

    public struct Group: Sendable, Equatable {
        public let label: String
        public let counts: Counts
    }

    public let overall: Counts
    /// By service × period (either may be absent: a single "all" label then).
    public let servicePeriods: [(service: String, period: String, counts: Counts)]
    /// By therapist, in label order; clients without a therapist are in `overall` only.
    public let therapists: [Group]

    public init(clients: [Client]) {
        var overall = Counts()
        var cells: [String: [String: Counts]] = [:]
        var byTherapist: [String: Counts] = [:]
        for c in clients {
            overall.add(c)
            cells[c.service ?? "all", default: [:]][c.period ?? "all", default: Counts()].add(c)
            if let t = c.therapist { byTherapist[t, default: Counts()].add(c) }
        }
        self.overall = overall
        servicePeriods = cells.keys.sorted().flatMap { s in
            (cells[s] ?? [:]).sorted { $0.key < $1.key }.map { (service: s, period: $0.key, counts: $0.value) }
        }
        therapists = byTherapist.keys.sorted().map { Group(label: $0, counts: byTherapist[$0] ?? Counts()) }
    }

    /// The funnel of reliable recovery: pooled rate of all audited clients as target, clients at caseness who
    /// finished as denominators (the NHS definition).
    public var recoveryFunnel: FunnelLimits {
        let target = overall.casenessAtStart > 0 ? Double(overall.reliablyRecovered) / Double(overall.casenessAtStart) : 0
        return FunnelLimits(target: target,
                            sizes: FunnelLimits.plottingSizes(maximum: therapists.map(\.counts.casenessAtStart).max() ?? 0))
    }

    /// The funnel of dropout: pooled dropout rate, clients with a known dropout status as denominators.
    public var dropoutFunnel: FunnelLimits {
        let target = overall.dropoutKnown > 0 ? Double(overall.dropouts) / Double(overall.dropoutKnown) : 0
        return FunnelLimits(target: target,
                            sizes: FunnelLimits.plottingSizes(maximum: therapists.map(\.counts.dropoutKnown).max() ?? 0))
    }
}

extension ClinicAudit.Counts {
    /// Adds another group's counts (alliance moments by Chan et al.'s pairwise update).
    public mutating func merge(_ other: ClinicAudit.Counts) {
        let n = allianceN + other.allianceN
        if n > 0 {
            let delta = other.allianceMean - allianceMean
            allianceM2 += other.allianceM2 + delta * delta * Double(allianceN) * Double(other.allianceN) / Double(n)
            allianceMean += delta * Double(other.allianceN) / Double(n)
        }
        allianceN = n
        referrals += other.referrals
        finished += other.finished
        casenessAtStart += other.casenessAtStart
        recovered += other.recovered
        reliablyImproved += other.reliablyImproved
        reliablyRecovered += other.reliablyRecovered
        dropoutKnown += other.dropoutKnown
        dropouts += other.dropouts
    }
}

extension ClinicAudit {
    /// The quarter of a date written `YYYY-MM-DD` or `YYYY-MM` (`2024-05-17` → `2024-Q2`); nil for other text,
    /// which `audit` then uses as the period label as it stands.
    public static func quarter(of text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 4, let year = Int(parts[0]),
              parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        if parts.count == 3 { guard parts[2].count == 2, let day = Int(parts[2]), (1...31).contains(day) else { return nil } }
        return "\(year)-Q\((month - 1) / 3 + 1)"
    }
}
