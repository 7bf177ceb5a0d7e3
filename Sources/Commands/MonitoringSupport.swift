import DataTable
import Measures
import Models

/// Column look-ups shared by `track`, `ruptures`, `audit` and `change`: each error names the option, the column and the file.
enum MonitoringColumns {
    static func missing(_ name: String, flag: String, in data: LoadedData) -> CLIError {
        CLIError.usage("\(flag): no column named '\(name)' in \(data.path)" + data.table.suggestionHint(for: name))
    }

    static func numeric(_ name: String, flag: String, in data: LoadedData) throws -> [Double?] {
        guard let column = data.table.column(named: name) else { throw missing(name, flag: flag, in: data) }
        guard let values = optionalValues(of: column) else {
            throw CLIError.data("\(flag): column '\(name)' in \(data.path) is not numeric\(column.nonNumericClause()); "
                + "give a column of numbers: fix that value, declare it missing with --na, or recode text codes (yes/no) with "
                + "`alliance transform --recode`")
        }
        return values
    }

    static func factor(_ name: String, flag: String, in data: LoadedData) throws -> GroupingFactor {
        guard let column = data.table.column(named: name) else { throw missing(name, flag: flag, in: data) }
        return GroupingFactor(column)
    }

    /// Client × session scores of `score` (rows with any of the three missing are left out).
    static func panel(_ data: LoadedData, client: String, session: String, score: String,
                      scoreFlag: String) throws -> SessionPanel {
        let clients = try factor(client, flag: "--client", in: data)
        let sessions = try numeric(session, flag: "--session", in: data)
        let scores = try numeric(score, flag: scoreFlag, in: data)
        do {
            return try SessionPanel(clientLabels: clients.levels, clientCodes: clients.codes, session: sessions, score: scores)
        } catch {
            throw cliError(error, file: data.path, quoting: data.levelQuoting, clientColumn: client)
        }
    }

    /// `quoting` and `clientColumn`: a client label is shown only when the client column was not let through the
    /// identifier guard (docs/privacy.md, "Levels in messages").
    static func cliError(_ error: MonitoringError, file: String, quoting: LevelQuoting, clientColumn: String) -> CLIError {
        switch error {
        case .invalidCoverage, .invalidThreshold: return CLIError.usage(error.description)
        default: return CLIError.data("\(file): \(error.message(quoting: quoting, clientColumn: clientColumn))")
        }
    }

    static func direction(_ key: ScoringKey?, override: String?) throws -> MonitoringDirection {
        if let override {
            return try ChangeCommand.parseDirection(override) == .lowerBetter ? .lowerBetter : .higherBetter
        }
        guard let key else { return .lowerBetter }
        return key.direction == .lowerBetter ? .lowerBetter : .higherBetter
    }
}
