/// Session-level scores grouped by client and ordered by session: the input of `track` and `ruptures`.
/// Rows with a missing client, session or score are left out (counted in `droppedRows`).
public struct SessionPanel: Sendable {
    /// Client labels, in the order clients first appear in the data.
    public let clients: [String]
    /// Per client: its sessions ascending, and the score at each.
    public let sessions: [[Double]]
    public let scores: [[Double]]
    /// Per client and session: the input row it came from.
    public let rows: [[Int]]
    public let droppedRows: Int
    /// 0-based input rows with a score but no client or no session number: left out like the others, but unlike a
    /// missed session's empty score they are data that cannot be placed (the commands warn, naming the first).
    public let unplacedRows: [Int]

    /// `client` gives a code per row (−1 missing) into `clientLabels`. Duplicate (client, session) pairs are refused.
    public init(clientLabels: [String], clientCodes: [Int32], session: [Double?], score: [Double?]) throws(MonitoringError) {
        let n = clientCodes.count
        guard session.count == n, score.count == n else {
            throw .lengthMismatch(detail: "client, session and score columns must have one value per row")
        }
        var order = [Int](repeating: -1, count: clientLabels.count)
        var labels: [String] = []
        var members: [[Int]] = []
        var dropped = 0
        var unplaced: [Int] = []
        for r in 0..<n {
            let code = Int(clientCodes[r])
            guard code >= 0, session[r] != nil, score[r] != nil else {
                dropped += 1
                if score[r] != nil { unplaced.append(r) }
                continue
            }
            if order[code] < 0 {
                order[code] = labels.count
                labels.append(clientLabels[code])
                members.append([])
            }
            members[order[code]].append(r)
        }
        var sessions: [[Double]] = [], scores: [[Double]] = [], rows: [[Int]] = []
        sessions.reserveCapacity(labels.count)
        for (c, list) in members.enumerated() {
            // A stable sort by session keeps the input order of equal sessions, so the duplicate reported is the first.
            let sorted = list.sorted { (session[$0] ?? 0, $0) < (session[$1] ?? 0, $1) }
            var s: [Double] = [], y: [Double] = []
            s.reserveCapacity(sorted.count)
            y.reserveCapacity(sorted.count)
            for r in sorted {
                guard let t = session[r], let v = score[r] else { continue }
                if let last = s.last, last == t { throw .duplicateSession(client: labels[c], session: t) }
                s.append(t)
                y.append(v)
            }
            sessions.append(s)
            scores.append(y)
            rows.append(sorted)
        }
        self.clients = labels
        self.sessions = sessions
        self.scores = scores
        self.rows = rows
        self.droppedRows = dropped
        self.unplacedRows = unplaced
    }

    public var clientCount: Int { clients.count }

    /// Among clients with two or more scored sessions (those `track` checks), the first scored session of each whose
    /// first is after `intake`: the expected-response model takes a client's first scored session as the intake.
    public func firstSessionsAfter(_ intake: Double) -> (late: [Double], tracked: Int) {
        var late: [Double] = [], tracked = 0
        for s in sessions where s.count >= 2 {
            tracked += 1
            if let first = s.first, first > intake { late.append(first) }
        }
        return (late, tracked)
    }
}
