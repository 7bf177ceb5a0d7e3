import DataTable

/// Options of `alliance survival`.
public struct SurvivalAnalysisOptions: Sendable {
    /// Curves per level of this column, and the G-rho test between them.
    public var by: String?
    /// The test is stratified by this column (curves are not split by it).
    public var strata: String?
    public var rho: Double
    public var confidenceType: SurvivalConfidenceType
    public var level: Double
    /// Times at which to report each curve (`summary(fit, times =)`).
    public var at: [Double]

    public init(by: String? = nil, strata: String? = nil, rho: Double = 0, confidenceType: SurvivalConfidenceType = .log,
                level: Double = 0.95, at: [Double] = []) {
        self.by = by
        self.strata = strata
        self.rho = rho
        self.confidenceType = confidenceType
        self.level = level
        self.at = at
    }
}

/// Kaplan–Meier curves (one per `by` level, or one called `all`) and the test between them.
public struct SurvivalAnalysis: Sendable {
    public let time: String
    public let event: String
    public let eventLevel: String
    public let counts: DataCounts
    public let curves: [KaplanMeierCurve]
    /// The G-rho test across the `by` groups; nil without `by` or with one group.
    public let test: LogRankTest?
    public let options: SurvivalAnalysisOptions
    /// Times moved onto a near-equal earlier time (`TiedTimes`, R's timefix): said in a note when any were.
    public var timesMergedAsTied = 0
}

public enum SurvivalEstimation {
    /// (start, stop] intervals (`survival-data`'s output: a `start` column at or below the time on every row, above 0 on
    /// some) are not one row per person: Kaplan–Meier on their stop times counted each interval as a client (n 21,332 for
    /// 3,000; S(10) .961 where survfit(Surv(start, stop, event)) gives .785; session 21). Refused with the two ways on.
    static func refuseIntervals(table: Table, time: String, rows: [Int]) throws(SurvivalError) {
        guard time.lowercased() != "start",
              let start = table.columns.first(where: { $0.name.lowercased() == "start" })?.numeric,
              let stop = table.column(named: time)?.numeric else { return }
        var positive = false
        for r in rows where !start.missing[r] {
            guard start.values[r] <= stop.values[r] else { return }
            positive = positive || start.values[r] > 0
        }
        guard positive else { return }
        throw .invalidOption("the data look like (start, stop] intervals (a 'start' column at or below '\(time)' on every row), "
            + "as `alliance survival-data` writes them: Kaplan–Meier on '\(time)' alone would count every interval as a "
            + "person. Fit the intervals with `alliance fit cox FILE --formula \"Surv(start, \(time), EVENT) ~ …\"`, or run "
            + "survival on one row per person (the file survival-data read, or `alliance aggregate`); if 'start' means something "
            + "else, drop or rename it first (alliance transform FILE --drop start --out FILE2.csv)")
    }

    public static func run(table: Table, time: String, event: String,
                           options: SurvivalAnalysisOptions = .init()) throws(SurvivalError) -> SurvivalAnalysis {
        guard options.level > 0 && options.level < 1 else { throw .invalidOption("--level must be strictly between 0 and 1, e.g. 0.95") }
        guard options.rho >= 0 && options.rho.isFinite else {
            throw .invalidOption("--rho must be 0 (log-rank) or positive (1 is the Peto–Peto test), got \(options.rho)")
        }
        for t in options.at where !t.isFinite || t < 0 {
            throw .invalidOption("--at times must be non-negative numbers on the time scale of '\(time)', got \(t)")
        }
        let names = [time, event] + [options.by, options.strata].compactMap { $0 }
        var columns: [Column] = []
        for name in names {
            guard let column = table.column(named: name) else {
                throw .model(.unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 1))
            }
            columns.append(column)
        }
        let rows = (0..<table.rowCount).filter { row in !columns.contains { $0.isMissing(row) } }
        guard !rows.isEmpty else { throw .model(.noCompleteRows(rowsRead: table.rowCount, columns: names)) }
        try refuseIntervals(table: table, time: time, rows: rows)
        let outcome = try SurvivalOutcome.read(start: nil, stop: time, event: event, table: table,
                                               rows: UsedRows(rows, of: table.rowCount))
        var curves: [KaplanMeierCurve] = []
        var test: LogRankTest? = nil
        if let by = options.by, let column = table.column(named: by) {
            let groups = SurvivalGroups(columns: [column], rows: rows)
            for (code, level) in groups.levels.enumerated() {
                let members = groups.codes.indices.filter { groups.codes[$0] == code }
                curves.append(KaplanMeier.curve(group: level, time: members.map { outcome.stop[$0] },
                                                event: members.map { outcome.event[$0] },
                                                confidenceType: options.confidenceType, level: options.level))
            }
            if groups.levels.count >= 2 {
                let strata = options.strata.flatMap { table.column(named: $0) }.map { SurvivalGroups(columns: [$0], rows: rows).codes }
                test = try LogRank.test(time: outcome.stop, event: outcome.event, group: groups.codes, levels: groups.levels,
                                        stratum: strata, rho: options.rho)
            }
        } else {
            if options.strata != nil {
                throw .invalidOption("--strata stratifies the test between --by groups; add --by COL (the groups to compare)")
            }
            curves.append(KaplanMeier.curve(group: "all", time: outcome.stop, event: outcome.event,
                                            confidenceType: options.confidenceType, level: options.level))
        }
        var analysis = SurvivalAnalysis(time: time, event: event, eventLevel: outcome.eventLevel,
                                        counts: DataCounts(rowsRead: table.rowCount, rowsUsed: rows.count), curves: curves, test: test,
                                        options: options)
        analysis.timesMergedAsTied = outcome.timesMergedAsTied
        return analysis
    }
}
