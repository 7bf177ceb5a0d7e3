import DataTable

/// Why a monitoring analysis (track, ruptures, audit) could not be computed. Every case says what to do.
public enum MonitoringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two rows give the same client the same session number.
    case duplicateSession(client: String, session: Double)
    /// A session number below 1 or not finite: the expected-response curve uses log(session).
    case invalidSession(client: String, session: Double)
    /// Too few clients with an intake and a later session to fit the expected-response model.
    case tooFewTrajectories(clients: Int, needed: Int)
    /// The coverage of a tolerance boundary must lie strictly between 0.5 and 1.
    case invalidCoverage(Double)
    /// A threshold option is out of range.
    case invalidThreshold(name: String, value: Double, detail: String)
    /// Columns of one analysis have different lengths.
    case lengthMismatch(detail: String)
    /// The mixed or regression model underneath failed.
    case model(ModelError)

    /// The message with every client label shown.
    public var description: String { message(quoting: .everyColumn, clientColumn: "") }

    /// The message, showing a client label as `quoting` allows for `clientColumn` (docs/privacy.md, "Levels in
    /// messages"): a client column let through the identifier guard has its labels described, not printed.
    public func message(quoting q: LevelQuoting, clientColumn: String) -> String {
        func client(_ label: String) -> String {
            q.withholds(clientColumn) ? "a client of '\(clientColumn)' (\(q.level(label, of: clientColumn)))" : "client \(label)"
        }
        switch self {
        case .duplicateSession(let label, let session):
            return "\(client(label)) has two rows for session \(Self.number(session)); keep one row per client and session"
        case .invalidSession(let label, let session):
            return "\(client(label)) has session \(Self.number(session)); session numbers must be finite and at least 1 "
                + "(the expected-response curve is in log(session)); renumber sessions from 1"
        case .tooFewTrajectories(let clients, let needed):
            return "only \(clients) client(s) have an intake score and a later session; the expected-response model needs at least \(needed)"
        case .invalidCoverage(let c):
            return "--coverage must be strictly between 0.5 and 1 (a one-sided tolerance boundary), got \(c)"
        case .invalidThreshold(let name, let value, let detail):
            return "\(name) \(Self.number(value)): \(detail)"
        case .lengthMismatch(let detail):
            return detail
        case .model(let error):
            return error.message(quoting: q)
        }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
