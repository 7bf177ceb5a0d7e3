import Foundation

/// How tied event times enter the partial likelihood (coxph's `ties`).
public enum CoxTies: String, Sendable, CaseIterable {
    /// Efron's approximation (coxph's default): the d tied deaths leave the risk set in d equal steps.
    case efron
    /// Breslow's: every tied death sees the whole risk set.
    case breslow
}

/// The Cox model's data, sorted once: covariates centred on their means (as coxph, for a stable exp(η)), and
/// two orders per stratum — exits (stop times) descending and entries (start times) descending — so that one
/// backward pass over time adds each row when its interval is reached and removes it when time passes its
/// entry (agfit4's scheme; right-censored data have no entries to remove, as coxfit6).
struct CoxData: Sendable {
    let n: Int
    let p: Int
    let start: [Double]?
    let stop: [Double]
    let event: [Bool]
    let stratum: [Int]
    let means: [Double]
    /// Rows by (stratum ascending, stop descending).
    let byStop: [Int]
    /// Rows by (stratum ascending, start descending); empty for right-censored data.
    let byStart: [Int]
    /// Per stratum, its range in `byStop` and in `byStart`.
    let strata: [(stop: Range<Int>, start: Range<Int>)]
    /// `x`, `stop` and `event` in `byStop` order, and each row's position in it: the risk-set pass walks rows in
    /// time order, and reading them from storage order made every row a cache miss once the design outgrew the
    /// cache (as coxph's C code, which receives data sorted by time).
    let xByStop: [Double]
    let stopByStop: [Double]
    let eventByStop: [Bool]
    let stopPosition: [Int]
    /// Counting process: start times in `byStart` order and each such row's position in time order (`stopPosition`),
    /// read in sequence by the passes that remove rows from the risk set; empty for right-censored data.
    let startByStart: [Double]
    let entryPosition: [Int]

    init(start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], columns: [[Double]]) {
        n = stop.count
        p = columns.count
        self.start = start
        self.stop = stop
        self.event = event
        self.stratum = stratum
        self.means = columns.map { $0.reduce(0, +) / Double(max(stop.count, 1)) }
        // (start, stop] data: the two orders on two threads, each into its own slot.
        var orders: [[Int]] = [[], []]
        orders.withUnsafeMutableBufferPointer { slots in
            let out = OrderSlots(base: slots.baseAddress!)
            ParallelJobs.run(start == nil ? 1 : 2) { k in
                out.base[k] = Self.order(stratum: stratum, time: k == 0 ? stop : start ?? [])
            }
        }
        byStop = orders[0]
        byStart = orders[1]
        var ranges: [(Range<Int>, Range<Int>)] = []
        var i = 0, r = 0
        while i < n {
            let s = stratum[byStop[i]]
            var j = i
            while j < n && stratum[byStop[j]] == s { j += 1 }
            var q = r
            if start != nil { while q < n && stratum[byStart[q]] == s { q += 1 } }
            ranges.append((i..<j, r..<q))
            i = j
            r = q
        }
        strata = ranges
        // The centred covariates in time order (the only copy kept).
        let (n, p, byStop, means) = (n, p, byStop, means)   // locals: the closure below may not capture self
        xByStop = [Double](unsafeUninitializedCapacity: n * p) { xs, count in
            // Centred rows in storage order first (transposed in blocks of rows that stay in cache), then whole rows
            // gathered into time order: one or two cache lines a row, where reading a row's p values from p
            // columns at random cost p misses.
            let rowMajor = UnsafeMutablePointer<Double>.allocate(capacity: max(n * p, 1))
            defer { rowMajor.deallocate() }
            let block = 256
            var lower = 0
            while lower < n {
                let upper = min(lower + block, n)
                for j in 0..<p {
                    let mean = means[j]
                    columns[j].withUnsafeBufferPointer { c in
                        for i in lower..<upper { rowMajor[i * p + j] = c[i] - mean }
                    }
                }
                lower = upper
            }
            guard let out = xs.baseAddress else { count = 0; return }
            for k in 0..<n { (out + k * p).update(from: rowMajor + byStop[k] * p, count: p) }
            count = n * p
        }
        var position = [Int](repeating: 0, count: n)
        for (k, row) in byStop.enumerated() { position[row] = k }
        stopByStop = byStop.map { stop[$0] }
        eventByStop = byStop.map { event[$0] }
        stopPosition = position
        let entries = byStart
        startByStart = start.map { times in entries.map { times[$0] } } ?? []
        entryPosition = entries.map { position[$0] }
    }

    /// The rows no longer at risk at time t — their intervals begin at or after t (agfit4's removal) — in
    /// `byStart` order from `r` within the stratum's `entries`: `leave` gets each one's position in time order and
    /// `r` moves past them. The one place the risk-set passes and the concordance drop rows.
    @inline(__always) func leaving(at t: Double, entries: Range<Int>, from r: inout Int, _ leave: (Int) -> Void) {
        while r < entries.upperBound && startByStart[r] >= t {
            leave(entryPosition[r])
            r += 1
        }
    }

    /// Centred covariate `j` of row `row` (storage order).
    @inline(__always) func x(_ row: Int, _ j: Int) -> Double { xByStop[stopPosition[row] * p + j] }

    /// η = X β on the centred covariates, in storage order (the same products and sums as `timeOrderedRisk`).
    func linearPredictor(_ beta: [Double]) -> [Double] {
        let ordered = timeOrderedRisk(beta).eta
        var eta = [Double](repeating: 0, count: n)
        for (k, row) in byStop.enumerated() { eta[row] = ordered[k] }
        return eta
    }
}

/// The sorts' outputs, one slot per thread.
private struct OrderSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<[Int]>
}

/// What one event time contributes, for the residuals and the proportional-hazards test (computed at the final β).
struct CoxEventTime {
    let time: Double
    let stratum: Int
    /// The rows with an event at this time.
    let deaths: [Int]
    /// Efron's d working denominators (one for Breslow, with the d deaths as one jump).
    let denominators: [Double]
    /// The weighted covariate mean of each working risk set, d × p (one row for Breslow).
    let means: [Double]
    /// Hazard jump of each working risk set: 1/denominator for Efron (one death per step), d/denominator for Breslow.
    let hazards: [Double]
    /// Fraction of a death's own risk left out of each working risk set (k/d for Efron, 0 for Breslow).
    let downweights: [Double]
    /// This time's contribution to the information matrix, p × p (full).
    let information: [Double]
}

/// The partial log-likelihood, its gradient and information (p × p, full) at one β.
struct CoxEvaluation {
    let logLikelihood: Double
    let score: [Double]
    let information: [Double]
    /// η at this β by position in time order (`CoxData.byStop`).
    let eta: [Double]
}

extension CoxData {
    /// η and exp(η) by position in time order (the same products and sums as `linearPredictor`, in that order): the
    /// start of both risk-set evaluations. Each row's value is its own, so the two halves (two threads) give the
    /// same numbers as one.
    func timeOrderedRisk(_ beta: [Double]) -> (eta: [Double], risk: [Double]) {
        var eta = [Double](repeating: 0, count: n)
        var risk = [Double](repeating: 0, count: n)
        let p = p
        xByStop.withUnsafeBufferPointer { xs in
        eta.withUnsafeMutableBufferPointer { e in
        risk.withUnsafeMutableBufferPointer { r in
            let out = SharedPointers(e.baseAddress!, r.baseAddress!)
            RowParts(rows: n).run { _, range in
                for k in range {
                    var s = 0.0
                    for j in 0..<p { s += xs[k * p + j] * beta[j] }
                    out.first[k] = s
                    out.second[k] = exp(s)
                }
            }
        }}}
        return (eta, risk)
    }
}

enum CoxRiskSets {
    /// One backward pass per stratum: O(n p²). `visit` receives each event time's detail when given.
    static func evaluate(_ data: CoxData, beta: [Double], ties: CoxTies,
                         visit: ((CoxEventTime) -> Void)? = nil) -> CoxEvaluation {
        let p = data.p
        let (eta, risk) = data.timeOrderedRisk(beta)
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: p * p)
        var s1 = [Double](repeating: 0, count: p), s2 = [Double](repeating: 0, count: p * p)
        var d1 = [Double](repeating: 0, count: p), d2 = [Double](repeating: 0, count: p * p)
        var xd = [Double](repeating: 0, count: p)
        var a = [Double](repeating: 0, count: p)
        var deaths: [Int] = []
        data.xByStop.withUnsafeBufferPointer { xp in
            s1.withUnsafeMutableBufferPointer { s1 in
            s2.withUnsafeMutableBufferPointer { s2 in
            d1.withUnsafeMutableBufferPointer { d1 in
            d2.withUnsafeMutableBufferPointer { d2 in
                @inline(__always) func add(_ row: Int, _ w: Double, _ v1: UnsafeMutableBufferPointer<Double>,
                                           _ v2: UnsafeMutableBufferPointer<Double>) {
                    let base = row * p
                    for j in 0..<p {
                        let wx = w * xp[base + j]
                        v1[j] += wx
                        for k in 0...j { v2[j * p + k] += wx * xp[base + k] }
                    }
                }
                for range in data.strata {
                    var s0 = 0.0
                    for j in 0..<p { s1[j] = 0 }
                    for j in 0..<(p * p) { s2[j] = 0 }
                    var i = range.stop.lowerBound
                    var r = range.start.lowerBound
                    while i < range.stop.upperBound {
                        let t = data.stopByStop[i]
                        data.leaving(at: t, entries: range.start, from: &r) { k in
                            s0 -= risk[k]
                            add(k, -risk[k], s1, s2)
                        }
                        var ds0 = 0.0, etaDeaths = 0.0
                        deaths.removeAll(keepingCapacity: true)
                        var j = i
                        while j < range.stop.upperBound && data.stopByStop[j] == t {
                            s0 += risk[j]
                            add(j, risk[j], s1, s2)
                            if data.eventByStop[j] {
                                if deaths.isEmpty {
                                    ds0 = 0
                                    for q in 0..<p { d1[q] = 0; xd[q] = 0 }
                                    for q in 0..<(p * p) { d2[q] = 0 }
                                }
                                deaths.append(data.byStop[j])
                                ds0 += risk[j]
                                etaDeaths += eta[j]
                                add(j, risk[j], d1, d2)
                                for q in 0..<p { xd[q] += xp[j * p + q] }
                            }
                            j += 1
                        }
                        i = j
                        guard !deaths.isEmpty else { continue }
                        let d = Double(deaths.count)
                        loglik += etaDeaths
                        for q in 0..<p { u[q] += xd[q] }
                        let steps = ties == .efron ? deaths.count : 1
                        var denominators: [Double] = [], means: [Double] = [], hazards: [Double] = [], downs: [Double] = []
                        var info = visit == nil ? [] : [Double](repeating: 0, count: p * p)
                        for k in 0..<steps {
                            let f = ties == .efron ? Double(k) / d : 0
                            let weight = ties == .efron ? 1 : d   // deaths per working risk set
                            let den = s0 - f * ds0
                            loglik -= weight * log(den)
                            for q in 0..<p { a[q] = (s1[q] - f * d1[q]) / den; u[q] -= weight * a[q] }
                            for q in 0..<p {
                                for c in 0...q {
                                    let v = weight * ((s2[q * p + c] - f * d2[q * p + c]) / den - a[q] * a[c])
                                    imat[q * p + c] += v
                                    if visit != nil { info[q * p + c] += v }
                                }
                            }
                            if visit != nil {
                                denominators.append(den)
                                means.append(contentsOf: a)
                                hazards.append(weight / den)
                                downs.append(f)
                            }
                        }
                        if let visit {
                            for q in 0..<p { for c in 0..<q { info[c * p + q] = info[q * p + c] } }
                            visit(CoxEventTime(time: t, stratum: data.stratum[deaths[0]], deaths: deaths,
                                               denominators: denominators, means: means, hazards: hazards,
                                               downweights: downs, information: info))
                        }
                    }
                }
            }}}}
        }
        for q in 0..<p { for c in 0..<q { imat[c * p + q] = imat[q * p + c] } }
        return CoxEvaluation(logLikelihood: loglik, score: u, information: imat, eta: eta)
    }
}
