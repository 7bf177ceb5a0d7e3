import ArgumentParser

/// The NHS Talking Therapies inputs `audit` and `change --nhs-talking-therapies` share beside the PHQ-9 columns: the
/// GAD-7 pair, and attended sessions with the number that counts as having finished treatment.
public struct TalkingTherapiesOptions: ParsableArguments {
    @Option(name: .customLong("gad-pre"), help: ArgumentHelp("GAD-7 total at the start (with the PHQ-9: the paired NHS definitions).", valueName: "col"))
    public var gadPre: String?

    @Option(name: .customLong("gad-post"), help: ArgumentHelp("GAD-7 total at the end.", valueName: "col"))
    public var gadPost: String?

    @Option(name: .long, help: ArgumentHelp("Attended treatment sessions (rows below --min-sessions have not finished treatment).", valueName: "col"))
    public var sessions: String?

    @Option(name: .customLong("min-sessions"), help: ArgumentHelp("Sessions needed to have finished a course of treatment.", valueName: "n"))
    public var minSessions: Double = 2

    public init() {}

    func checkMinimumSessions() throws {
        guard minSessions >= 0 else { throw CLIError.usage("--min-sessions must be 0 or more") }
    }
}
