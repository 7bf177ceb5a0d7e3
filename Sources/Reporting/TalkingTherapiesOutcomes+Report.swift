import Measures
import Output

extension TalkingTherapiesOutcomes {
    /// `change --nhs-talking-therapies`: counts, the five metrics as numerator, denominator and rate, and the
    /// thresholds used. `sessionsGiven` says whether a sessions column decided who finished treatment (otherwise
    /// the minimum is not echoed).
    public func report(sessionsGiven: Bool, out: String?, data: DataProvenance) -> Report {
        let t = thresholds
        let json: JSONValue = .object([
            ("method", .string("nhs-talking-therapies")),
            ("data", data.json(used: finishedTreatment)),
            ("referrals", .integer(referrals)),
            ("incomplete_scores", .integer(incompleteScores)),
            ("not_finished", .integer(notFinished)),
            ("finished_treatment", .integer(finishedTreatment)),
            ("metrics", .array(metrics.map { m in
                .object([("metric", .string(m.key)), ("numerator", .integer(m.metric.numerator)),
                         ("denominator", .integer(m.metric.denominator)), ("rate", .number(m.metric.rate))])
            })),
            ("thresholds", .object([
                ("phq9_caseness", .number(t.phq9Caseness)), ("gad7_caseness", .number(t.gad7Caseness)),
                ("phq9_reliable_change", .number(t.phq9ReliableChange)),
                ("gad7_reliable_change", .number(t.gad7ReliableChange)),
                ("minimum_sessions", sessionsGiven ? .number(t.minimumSessions) : .null),
            ])),
            ("out", .string(out)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
        let table = ResultTable(
            title: "NHS Talking Therapies outcomes",
            columns: [TableColumn("Metric", key: "metric"), TableColumn("Numerator", kind: .integer, key: "numerator"),
                      TableColumn("Denominator", kind: .integer, key: "denominator"),
                      TableColumn("Rate (%)", kind: .decimal(1), key: "rate_percent")],
            rows: metrics.map { m in
                [.text(m.label), .integer(m.metric.numerator), .integer(m.metric.denominator), .number(m.metric.rate.map { 100 * $0 })]
            },
            notes: [
                "\(data.file): \(referrals) referrals; \(finishedTreatment) finished treatment with paired scores "
                    + "(\(incompleteScores) without paired PHQ-9 and GAD-7, \(notFinished) with fewer than \(NumberFormat.integer(t.minimumSessions)) sessions).",
                "Caseness: PHQ-9 ≥ \(NumberFormat.integer(t.phq9Caseness)) or GAD-7 ≥ \(NumberFormat.integer(t.gad7Caseness)). "
                    + "Reliable change: PHQ-9 \(NumberFormat.integer(t.phq9ReliableChange)), GAD-7 \(NumberFormat.integer(t.gad7ReliableChange)) points. "
                    + "Recovery and reliable recovery are rates among those at caseness at the start; the others among all who finished.",
            ])
        return Report(json: json, tables: [table], warnings: warnings)
    }

    /// The metrics in reporting order, with their JSON keys and table labels.
    private var metrics: [(key: String, label: String, metric: RateMetric)] {
        [("caseness_at_start", "At caseness at the start", casenessAtStart),
         ("recovery", "Recovery", recovery),
         ("reliable_improvement", "Reliable improvement", reliableImprovement),
         ("reliable_deterioration", "Reliable deterioration", reliableDeterioration),
         ("reliable_recovery", "Reliable recovery", reliableRecovery)]
    }
}
