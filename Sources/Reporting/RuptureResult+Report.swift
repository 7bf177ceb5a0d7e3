import DataTable
import Models
import Output

/// What `ruptures` was asked, echoed by its report.
public struct RuptureSettings: Sendable {
    public var client: String
    public var session: String
    public var alliance: String
    public var outcome: String?
    public var out: String?

    public init(client: String, session: String, alliance: String, outcome: String?, out: String?) {
        self.client = client
        self.session = session
        self.alliance = alliance
        self.outcome = outcome
        self.out = out
    }
}

extension RuptureRule {
    /// The rule and its thresholds, named in every output.
    public var json: JSONValue {
        .object([("name", .string(Self.name)),
                 ("source", .string("Stiles et al. (2004), J. Counseling Psychology 51, 81-92: V-shaped deflections in session alliance")),
                 ("drop_sd", .number(dropSD)), ("min_drop", .number(minimumDrop)),
                 ("repair_window", .integer(repairWindow)), ("sd_basis", .string(basis.rawValue))])
    }

    public var summary: String {
        "rule \(Self.name): a fall of at least max(\(PlotNumber.text(dropSD)) SD, \(PlotNumber.text(minimumDrop)) points) from the previous session "
            + "(SD: \(basis == .sample ? "pooled within-client" : "each client's own")), repaired when the alliance rises by the same amount "
            + "within \(repairWindow) session\(repairWindow == 1 ? "" : "s")"
    }
}

extension RuptureResult {
    public func report(settings: RuptureSettings, test: RuptureRepairTest?, data: DataProvenance) -> Report {
        let classified = groups.count { $0 != nil }
        var fields: [(String, JSONValue)] = [
            ("analysis", .string("ruptures")),
            ("data", data.json()),
            ("rule", rule.json),
            ("pooled_sd", .number(pooledSD)),
            ("clients", .integer(clientLabels.count)),
            ("clients_classified", .integer(classified)),
            ("episodes", .integer(episodes.count)),
            ("repaired_episodes", .integer(episodes.count { $0.repaired })),
            ("censored_episodes", .integer(episodes.count { $0.censored })),
            ("groups", .object(RuptureGroup.allCases.map { ($0.rawValue, .integer(count($0))) })),
            ("ruptures_per_client", .object([
                ("mean", .number(classified > 0 ? Double(episodes.count) / Double(classified) : nil)),
                ("max", .integer(ruptures.max() ?? 0)),
            ])),
        ]
        var tables = [ResultTable(
            title: "Rupture-repair episodes",
            columns: [TableColumn("Clients", key: "group"), TableColumn("n", kind: .integer, key: "n")],
            rows: [["Classified (3+ alliance scores)", .integer(classified)]]
                + RuptureGroup.allCases.map { [.text(Self.label($0)), .integer(count($0))] }
                + [["Episodes", .integer(episodes.count)], ["Repaired episodes", .integer(episodes.count { $0.repaired })]],
            notes: [rule.summary + "."])]
        if let test {
            func coefficient(_ c: Coefficient) -> JSONValue {
                .object([("term", .string(c.term)), ("estimate", .number(c.estimate)), ("std_error", .number(c.stdError)),
                         ("statistic", .number(c.statistic)), ("p_value", .number(c.pValue)),
                         ("conf_low", .number(c.confLow)), ("conf_high", .number(c.confHigh))])
            }
            fields.append(("rupture_repair_test", .object([
                ("model", .string("ols")), ("formula", .string(RuptureRepairTest.formula)),
                ("outcome", .string("last \(settings.outcome ?? "") score; intake = first \(settings.outcome ?? "") score")),
                ("reference_group", .string(test.groupCounts.first?.group.rawValue)),
                ("group_counts", .object(test.groupCounts.map { ($0.group.rawValue, .integer($0.clients)) })),
                ("coefficients", .array(test.fit.coefficients.map(coefficient))),
                ("f_statistic", .number(test.fStatistic)), ("df_numerator", .integer(test.dfNumerator)),
                ("df_denominator", .integer(test.dfDenominator)), ("p_value", .number(test.pValue)),
                ("used", .integer(test.fit.counts.rowsUsed)),
            ])))
            tables.append(ResultTable(
                title: "Rupture-repair test: final \(settings.outcome ?? "score") by rupture group, adjusted for intake (OLS)",
                columns: [TableColumn("Term", key: "term"), TableColumn("Estimate", kind: .estimate(2), key: "estimate"),
                          TableColumn("SE", kind: .estimate(2), key: "std_error"), TableColumn("t", kind: .decimal(2), key: "statistic"),
                          TableColumn("p", kind: .pValue, key: "p_value"), TableColumn("95% CI", kind: .interval(2), key: "ci")],
                rows: test.fit.coefficients.map { c in
                    [.text(c.term), .number(c.estimate), .number(c.stdError), .number(c.statistic), .number(c.pValue),
                     .interval(c.confLow, c.confHigh)]
                },
                notes: ["Reference group: \(test.groupCounts.first.map { Self.label($0.group) } ?? ""). "
                        + "Groups: " + test.groupCounts.map { "\($0.group.rawValue) \($0.clients)" }.joined(separator: ", ") + ". "
                        + "F(\(test.dfNumerator), \(test.dfDenominator)) = \(NumberFormat.fixed(test.fStatistic, places: 2)), "
                        + "p \(Self.pText(test.pValue)) for the group terms (anova against outcome ~ intake).",
                        rule.summary + "."]))
        } else if settings.outcome != nil {
            fields.append(("rupture_repair_test", .null))
        }
        var warnings: [String] = []
        if settings.outcome != nil && test == nil {
            warnings.append("the rupture-repair test needs clients in at least two rupture groups with intake and final scores; it was not run")
        }
        fields += [("out", .string(settings.out)), ("warnings", .array(warnings.map { .string($0) }))]
        return Report(json: .object(fields), tables: tables, warnings: warnings)
    }

    /// "= .023" or "< .001" (APA).
    static func pText(_ p: Double) -> String {
        let text = NumberFormat.pValue(p)
        return text.hasPrefix("<") ? text : "= " + text
    }

    static func label(_ group: RuptureGroup) -> String {
        switch group {
        case .none: return "No rupture"
        case .repaired: return "Ruptures, all repaired"
        case .unrepaired: return "An unrepaired rupture"
        }
    }

    /// The `--clients-out` rows: client, ruptures, repairs, group (empty for clients with fewer than three scores).
    public func clientsTable() throws -> Table {
        let levels = RuptureGroup.allCases.map(\.rawValue)
        return try Table(columns: [
            Column(name: "client", data: .categorical(CategoricalColumn(levels: clientLabels, codes: clientLabels.indices.map { Int32($0) }))),
            Column(name: "ruptures", numeric: zip(ruptures, groups).map { $1 == nil ? nil : Double($0) }),
            Column(name: "repairs", numeric: zip(repairs, groups).map { $1 == nil ? nil : Double($0) }),
            Column(name: "group", data: .categorical(CategoricalColumn(
                levels: levels, codes: groups.map { g in Int32(g.flatMap { levels.firstIndex(of: $0.rawValue) } ?? -1) }))),
        ])
    }

    /// The `--out` rows: client, rupture_session, depth, repaired, repair_session, censored, and the rule in every row.
    public func episodesTable() throws -> Table {
        let n = episodes.count
        let ruleText = "\(RuptureRule.name) drop_sd=\(PlotNumber.text(rule.dropSD)) min_drop=\(PlotNumber.text(rule.minimumDrop)) "
            + "repair_window=\(rule.repairWindow) sd_basis=\(rule.basis.rawValue)"
        return try Table(columns: [
            Column(name: "client", data: .categorical(CategoricalColumn(levels: clientLabels, codes: episodes.map { Int32($0.client) }))),
            Column(name: "rupture_session", numeric: episodes.map { $0.ruptureSession }),
            Column(name: "depth", numeric: episodes.map { $0.depth }),
            Column(name: "repaired", numeric: episodes.map { $0.repaired ? 1 : 0 }),
            Column(name: "repair_session", numeric: episodes.map { $0.repairSession }),
            Column(name: "censored", numeric: episodes.map { $0.censored ? 1 : 0 }),
            Column(name: "rule", data: .categorical(CategoricalColumn(levels: [ruleText], codes: [Int32](repeating: 0, count: n)))),
        ])
    }
}
