import ArgumentParser
import DataTable
import Models
import Output
import Reporting

/// `alliance ruptures <sessions> --client C --session S --alliance COL [--outcome COL]`: rupture–repair episodes
/// from session-level alliance (Stiles et al. 2004's V-shaped deflections) and the rupture–repair test.
public struct RupturesCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "ruptures",
        abstract: "Alliance rupture-repair episodes (Stiles et al. 2004 V-shaped deflections) and the rupture-repair test.",
        discussion: """
            A rupture is a fall in the alliance of at least max(--drop-sd × SD, --min-drop) points from the previous \
            session; it is repaired when the alliance rises by the same amount within --repair-window sessions. SD is \
            the pooled within-client SD (--sd-basis sample) or each client's own (--sd-basis client). Clients are \
            grouped as no rupture, all repaired, or an unrepaired rupture; with --outcome COL (a session-level symptom \
            score) the last score is regressed on the group and the first (intake) score by OLS. --out writes client, \
            rupture_session, depth, repaired, repair_session (and censored, rule); --clients-out writes client, \
            ruptures, repairs, group.
            """
    )

    @OptionGroup public var input: DataInput

    @OptionGroup public var columns: SessionColumnOptions

    @Option(name: .long, help: ArgumentHelp("Session-level alliance score column (higher is better).", valueName: "col"))
    public var alliance: String

    @Option(name: .long, help: ArgumentHelp("Session-level symptom score for the rupture-repair test (first = intake, last = outcome).", valueName: "col"))
    public var outcome: String?

    @Option(name: .customLong("drop-sd"), help: ArgumentHelp("Rupture threshold in SDs of the alliance.", valueName: "k"))
    public var dropSD: Double = 2

    @Option(name: .customLong("min-drop"), help: ArgumentHelp("Smallest rupture in alliance points (the threshold is the larger of the two).", valueName: "points"))
    public var minDrop: Double = 0

    @Option(name: .customLong("repair-window"), help: ArgumentHelp("Sessions after a rupture in which a repair counts.", valueName: "n"))
    public var repairWindow: Int = 1

    @Option(name: .customLong("sd-basis"), help: ArgumentHelp("sample (pooled within-client SD) or client (each client's SD).", valueName: "basis"))
    public var sdBasis: String = "sample"

    @Option(name: .long, help: ArgumentHelp("Write the episodes to this CSV file.", valueName: "episodes.csv"))
    public var out: String?

    @Option(name: .customLong("clients-out"), help: ArgumentHelp("Write per-client counts (ruptures, repairs, group) to this CSV file.", valueName: "clients.csv"))
    public var clientsOut: String?

    @OptionGroup public var summary: SummaryFormatOption

    public init() {}

    public var outputOptions: OutputOptions? { summary.outputOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("ruptures --out writes the episodes as CSV: give a file name ending in .csv (got '\(out)')")
        }
        if let clientsOut, TableFormat(fileExtensionOf: clientsOut) != .csv {
            throw CLIError.usage("ruptures --clients-out writes CSV: give a file name ending in .csv (got '\(clientsOut)')")
        }
        guard let basis = RuptureRule.SDBasis(rawValue: sdBasis.lowercased()) else {
            throw CLIError.usage("unknown --sd-basis '\(sdBasis)'; use sample or client")
        }
        let rule = RuptureRule(dropSD: dropSD, minimumDrop: minDrop, repairWindow: repairWindow, basis: basis)
        let data = try input.load(in: context)
        data.warnSuspectedMissingCodes([columns.session, alliance, outcome], in: context)
        let panel = try columns.panel(data, score: alliance, scoreFlag: "--alliance", in: context)
        let result: RuptureResult
        do { result = try RuptureResult(panel: panel, rule: rule) } catch {
            throw MonitoringColumns.cliError(error, file: data.path, quoting: data.levelQuoting, clientColumn: columns.client)
        }
        // Per-site data can leave one or two clients in a rupture group: their counts (and, with --outcome, the
        // group's coefficient) are those clients' own course.
        if let warning = SmallGroupWarning.message(
            file: data.path, subject: "the rupture grouping", groups: RuptureGroup.allCases.map { ($0.rawValue, result.count($0)) },
            unit: "client", describes: outcome == nil ? "their counts" : "their counts and the rupture-repair test's group terms",
            remedy: "analyse more clients together (several sites or periods)") {
            context.warn(warning)
        }
        var test: RuptureRepairTest?
        if let outcome {
            let symptoms = try columns.panel(data, score: outcome, scoreFlag: "--outcome", in: context)
            var first: [String: Double] = [:], last: [String: Double] = [:]
            for c in 0..<symptoms.clientCount where symptoms.scores[c].count >= 2 {
                first[symptoms.clients[c]] = symptoms.scores[c].first
                last[symptoms.clients[c]] = symptoms.scores[c].last
            }
            do {
                test = try RuptureRepairTest(groups: result.groups, intake: result.clientLabels.map { first[$0] },
                                             outcome: result.clientLabels.map { last[$0] })
            } catch {
                throw MonitoringColumns.cliError(error, file: data.path, quoting: data.levelQuoting, clientColumn: columns.client)
            }
        }
        var figures: [String] = []
        if let out {
            let table: Table
            do { table = try result.episodesTable() } catch { throw CLIError.data("\(data.path): \(error)") }
            figures.append(try context.writeFile(TableCSVWriter.csv(table), to: out))
        }
        if let clientsOut {
            let table: Table
            do { table = try result.clientsTable() } catch { throw CLIError.data("\(data.path): \(error)") }
            figures.append(try context.writeFile(TableCSVWriter.csv(table), to: clientsOut))
        }
        let settings = RuptureSettings(client: columns.client, session: columns.session, alliance: alliance, outcome: outcome, out: out)
        return CommandReport(result.report(settings: settings, test: test, data: try data.provenance), figures: figures)
    }
}
