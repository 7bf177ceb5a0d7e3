import DataTable

/// Session rows → (start, stop] intervals for a Cox model with a time-varying covariate (`alliance survival-data`).
///
/// Time is the scheduled session number. Each attended session s opens an interval (s, s′], s′ the client's next
/// attended session, carrying the covariates measured at s (the alliance at one session predicts leaving before the
/// next). A client whose last row is a missed session (no later attendance) drops out at it: the final interval runs
/// from the last attended session to that missed session with event 1. A client whose last row is attended is
/// censored there and adds no interval after it. Clients without an attended session add nothing, nor do clients
/// whose first attended session is their last row (an interval needs a later session); both are counted.
public struct SessionIntervals: Sendable {
    public var client: String
    public var session: String
    public var attended: String
    /// Measured at each session; the interval after a session carries that session's values.
    public var covariates: [String]
    /// Columns constant within a client (therapist, site), copied onto each interval.
    public var keep: [String]

    public init(client: String, session: String, attended: String, covariates: [String], keep: [String]) {
        self.client = client
        self.session = session
        self.attended = attended
        self.covariates = covariates
        self.keep = keep
    }

    public struct Result: Sendable {
        public let table: Table
        public let rowsIn: Int
        public let clients: Int
        public let events: Int
        /// Clients left out because they never attended a session.
        public let clientsWithoutAttendance: Int
        /// Clients left out because they attended but have no row after their first attended session (one attended
        /// session and nothing later): no interval can open.
        public let clientsWithoutInterval: Int
        /// Intervals whose covariate is missing at the opening session.
        public let missingCovariate: [String: Int]
    }

    public func apply(to table: Table) throws(SurvivalError) -> Result {
        func column(_ name: String) throws(SurvivalError) -> Column {
            guard let c = table.column(named: name) else {
                throw .model(.unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 1))
            }
            return c
        }
        let clientColumn = try column(client)
        guard let sessionColumn = try column(session).numeric else {
            throw .invalidOption("the session column '\(session)' is text\(try column(session).nonNumericClause()); it must hold session numbers (1, 2, 3, …)")
        }
        guard let attendedColumn = try column(attended).numeric else {
            throw .invalidOption("the attendance column '\(attended)' is text; it must be 0/1 (1 = attended, 0 = missed): "
                + "recode it, e.g. `alliance transform FILE --recode \"\(attended): yes=1, no=0\" --out recoded.csv`")
        }
        let covariateColumns = try covariates.map { name throws(SurvivalError) in try column(name) }
        let keepColumns = try keep.map { name throws(SurvivalError) in try column(name) }
        let clients = GroupingFactor(clientColumn)
        var rowsOf = [[Int]](repeating: [], count: clients.levelCount)
        for row in 0..<table.rowCount {
            let code = clients.codes[row]
            guard code >= 0 else { throw .invalidOption("the client column '\(client)' is missing at data row \(row + 1); every session row needs its client") }
            guard !sessionColumn.missing[row] else {
                throw .invalidOption("the session column '\(session)' is missing at data row \(row + 1); every session row needs its session number")
            }
            guard sessionColumn.values[row].isFinite else {
                throw .invalidTime(column: session, row: row, value: sessionColumn.values[row], detail: "every session row needs its session number")
            }
            guard !attendedColumn.missing[row], attendedColumn.values[row] == 0 || attendedColumn.values[row] == 1 else {
                throw .invalidOption("the attendance column '\(attended)' has \(attendedColumn.missing[row] ? "a missing value" : SurvivalError.number(attendedColumn.values[row])) at data row \(row + 1); attendance must be 0 (missed) or 1 (attended) on every session row")
            }
            rowsOf[Int(code)].append(row)
        }
        var clientOut: [String?] = [], start: [Double?] = [], stop: [Double?] = [], event: [Double?] = []
        var covariateOut = [[Int]](repeating: [], count: covariates.count)   // source rows
        var keepOut: [Int] = []
        var events = 0, without = 0, noInterval = 0
        var missing: [String: Int] = [:]
        for (code, rows) in rowsOf.enumerated() where !rows.isEmpty {
            let ordered = rows.sorted { sessionColumn.values[$0] < sessionColumn.values[$1] }
            for (a, b) in zip(ordered, ordered.dropFirst()) where sessionColumn.values[a] == sessionColumn.values[b] {
                throw .repeatedSession(clientColumn: client, client: clients.levels[code], session: sessionColumn.values[a], rows: [a, b])
            }
            let attendedRows = ordered.filter { attendedColumn.values[$0] == 1 }
            guard !attendedRows.isEmpty else { without += 1; continue }
            var intervals: [(from: Int, to: Double, event: Bool)] = []
            for (a, b) in zip(attendedRows, attendedRows.dropFirst()) { intervals.append((a, sessionColumn.values[b], false)) }
            if let last = ordered.last, attendedColumn.values[last] == 0, let lastAttended = attendedRows.last {
                intervals.append((lastAttended, sessionColumn.values[last], true))
                events += 1
            }
            if intervals.isEmpty { noInterval += 1; continue }
            for interval in intervals {
                clientOut.append(clients.levels[code])
                start.append(sessionColumn.values[interval.from])
                stop.append(interval.to)
                event.append(interval.event ? 1 : 0)
                for k in covariates.indices {
                    covariateOut[k].append(interval.from)
                    if covariateColumns[k].isMissing(interval.from) { missing[covariates[k], default: 0] += 1 }
                }
                keepOut.append(interval.from)
            }
        }
        var columns: [Column] = [Column(name: client, categorical: clientOut), Column(name: "start", numeric: start),
                                 Column(name: "stop", numeric: stop), Column(name: "event", numeric: event)]
        for (k, c) in covariateColumns.enumerated() { columns.append(c.subset(rows: covariateOut[k])) }
        for c in keepColumns { columns.append(c.subset(rows: keepOut)) }
        let out: Table
        do { out = try Table(columns: columns) } catch {
            throw .invalidOption("the interval table cannot be built: \(error.description) (is a --covariates or --keep column named start, stop or event?)")
        }
        return Result(table: out, rowsIn: table.rowCount, clients: rowsOf.filter { !$0.isEmpty }.count - without - noInterval,
                      events: events, clientsWithoutAttendance: without, clientsWithoutInterval: noInterval, missingCovariate: missing)
    }
}
