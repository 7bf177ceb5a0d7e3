import DataTable
import Models
import Output

/// What `track` was asked, echoed by its report.
public struct TrackSettings: Sendable {
    public var client: String
    public var session: String
    public var score: String
    public var instrument: String?
    /// The reference file, or nil when the model was fitted on the data itself.
    public var reference: DataProvenance?
    /// The reliable-change criterion (points) that defines the outcome the flags predict, and where it came from.
    public var reliableChange: Double?
    public var reliableChangeSource: String?
    public var out: String?
    public var plot: String?
    public var alliance: AllianceAlerts?

    public init(client: String, session: String, score: String, instrument: String?, reference: DataProvenance?,
                reliableChange: Double?, reliableChangeSource: String?, out: String?, plot: String?, alliance: AllianceAlerts?) {
        self.client = client
        self.session = session
        self.score = score
        self.instrument = instrument
        self.reference = reference
        self.reliableChange = reliableChange
        self.reliableChangeSource = reliableChangeSource
        self.out = out
        self.plot = plot
        self.alliance = alliance
    }
}

/// PCOMS-style alliance alerts: a session whose alliance total is below the key's alert cut-off (SRS: 36).
public struct AllianceAlerts: Sendable {
    public var column: String
    public var instrument: String
    public var cutoff: Double
    public var source: [String]
    /// Per tracked session of the result (same order): the alliance score, nil when missing.
    public var scores: [Double?]

    public init(column: String, instrument: String, cutoff: Double, source: [String], scores: [Double?]) {
        self.column = column
        self.instrument = instrument
        self.cutoff = cutoff
        self.source = source
        self.scores = scores
    }

    public var alerts: Int { scores.count { ($0 ?? .infinity) < cutoff } }
}

extension TrackResult {
    public func report(settings: TrackSettings, data: DataProvenance) -> Report {
        let m = model
        let firstFlags = clients.compactMap(\.firstFlag).sorted()
        let medianFirst: Double? = firstFlags.isEmpty ? nil
            : (firstFlags.count % 2 == 1 ? firstFlags[firstFlags.count / 2]
               : (firstFlags[firstFlags.count / 2 - 1] + firstFlags[firstFlags.count / 2]) / 2)
        func accuracyJSON(_ a: FlagAccuracy) -> JSONValue {
            .object([("session", .number(a.session)), ("sensitivity", .number(a.sensitivity)),
                     ("specificity", .number(a.specificity)), ("true_positives", .integer(a.truePositives)),
                     ("positives", .integer(a.positives)), ("true_negatives", .integer(a.trueNegatives)),
                     ("negatives", .integer(a.negatives))])
        }
        var fields: [(String, JSONValue)] = [
            ("analysis", .string("track")),
            ("data", data.json(used: sessions.count + clients.count)),
            ("reference", settings.reference.map { $0.json() } ?? .string("data")),
            ("instrument", .string(settings.instrument)),
            ("direction", .string(direction.rawValue)),
            ("coverage", .number(coverage)),
            ("model", .object([
                ("method", .string("Finch, Lambert & Schaalje (2001) expected treatment response; REML")),
                ("formula", .string(ExpectedTreatmentResponse.formula)),
                ("coefficients", .object(zip(["intercept", "intake", "log_session", "intake_log_session"], m.coefficients)
                    .map { ($0.0, .number($0.1)) })),
                ("intercept_variance", .number(m.interceptVariance)),
                ("slope_variance", .number(m.slopeVariance)),
                ("covariance", .number(m.covariance)),
                ("residual_variance", .number(m.residualVariance)),
                ("clients", .integer(m.clients)),
                ("sessions", .integer(m.sessions)),
                ("singular", .bool(m.singular)),
            ])),
            ("clients", .integer(clients.count)),
            ("intake_only_clients", .integer(intakeOnly)),
            ("sessions_checked", .integer(sessions.count)),
            ("flagged_clients", .integer(flaggedClients)),
            ("flagged_sessions", .integer(flaggedSessions)),
            ("median_first_flag_session", .number(medianFirst)),
            ("outcome", .object([
                ("predicted", .string("no reliable improvement from intake to the last session")),
                ("reliable_change", .number(settings.reliableChange)),
                ("reliable_change_source", .string(settings.reliableChangeSource)),
            ])),
            ("sensitivity", .number(accuracy?.sensitivity)),
            ("specificity", .number(accuracy?.specificity)),
            ("accuracy", accuracy.map(accuracyJSON) ?? .null),
            ("by_session", .array(accuracyBySession.map(accuracyJSON))),
        ]
        if let a = settings.alliance {
            fields.append(("alliance", .object([
                ("column", .string(a.column)), ("instrument", .string(a.instrument)), ("cutoff", .number(a.cutoff)),
                ("rule", .string("PCOMS: a session whose alliance total is below the cut-off is flagged for discussion")),
                ("alerts", .integer(a.alerts)), ("source", .array(a.source.map { .string($0) })),
            ])))
        }
        fields += [("out", .string(settings.out)), ("plot", .string(settings.plot)),
                   ("warnings", .array(allWarnings(settings).map { .string($0) }))]

        let summary = ResultTable(
            title: "Expected treatment response: not-on-track flags",
            columns: [TableColumn("Quantity", key: "quantity"), TableColumn("Value", kind: .decimal(3), key: "value")],
            rows: [
                ["Clients tracked", .integer(clients.count)],
                ["Sessions checked", .integer(sessions.count)],
                ["Clients flagged not on track", .integer(flaggedClients)],
                ["Sessions flagged not on track", .integer(flaggedSessions)],
                ["Median session of first flag", .number(medianFirst)],
                ["Sensitivity (no reliable improvement)", .number(accuracy?.sensitivity)],
                ["Specificity", .number(accuracy?.specificity)],
            ] + (settings.alliance.map { a -> [[Cell]] in [[.text("Sessions below the \(a.instrument.uppercased()) alliance cut-off"), .integer(a.alerts)]] } ?? []),
            notes: [
                "Model (\(settings.reference == nil ? "fitted on the data itself" : "fitted on \(settings.reference?.file ?? "")")): "
                    + "\(ExpectedTreatmentResponse.formula), \(m.clients) clients, \(m.sessions) sessions after intake.",
                "One-sided \(PlotNumber.percent(coverage)) tolerance boundary on the \(direction == .lowerBetter ? "higher (worse)" : "lower (worse)") side of each client's expected curve.",
            ])
        let bySession = ResultTable(
            title: "How early flags predict the outcome",
            columns: [TableColumn("Flags up to session", kind: .decimal(0), key: "session"),
                      TableColumn("Sensitivity", kind: .bounded(2), key: "sensitivity"),
                      TableColumn("Specificity", kind: .bounded(2), key: "specificity")],
            rows: accuracyBySession.map { [.number($0.session), .number($0.sensitivity), .number($0.specificity)] })
        return Report(json: .object(fields), tables: accuracyBySession.isEmpty ? [summary] : [summary, bySession],
                      warnings: allWarnings(settings))
    }

    private func allWarnings(_ settings: TrackSettings) -> [String] {
        var w = model.warnings
        if settings.reference == nil {
            w.append("the expected-response model was fitted on the data being tracked (no --reference): flags then compare clients with each other, not with an external benchmark")
        }
        if accuracy == nil { w.append("no reliable-change criterion: sensitivity and specificity are not computed (give --instrument or --reliable-change)") }
        return w
    }

    /// The `--out` rows: client, session, score, expected, boundary, flag (and the alliance and its alert when asked).
    public func flagsTable(alliance: AllianceAlerts?) throws -> Table {
        let codes = sessions.map { Int32($0.client) }
        var columns = [
            Column(name: "client", data: .categorical(CategoricalColumn(levels: clientLabels, codes: codes))),
            Column(name: "session", data: .numeric(NumericColumn(values: sessions.map(\.session), missing: [Bool](repeating: false, count: sessions.count)))),
            Column(name: "score", data: .numeric(NumericColumn(values: sessions.map(\.score), missing: [Bool](repeating: false, count: sessions.count)))),
            Column(name: "expected", data: .numeric(NumericColumn(values: sessions.map(\.expected), missing: [Bool](repeating: false, count: sessions.count)))),
            Column(name: "boundary", data: .numeric(NumericColumn(values: sessions.map(\.boundary), missing: [Bool](repeating: false, count: sessions.count)))),
            Column(name: "flag", data: .categorical(CategoricalColumn(levels: ["on_track", "not_on_track"],
                                                                      codes: sessions.map { $0.notOnTrack ? 1 : 0 }))),
        ]
        if let a = alliance {
            columns.append(Column(name: "alliance", numeric: a.scores))
            columns.append(Column(name: "alliance_flag", data: .categorical(CategoricalColumn(
                levels: ["ok", "below_cutoff"], codes: a.scores.map { $0.map { $0 < a.cutoff ? 1 : 0 } ?? -1 }))))
        }
        return try Table(columns: columns)
    }

    /// The chart for one client chosen by the clinician: their scores over the expected curve and the boundary.
    /// Only the sessions are shown: no client label, nothing that identifies anyone else.
    public func clientChart(client index: Int, scoreName: String, instrument: String?) -> Plot? {
        let rows = sessions.filter { $0.client == index }
        guard !rows.isEmpty else { return nil }
        let x = rows.map(\.session)
        let intake = clients[index].intake
        let grid = Self.grid(from: x.min() ?? 2, to: x.max() ?? 2)
        let expected = grid.map { model.expected(intake: intake, session: $0) }
        let boundary = grid.map { model.boundary(intake: intake, session: $0, coverage: coverage, direction: direction) }
        let all = rows.map(\.score) + boundary + expected
        let edge = direction == .lowerBetter ? (all.max() ?? 0) : (all.min() ?? 0)
        let worseEdge = [Double](repeating: edge, count: grid.count)
        let flagged = rows.filter(\.notOnTrack), onTrack = rows.filter { !$0.notOnTrack }
        var layers: [Layer] = [
            Layer(.ribbon(x: grid, low: direction == .lowerBetter ? boundary : worseEdge,
                          high: direction == .lowerBetter ? worseEdge : boundary),
                  label: "Beyond the \(PlotNumber.percent(coverage)) boundary (not on track)",
                  style: MarkStyle(color: Color.okabeIto[5], ribbonOpacity: 0.12)),
            Layer(.line(x: grid, y: expected), label: "Expected response", style: MarkStyle(color: Color.okabeIto[4], lineWidth: 2)),
            Layer(.line(x: grid, y: boundary), label: "Tolerance boundary", style: MarkStyle(color: Color.okabeIto[5], dash: .dashed, lineWidth: 1.5)),
            Layer(.line(x: x, y: rows.map(\.score)), style: MarkStyle(color: .gray, lineWidth: 1)),
        ]
        if !onTrack.isEmpty {
            layers.append(Layer(.points(x: onTrack.map(\.session), y: onTrack.map(\.score)), label: "On track",
                                style: MarkStyle(color: Color.okabeIto[2], shape: .circle)))
        }
        if !flagged.isEmpty {
            layers.append(Layer(.points(x: flagged.map(\.session), y: flagged.map(\.score)), label: "Not on track",
                                style: MarkStyle(color: Color.okabeIto[5], shape: .triangle, pointRadius: 4.5)))
        }
        let name = instrument?.uppercased() ?? scoreName
        return Plot(
            title: "\(name) against the expected treatment response",
            description: "One client's \(name) scores at \(rows.count) sessions after intake (intake \(PlotNumber.text(intake))), "
                + "with the expected response curve for their intake severity and the one-sided \(PlotNumber.percent(coverage)) "
                + "tolerance boundary; \(flagged.count) session(s) lie beyond the boundary.",
            x: Axis(title: "Session"), y: Axis(title: scoreName), layers: layers, legendTitle: nil,
            width: 680, height: 400, idPrefix: "track")
    }

    static func grid(from a: Double, to b: Double) -> [Double] {
        guard b > a else { return [a] }
        let steps = 60
        return (0...steps).map { a + (b - a) * Double($0) / Double(steps) }
    }
}
