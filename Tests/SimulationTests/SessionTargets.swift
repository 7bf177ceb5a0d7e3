import DataTable
import Models
@testable import Simulation

/// The session-level (Falkenström) quantities of a simulated `sessions.csv`, measured two ways: with
/// alliance's own data steps and OLS (`Models.DataTransform` for the totals and the client-centred WAI-SR,
/// the formula's `lag()` for the previous session), and directly from the session table with textbook
/// formulas. Model (rows: attended sessions whose previous scheduled session was attended):
///   phq ~ lag(wai_cw, client, session) + wai_cb
/// where wai and phq are the session's WAI-SR and PHQ-9 totals, wai_cb the client's mean WAI-SR total over
/// attended sessions and wai_cw = wai − wai_cb.
struct SessionTargets {
    /// Slope of the PHQ-9 total on the previous session's client-centred WAI-SR total.
    var withinLagSlope: Double
    /// Slope on the client's mean WAI-SR total (between-client part, same model).
    var betweenClientSlope: Double
    /// Pairs (rows) the model used.
    var pairs: Int

    /// With alliance's data steps and OLS.
    init(_ study: SimulatedStudy) throws {
        let waiSum = "wai = sum(" + SimulatedColumns.waiItems.joined(separator: ", ") + ")"
        let phqSum = "phq = sum(" + SimulatedColumns.phqItems.joined(separator: ", ") + ")"
        let steps = try [waiSum, phqSum, "wai_cb = between(wai, client)", "wai_cw = within(wai, client)"]
            .map { text throws -> ComputeStep in try ComputeStep(parsing: text) }
        let derived = try DataTransform(computes: steps).apply(to: study.sessions).table
        let fit = try Regression.ols("phq ~ lag(wai_cw, client, session) + wai_cb", data: derived)
        withinLagSlope = fit.coefficient("lag(wai_cw, client, session)")?.estimate ?? .nan
        betweenClientSlope = fit.coefficient("wai_cb")?.estimate ?? .nan
        pairs = fit.usedRows.count
    }

    /// Directly from the session table: two-predictor OLS by normal equations, walking each client's rows (the
    /// generator writes them in session order).
    init(direct study: SimulatedStudy) throws {
        let t = study.sessions
        func numbers(_ name: String) -> NumericColumn? { t.column(named: name)?.numeric }
        guard let session = numbers("session"), let clientCodes = t.column(named: "client")?.categorical?.codes else {
            throw TableError.unknownColumn("session", suggestions: [])
        }
        let waiItems = SimulatedColumns.waiItems.compactMap(numbers), phqItems = SimulatedColumns.phqItems.compactMap(numbers)
        func total(_ items: [NumericColumn], _ row: Int) -> Double? {
            var sum = 0.0
            for item in items { guard let v = item[row] else { return nil }; sum += v }
            return sum
        }
        var x = [Double](), m = [Double](), y = [Double]()
        var start = 0
        while start < t.rowCount {
            var end = start
            while end < t.rowCount && clientCodes[end] == clientCodes[start] { end += 1 }
            let w = (start..<end).map { total(waiItems, $0) }
            let present = w.compactMap { $0 }
            let mean = present.reduce(0, +) / Double(present.count)
            for r in (start + 1)..<max(start + 1, end) {
                guard let previous = w[r - 1 - start], let phq = total(phqItems, r),
                      session.values[r] == session.values[r - 1] + 1 else { continue }
                x.append(previous - mean); m.append(mean); y.append(phq)
            }
            start = end
        }
        (withinLagSlope, betweenClientSlope) = twoPredictorSlopes(x1: x, x2: m, y: y)
        pairs = y.count
    }
}

