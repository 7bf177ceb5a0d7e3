import DataTable
import Distributions
import Foundation

/// Expected treatment response (Finch, Lambert & Schaalje 2001, Clinical Psychology and Psychotherapy 8, 231–242):
/// a two-level growth model of the session score on log(session), with the intake score predicting both the
/// level and the slope,
///
///     score_ti = β0 + β1·intake_i + (β2 + β3·intake_i)·log(session_t) + u0_i + u1_i·log(session_t) + e_ti,
///
/// fitted by REML (lme4's `lmer(score ~ intake * log_session + (log_session | client))`) on the sessions after
/// each client's intake (the first observed session, whose score is the intake). The expected curve of a client
/// is the fixed part at their intake; the one-sided tolerance boundary at coverage c lies z_c standard deviations
/// of a new client's score on the worse side of it, with Var = [1, log s]·G·[1, log s]ᵀ + σ² (G the random-effects
/// covariance): the spread of scores around the curve among clients who start at the same severity. A session
/// beyond the boundary is not on track.
public struct ExpectedTreatmentResponse: Sendable, Equatable {
    /// β0, β1 (intake), β2 (log session), β3 (intake × log session).
    public let coefficients: [Double]
    /// Random-effects covariance: intercept variance, slope variance, their covariance.
    public let interceptVariance: Double
    public let slopeVariance: Double
    public let covariance: Double
    public let residualVariance: Double
    /// Clients and session rows the model was fitted on.
    public let clients: Int
    public let sessions: Int
    public let singular: Bool
    public let warnings: [String]

    public static let formula = "score ~ intake * log_session + (log_session | client)"
    /// The model needs a random intercept and slope per client: at least this many clients with a later session.
    public static let minimumClients = 5

    public init(coefficients: [Double], interceptVariance: Double, slopeVariance: Double, covariance: Double,
                residualVariance: Double, clients: Int, sessions: Int, singular: Bool = false, warnings: [String] = []) {
        self.coefficients = coefficients
        self.interceptVariance = interceptVariance
        self.slopeVariance = slopeVariance
        self.covariance = covariance
        self.residualVariance = residualVariance
        self.clients = clients
        self.sessions = sessions
        self.singular = singular
        self.warnings = warnings
    }

    /// Fits the model on a reference panel (each client's first session is the intake).
    public static func fit(_ panel: SessionPanel) throws(MonitoringError) -> ExpectedTreatmentResponse {
        var score: [Double?] = [], intake: [Double?] = [], logSession: [Double?] = []
        var codes: [Int32] = [], labels: [String] = []
        for c in 0..<panel.clientCount {
            let s = panel.sessions[c], y = panel.scores[c]
            guard s.count >= 2 else { continue }
            try validate(s, client: panel.clients[c])
            let code = Int32(labels.count)
            labels.append(panel.clients[c])
            for t in 1..<s.count {
                score.append(y[t])
                intake.append(y[0])
                logSession.append(log(s[t]))
                codes.append(code)
            }
        }
        guard labels.count >= minimumClients else {
            throw .tooFewTrajectories(clients: labels.count, needed: minimumClients)
        }
        let table: Table
        do {
            table = try Table(columns: [
                Column(name: "score", numeric: score), Column(name: "intake", numeric: intake),
                Column(name: "log_session", numeric: logSession),
                Column(name: "client", data: .categorical(CategoricalColumn(levels: labels, codes: codes))),
            ])
        } catch {
            throw .lengthMismatch(detail: error.description)
        }
        let result = try MonitoringMixedModel.fit(formula, table: table, conditionalModes: false)
        // The frame's missing-code scan sees the derived columns 'score' and 'intake', not the user's column: the
        // command scans that one by its own name instead.
        let derived = Set(MissingCodeWarnings.warnings(table: table, columns: ["score", "intake"], action: "fit again"))
        var beta = [Double](repeating: 0, count: 4)
        for (i, term) in ["(Intercept)", "intake", "log_session", "intake:log_session"].enumerated() {
            guard let estimate = result.coefficients.first(where: { $0.term == term })?.estimate else {
                throw .model(.numerical("the expected-response model could not estimate \(term): intake scores or session numbers do not vary"))
            }
            beta[i] = estimate
        }
        func variance(_ term: String) -> Double {
            result.varianceComponents.first { $0.group == "client" && $0.terms == [term] }?.variance ?? 0
        }
        let v0 = variance("(Intercept)"), v1 = variance("log_session")
        let rho = result.varianceComponents.first { $0.group == "client" && $0.terms.count == 2 }?.correlation ?? 0
        let cov = rho.isFinite ? rho * (v0 * v1).squareRoot() : 0
        return ExpectedTreatmentResponse(coefficients: beta, interceptVariance: v0, slopeVariance: v1, covariance: cov,
                                         residualVariance: result.sigma * result.sigma, clients: labels.count,
                                         sessions: result.rowsUsed, singular: result.singular,
                                         warnings: result.warnings.filter { !derived.contains($0) })
    }

    static func validate(_ sessions: [Double], client: String) throws(MonitoringError) {
        for s in sessions where !(s >= 1) || !s.isFinite { throw .invalidSession(client: client, session: s) }
    }

    /// The expected score at `session` of a client whose intake score is `intake`.
    public func expected(intake: Double, session: Double) -> Double {
        let t = log(session)
        return coefficients[0] + coefficients[1] * intake + (coefficients[2] + coefficients[3] * intake) * t
    }

    /// The SD of a new client's score around the expected curve at `session`.
    public func predictionSD(session: Double) -> Double {
        let t = log(session)
        return (interceptVariance + 2 * t * covariance + t * t * slopeVariance + residualVariance).squareRoot()
    }

    /// The one-sided tolerance boundary: `coverage` of on-track clients score on the better side of it.
    public func boundary(intake: Double, session: Double, coverage: Double, direction: MonitoringDirection) -> Double {
        boundary(intake: intake, session: session, z: Normal.quantile(coverage), direction: direction)
    }

    /// The boundary `z` prediction SDs on the worse side (z = the coverage's normal quantile, found once per run).
    func boundary(intake: Double, session: Double, z: Double, direction: MonitoringDirection) -> Double {
        let worse: Double = direction == .lowerBetter ? 1 : -1
        return expected(intake: intake, session: session) + worse * z * predictionSD(session: session)
    }
}

/// Which way a score improves (the instrument key's direction).
public enum MonitoringDirection: String, Sendable, Equatable {
    case lowerBetter = "lower_better"
    case higherBetter = "higher_better"
}
