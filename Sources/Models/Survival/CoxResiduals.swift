import Foundation

/// Score residuals of a Cox model (coxscore2.c / agscore3.c): for each row, Σ over the event times in its
/// interval of (x − x̄(t))(dN(t) − r dΛ(t)), with Efron's split of tied deaths. Summed within clusters and
/// multiplied by the inverse information they give the robust variance of `coxph(..., cluster = )`.
enum CoxResiduals {
    /// Row-major n × p.
    static func score(_ data: CoxData, beta: [Double], ties: CoxTies) -> [Double] {
        let n = data.n, p = data.p
        var events: [CoxEventTime] = []
        _ = CoxRiskSets.evaluate(data, beta: beta, ties: ties) { events.append($0) }
        let eta = data.linearPredictor(beta)
        var resid = [Double](repeating: 0, count: n * p)
        // Per stratum, event times ascending with cumulative hazard and cumulative Σ h x̄.
        var byStratum: [Int: (times: [Double], cumhaz: [Double], cumxhaz: [Double])] = [:]
        for e in events.reversed() {
            var entry = byStratum[e.stratum] ?? ([], [], [])
            let previous = entry.cumhaz.last ?? 0
            let base = entry.cumxhaz.count - p
            var h = 0.0
            var xh = [Double](repeating: 0, count: p)
            for k in e.hazards.indices {
                h += e.hazards[k]
                for j in 0..<p { xh[j] += e.hazards[k] * e.means[k * p + j] }
            }
            entry.times.append(e.time)
            entry.cumhaz.append(previous + h)
            for j in 0..<p { entry.cumxhaz.append((base >= 0 ? entry.cumxhaz[base + j] : 0) + xh[j]) }
            byStratum[e.stratum] = entry
        }
        /// Number of event times ≤ t.
        func count(_ times: [Double], _ t: Double) -> Int {
            var lo = 0, hi = times.count
            while lo < hi { let mid = (lo + hi) / 2; if times[mid] <= t { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        for i in 0..<n {
            guard let entry = byStratum[data.stratum(i)] else { continue }
            let upper = count(entry.times, data.stop[i])
            let lower = data.start.map { count(entry.times, $0[i]) } ?? 0
            guard upper > lower else { continue }
            let h = entry.cumhaz[upper - 1] - (lower > 0 ? entry.cumhaz[lower - 1] : 0)
            let r = exp(eta[i])
            for j in 0..<p {
                let xh = entry.cumxhaz[(upper - 1) * p + j] - (lower > 0 ? entry.cumxhaz[(lower - 1) * p + j] : 0)
                resid[i * p + j] -= r * (data.x(i, j) * h - xh)
            }
        }
        for e in events {
            let d = Double(e.deaths.count)
            let share = ties == .efron ? 1 / d : 1   // each working risk set's share of one death
            for row in e.deaths {
                let r = exp(eta[row])
                for k in e.hazards.indices {
                    for j in 0..<p {
                        let centred = data.x(row, j) - e.means[k * p + j]
                        // The death's own jump, and the part of the hazard its Efron-reduced risk never received.
                        resid[row * p + j] += share * centred + centred * r * e.hazards[k] * e.downweights[k]
                    }
                }
            }
        }
        return resid
    }

    /// Σ over clusters of (Σ_cluster R) V (…)ᵀ with R the score residuals and V the inverse information: the
    /// grouped-jackknife (dfbeta) variance coxph reports with `cluster()`, without a small-sample factor.
    static func clusteredVariance(residuals: [Double], p: Int, inverseInformation v: [Double], cluster: [Int],
                                  clusterCount: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: clusterCount * p)
        for i in cluster.indices {
            for j in 0..<p { sums[cluster[i] * p + j] += residuals[i * p + j] }
        }
        var out = [Double](repeating: 0, count: p * p)
        var d = [Double](repeating: 0, count: p)
        for c in 0..<clusterCount {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { s += sums[c * p + k] * v[k * p + j] }
                d[j] = s
            }
            for a in 0..<p { for b in 0..<p { out[a * p + b] += d[a] * d[b] } }
        }
        return out
    }

    /// Σ over clusters of the residual sums' outer products (the middle of the sandwich, for the robust score test).
    static func clusteredOuter(residuals: [Double], p: Int, cluster: [Int], clusterCount: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: clusterCount * p)
        for i in cluster.indices { for j in 0..<p { sums[cluster[i] * p + j] += residuals[i * p + j] } }
        var out = [Double](repeating: 0, count: p * p)
        for c in 0..<clusterCount {
            for a in 0..<p { for b in 0..<p { out[a * p + b] += sums[c * p + a] * sums[c * p + b] } }
        }
        return out
    }
}
