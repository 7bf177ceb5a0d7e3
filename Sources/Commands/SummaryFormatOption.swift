import ArgumentParser
import Output

/// `--format` of the summary printed on standard output, for commands whose own `--out` is not the report (a data
/// file, a directory, an HTML audit, a figure): track, ruptures, audit, change, score, predict, simulate, the plot
/// commands and the data steps (DataStepOutput).
public struct SummaryFormatOption: ParsableArguments {
    @Option(name: .long, help: "Format of the summary on standard output: text, json, csv, md, latex or html.")
    public var format: String?

    public init() {}

    /// The summary goes to standard output in `format`.
    public var outputOptions: OutputOptions { OutputOptions(format: format, out: nil) }
}
