import Output
import Simulation

extension SimulatedTrial {
    /// `simulate --trial`: the true paths of the generating model (what `mediate` and `moderate` should
    /// recover), the settings, and the file written (`trialFile`, as written).
    public func report(trialFile: String) -> Report {
        let p = parameters
        let truths: [(String, String, Double)] = [
            ("a", "a (arm → WAI-SR total)", p.a),
            ("b", "b (WAI-SR → PHQ-9 post, modality averaged: b + π·b_w)", p.modelFourB),
            ("c_prime", "c′ (arm → PHQ-9 post, direct)", p.cPrime),
            ("c", "c (arm → PHQ-9 post, total)", p.totalEffect),
            ("indirect", "a·b (indirect, PROCESS model 4)", p.modelFourIndirect),
            ("b_in_person", "b at modality = 0 (in person)", p.b),
            ("b_modality", "b_w (WAI-SR × modality → PHQ-9 post)", p.bModality),
            ("indirect_in_person", "Indirect at modality = 0 (in person)", p.conditionalIndirect(modality: 0)),
            ("indirect_teletherapy", "Indirect at modality = 1 (teletherapy)", p.conditionalIndirect(modality: 1)),
            ("index_of_moderated_mediation", "Index of moderated mediation a·b_w (model 14)", p.indexOfModeratedMediation),
        ]
        let json: JSONValue = .object([
            ("synthetic", .bool(true)),
            ("seed", .string(String(p.seed))),
            ("stream", .integer(TrialParameters.stream)),
            ("clients", .integer(p.clients)),
            ("therapists", .integer(p.therapists)),
            ("true_values", .object(truths.map { ($0.0, .number($0.2)) })),
            ("parameters", .object([
                ("treatment_share", .number(p.treatmentShare)),
                ("teletherapy_share", .number(p.teletherapyShare)),
                ("phq_pre_mean", .number(p.phqPreMean)),
                ("phq_pre_sd", .number(p.phqPreSD)),
                ("alliance_intercept", .number(p.allianceIntercept)),
                ("alliance_sd", .number(p.allianceSD)),
                ("outcome_intercept", .number(p.outcomeIntercept)),
                ("modality_effect", .number(p.modalityEffect)),
                ("gamma", .number(p.gamma)),
                ("outcome_sd", .number(p.outcomeSD)),
                ("therapist_outcome_sd", .number(p.therapistOutcomeSD)),
            ])),
            ("files", .array([.object([("path", .string(trialFile)), ("rows", .integer(table.rowCount))])])),
        ])
        let result = ResultTable(
            title: "Synthetic trial (seed \(p.seed), stream \(TrialParameters.stream)): true values",
            columns: [TableColumn("Quantity", key: "quantity"), TableColumn("True value", kind: .decimal(4), key: "value")],
            rows: truths.map { [.text($0.1), .number($0.2)] },
            notes: ["SYNTHETIC DATA. Wrote \(trialFile) (\(table.rowCount) clients, \(p.therapists) therapists).",
                    "PROCESS model 4 (arm → wai_sr_total → phq_post, covariate phq_pre) should recover a, b, c′ and a·b; model 14 (--w modality --moderate b) the conditional indirect effects and the index (docs/simulation.md)."])
        return Report(json: json, tables: [result])
    }
}
