import ArgumentParser

/// `alliance generate-manual`: prints alliance(1) in roff for `make install` (hidden from help and completions).
public struct ManualCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate-manual",
        abstract: "Print the alliance(1) manual page (roff), generated from the argument parser.",
        shouldDisplay: false
    )

    public init() {}

    public func run() throws {
        do {
            print(try ManualPage.roff(fromDump: AllianceCLI._dumpHelp(), version: AllianceVersion.string), terminator: "")
        } catch {
            throw CLIError(.ioError, "\(error)")
        }
    }
}
