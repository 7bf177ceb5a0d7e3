import ArgumentParser

/// The `alliance` command line: one subcommand type per file in this module.
public struct AllianceCLI: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "alliance",
        abstract: "Psychotherapy outcome research: instruments, reliability, change, and models of alliance against outcome, retention and adherence.",
        version: AllianceVersion.string,
        subcommands: [
            DescribeCommand.self,
            CheckCommand.self,
            ScoreCommand.self,
            ReliabilityCommand.self,
            ChangeCommand.self,
            CorrelateCommand.self,
            FitCommand.self,
            SurvivalCommand.self,
            SurvivalDataCommand.self,
            PredictCommand.self,
            CompareCommand.self,
            TableCommand.self,
            MediateCommand.self,
            ModerateCommand.self,
            MetaCommand.self,
            PoolCommand.self,
            PlotCommand.self,
            TransformCommand.self,
            ReshapeCommand.self,
            AggregateCommand.self,
            TrackCommand.self,
            RupturesCommand.self,
            AuditCommand.self,
            SimulateCommand.self,
            RunCommand.self,
            ManualCommand.self,
        ]
    )

    public init() {}
}

public enum AllianceVersion {
    public static let string = "0.1.0"
}
