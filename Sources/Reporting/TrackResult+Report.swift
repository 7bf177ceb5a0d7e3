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

/// One session with an alliance score, as the PCOMS rule checks it.
public struct AllianceSession: Sendable, Equatable {
    public let client: String
    public let session: Double
    public let alliance: Double
    /// The symptom score at the same session, nil when it is missing.
    public let score: Double?
    /// The client's first session with an alliance score (PCOMS: a low SRS there is the key dropout warning).
    public let intake: Bool

    public init(client: String, session: Double, alliance: Double, score: Double?, intake: Bool) {
        self.client = client
        self.session = session
        self.alliance = alliance
        self.score = score
        self.intake = intake
    }
}

/// PCOMS-style alliance alerts: a session whose alliance total is below the key's alert cut-off (SRS: 36).
/// Every session with an alliance score is checked, intake included, whether or not the symptom trajectory checks it
/// (that starts after intake and needs a symptom score): the alliance rule needs no expected curve.
public struct AllianceAlerts: Sendable {
    public var column: String
    public var instrument: String
    public var cutoff: Double
    public var source: [String]
    /// Every session with a client, a session number and an alliance score, client by client in session order.
    public var sessions: [AllianceSession]
    /// Clients in the order they first appear in the data (the `--out` rows follow it).
    public var clientOrder: [String]
    /// Input rows used by the alliance rule alone (intake-only clients, sessions with no symptom score).
    public var rowsBeyondTrajectory: Int

    public init(column: String, instrument: String, cutoff: Double, source: [String], sessions: [AllianceSession],
                clientOrder: [String], rowsBeyondTrajectory: Int) {
        self.column = column
        self.instrument = instrument
        self.cutoff = cutoff
        self.source = source
        self.sessions = sessions
        self.clientOrder = clientOrder
        self.rowsBeyondTrajectory = rowsBeyondTrajectory
    }

    public func isAlert(_ alliance: Double) -> Bool { alliance < cutoff }
    /// Sessions below the cut-off, intake included.
    public var alerts: Int { sessions.count { isAlert($0.alliance) } }
    /// Of those, sessions that are the client's first with an alliance score.
    public var intakeAlerts: Int { sessions.count { $0.intake && isAlert($0.alliance) } }
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
            ("data", data.json(used: sessions.count + clients.count + (settings.alliance?.rowsBeyondTrajectory ?? 0))),
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
                ("sessions", .integer(a.sessions.count)), ("alerts", .integer(a.alerts)),
                ("intake_alerts", .integer(a.intakeAlerts)),
                ("scope", .string(Self.allianceScope)),
                ("source", .array(a.source.map { .string($0) })),
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
            ] + (settings.alliance.map { a -> [[Cell]] in [
                [.text("Sessions below the \(a.instrument.uppercased()) alliance cut-off"), .integer(a.alerts)],
                [.text("  of which at intake"), .integer(a.intakeAlerts)],
            ] } ?? []),
            notes: [
                "Model (\(settings.reference == nil ? "fitted on the data itself" : "fitted on \(settings.reference?.file ?? "")")): "
                    + "\(ExpectedTreatmentResponse.formula), \(m.clients) clients, \(m.sessions) sessions after intake.",
                "One-sided \(PlotNumber.percent(coverage)) tolerance boundary on the \(direction == .lowerBetter ? "higher (worse)" : "lower (worse)") side of each client's expected curve.",
            ] + (settings.alliance.map { a in
                ["Alliance cut-off \(PlotNumber.text(a.cutoff)) checked at all \(a.sessions.count) session\(a.sessions.count == 1 ? "" : "s") "
                    + "with a score in \(a.column), intake (the client's first of them) included; the expected curve checks only "
                    + "later sessions with a \(settings.score) score"
                    + (settings.out == nil ? "." : ", so in the --out file the other alliance rows have expected, boundary and flag empty.")]
            } ?? []))
        let bySession = ResultTable(
            title: "How early flags predict the outcome",
            columns: [TableColumn("Flags up to session", kind: .decimal(0), key: "session"),
                      TableColumn("Sensitivity", kind: .bounded(2), key: "sensitivity"),
                      TableColumn("Specificity", kind: .bounded(2), key: "specificity")],
            rows: accuracyBySession.map { [.number($0.session), .number($0.sensitivity), .number($0.specificity)] })
        return Report(json: .object(fields), tables: accuracyBySession.isEmpty ? [summary] : [summary, bySession],
                      warnings: allWarnings(settings))
    }

    static let allianceScope = "every session with an alliance score, intake (the client's first such session) included, "
        + "whether or not the expected curve checks it (it starts after intake and needs a symptom score)"

    private func allWarnings(_ settings: TrackSettings) -> [String] {
        var w = model.warnings
        if settings.reference == nil {
            w.append("the expected-response model was fitted on the data being tracked (no --reference): flags then compare clients with each other, not with an external benchmark")
        }
        if accuracy == nil { w.append("no reliable-change criterion: sensitivity and specificity are not computed (give --instrument or --reliable-change)") }
        return w
    }

    /// The `--out` rows: client, session, score, expected, boundary, flag (and the alliance and its alert when asked).
    /// Without the alliance, one row per checked session. With it, also a row for every other session with an alliance
    /// score (intake, a one-session client's only session, a session with no symptom score), whose expected, boundary
    /// and flag are empty: the trajectory does not check it, the alliance rule does.
    public func flagsTable(alliance: AllianceAlerts?) throws -> Table {
        guard let a = alliance else {
            return try Self.flagsTable(levels: clientLabels, rows: sessions.map {
                FlagsRow(client: Int32($0.client), session: $0.session, score: $0.score, expected: $0.expected,
                         boundary: $0.boundary, notOnTrack: $0.notOnTrack, alliance: nil)
            }, alliance: nil)
        }
        struct Key: Hashable { let client: String; let session: Double }
        var levels = a.clientOrder
        var code: [String: Int32] = [:]
        for (i, label) in levels.enumerated() where code[label] == nil { code[label] = Int32(i) }
        func codeOf(_ label: String) -> Int32 {
            if let c = code[label] { return c }
            levels.append(label)
            code[label] = Int32(levels.count - 1)
            return Int32(levels.count - 1)
        }
        var allianceAt: [Key: Double] = [:]
        for s in a.sessions { allianceAt[Key(client: s.client, session: s.session)] = s.alliance }
        var rows: [FlagsRow] = []
        var checked = Set<Key>()
        for s in sessions {
            let key = Key(client: clientLabels[s.client], session: s.session)
            checked.insert(key)
            rows.append(FlagsRow(client: codeOf(key.client), session: s.session, score: s.score, expected: s.expected,
                                 boundary: s.boundary, notOnTrack: s.notOnTrack, alliance: allianceAt[key]))
        }
        for s in a.sessions where !checked.contains(Key(client: s.client, session: s.session)) {
            rows.append(FlagsRow(client: codeOf(s.client), session: s.session, score: s.score, expected: nil, boundary: nil,
                                 notOnTrack: nil, alliance: s.alliance))
        }
        // Client by client in order of first appearance, each in session order.
        rows.sort { ($0.client, $0.session) < ($1.client, $1.session) }
        return try Self.flagsTable(levels: levels, rows: rows, alliance: a)
    }

    private struct FlagsRow {
        let client: Int32
        let session: Double
        let score: Double?
        let expected: Double?
        let boundary: Double?
        let notOnTrack: Bool?
        let alliance: Double?
    }

    private static func flagsTable(levels: [String], rows: [FlagsRow], alliance: AllianceAlerts?) throws -> Table {
        var columns = [
            Column(name: "client", data: .categorical(CategoricalColumn(levels: levels, codes: rows.map(\.client)))),
            Column(name: "session", numeric: rows.map { Optional($0.session) }),
            Column(name: "score", numeric: rows.map(\.score)),
            Column(name: "expected", numeric: rows.map(\.expected)),
            Column(name: "boundary", numeric: rows.map(\.boundary)),
            Column(name: "flag", data: .categorical(CategoricalColumn(levels: ["on_track", "not_on_track"],
                                                                      codes: rows.map { $0.notOnTrack.map { $0 ? 1 : 0 } ?? -1 }))),
        ]
        if let a = alliance {
            columns.append(Column(name: "alliance", numeric: rows.map(\.alliance)))
            columns.append(Column(name: "alliance_flag", data: .categorical(CategoricalColumn(
                levels: ["ok", "below_cutoff"], codes: rows.map { $0.alliance.map { a.isAlert($0) ? 1 : 0 } ?? -1 }))))
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
