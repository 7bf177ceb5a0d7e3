import DataTable

/// The one way the monitoring analyses fit their mixed models (the expected-treatment-response growth model and the
/// case-mix-adjusted therapist effects): lme4's `lmer` by REML with residual df and no profile intervals (neither
/// analysis reports them), every failure mapped to `MonitoringError.model`.
enum MonitoringMixedModel {
    static func fit(_ text: String, table: Table, level: Double = 0.95, conditionalModes: Bool) throws(MonitoringError) -> LinearMixedModelResult {
        do {
            let formula = try Formula(text, dataColumns: table.columnNames)
            return try LinearMixedModel.fit(formula: formula, table: table,
                                            options: LinearMixedModelOptions(degreesOfFreedom: .residual, level: level,
                                                                             conditionalModes: conditionalModes, profileIntervals: .never))
        } catch let error as ModelError {
            throw .model(error)
        } catch let error as FormulaError {
            throw .model(.formula(error))
        } catch {
            throw .model(.numerical("\(error)"))
        }
    }
}
