import ArgumentParser
import Models

/// `--client` and `--session`: the session-level data of `track` and `ruptures`, one row per client and session.
public struct SessionColumnOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Client identifier column.", valueName: "col"))
    public var client: String

    @Option(name: .long, help: ArgumentHelp("Session number column.", valueName: "col"))
    public var session: String

    public init() {}

    /// Client × session scores of `score` (named by `scoreFlag` in errors) in `data`; warns when rows with a score have
    /// no client or no session number (left out: they cannot be placed in anyone's course).
    func panel(_ data: LoadedData, score: String, scoreFlag: String, in context: RunContext) throws -> SessionPanel {
        let panel = try MonitoringColumns.panel(data, client: client, session: session, score: score, scoreFlag: scoreFlag)
        if let first = panel.unplacedRows.first {
            let count = panel.unplacedRows.count
            context.warn("\(data.path): \(count) row\(count == 1 ? "" : "s") with a \(score) score but no \(client) or no "
                + "\(session) value (first at data row \(first + 1)) \(count == 1 ? "was" : "were") left out: fill in the "
                + "client and session of \(count == 1 ? "that row" : "those rows"), or drop \(count == 1 ? "it" : "them") on purpose")
        }
        return panel
    }
}
