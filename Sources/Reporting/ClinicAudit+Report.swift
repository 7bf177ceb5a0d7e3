import Models
import Output
import Privacy

/// What `audit` was asked and how the metrics were defined, echoed in every output.
public struct AuditSettings: Sendable {
    public var therapist: String
    public var pre: String
    public var post: String
    public var instrument: String
    /// In words: caseness, reliable change, finishing treatment.
    public var definitions: [String]
    public var casemix: String
    public var service: String?
    public var period: String?
    public var dropout: String?
    public var alliance: String?
    public var minimumCell: Int
    public var out: String
    /// The run manifest (version, build, BLAS, inputs, arguments).
    public var manifest: JSONValue

    public init(therapist: String, pre: String, post: String, instrument: String, definitions: [String], casemix: String,
                service: String?, period: String?, dropout: String?, alliance: String?, minimumCell: Int, out: String,
                manifest: JSONValue) {
        self.therapist = therapist
        self.pre = pre
        self.post = post
        self.instrument = instrument
        self.definitions = definitions
        self.casemix = casemix
        self.service = service
        self.period = period
        self.dropout = dropout
        self.alliance = alliance
        self.minimumCell = minimumCell
        self.out = out
        self.manifest = manifest
    }
}

/// The audit as documents: JSON, Markdown (figures as files beside it), self-contained HTML (figures inline).
public struct AuditDocuments {
    public var json: JSONValue
    public var markdown: String
    public var html: String
    /// Figures by file-name suffix (`recovery-funnel`, …), for the Markdown and for standard output's table list.
    public var plots: [(name: String, plot: Plot)]
    public var tables: [ResultTable]
    public var warnings: [String]
}

/// Groups shown under their own label and the pooled rest, by the small-cell rule with complementary suppression.
struct ShownGroups {
    let shown: [Int]
    let hidden: [Int]
    /// The hidden groups pooled, when they are together at least the minimum.
    let pooledShown: Bool

    init(sizes: [Int], minimumCell: Int) {
        let suppressor = SmallCellSuppressor(minimumCell: minimumCell)
        // A failure can only come from a negative count, which counts never are; hide everything if it happens.
        let hide = (try? suppressor.hiddenGroups(sizes: sizes)) ?? sizes.map { _ in true }
        shown = sizes.indices.filter { !hide[$0] && sizes[$0] > 0 }
        hidden = sizes.indices.filter { hide[$0] && sizes[$0] > 0 }
        let pooled = hidden.reduce(0) { $0 + sizes[$1] }
        pooledShown = hidden.count >= 2 && pooled >= minimumCell
    }
}

extension ClinicAudit {
    public func documents(effects: TherapistEffects, settings: AuditSettings, data: DataProvenance,
                          figureNames: (String) -> String) -> AuditDocuments {
        let k = settings.minimumCell
        let pooledLabel = PooledGroups.pooledLabel
        var warnings: [String] = []

        // 1. Metrics by service and period (cells with fewer than k referrals hidden, complements too; within a
        // shown cell, rates on a small denominator or with a small numerator or complement hidden, complements too).
        let cellSizes = servicePeriods.map(\.counts.referrals)
        let cells = ShownGroups(sizes: cellSizes, minimumCell: k)
        var pooledCells = Counts()
        for i in cells.hidden { pooledCells.merge(servicePeriods[i].counts) }
        // The parts of the metrics table add up to the "All" row: the shown cells, then the pooled row when it
        // is shown, else every hidden cell (not published).
        let cellParts: [Counts] = cells.shown.map { servicePeriods[$0].counts }
            + (cells.pooledShown ? [pooledCells] : cells.hidden.map { servicePeriods[$0].counts })
        let cellUnpublished = cells.shown.map { _ in false } + (cells.pooledShown ? [false] : cells.hidden.map { _ in true })
        // The recovery funnel's parts: the therapists it shows (or pools, or hides) and the clients without a therapist.
        let recoveryValues = therapists.map { ($0.label, $0.counts.reliablyRecovered, $0.counts.casenessAtStart) }
        let recoveryRest = (overall.reliablyRecovered - recoveryValues.reduce(0) { $0 + $1.1 },
                            overall.casenessAtStart - recoveryValues.reduce(0) { $0 + $1.2 })
        // The two tables share the overall caseness count and reliable-recovery rate: whatever one hides, the other
        // hides too (to a fixed point).
        var sharedDenominatorHidden = false, sharedMetricHidden = false
        var metricsSuppression: AuditRateSuppression
        var recoveryParts: FunnelParts
        repeat {
            metricsSuppression = AuditRateSuppression(
                denominators: [cellParts.map(\.finished), cellParts.map(\.casenessAtStart)],
                overallDenominators: [overall.finished, overall.casenessAtStart],
                metrics: [.init(denominator: 1, numerators: cellParts.map(\.recovered), overall: overall.recovered),
                          .init(denominator: 0, numerators: cellParts.map(\.reliablyImproved), overall: overall.reliablyImproved),
                          .init(denominator: 1, numerators: cellParts.map(\.reliablyRecovered), overall: overall.reliablyRecovered)],
                unpublished: cellUnpublished, minimumCell: k,
                overallDenominatorsHidden: [false, sharedDenominatorHidden], overallMetricsHidden: [false, false, sharedMetricHidden])
            recoveryParts = FunnelParts(values: recoveryValues, rest: recoveryRest, overall: (overall.reliablyRecovered, overall.casenessAtStart),
                                        k: k, overallDenominatorHidden: sharedDenominatorHidden, overallMetricHidden: sharedMetricHidden)
            let denominator = metricsSuppression.overallDenominatorHidden[1] || recoveryParts.suppression.overallDenominatorHidden[0]
            let metric = metricsSuppression.overallMetricHidden[2] != nil || recoveryParts.suppression.overallMetricHidden[0] != nil
            if denominator == sharedDenominatorHidden && metric == sharedMetricHidden { break }
            (sharedDenominatorHidden, sharedMetricHidden) = (denominator, metric)
        } while true

        func rate(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
        /// A row of the metrics table: its counts and what is hidden (nil: a row that shows everything).
        struct Shown { let finished: Bool; let caseness: Bool; let metrics: [AuditRateSuppression.Reason?] }
        func shown(part p: Int?) -> Shown {
            let s = metricsSuppression
            guard let p else {
                return Shown(finished: !s.overallDenominatorHidden[0], caseness: !s.overallDenominatorHidden[1], metrics: s.overallMetricHidden)
            }
            return Shown(finished: !s.denominatorHidden[0][p], caseness: !s.denominatorHidden[1][p], metrics: s.metricHidden.map { $0[p] })
        }
        var suppressedRates = (denominator: 0, numerator: 0)
        func count(_ hidden: [AuditRateSuppression.Reason?]) {
            for reason in hidden {
                if reason == .denominator { suppressedRates.denominator += 1 } else if reason == .numerator { suppressedRates.numerator += 1 }
            }
        }
        func metricsJSON(_ c: Counts, _ v: Shown) -> [(String, JSONValue)] {
            func metric(_ numerator: Int, _ denominator: Int, denominatorShown: Bool, _ hidden: AuditRateSuppression.Reason?) -> JSONValue {
                guard let hidden else {
                    return .object([("numerator", .integer(numerator)), ("denominator", .integer(denominator)),
                                    ("rate", .number(rate(numerator, denominator))), ("suppressed", .bool(false))])
                }
                return .object([("numerator", .null), ("denominator", denominatorShown ? .integer(denominator) : .null), ("rate", .null),
                                ("suppressed", .bool(true)), ("reason", .string(AuditRateSuppression.reasonText(hidden, k: k)))])
            }
            return [("referrals", .integer(c.referrals)), ("finished", v.finished ? .integer(c.finished) : .null),
                    ("caseness_at_start", v.caseness ? .integer(c.casenessAtStart) : .null),
                    ("recovery", metric(c.recovered, c.casenessAtStart, denominatorShown: v.caseness, v.metrics[0])),
                    ("reliable_improvement", metric(c.reliablyImproved, c.finished, denominatorShown: v.finished, v.metrics[1])),
                    ("reliable_recovery", metric(c.reliablyRecovered, c.casenessAtStart, denominatorShown: v.caseness, v.metrics[2]))]
        }
        func metricsRow(_ label: [String], _ c: Counts, _ v: Shown) -> [Cell] {
            count(v.metrics)
            func percent(_ a: Int, _ b: Int, _ hidden: AuditRateSuppression.Reason?) -> Cell {
                hidden == nil ? .number(rate(a, b).map { 100 * $0 }) : .text("suppressed")
            }
            return label.map { Cell.text($0) } + [.integer(c.referrals), v.finished ? .integer(c.finished) : .text("suppressed"),
                                                  percent(c.recovered, c.casenessAtStart, v.metrics[0]),
                                                  percent(c.reliablyImproved, c.finished, v.metrics[1]),
                                                  percent(c.reliablyRecovered, c.casenessAtStart, v.metrics[2])]
        }
        var metricRows = cells.shown.enumerated().map { p, i in
            metricsRow([servicePeriods[i].service, servicePeriods[i].period], servicePeriods[i].counts, shown(part: p))
        }
        if cells.pooledShown { metricRows.append(metricsRow([pooledLabel, ""], pooledCells, shown(part: cells.shown.count))) }
        metricRows.append(metricsRow(["All", "all"], overall, shown(part: nil)))
        var metricNotes = settings.definitions + [suppressionNote(hidden: cells.hidden.count, pooled: cells.pooledShown, k: k, what: "service-quarter cells", unit: "referrals")]
        metricNotes.append(rateSuppressionNote(suppressedRates, k: k))
        let metricsTable = ResultTable(
            title: "NHS Talking Therapies metrics by service and quarter",
            columns: [TableColumn("Service", key: "service"), TableColumn("Quarter", key: "period"),
                      TableColumn("Referrals", kind: .integer, key: "referrals"), TableColumn("Finished", kind: .integer, key: "finished"),
                      TableColumn("Recovery (%)", kind: .decimal(1), key: "recovery"),
                      TableColumn("Reliable improvement (%)", kind: .decimal(1), key: "reliable_improvement"),
                      TableColumn("Reliable recovery (%)", kind: .decimal(1), key: "reliable_recovery")],
            rows: metricRows,
            notes: metricNotes)

        // 2. Case-mix-adjusted therapist effects (intervals; therapists in label order, never ranked).
        let effectSizes = effects.effects.map(\.clients)
        let effectGroups = ShownGroups(sizes: effectSizes, minimumCell: k)
        let shownEffects = effectGroups.shown.map { effects.effects[$0] }
        let icc = effects.fit.intraclassCorrelations.first
        let effectsTable = ResultTable(
            title: "Case-mix-adjusted therapist effects (\(PlotNumber.percent(effects.level)) intervals)",
            columns: [TableColumn("Therapist", key: "therapist"), TableColumn("Clients", kind: .integer, key: "clients"),
                      TableColumn("Effect", kind: .decimal(2), key: "estimate"),
                      TableColumn("\(PlotNumber.percent(effects.level)) interval", kind: .interval(2), key: "interval")],
            rows: shownEffects.map { [.text($0.therapist), .integer($0.clients), .number($0.estimate), .interval($0.confLow, $0.confHigh)] },
            notes: ["Model: lmer(\(settings.post) ~ \(settings.casemix) + (1 | \(settings.therapist))), REML; effect = the therapist's "
                    + "conditional mode (difference from the average therapist after case mix, in \(settings.post) points; "
                    + "lower is better for symptom measures), interval ± z × conditional SD. Therapists are listed by label, not ranked: "
                    + "most intervals overlap, and a ranking of point estimates would mislead.",
                    "Therapist ICC (case-mix adjusted): \(icc.map { NumberFormat.fixed($0.estimate, places: 3) } ?? "n/a").",
                    suppressionNote(hidden: effectGroups.hidden.count, pooled: false, k: k, what: "therapists", unit: "clients in the model")])

        // 3. Funnels: reliable recovery and dropout.
        let recovery = funnel(name: "reliable recovery", limits: recoveryFunnel, k: k, parts: recoveryParts)
        var dropout: FunnelView?
        if settings.dropout != nil {
            let values = therapists.map { ($0.label, $0.counts.dropouts, $0.counts.dropoutKnown) }
            let parts = FunnelParts(values: values,
                                    rest: (overall.dropouts - values.reduce(0) { $0 + $1.1 }, overall.dropoutKnown - values.reduce(0) { $0 + $1.2 }),
                                    overall: (overall.dropouts, overall.dropoutKnown), k: k,
                                    overallDenominatorHidden: false, overallMetricHidden: false)
            dropout = funnel(name: "dropout", limits: dropoutFunnel, k: k, parts: parts)
        }

        // 4. Alliance by therapist.
        var allianceTable: ResultTable?
        var allianceJSON: JSONValue = .null
        if let allianceColumn = settings.alliance {
            let groups = ShownGroups(sizes: therapists.map(\.counts.allianceN), minimumCell: k)
            var pooled = Counts()
            for i in groups.hidden { pooled.merge(therapists[i].counts) }
            var rows = groups.shown.map { (therapists[$0].label, therapists[$0].counts) }
            if groups.pooledShown { rows.append((pooledLabel, pooled)) }
            // The "All" row of fewer than k clients (every therapist then hidden) would show their mean: withheld.
            let allHidden = overall.allianceN >= 1 && overall.allianceN < k
            if !allHidden { rows.append(("All", overall)) }
            allianceTable = ResultTable(
                title: "Alliance (\(allianceColumn)) by therapist",
                columns: [TableColumn("Therapist", key: "therapist"), TableColumn("Clients", kind: .integer, key: "n"),
                          TableColumn("Mean", kind: .decimal(2), key: "mean"), TableColumn("SD", kind: .decimal(2), key: "sd")],
                rows: rows.map { [.text($0.0), .integer($0.1.allianceN), .number($0.1.allianceN > 0 ? $0.1.allianceMean : nil), .number($0.1.allianceSD)] },
                notes: [suppressionNote(hidden: groups.hidden.count, pooled: groups.pooledShown, k: k, what: "therapists", unit: "clients with an alliance score")]
                    + (allHidden ? ["The overall row is withheld: fewer than \(k) clients have an alliance score."] : []))
            allianceJSON = .object([("column", .string(allianceColumn)), ("groups", .array(rows.map {
                .object([("therapist", .string($0.0)), ("n", .integer($0.1.allianceN)),
                         ("mean", .number($0.1.allianceN > 0 ? $0.1.allianceMean : nil)), ("sd", .number($0.1.allianceSD))])
            })), ("hidden_therapists", .integer(groups.hidden.count))])
        }

        if settings.service == nil && settings.period == nil {
            warnings.append("no --service or --period column: the metrics table has one row for the whole data")
        }
        warnings += effects.fit.warnings

        // Plots.
        var plots: [(String, Plot)] = [("recovery-funnel", recovery.plot)]
        if let dropout { plots.append(("dropout-funnel", dropout.plot)) }
        plots.append(("therapist-effects", effectsPlot(shownEffects, level: effects.level, outcome: settings.post)))

        let json: JSONValue = .object([
            ("analysis", .string("audit")),
            ("data", data.json(used: overall.referrals)),
            ("manifest", settings.manifest),
            ("instrument", .string(settings.instrument)),
            ("definitions", .array(settings.definitions.map { .string($0) })),
            ("min_cell", .integer(k)),
            ("metrics", .object(metricsJSON(overall, shown(part: nil)))),
            ("service_quarters", .object([
                ("service", .string(settings.service)), ("period", .string(settings.period)),
                ("cells", .array(cells.shown.enumerated().map { p, i in
                    .object([("service", .string(servicePeriods[i].service)), ("period", .string(servicePeriods[i].period))]
                            + metricsJSON(servicePeriods[i].counts, shown(part: p)))
                } + (cells.pooledShown ? [.object([("service", .string(pooledLabel)), ("period", .null)]
                                                  + metricsJSON(pooledCells, shown(part: cells.shown.count)))] : []))),
                ("hidden_cells", .integer(cells.hidden.count)),
            ])),
            ("therapist_effects", .object([
                ("formula", .string(effects.fit.formula)), ("level", .number(effects.level)),
                ("icc", .number(icc?.estimate)),
                ("variance_components", .array(effects.fit.varianceComponents.filter { $0.correlation == nil }.map {
                    .object([("group", .string($0.group)), ("variance", .number($0.variance)), ("std_dev", .number($0.standardDeviation))])
                })),
                ("therapists", .array(shownEffects.map {
                    .object([("therapist", .string($0.therapist)), ("n", .integer($0.clients)), ("estimate", .number($0.estimate)),
                             ("conf_low", .number($0.confLow)), ("conf_high", .number($0.confHigh))])
                })),
                ("hidden_therapists", .integer(effectGroups.hidden.count)),
            ])),
            ("funnel", recovery.json),
            ("dropout_funnel", dropout?.json ?? .null),
            ("alliance", allianceJSON),
            ("warnings", .array(warnings.map { .string($0) })),
        ])

        var tables = [metricsTable, effectsTable, recovery.table]
        if let dropout { tables.append(dropout.table) }
        if let allianceTable { tables.append(allianceTable) }

        let title = "Clinic audit: \(settings.instrument.uppercased()) outcomes by service, quarter and therapist"
        let intro = "Data: \(data.file) (SHA-256 \(data.sha256)), \(overall.referrals) clients. Small-cell rule: groups of fewer than \(k) clients "
            + "are not shown under their own label (with complementary suppression); a rate is shown only when its denominator is at least \(k) "
            + "and its count and complement (denominator − count) are 0 or at least \(k), else it is marked 'suppressed' (with complements); "
            + "no client is listed."
        var md = "# \(title)\n\n\(intro)\n\n"
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>\(Self.escape(title))</title>\n"
            + "<style>body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
            + "table{border-collapse:collapse;margin:1rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
            + "td.num,th.num{text-align:right}figure{margin:1rem 0}svg{max-width:100%;height:auto}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>\n"
            + "</head>\n<body>\n<h1>\(Self.escape(title))</h1>\n<p>\(Self.escape(intro))</p>\n"
        let sections: [(String, [ResultTable], [String])] = [
            ("1. Outcomes by service and quarter", [metricsTable], []),
            ("2. Case-mix-adjusted therapist effects", [effectsTable], ["therapist-effects"]),
            ("3. Reliable recovery by therapist (funnel plot)", [recovery.table], ["recovery-funnel"]),
        ] + (dropout.map { [("4. Dropout by therapist (funnel plot)", [$0.table], ["dropout-funnel"])] } ?? [])
          + (allianceTable.map { [("\(dropout == nil ? 4 : 5). Alliance by therapist", [$0], [])] } ?? [])
        for (heading, sectionTables, figures) in sections {
            md += "## \(heading)\n\n"
            html += "<h2>\(Self.escape(heading))</h2>\n"
            for figure in figures {
                guard let plot = plots.first(where: { $0.0 == figure })?.1 else { continue }
                md += "![\(plot.title ?? figure)](\(figureNames(figure)))\n\n"
                html += "<figure>\n\(plot.svg())\n</figure>\n"
            }
            for table in sectionTables {
                md += table.rendered(as: .markdown) + "\n\n"
                html += table.rendered(as: .html) + "\n"
            }
        }
        md += "## Run manifest\n\n```json\n\(settings.manifest.prettyPrinted())\n```\n"
        html += "<h2>Run manifest</h2>\n<pre>\(Self.escape(settings.manifest.prettyPrinted()))</pre>\n</body>\n</html>\n"
        return AuditDocuments(json: json, markdown: md, html: html, plots: plots, tables: tables, warnings: warnings)
    }

    private func suppressionNote(hidden: Int, pooled: Bool, k: Int, what: String, unit: String) -> String {
        if hidden == 0 { return "Every group has at least \(k) \(unit); no group is hidden." }
        return "\(hidden) \(what) with fewer than \(k) \(unit) (or hidden so that a small one cannot be recovered from the total) "
            + (pooled ? "are pooled as '\(PooledGroups.pooledLabel)'." : "are not shown.")
    }

    private func rateSuppressionNote(_ counts: (denominator: Int, numerator: Int), k: Int) -> String {
        if counts.denominator == 0 && counts.numerator == 0 {
            return "Every rate shown has a denominator of at least \(k) and a count and complement (denominator − count) of 0 or at least \(k); none is suppressed."
        }
        var parts: [String] = []
        if counts.denominator > 0 {
            parts.append("\(counts.denominator) because the denominator has fewer than \(k) clients (or is hidden so that such a count cannot be recovered from the totals; a hidden finished count is marked too)")
        }
        if counts.numerator > 0 {
            parts.append("\(counts.numerator) because the count or its complement (denominator − count, e.g. not recovered) is under \(k) "
                         + "(or is hidden so that such a count cannot be recovered from the totals)")
        }
        return "Rates marked 'suppressed': " + parts.joined(separator: "; ") + ". A rate shown with its denominator would give the count away."
    }

    struct FunnelView {
        let json: JSONValue
        let table: ResultTable
        let plot: Plot
    }

    /// A funnel's groups: the therapists shown under their own label (at least `k` in the denominator, with
    /// complementary suppression), the pooled rest when it is large enough, and which rates are suppressed.
    struct FunnelParts {
        let groups: ShownGroups
        /// Displayed points: label, numerator, denominator, and why the rate is hidden (nil: shown).
        let points: [(label: String, numerator: Int, denominator: Int, hidden: AuditRateSuppression.Reason?)]
        let suppression: AuditRateSuppression

        init(values: [(label: String, numerator: Int, denominator: Int)], rest: (numerator: Int, denominator: Int),
             overall: (numerator: Int, denominator: Int), k: Int, overallDenominatorHidden: Bool, overallMetricHidden: Bool) {
            let groups = ShownGroups(sizes: values.map(\.denominator), minimumCell: k)
            var parts = groups.shown.map { (values[$0].label, values[$0].numerator, values[$0].denominator) }
            if groups.pooledShown {
                parts.append((PooledGroups.pooledLabel, groups.hidden.reduce(0) { $0 + values[$1].numerator },
                              groups.hidden.reduce(0) { $0 + values[$1].denominator }))
            }
            let displayed = parts.count
            var unpublished = parts.map { _ in false }
            if !groups.pooledShown {
                parts += groups.hidden.map { (values[$0].label, values[$0].numerator, values[$0].denominator) }
                unpublished += groups.hidden.map { _ in true }
            }
            // Clients without a therapist: not shown, but the overall row less every therapist.
            parts.append(("", rest.numerator, rest.denominator))
            unpublished.append(false)
            let suppression = AuditRateSuppression(
                denominators: [parts.map(\.2)], overallDenominators: [overall.denominator],
                metrics: [.init(denominator: 0, numerators: parts.map(\.1), overall: overall.numerator)],
                unpublished: unpublished, minimumCell: k,
                overallDenominatorsHidden: [overallDenominatorHidden], overallMetricsHidden: [overallMetricHidden])
            self.groups = groups
            self.suppression = suppression
            points = (0..<displayed).map { (parts[$0].0, parts[$0].1, parts[$0].2, suppression.metricHidden[0][$0]) }
        }

        /// Whether the pooled rate (the target) is suppressed.
        var targetHidden: Bool { suppression.overallMetricHidden[0] != nil }
    }

    /// A funnel: the shown therapists' rates against their denominators, the pooled rest as one point when it is
    /// large enough, and the 95% and 99.8% limits around the pooled rate. A rate suppressed by the small-cell rule
    /// (its count or complement under k, or hidden with one) is listed as suppressed and not drawn.
    private func funnel(name: String, limits: FunnelLimits, k: Int, parts: FunnelParts) -> FunnelView {
        let groups = parts.groups
        let targetShown = !parts.targetHidden
        let points = parts.points
        let drawn = points.filter { $0.hidden == nil }
        let hiddenRates = points.count { $0.hidden != nil }
        func position(_ p: (label: String, numerator: Int, denominator: Int, hidden: AuditRateSuppression.Reason?)) -> String? {
            guard targetShown, p.hidden == nil else { return nil }
            let r = Double(p.numerator) / Double(p.denominator), n = p.denominator
            let lo95 = FunnelLimits.limit(p: 0.025, n: n, target: limits.target), hi95 = FunnelLimits.limit(p: 0.975, n: n, target: limits.target)
            let lo998 = FunnelLimits.limit(p: 0.001, n: n, target: limits.target), hi998 = FunnelLimits.limit(p: 0.999, n: n, target: limits.target)
            if r < lo998 { return "below 99.8%" }
            if r > hi998 { return "above 99.8%" }
            if r < lo95 { return "below 95%" }
            if r > hi95 { return "above 95%" }
            return "within"
        }
        let shownLimits = targetShown ? limits.points : []
        let json: JSONValue = .object([
            ("metric", .string(name)),
            ("target", targetShown ? .number(limits.target) : .null),
            ("target_suppressed", .bool(!targetShown)),
            ("method", .string("exact binomial limits with Spiegelhalter (2005) interpolation, truncated to [0, 1]")),
            ("limits", .array(shownLimits.map {
                .object([("n", .integer($0.n)), ("lower95", .number($0.lower95)), ("upper95", .number($0.upper95)),
                         ("lower998", .number($0.lower998)), ("upper998", .number($0.upper998))])
            })),
            ("therapists", .array(points.map { p in
                guard let hidden = p.hidden else {
                    return .object([("therapist", .string(p.label)), ("n", .integer(p.denominator)), ("numerator", .integer(p.numerator)),
                                    ("rate", .number(Double(p.numerator) / Double(p.denominator))), ("position", .string(position(p))),
                                    ("suppressed", .bool(false))])
                }
                return .object([("therapist", .string(p.label)), ("n", hidden == .denominator ? .null : .integer(p.denominator)),
                                ("numerator", .null), ("rate", .null), ("position", .null), ("suppressed", .bool(true)),
                                ("reason", .string(AuditRateSuppression.reasonText(hidden, k: k)))])
            })),
            ("hidden_therapists", .integer(groups.hidden.count)),
            ("suppressed_rates", .integer(hiddenRates)),
        ])
        var notes = [targetShown
            ? "Target: the pooled rate of all audited clients, \(NumberFormat.fixed(100 * limits.target, places: 1))%. "
                + "Limits: exact binomial 95% and 99.8% with Spiegelhalter's (2005) interpolation."
            : "Target: the pooled rate of all audited clients is suppressed (its count or complement is under \(k), or hidden with one), "
                + "so no limits are drawn and no position is given.",
            suppressionNote(hidden: groups.hidden.count, pooled: groups.pooledShown, k: k, what: "therapists", unit: "clients in the denominator")]
        if hiddenRates > 0 {
            notes.append("\(hiddenRates) rate(s) marked 'suppressed' and not drawn: \(AuditRateSuppression.reasonText(.numerator, k: k)) "
                         + "(shown with n, the rate would give the count away).")
        }
        let table = ResultTable(
            title: "\(name.prefix(1).uppercased() + name.dropFirst()) by therapist against the pooled rate",
            columns: [TableColumn("Therapist", key: "therapist"), TableColumn("n", kind: .integer, key: "n"),
                      TableColumn("Rate (%)", kind: .decimal(1), key: "rate"), TableColumn("Position", key: "position")],
            rows: points.map { p in
                p.hidden == nil
                    ? [.text(p.label), .integer(p.denominator), .number(100 * Double(p.numerator) / Double(p.denominator)),
                       position(p).map { Cell.text($0) } ?? .text("—")]
                    : [.text(p.label), p.hidden == .denominator ? .text("suppressed") : .integer(p.denominator), .text("suppressed"), .text("suppressed")]
            },
            notes: notes)
        let maxN = Double(drawn.map(\.denominator).max() ?? 1)
        let upTo = shownLimits.filter { Double($0.n) <= max(maxN * 1.05, Double(k)) }
        let xs = upTo.map { Double($0.n) }
        var layers: [Layer] = []
        if targetShown {
            layers += [
                Layer(.reference(.horizontal(y: limits.target)), label: "Pooled rate", style: MarkStyle(color: .ink, lineWidth: 1.2)),
                Layer(.line(x: xs, y: upTo.map(\.lower95)), label: "95% limits", style: MarkStyle(color: Color.okabeIto[4], dash: .dashed)),
                Layer(.line(x: xs, y: upTo.map(\.upper95)), style: MarkStyle(color: Color.okabeIto[4], dash: .dashed)),
                Layer(.line(x: xs, y: upTo.map(\.lower998)), label: "99.8% limits", style: MarkStyle(color: Color.okabeIto[5], dash: .dotted, lineWidth: 1.8)),
                Layer(.line(x: xs, y: upTo.map(\.upper998)), style: MarkStyle(color: Color.okabeIto[5], dash: .dotted, lineWidth: 1.8)),
            ]
        }
        layers.append(Layer(.points(x: drawn.map { Double($0.denominator) }, y: drawn.map { Double($0.numerator) / Double($0.denominator) }),
                            label: "Therapist", style: MarkStyle(color: Color.okabeIto[0], shape: .circle, opacity: 0.85)))
        let pooledText = targetShown
            ? "with the pooled rate \(NumberFormat.fixed(100 * limits.target, places: 1))% and exact binomial 95% and 99.8% control limits (Spiegelhalter 2005)"
            : "without limits (the pooled rate is suppressed by the small-cell rule)"
        let plot = Plot(
            title: "Funnel plot: \(name) by therapist",
            description: "\(name.prefix(1).uppercased() + name.dropFirst()) rate of \(drawn.count) therapist group(s) against the number of clients in the "
                + "denominator, \(pooledText). Therapists with fewer than \(k) clients are not shown under their own label"
                + (hiddenRates > 0 ? "; \(hiddenRates) suppressed rate(s) are not drawn." : "."),
            x: Axis(title: "Clients (denominator)", including: [0]),
            y: Axis(title: "\(name.prefix(1).uppercased() + name.dropFirst()) rate", limits: 0...1),
            layers: layers,
            legendTitle: nil, width: 680, height: 420, idPrefix: "funnel-\(name.replacingOccurrences(of: " ", with: "-"))")
        return FunnelView(json: json, table: table, plot: plot)
    }

    private func effectsPlot(_ effects: [TherapistEffects.Effect], level: Double, outcome: String) -> Plot {
        let positions = effects.indices.map(Double.init)
        return Plot(
            title: "Case-mix-adjusted therapist effects",
            description: "Each shown therapist's case-mix-adjusted effect on \(outcome) with its \(PlotNumber.percent(level)) interval, "
                + "therapists in label order (not ranked); 0 is the average therapist.",
            x: .linear("Effect on \(outcome) (\(PlotNumber.percent(level)) interval)", including: [0]),
            y: .categorical("Therapist", effects.map(\.therapist)),
            layers: [
                Layer(.reference(.vertical(x: 0)), style: .reference),
                Layer(.intervals(positions: positions, low: effects.map(\.confLow), high: effects.map(\.confHigh), orientation: .horizontal, capSize: 0),
                      style: MarkStyle(color: Color.okabeIto[4])),
                Layer(.points(x: effects.map(\.estimate), y: positions), style: MarkStyle(color: Color.okabeIto[4])),
            ],
            height: min(1400, max(240, 90 + 14 * Double(effects.count))), showGrid: false, idPrefix: "audit-effects")
    }

    /// HTML text, without bidirectional overrides (a therapist label pasted with one would read back to front).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in BidiControls.stripped(text) {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
