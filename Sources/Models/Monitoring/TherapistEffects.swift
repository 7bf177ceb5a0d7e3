import DataTable
import Distributions

/// Case-mix-adjusted therapist effects: a random-intercept model of the outcome on the case-mix variables,
/// `lmer(outcome ~ casemix + (1 | therapist))` (REML), whose conditional modes are each therapist's departure
/// from the average after case mix, with an interval of ± z × conditional SD (lme4's `ranef(condVar = TRUE)`).
/// The intervals, not the point estimates, are the result: they overlap for most therapists (no league table).
public struct TherapistEffects: Sendable {
    public struct Effect: Sendable, Equatable {
        public let therapist: String
        public let clients: Int
        public let estimate: Double
        public let confLow: Double
        public let confHigh: Double
    }

    public let fit: LinearMixedModelResult
    public let effects: [Effect]
    public let level: Double

    /// Fits `outcome ~ casemix + (1 | therapist)` on `table`; `casemix` is the right-hand side of a formula.
    public init(table: Table, outcome: String, casemix: String, therapist: String, level: Double = 0.95) throws(MonitoringError) {
        let text = "\(Self.quoted(outcome)) ~ \(casemix) + (1 | \(Self.quoted(therapist)))"
        fit = try MonitoringMixedModel.fit(text, table: table, level: level, conditionalModes: true)
        let z = Normal.quantile(0.5 + level / 2)
        effects = fit.conditionalModes.filter { $0.term == "(Intercept)" }.map { mode in
            let sd = mode.conditionalSD ?? 0
            return Effect(therapist: mode.level, clients: mode.rows, estimate: mode.estimate,
                          confLow: mode.estimate - z * sd, confHigh: mode.estimate + z * sd)
        }.sorted { $0.therapist < $1.therapist }
        self.level = level
    }

    static func quoted(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? name : "`\(name)`"
    }
}
