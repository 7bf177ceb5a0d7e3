import DataTable

/// Why survival data or a Cox model could not be used. Every case names the column or term and says what to do.
public enum SurvivalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An error of the shared formula → frame path (unknown column, bad formula, no complete rows).
    case model(ModelError)
    /// A time that cannot be one: negative (or zero where the model needs a positive follow-up), or not finite.
    case invalidTime(column: String, row: Int, value: Double, detail: String)
    /// `Surv(start, stop, event)` with stop ≤ start on a row.
    case emptyInterval(start: String, stop: String, row: Int, startValue: Double, stopValue: Double)
    /// `Surv(start, stop, event)` whose start and stop differ only by rounding (one time under `TiedTimes`).
    case intervalWithinRounding(start: String, stop: String, row: Int, startValue: Double, stopValue: Double)
    /// The event column is neither 0/1, 1/2 (as survival reads it, 2 = event) nor a two-level category.
    case invalidEvent(column: String, detail: String)
    /// A two-level text event column whose levels do not say which one is the event (not yes/no or true/false).
    case ambiguousEventLevels(column: String, levels: [String])
    /// A text event column with other than two levels among the rows used.
    case textEventLevels(column: String, levels: [String])
    /// No row has the event: nothing can be estimated.
    case noEvents(column: String)
    /// A covariate takes one value over the rows used (its coefficient is not identified).
    case constantCovariate(term: String)
    /// The covariates are linearly dependent (the information matrix is singular).
    case collinear(terms: [String])
    /// The likelihood keeps rising as a coefficient runs to ±∞ (coxph's "coefficient may be infinite").
    case monotoneLikelihood(terms: [String])
    /// Newton–Raphson did not converge.
    case notConverged(iterations: Int)
    /// `client` has `session` on two rows (0-based `rows`) of session data.
    case repeatedSession(clientColumn: String, client: String, session: Double, rows: [Int])
    /// An option or column that cannot be used as asked (a grouping column with one level, a bad `--at` time, …).
    case invalidOption(String)

    /// The message with every level quoted.
    public var description: String { message(quoting: .everyColumn) }

    /// The message, quoting levels of the data's columns as `quoting` allows (docs/privacy.md).
    public func message(quoting q: LevelQuoting) -> String {
        switch self {
        case .model(let e):
            return e.message(quoting: q)
        case .invalidTime(let column, let row, let value, let detail):
            return "column '\(column)' has \(Self.number(value)) at data row \(row + 1): \(detail)"
        case .emptyInterval(let start, let stop, let row, let a, let b):
            return "data row \(row + 1) has '\(stop)' = \(Self.number(b)) not after '\(start)' = \(Self.number(a)); "
                + "every (start, stop] interval must end after it starts: drop zero-length intervals or fix the times"
        case .intervalWithinRounding(let start, let stop, let row, let a, let b):
            return "data row \(row + 1) has '\(start)' = \(Self.number(a)) and '\(stop)' = \(Self.number(b)), which differ only by "
                + "rounding: times that close are one time (as R's survival ties them, timefix), so the interval has no length; "
                + "fix the times or drop the row"
        case .invalidEvent(let column, let detail):
            return "the event column '\(column)' \(detail); code it 0/1 (1 = event), 1/2 (2 = event, as R's survival reads it) "
                + "or as yes/no (true/false)"
        case .textEventLevels(let column, let levels):
            let count = "\(levels.count) level\(levels.count == 1 ? "" : "s") among the rows used"
            let listed = q.levels(levels, of: column, quoted: true, limit: 4)
            return SurvivalError.invalidEvent(column: column, detail: "is text with \(count)" + (listed.map { " (\($0))" } ?? ""))
                .message(quoting: q)
        case .ambiguousEventLevels(let column, let levels):
            let shown = levels.count == 2 && !q.withholds(column)
            let quoted = shown ? "with the levels " + levels.map { "'\($0)'" }.joined(separator: " and ") + ","
                : "with \(LevelQuoting.withheldLevels(levels.count, of: column)),"
            // Both readings: the first level in sorted order is not more likely the event (completed/dropped out).
            let pairs = shown ? "\(levels[0])=1, \(levels[1])=0" : "EVENT=1, OTHER=0"
            let when = shown ? " when '\(levels[0])' is the event (\"\(column): \(levels[1])=1, \(levels[0])=0\" when '\(levels[1])' is)" : ""
            return "the event column '\(column)' is text \(quoted) which do not say which one is the event "
                + "(R's Surv() refuses text status too); recode it 0/1 with 1 = event, e.g. "
                + "`alliance transform FILE --recode \"\(column): \(pairs)\" --out recoded.csv`\(when)"
        case .noEvents(let column):
            return "no row has an event in '\(column)' among the rows used, so there is nothing to estimate; "
                + "check the event coding (1 = event) and any filter"
        case .constantCovariate(let term):
            return "the covariate '\(term)' takes one value over the rows used (within every stratum for strata()), so its "
                + "hazard ratio is not identified; drop it from the formula"
        case .collinear(let terms):
            return "the covariates are linearly dependent (\(terms.joined(separator: ", "))): one is a combination of the others; "
                + "drop one of them"
        case .monotoneLikelihood(let terms):
            return "the likelihood keeps increasing as the coefficient of \(terms.map { "'\($0)'" }.joined(separator: ", ")) runs to "
                + "infinity (monotone likelihood, as coxph warns 'coefficient may be infinite'): within the risk sets the events "
                + "are perfectly ordered by this term; drop it, merge sparse levels, or use a penalised model"
        case .notConverged(let iterations):
            return "Newton–Raphson did not converge in \(iterations) iterations; check for extreme covariate values or rescale them"
        case .repeatedSession(let column, let client, let session, let rows):
            let at = rows.map { String($0 + 1) }.joined(separator: " and ")
            let who = q.withholds(column) ? "the client of data rows \(at)" : "client '\(client)'"
            let rowsNote = q.withholds(column) ? "" : " (data rows \(at))"
            return "\(who) has session \(Self.number(session)) twice\(rowsNote); keep one row per client and session"
        case .invalidOption(let text):
            return text
        }
    }

    static func number(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
