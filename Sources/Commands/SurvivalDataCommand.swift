import ArgumentParser
import DataTable
import Models
import Output
import Reporting

/// `alliance survival-data <sessions> --client C --session S --attended A [--covariates a,b] [--keep x,y] --out F.csv`:
/// session rows → (start, stop] intervals with the event, for `fit cox --formula "Surv(start, stop, event) ~ …"`.
public struct SurvivalDataCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "survival-data",
        abstract: "Turn session rows into (start, stop] intervals with a dropout event, for a Cox model with time-varying covariates.",
        discussion: """
            Time is the session number. Each attended session opens an interval to the client's next attended session and \
            carries that session's --covariates; a client whose last scheduled session was missed (no later attendance) \
            drops out at it (event = 1); a client whose last session was attended is censored there. --keep copies \
            client-level columns (therapist, site). Output columns: the client column, start, stop, event, covariates, kept columns.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("The client identifier column.", valueName: "col"))
    public var client: String = "client"

    @Option(name: .long, help: ArgumentHelp("The scheduled session number column.", valueName: "col"))
    public var session: String = "session"

    @Option(name: .long, help: ArgumentHelp("Attendance, 0/1 (1 = attended).", valueName: "col"))
    public var attended: String = "attended"

    @Option(name: .long, help: ArgumentHelp("Session-level columns carried on the interval after the session (e.g. wai).", valueName: "a,b,..."))
    public var covariates: String?

    @Option(name: .long, help: ArgumentHelp("Columns copied from the opening session (e.g. therapist,site).", valueName: "a,b,..."))
    public var keep: String?

    @OptionGroup public var output: DataStepOutput

    public init() {}

    public var outputOptions: OutputOptions? { output.reportOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try DataStepSupport.requireCSV(output.out, command: "survival-data")
        let step = SessionIntervals(client: client, session: session, attended: attended,
                                    covariates: try covariates.map { try DataStepSupport.list($0, option: "--covariates") } ?? [],
                                    keep: try keep.map { try DataStepSupport.list($0, option: "--keep") } ?? [])
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([session, attended] + step.covariates, in: context)
        data.warnLeadingZeroIDs(client, in: context)
        let result: SessionIntervals.Result
        do { result = try step.apply(to: data.table) } catch {
            throw SurvivalCommand.cliError(error, file: data.path, action: "build the intervals", quoting: data.levelQuoting)
        }
        try DataStepSupport.write(result.table, to: output.out, in: context)
        return CommandReport(result.report(step: step, out: output.out, data: try data.provenance))
    }
}
