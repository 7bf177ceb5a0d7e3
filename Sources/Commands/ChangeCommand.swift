import ArgumentParser
import DataTable
import Measures
import Output

/// `alliance change <data.csv> --pre COL --post COL (--instrument ID | --sd X --reliability R)`: reliable and
/// clinically significant change (Jacobson & Truax 1991), or with `--nhs-talking-therapies` the NHS Talking
/// Therapies outcome metrics from paired PHQ-9 and GAD-7 totals.
public struct ChangeCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Reliable and clinically significant change (Jacobson-Truax), or NHS Talking Therapies outcome metrics.",
        discussion: """
            With --instrument the key's published reliable-change criterion is used when it has one (e.g. PHQ-9: \
            6 points), otherwise Jacobson-Truax from its norms; --sd and --reliability give Jacobson-Truax \
            directly (S_diff = sqrt(2)·SD·sqrt(1 − r); reliable when |RCI| ≥ 1.96). --out writes every input row \
            with rci and change_category; --plot draws the Jacobson-Truax plot.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: ArgumentHelp("Column of pre-treatment scores.", valueName: "col"))
    public var pre: String?

    @Option(name: .long, help: ArgumentHelp("Column of post-treatment scores.", valueName: "col"))
    public var post: String?

    @Option(name: .long, help: ArgumentHelp("Instrument id of a shipped key (its reliable-change criterion, cut-off and direction).", valueName: "id"))
    public var instrument: String?

    @Option(name: .long, help: ArgumentHelp("A scoring-key JSON file instead of a shipped key.", valueName: "file"))
    public var key: String?

    @Option(name: .long, help: ArgumentHelp("Standard deviation for S_diff (pre-treatment or dysfunctional-norm SD).", valueName: "x"))
    public var sd: Double?

    @Option(name: .long, help: ArgumentHelp("Reliability coefficient for S_diff (test-retest or alpha), between 0 and 1.", valueName: "r"))
    public var reliability: Double?

    @Option(name: .long, help: ArgumentHelp("Clinical cut-off (overrides the instrument's).", valueName: "c"))
    public var cutoff: Double?

    @Option(name: .long, help: ArgumentHelp("lower-better or higher-better (default: the instrument's, else lower-better).", valueName: "direction"))
    public var direction: String?

    @Flag(name: .customLong("nhs-talking-therapies"), help: "NHS Talking Therapies outcome metrics from PHQ-9 and GAD-7.")
    public var talkingTherapies = false

    @Option(name: .customLong("phq-pre"), help: ArgumentHelp("PHQ-9 total at the start (with --nhs-talking-therapies).", valueName: "col"))
    public var phqPre: String?

    @Option(name: .customLong("phq-post"), help: ArgumentHelp("PHQ-9 total at the end.", valueName: "col"))
    public var phqPost: String?

    @Option(name: .customLong("gad-pre"), help: ArgumentHelp("GAD-7 total at the start.", valueName: "col"))
    public var gadPre: String?

    @Option(name: .customLong("gad-post"), help: ArgumentHelp("GAD-7 total at the end.", valueName: "col"))
    public var gadPost: String?

    @Option(name: .long, help: ArgumentHelp("Attended treatment sessions (rows below --min-sessions have not finished treatment).", valueName: "col"))
    public var sessions: String?

    @Option(name: .customLong("min-sessions"), help: ArgumentHelp("Sessions needed to have finished a course of treatment.", valueName: "n"))
    public var minSessions: Double = 2

    @Option(name: .long, help: ArgumentHelp("Write every input row with the change columns appended to this CSV file.", valueName: "file.csv"))
    public var out: String?

    @Option(name: .long, help: ArgumentHelp("Write the Jacobson-Truax plot to this SVG file.", valueName: "file.svg"))
    public var plot: String?

    @Option(name: .long, help: ArgumentHelp("Format of the summary on standard output: text, json, csv, md, latex or html.", valueName: "format"))
    public var format: String?

    public init() {}

    public var outputOptions: OutputOptions? { OutputOptions(format: format, out: nil) }

    public func execute(in context: RunContext) throws -> CommandReport {
        if let out, TableFormat(fileExtensionOf: out) != .csv {
            throw CLIError.usage("change --out writes the rows as CSV: give a file name ending in .csv (got '\(out)')")
        }
        if let plot, !plot.lowercased().hasSuffix(".svg") {
            throw CLIError.usage("--plot writes SVG: give a file name ending in .svg (got '\(plot)')")
        }
        return talkingTherapies ? try talkingTherapiesReport(in: context) : try reliableChangeReport(in: context)
    }

    // MARK: Jacobson–Truax

    private func reliableChangeReport(in context: RunContext) throws -> CommandReport {
        for (flag, value) in [("--phq-pre", phqPre), ("--phq-post", phqPost), ("--gad-pre", gadPre),
                              ("--gad-post", gadPost), ("--sessions", sessions)] where value != nil {
            throw CLIError.usage("\(flag) belongs to --nhs-talking-therapies")
        }
        guard let pre, let post else { throw CLIError.usage("give --pre COL and --post COL") }
        guard (sd == nil) == (reliability == nil) else {
            throw CLIError.usage("--sd and --reliability go together (S_diff needs both)")
        }
        let scoringKey = try InstrumentSelection(instrument: instrument, keyFile: key).key(in: context)
        guard scoringKey != nil || sd != nil else {
            throw CLIError.usage("give --instrument ID (or --key FILE), or --sd X and --reliability R")
        }
        let userDirection = try direction.map(Self.parseDirection)
        let data = try input.load(in: context)
        let before = try numericColumn(pre, flag: "--pre", in: data)
        let after = try numericColumn(post, flag: "--post", in: data)

        let result: ChangeResult
        do {
            result = try Self.classify(pre: before, post: after, key: scoringKey, sd: sd, reliability: reliability,
                                       cutoff: cutoff, direction: userDirection)
        } catch {
            switch error {
            case .invalidSD, .invalidReliability: throw CLIError.usage(error.description)
            case .noCriterion, .lengthMismatch: throw CLIError.usage("\(data.path): \(error.description)")
            }
        }

        var written: String?
        if let out {
            let rci = Column(name: "rci", numeric: result.rows.map { $0?.rci })
            let category = Column(name: "change_category", data: .categorical(Self.categoryColumn(result.rows)))
            try writeRows(data, adding: [rci, category], to: out, in: context)
            written = out
        }
        var figures: [String] = []
        if let plot {
            let svg = ChangePlot(result: result, pre: before, post: after, preName: pre, postName: post,
                                 instrument: scoringKey?.id).plot().svg()
            figures.append(try context.writeFile(svg, to: plot))
        }
        let json = changeJSON(result, data: data, instrument: scoringKey?.id, written: written, figures: figures)
        return CommandReport(json: json, tables: [changeTable(result, data: data, instrument: scoringKey?.id)],
                             figures: figures, warnings: result.warnings)
    }

    /// The Measures library's key rule (published criterion, else Jacobson–Truax from the norms; cut-off from
    /// the key, else c from the norms) with the user's `--sd/--reliability`, `--cutoff` and `--direction`
    /// taking precedence where given.
    static func classify(pre: [Double?], post: [Double?], key: ScoringKey?, sd: Double?, reliability: Double?,
                         cutoff: Double?, direction: ScoreDirection?) throws(ChangeError) -> ChangeResult {
        guard let key else {
            return try reliableChange(pre: pre, post: post, sd: sd ?? .nan, reliability: reliability ?? .nan,
                                      cutoff: cutoff, direction: direction ?? .lowerBetter)
        }
        if sd == nil, cutoff == nil, direction == nil {
            return try reliableChange(pre: pre, post: post, key: key)
        }
        let dir = direction ?? key.direction
        let cut = cutoff ?? key.clinicalCutoff
            ?? clinicalCutoffs(functional: key.norms?.functional, dysfunctional: key.norms?.dysfunctional, direction: dir).c
        if let sd, let reliability {
            return try reliableChange(pre: pre, post: post, sd: sd, reliability: reliability, cutoff: cut, direction: dir)
        }
        if let criterion = key.reliableChange {
            return try reliableChange(pre: pre, post: post, criterion: criterion, cutoff: cut, direction: dir)
        }
        if let normSD = key.norms?.dysfunctional?.sd, let r = key.norms?.reliability {
            return try reliableChange(pre: pre, post: post, sd: normSD, reliability: r, cutoff: cut, direction: dir)
        }
        throw .noCriterion(instrument: key.id)
    }

    static func parseDirection(_ text: String) throws -> ScoreDirection {
        switch text.lowercased() {
        case "lower-better", "lower_better", "lower": return .lowerBetter
        case "higher-better", "higher_better", "higher": return .higherBetter
        default: throw CLIError.usage("unknown --direction '\(text)'; use lower-better or higher-better")
        }
    }

    static func categoryColumn(_ rows: [ChangeRow?]) -> CategoricalColumn {
        let levels = ChangeCategory.allCases.map(\.rawValue)
        let codes = rows.map { row in row.flatMap { levels.firstIndex(of: $0.category.rawValue) }.map(Int32.init) ?? -1 }
        return CategoricalColumn(levels: levels, codes: codes)
    }

    private func changeJSON(_ r: ChangeResult, data: LoadedData, instrument: String?, written: String?,
                            figures: [String]) -> JSONValue {
        // The contract's keys (DESIGN.md §7) first, in its order; additions follow.
        var fields: [(String, JSONValue)] = [
            ("method", .string(r.method.rawValue)),
            ("n", .integer(r.n)),
            ("s_diff", .number(r.sDiff)),
            ("reliable_change", .number(r.reliableChange)),
            ("cutoff", .number(r.cutoff)),
            ("counts", .object(ChangeCategory.allCases.map { ($0.rawValue, .integer(r.counts[$0])) })),
            ("data", data.json(used: r.n)),
            ("instrument", .string(instrument)),
            ("pre", .string(pre)),
            ("post", .string(post)),
            ("direction", .string(r.direction == .lowerBetter ? "lower-better" : "higher-better")),
        ]
        if let sd, let reliability {
            fields.append(("sd", .number(sd)))
            fields.append(("reliability", .number(reliability)))
        }
        fields.append(("out", .string(written)))
        fields.append(("plot", .string(figures.isEmpty ? nil : plot)))
        fields.append(("warnings", .array(r.warnings.map { .string($0) })))
        return .object(fields)
    }

    private func changeTable(_ r: ChangeResult, data: LoadedData, instrument: String?) -> ResultTable {
        let rows: [[Cell]] = ChangeCategory.allCases.map { category in
            let count = r.counts[category]
            return [.text(category.label), .integer(count), .number(r.n > 0 ? 100 * Double(count) / Double(r.n) : nil)]
        }
        let method = r.method == .jacobsonTruax
            ? "Jacobson–Truax: S_diff = \(NumberFormat.fixed(r.sDiff, places: 2)); reliable when |RCI| ≥ 1.96, i.e. a change of at least \(ChangePlot.points(r.reliableChange)) points."
            : "Published reliable-change criterion for \(instrument ?? "the instrument"): a change of at least \(ChangePlot.points(r.reliableChange)) points."
        let better = r.direction == .lowerBetter ? "lower scores are better" : "higher scores are better"
        let cut = r.cutoff.map { "Recovered: reliable improvement from the clinical side of the cut-off \(ChangePlot.points($0)) to the other side; \(better)." }
            ?? "No clinical cut-off, so no row can be classed as recovered; \(better)."
        return ResultTable(
            title: "Reliable change: \(pre ?? "pre") to \(post ?? "post")",
            columns: [TableColumn("Category", key: "category"), TableColumn("n", kind: .integer, key: "n"),
                      TableColumn("%", kind: .decimal(1), key: "percent")],
            rows: rows + [[.text("Total"), .integer(r.n), .number(r.n > 0 ? 100 : nil)]],
            notes: [method, cut, "\(data.path): \(r.n) of \(data.table.rowCount) rows have both scores."])
    }

    // MARK: NHS Talking Therapies

    private func talkingTherapiesReport(in context: RunContext) throws -> CommandReport {
        for (flag, value) in [("--pre", pre), ("--post", post), ("--instrument", instrument), ("--key", key),
                              ("--direction", direction)] where value != nil {
            throw CLIError.usage("\(flag) does not apply to --nhs-talking-therapies (it uses PHQ-9 and GAD-7 totals)")
        }
        if sd != nil || reliability != nil || cutoff != nil {
            throw CLIError.usage("--sd, --reliability and --cutoff do not apply to --nhs-talking-therapies")
        }
        if plot != nil { throw CLIError.usage("--plot draws the Jacobson-Truax plot; it needs --pre and --post") }
        guard let phqPre, let phqPost, let gadPre, let gadPost else {
            throw CLIError.usage("--nhs-talking-therapies needs --phq-pre, --phq-post, --gad-pre and --gad-post")
        }
        guard minSessions >= 0 else { throw CLIError.usage("--min-sessions must be 0 or more") }
        let data = try input.load(in: context)
        var thresholds = TalkingTherapiesThresholds.nhs
        thresholds.minimumSessions = minSessions
        let outcomes: TalkingTherapiesOutcomes
        do {
            outcomes = try talkingTherapiesOutcomes(
                phq9Pre: try numericColumn(phqPre, flag: "--phq-pre", in: data),
                phq9Post: try numericColumn(phqPost, flag: "--phq-post", in: data),
                gad7Pre: try numericColumn(gadPre, flag: "--gad-pre", in: data),
                gad7Post: try numericColumn(gadPost, flag: "--gad-post", in: data),
                sessions: try sessions.map { try numericColumn($0, flag: "--sessions", in: data) },
                thresholds: thresholds)
        } catch let error as TalkingTherapiesError {
            throw CLIError.data("\(data.path): \(error.description)")
        }
        var written: String?
        if let out {
            try writeRows(data, adding: TalkingTherapiesColumns.columns(outcomes.rows), to: out, in: context)
            written = out
        }
        return CommandReport(json: talkingTherapiesJSON(outcomes, data: data, written: written),
                             tables: [talkingTherapiesTable(outcomes, data: data)], warnings: outcomes.warnings)
    }

    private static func metrics(_ o: TalkingTherapiesOutcomes) -> [(key: String, label: String, metric: RateMetric)] {
        [("caseness_at_start", "At caseness at the start", o.casenessAtStart),
         ("recovery", "Recovery", o.recovery),
         ("reliable_improvement", "Reliable improvement", o.reliableImprovement),
         ("reliable_deterioration", "Reliable deterioration", o.reliableDeterioration),
         ("reliable_recovery", "Reliable recovery", o.reliableRecovery)]
    }

    private func talkingTherapiesJSON(_ o: TalkingTherapiesOutcomes, data: LoadedData, written: String?) -> JSONValue {
        let t = o.thresholds
        return .object([
            ("method", .string("nhs-talking-therapies")),
            ("data", data.json(used: o.finishedTreatment)),
            ("referrals", .integer(o.referrals)),
            ("incomplete_scores", .integer(o.incompleteScores)),
            ("not_finished", .integer(o.notFinished)),
            ("finished_treatment", .integer(o.finishedTreatment)),
            ("metrics", .array(Self.metrics(o).map { m in
                .object([("metric", .string(m.key)), ("numerator", .integer(m.metric.numerator)),
                         ("denominator", .integer(m.metric.denominator)), ("rate", .number(m.metric.rate))])
            })),
            ("thresholds", .object([
                ("phq9_caseness", .number(t.phq9Caseness)), ("gad7_caseness", .number(t.gad7Caseness)),
                ("phq9_reliable_change", .number(t.phq9ReliableChange)),
                ("gad7_reliable_change", .number(t.gad7ReliableChange)),
                ("minimum_sessions", sessions == nil ? .null : .number(t.minimumSessions)),
            ])),
            ("out", .string(written)),
            ("warnings", .array(o.warnings.map { .string($0) })),
        ])
    }

    private func talkingTherapiesTable(_ o: TalkingTherapiesOutcomes, data: LoadedData) -> ResultTable {
        let t = o.thresholds
        return ResultTable(
            title: "NHS Talking Therapies outcomes",
            columns: [TableColumn("Metric", key: "metric"), TableColumn("Numerator", kind: .integer, key: "numerator"),
                      TableColumn("Denominator", kind: .integer, key: "denominator"),
                      TableColumn("Rate (%)", kind: .decimal(1), key: "rate_percent")],
            rows: Self.metrics(o).map { m in
                [.text(m.label), .integer(m.metric.numerator), .integer(m.metric.denominator), .number(m.metric.rate.map { 100 * $0 })]
            },
            notes: [
                "\(data.path): \(o.referrals) referrals; \(o.finishedTreatment) finished treatment with paired scores "
                    + "(\(o.incompleteScores) without paired PHQ-9 and GAD-7, \(o.notFinished) with fewer than \(NumberFormat.integer(t.minimumSessions)) sessions).",
                "Caseness: PHQ-9 ≥ \(NumberFormat.integer(t.phq9Caseness)) or GAD-7 ≥ \(NumberFormat.integer(t.gad7Caseness)). "
                    + "Reliable change: PHQ-9 \(NumberFormat.integer(t.phq9ReliableChange)), GAD-7 \(NumberFormat.integer(t.gad7ReliableChange)) points. "
                    + "Recovery and reliable recovery are rates among those at caseness at the start; the others among all who finished.",
            ])
    }

    // MARK: shared

    private func numericColumn(_ name: String, flag: String, in data: LoadedData) throws -> [Double?] {
        guard let column = data.table.column(named: name) else {
            let near = data.table.nearestNames(to: name)
            throw CLIError.usage("\(flag): no column named '\(name)' in \(data.path)"
                + (near.isEmpty ? "" : " (did you mean \(near.map { "'\($0)'" }.joined(separator: ", "))?)"))
        }
        guard let values = optionalValues(of: column) else {
            throw CLIError.data("\(flag): column '\(name)' in \(data.path) is not numeric")
        }
        return values
    }

    // Reports name files as the user gave them (no machine paths in notebook results).
    @discardableResult
    private func writeRows(_ data: LoadedData, adding columns: [Column], to path: String,
                           in context: RunContext) throws -> String {
        for column in columns where data.table.column(named: column.name) != nil {
            throw CLIError.data("\(data.path) already has a column named '\(column.name)'; rename it before writing --out")
        }
        let table: Table
        do { table = try Table(columns: data.table.columns + columns, source: data.table.source) } catch {
            throw CLIError.data("\(data.path): \(error.description)")
        }
        return try context.writeFile(TableCSVWriter.csv(table), to: path)
    }
}

extension ChangeCounts {
    subscript(category: ChangeCategory) -> Int {
        switch category {
        case .recovered: return recovered
        case .improved: return improved
        case .unchanged: return unchanged
        case .deteriorated: return deteriorated
        }
    }
}

extension ChangeCategory {
    /// Capitalised name for tables and legends.
    var label: String {
        switch self {
        case .recovered: return "Recovered"
        case .improved: return "Improved"
        case .unchanged: return "Unchanged"
        case .deteriorated: return "Deteriorated"
        }
    }
}

/// Per-referral NHS Talking Therapies flags for `--out`: 1/0, empty where a row is excluded or (recovery)
/// was not at caseness at the start.
enum TalkingTherapiesColumns {
    static func columns(_ rows: [TalkingTherapiesRow]) -> [Column] {
        func flag(_ value: Bool?) -> Double? { value.map { $0 ? 1 : 0 } }
        return [
            Column(name: "tt_excluded", categorical: rows.map { $0.exclusion?.rawValue }),
            Column(name: "tt_caseness_start", numeric: rows.map { flag($0.casenessAtStart) }),
            Column(name: "tt_caseness_end", numeric: rows.map { flag($0.casenessAtEnd) }),
            Column(name: "tt_recovered", numeric: rows.map { flag($0.recovered) }),
            Column(name: "tt_reliable_improvement", numeric: rows.map { flag($0.reliablyImproved) }),
            Column(name: "tt_reliable_deterioration", numeric: rows.map { flag($0.reliablyDeteriorated) }),
            Column(name: "tt_reliable_recovery", numeric: rows.map { flag($0.reliablyRecovered) }),
        ]
    }
}
