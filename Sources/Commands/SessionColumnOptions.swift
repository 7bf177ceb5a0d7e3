import ArgumentParser
import Models

/// `--client` and `--session`: the session-level data of `track` and `ruptures`, one row per client and session.
public struct SessionColumnOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Client identifier column.", valueName: "col"))
    public var client: String

    @Option(name: .long, help: ArgumentHelp("Session number column.", valueName: "col"))
    public var session: String

    public init() {}

    /// Client × session scores of `score` (named by `scoreFlag` in errors) in `data`.
    func panel(_ data: LoadedData, score: String, scoreFlag: String) throws -> SessionPanel {
        try MonitoringColumns.panel(data, client: client, session: session, score: score, scoreFlag: scoreFlag)
    }
}
