import Distributions
import LinearAlgebra

/// The test of proportional hazards of survival ≥ 3 (`cox.zph(fit, transform = "km", terms = TRUE)`): a score
/// test, at the fitted β, of adding x·g(t) for each term, with g(t) = 1 − KM(t−) centred over the events; one
/// row per term (its columns together) and a GLOBAL row. Also the scaled Schoenfeld residuals for the plot.
public struct ProportionalHazardsTest: Sendable {
    public struct Row: Sendable, Equatable {
        public let term: String
        public let chisq: Double
        public let df: Int
        public let pValue: Double
    }
    public let rows: [Row]
    /// Per event (sorted by stratum and time): the transformed time g(t) before centring (1 − KM(t−)), the event time,
    /// and per term the scaled Schoenfeld residual plus the coefficient (nil where the term is constant in the stratum).
    public let transformedTime: [Double]
    public let eventTime: [Double]
    public let terms: [String]
    public let coefficients: [Double]
    public let scaledResiduals: [[Double?]]
}

enum CoxZph {
    /// - Parameters:
    ///   - termColumns: for each term, its design columns (indices into β).
    static func test(_ data: CoxData, beta: [Double], ties: CoxTies, terms: [String],
                     termColumns: [[Int]]) throws(SurvivalError) -> ProportionalHazardsTest {
        let p = data.p
        // KM of all rows (strata ignored, as cox.zph's survfitKM call), left-continuous at each event time.
        let ttimes = leftKaplanMeier(data)
        var events: [CoxEventTime] = []
        _ = CoxRiskSets.evaluate(data, beta: beta, ties: ties) { events.append($0) }
        var eventCount = 0.0, gSum = 0.0
        for e in events { eventCount += Double(e.deaths.count); gSum += Double(e.deaths.count) * (ttimes[e.time] ?? 0) }
        let gMean = gSum / eventCount
        let m = 2 * p
        var imat = [Double](repeating: 0, count: m * m)
        var u2 = [Double](repeating: 0, count: p)
        for e in events {
            let g = (ttimes[e.time] ?? 0) - gMean
            let share = ties == .efron ? 1.0 : Double(e.deaths.count)
            for j in 0..<p {
                var s = 0.0
                for row in e.deaths { s += data.x(row, j) }
                for k in e.hazards.indices { s -= share * e.means[k * p + j] }
                u2[j] += g * s
            }
            for a in 0..<p {
                for b in 0..<p {
                    let v = e.information[a * p + b]
                    imat[a * m + b] += v
                    imat[a * m + (b + p)] += g * v
                    imat[(a + p) * m + b] += g * v
                    imat[(a + p) * m + (b + p)] += g * g * v
                }
            }
        }
        func quadratic(_ index: [Int]) throws(SurvivalError) -> Double {
            let k = index.count
            var sub = Matrix(rows: k, columns: k)
            for (a, ia) in index.enumerated() { for (b, ib) in index.enumerated() { sub[a, b] = imat[ia * m + ib] } }
            let u = index.map { $0 >= p ? u2[$0 - p] : 0 }
            do {
                let x = try Cholesky(sub).solve(u)
                return zip(x, u).reduce(0) { $0 + $1.0 * $1.1 }
            } catch {
                throw .invalidOption("the proportional-hazards test's information matrix is singular (a term barely varies over "
                                     + "the event times); fit without --zph or drop the term")
            }
        }
        var rows: [ProportionalHazardsTest.Row] = []
        for (name, columns) in zip(terms, termColumns) {
            let chisq = try quadratic(Array(0..<p) + columns.map { $0 + p })
            rows.append(.init(term: name, chisq: chisq, df: columns.count,
                              pValue: ChiSquared(degreesOfFreedom: Double(columns.count)).ccdf(chisq)))
        }
        let global = try quadratic(Array(0..<m))
        rows.append(.init(term: "GLOBAL", chisq: global, df: p, pValue: ChiSquared(degreesOfFreedom: Double(p)).ccdf(global)))
        let (x, times, residuals) = try scaledSchoenfeld(data, events: events, beta: beta, ties: ties, ttimes: ttimes,
                                                        information: imat, m: m, termColumns: termColumns)
        return ProportionalHazardsTest(rows: rows, transformedTime: x, eventTime: times, terms: terms, coefficients: beta,
                                       scaledResiduals: residuals)
    }

    /// 1 − S(t−) at each distinct event time, S the Kaplan–Meier estimate with counting-process risk sets.
    static func leftKaplanMeier(_ data: CoxData) -> [Double: Double] {
        var deathsAt: [Double: Double] = [:]
        for i in 0..<data.n where data.event[i] { deathsAt[data.stop[i], default: 0] += 1 }
        let times = deathsAt.keys.sorted()
        // At risk at t: start < t ≤ stop, counted with two sorted lists.
        let stops = data.stop.sorted()
        let starts = (data.start ?? []).sorted()
        func countBelow(_ v: [Double], _ t: Double, inclusive: Bool) -> Int {
            var lo = 0, hi = v.count
            while lo < hi { let mid = (lo + hi) / 2; if inclusive ? v[mid] <= t : v[mid] < t { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        var out: [Double: Double] = [:]
        var s = 1.0
        for t in times {
            out[t] = 1 - s
            let atRisk = Double(data.n - countBelow(stops, t, inclusive: false) - (data.start == nil ? 0 : data.n - countBelow(starts, t, inclusive: false)))
            let d = deathsAt[t] ?? 0
            s *= (atRisk - d) / atRisk
        }
        return out
    }

    /// cox.zph's residuals: Schoenfeld residuals scaled by the per-stratum average information, plus β (plus 1 for a
    /// term of several columns, whose residuals are collapsed onto its linear predictor).
    private static func scaledSchoenfeld(_ data: CoxData, events: [CoxEventTime], beta: [Double], ties: CoxTies,
                                         ttimes: [Double: Double], information imat: [Double], m: Int,
                                         termColumns: [[Int]]) throws(SurvivalError) -> ([Double], [Double], [[Double?]]) {
        let p = data.p
        // Events in (stratum, time) order, with raw residuals x − mean of the working means.
        let ordered = events.sorted { a, b in a.stratum != b.stratum ? a.stratum < b.stratum : a.time < b.time }
        var raw: [[Double]] = [], strataOf: [Int] = [], xs: [Double] = [], times: [Double] = []
        for e in ordered {
            let steps = e.hazards.count
            for row in e.deaths {
                var r = [Double](repeating: 0, count: p)
                for j in 0..<p {
                    var mean = 0.0
                    for k in 0..<steps { mean += e.means[k * p + j] }
                    r[j] = data.x(row, j) - mean / Double(steps)
                }
                raw.append(r); strataOf.append(e.stratum); xs.append(ttimes[e.time] ?? 0); times.append(e.time)
            }
        }
        // used[s][j]: the stratum's deaths when column j varies within the stratum, else 0 (zph1.c).
        let strataCodes = data.strataCodes
        var used: [Int: [Double]] = [:]
        for s in strataCodes {
            let rows = (0..<data.n).filter { data.stratum($0) == s }
            let deaths = Double(rows.filter { data.event[$0] }.count)
            used[s] = (0..<p).map { j in
                let first = data.x(rows[0], j)
                return rows.contains { data.x($0, j) != first } ? deaths : 0
            }
        }
        // Term-level collapse: single columns keep their residual; multi-column terms use β-weighted sums.
        let nterm = termColumns.count
        var collapse = [Double](repeating: 0, count: p * nterm)
        for (t, cols) in termColumns.enumerated() {
            for c in cols { collapse[c * nterm + t] = cols.count == 1 ? 1 : beta[c] }
        }
        var wt = [Double](repeating: 0, count: p * p)
        for s in strataCodes { let u = used[s]!; for a in 0..<p { for b in 0..<p { wt[a * p + b] += min(u[a], u[b]) } } }
        var vmeanColumns = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { vmeanColumns[a * p + b] = imat[a * m + b] / (wt[a * p + b] == 0 ? 1 : wt[a * p + b]) } }
        // vmean over terms: Cᵀ V C.
        var vmean = [Double](repeating: 0, count: nterm * nterm)
        for a in 0..<nterm { for b in 0..<nterm {
            var s = 0.0
            for i in 0..<p { for j in 0..<p { s += collapse[i * nterm + a] * vmeanColumns[i * p + j] * collapse[j * nterm + b] } }
            vmean[a * nterm + b] = s
        } }
        var scaled: [[Double?]] = []
        for (r, s) in zip(raw, strataOf) {
            var termResid = [Double](repeating: 0, count: nterm)
            for t in 0..<nterm { for i in 0..<p { termResid[t] += r[i] * collapse[i * nterm + t] } }
            let u = used[s]!
            let active = (0..<nterm).filter { u[termColumns[$0][0]] > 0 }
            var row = [Double?](repeating: nil, count: nterm)
            if !active.isEmpty {
                var sub = Matrix(rows: active.count, columns: active.count)
                for (a, ia) in active.enumerated() { for (b, ib) in active.enumerated() { sub[a, b] = vmean[ia * nterm + ib] } }
                guard let solved = try? Cholesky(sub).solve(active.map { termResid[$0] }) else {
                    throw .invalidOption("the scaled Schoenfeld residuals cannot be formed (singular average information); fit without --zph")
                }
                for (a, t) in active.enumerated() {
                    row[t] = solved[a] + (termColumns[t].count == 1 ? beta[termColumns[t][0]] : 1)
                }
            }
            scaled.append(row)
        }
        return (xs, times, scaled)
    }
}
