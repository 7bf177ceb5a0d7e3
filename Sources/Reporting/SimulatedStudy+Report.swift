import Output
import Simulation

extension SimulatedStudy {
    /// `simulate`: the settings, each target beside the latent value the generator used for it, every latent
    /// value, and the files written (`clinicFile`, `sessionsFile`, as written).
    public func report(clinicFile: String, sessionsFile: String) -> Report {
        let p = parameters
        let l = latent
        let targets: [(String, String, Double, Double)] = [
            ("alliance_outcome_r", "Alliance–outcome r", p.allianceOutcomeR, l.allianceOutcomeCorrelation),
            ("therapist_outcome_share", "Therapist outcome share", p.therapistOutcomeShare, l.therapistOutcomeShare),
            ("dropout_rate", "Dropout rate", p.dropoutRate, p.dropoutRate),
            ("alliance_dropout_d", "Alliance–dropout d", p.allianceDropoutD, l.allianceDropoutD),
            ("homework_outcome_r", "Homework–outcome r", p.homeworkOutcomeR, l.homeworkOutcomeCorrelation),
            ("alliance_symptom_lag", "Within-client alliance → next-session PHQ-9 slope", p.allianceSymptomLag, l.allianceSymptomLag),
        ]
        let json: JSONValue = .object([
            ("synthetic", .bool(true)),
            ("seed", .string(String(p.seed))),
            ("clients", .integer(p.clients)),
            ("therapists", .integer(p.therapists)),
            ("sites", .integer(p.sites)),
            ("max_sessions", .integer(p.maxSessions)),
            ("targets", .object(targets.map { ($0.0, .number($0.2)) })),
            // The latent settings that are parameters but not calibrated targets (docs/simulation.md §1).
            ("assumptions", .object([
                ("between_within_ratio", .number(p.betweenWithinRatio)),
                ("alliance_therapist_share", .number(p.allianceTherapistShare)),
                ("alliance_homework_correlation", .number(p.allianceHomeworkCorrelation)),
            ])),
            ("latent", .object([
                ("alliance_outcome_correlation", .number(l.allianceOutcomeCorrelation)),
                ("homework_outcome_correlation", .number(l.homeworkOutcomeCorrelation)),
                ("therapist_outcome_share", .number(l.therapistOutcomeShare)),
                ("alliance_dropout_d", .number(l.allianceDropoutD)),
                ("alliance_therapist_share", .number(l.allianceTherapistShare)),
                ("alliance_homework_correlation", .number(l.allianceHomeworkCorrelation)),
                ("between_slope", .number(l.betweenSlope)),
                ("within_slope", .number(l.withinSlope)),
                ("homework_slope", .number(l.homeworkSlope)),
                ("therapist_effect_sd", .number(l.therapistEffectSD)),
                ("residual_sd", .number(l.residualSD)),
                ("dropout_loading", .number(l.dropoutLoading)),
                ("dropout_threshold", .number(l.dropoutThreshold)),
                ("alliance_symptom_lag", .number(l.allianceSymptomLag)),
            ])),
            ("files", .array([
                .object([("path", .string(clinicFile)), ("rows", .integer(clients.rowCount))]),
                .object([("path", .string(sessionsFile)), ("rows", .integer(sessions.rowCount))]),
            ])),
        ])
        let table = ResultTable(
            title: "Synthetic study (seed \(p.seed))",
            columns: [TableColumn("Quantity", key: "quantity"), TableColumn("Target", kind: .decimal(3), key: "target"),
                      TableColumn("Latent value used", kind: .decimal(3), key: "latent")],
            rows: targets.map { [.text($0.1), .number($0.2), .number($0.3)] },
            notes: ["SYNTHETIC DATA. Wrote \(clinicFile) (\(clients.rowCount) clients) and \(sessionsFile) (\(sessions.rowCount) sessions).",
                    "Targets are observed quantities; latent values are corrected for attenuation (docs/simulation.md)."])
        return Report(json: json, tables: [table])
    }
}
