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
    /// Each row's stratum code; nil when there are no strata (one stratum, code 0): an n-row array of zeros
    /// would be 8 MB of fresh pages a million rows, read again by the sorts, the sums and the strata walk.
    let stratumCodes: [Int]?
    let means: [Double]
    /// Rows by (stratum ascending, stop descending).
    let byStop: [Int32]
    /// Rows by (stratum ascending, start descending); empty for right-censored data.
    let byStart: [Int32]
    /// Per stratum, its range in `byStop` and in `byStart`.
    let strata: [(stop: Range<Int>, start: Range<Int>)]
    /// `x`, `stop` and `event` in `byStop` order, and each row's position in it: the risk-set pass walks rows in
    /// time order, and reading them from storage order made every row a cache miss once the design outgrew the
    /// cache (as coxph's C code, which receives data sorted by time).
    let xByStop: [Double]
    let stopByStop: [Double]
    let eventByStop: [Bool]
    let stopPosition: [Int32]
    /// Counting process: start times in `byStart` order and each such row's position in time order (`stopPosition`),
    /// read in sequence by the passes that remove rows from the risk set; empty for right-censored data.
    let startByStart: [Double]
    let entryPosition: [Int32]

    /// Counting process: for each position in time order, the event time (an index into the event times of all
    /// strata in the order the backward passes meet them) before which the row leaves the risk set — the first
    /// event time at or before its start — or −1 if it stays to the stratum's first event time. The Newton sums
    /// subtract a leaving row there, in time order, instead of reading it again at random when it leaves. Empty for
    /// right-censored data.
    let leaveEvent: [Int32]
    /// The number of event times over all strata (counted for (start, stop] data only).
    let eventTimes: Int
    /// The rows with an event.
    let deathCount: Int
    /// The first covariate (by index) that takes one value within every stratum, if any.
    let constantColumn: Int?
    /// Σ x over the rows with an event, summed in time order: the part of the score that does not depend on β
    /// (`CoxRiskSets.evaluateBySums` starts from it; the same additions its backward pass made at every β). Summed by
    /// the first evaluation, on the thread its one-thread pass leaves idle.
    let deathSums = CoxDeathSums()

    /// Rows at a time for the blocked read of the covariates: two blocks of 12 covariates stay in the L1 cache.
    static let fillBlock = 256

    /// `columns` as arrays (tests, and callers that hold them).
    init(start: [Double]?, stop: [Double], event: [Bool], stratum: [Int]?, columns: [[Double]]) {
        self.init(start: start, stop: stop, event: event, stratum: stratum, p: columns.count, columns: columns) { range, base, ld in
            for (j, column) in columns.enumerated() {
                column.withUnsafeBufferPointer { c in (base + j * ld).update(from: c.baseAddress! + range.lowerBound, count: range.count) }
            }
        }
    }

    /// `fill(range, base, ld)` writes the covariates of rows `range` column by column at `base + j·ld` (as
    /// `DesignMatrix.fill`), so the design is read in cache-sized blocks and never copied whole. It may be called
    /// from two threads at once on disjoint ranges. When the covariates are stored columns (`columns`, the same
    /// values `fill` writes), they are read where they lie instead: no copy through a buffer for the means or the
    /// scatter into time order (the same values and sums, so the same bits).
    /// `covariatesInTimeOrder` false leaves `xByStop` empty: the orders alone, for the concordance of a fit whose Newton
    /// sums were formed by event time (`CoxEventTimes`); `x`, `linearPredictor` and the risk-set passes then cannot be used.
    init(start: [Double]?, stop: [Double], event: [Bool], stratum: [Int]?, p: Int, columns: [[Double]]? = nil,
         covariatesInTimeOrder: Bool = true, fill: (Range<Int>, UnsafeMutablePointer<Double>, Int) -> Void) {
        let n = stop.count
        self.n = n
        self.p = p
        self.start = start
        self.stop = stop
        self.event = event
        deathCount = event.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.stratumCodes = stratum
        // The sorts (two for (start, stop] data) and the covariates' means and constancy check are independent: one
        // job each, on two threads; each writes only its own slot. Stored columns are summed and checked in two jobs
        // over halves of the columns (each column's own sum, so the same numbers), so that the jobs even out over
        // the two threads: the sorts first (the longer), then the halves of the columns.
        var orders: [[Int32]] = [[], []]
        let columnParts = columns != nil && p >= 2 && n >= RowParts.minimumRowsToSplit ? [0..<(p / 2), (p / 2)..<p] : [0..<p]
        var sums = [Sums](repeating: Sums(means: [], constant: nil), count: columnParts.count)
        let lowestCode = stratum?.min() ?? 0
        let strataCount = (stratum?.max() ?? 0) - lowestCode + 1
        let sorts = start == nil ? 1 : 2
        orders.withUnsafeMutableBufferPointer { slots in
        sums.withUnsafeMutableBufferPointer { sumSlots in
            let out = OrderSlots(orders: slots.baseAddress!, sums: sumSlots.baseAddress!)
            ParallelJobs.run(sorts + columnParts.count) { k in
                switch k {
                case 0: out.orders[0] = Self.order(stratum: stratum, time: stop)
                case 1 where sorts == 2: out.orders[1] = Self.order(stratum: stratum, time: start ?? [])
                default:
                    let part = k - sorts
                    out.sums[part] = Self.sums(n: n, p: p, of: columnParts[part], stratum: stratum, lowestCode: lowestCode,
                                               strata: strataCount, columns: columns, fill: fill)
                }
            }
        }}
        // The first constant covariate by index: the first part's, else the second's.
        constantColumn = sums.lazy.compactMap(\.constant).first
        let means = sums.flatMap(\.means)
        self.means = means
        // Row indices and positions as Int32 (CSV row counts fit): half the memory to fault in and to read.
        let byStop = orders[0]
        let byStart = orders[1]
        self.byStop = byStop
        self.byStart = byStart
        var ranges: [(Range<Int>, Range<Int>)] = []
        var i = 0, r = 0
        if stratum == nil && n > 0 { ranges.append((0..<n, start != nil ? 0..<n : 0..<0)); i = n }
        while i < n, let stratum {
            let s = stratum[Int(byStop[i])]
            var j = i
            while j < n && stratum[Int(byStop[j])] == s { j += 1 }
            var q = r
            if start != nil { while q < n && stratum[Int(byStart[q])] == s { q += 1 } }
            ranges.append((i..<j, r..<q))
            i = j
            r = q
        }
        strata = ranges
        // Each row's position in time order, and the stop times and events in that order: one pass over the order
        // (not three, and no zeroing first), on two threads over its halves (each position and row written once).
        let parts: [Range<Int>] = n >= RowParts.minimumRowsToSplit ? [0..<(n / 2), (n / 2)..<n] : [0..<n]
        var position = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        var stopByStop = [Double](unsafeUninitializedCapacity: n) { $1 = n }
        var eventByStop = [Bool](unsafeUninitializedCapacity: n) { $1 = n }
        if n > 0 {
            byStop.withUnsafeBufferPointer { order in
            stop.withUnsafeBufferPointer { stop in
            event.withUnsafeBufferPointer { event in
            position.withUnsafeMutableBufferPointer { position in
            stopByStop.withUnsafeMutableBufferPointer { stopOut in
            eventByStop.withUnsafeMutableBufferPointer { eventOut in
                let b = TimeOrderBuffers(order: order.baseAddress!, stop: stop.baseAddress!, event: event.baseAddress!,
                                         position: position.baseAddress!, stopOut: stopOut.baseAddress!,
                                         eventOut: eventOut.baseAddress!)
                ParallelJobs.run(parts.count) { h in
                    for k in parts[h] {
                        let row = Int(b.order[k])
                        b.position[row] = Int32(k)
                        b.stopOut[k] = b.stop[row]
                        b.eventOut[k] = b.event[row]
                    }
                }
            }}}}}}
        }
        // The centred covariates in time order (the only copy kept): blocks of rows in storage order, each row
        // written to its position — one or two cache lines a row — on two threads over fixed halves of the rows
        // (each position is written once, so the halves cannot interfere).
        let copied = covariatesInTimeOrder ? n * p : 0
        xByStop = [Double](unsafeUninitializedCapacity: copied) { xs, count in
            count = copied
            guard copied > 0, let out = xs.baseAddress else { return }
            let target = SharedPointers(out, out)
            if let columns {
                Self.withColumnPointers(columns) { source in
                position.withUnsafeBufferPointer { position in
                    // Column by column within blocks of rows: each column read in sequence, the block's target
                    // rows (a few kilobytes) staying in the cache from one column to the next.
                    ParallelJobs.run(parts.count) { h in
                        var lower = parts[h].lowerBound
                        while lower < parts[h].upperBound {
                            let upper = min(lower + Self.fillBlock, parts[h].upperBound)
                            for j in 0..<p {
                                let column = source[j], mean = means[j], out = target.first + j
                                for i in lower..<upper { out[Int(position[i]) * p] = column[i] - mean }
                            }
                            lower = upper
                        }
                    }
                }}
                return
            }
            position.withUnsafeBufferPointer { position in
                ParallelJobs.run(parts.count) { h in
                    let block = Self.fillBlock
                    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: block * p)
                    defer { buffer.deallocate() }
                    var lower = parts[h].lowerBound
                    while lower < parts[h].upperBound {
                        let upper = min(lower + block, parts[h].upperBound)
                        fill(lower..<upper, buffer, block)
                        for i in lower..<upper {
                            let row = target.first + Int(position[i]) * p
                            for j in 0..<p { row[j] = buffer[j * block + i - lower] - means[j] }
                        }
                        lower = upper
                    }
                }
            }
        }
        self.stopByStop = stopByStop
        self.eventByStop = eventByStop
        stopPosition = position
        // Counting process: the start times and positions in entry order, in one pass.
        var startByStart: [Double] = [], entryPosition: [Int32] = []
        if let start, n > 0 {
            startByStart = [Double](unsafeUninitializedCapacity: n) { $1 = n }
            entryPosition = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
            byStart.withUnsafeBufferPointer { order in
            start.withUnsafeBufferPointer { start in
            position.withUnsafeBufferPointer { position in
            startByStart.withUnsafeMutableBufferPointer { startOut in
            entryPosition.withUnsafeMutableBufferPointer { entryOut in
                let b = EntryOrderBuffers(order: order.baseAddress!, start: start.baseAddress!, position: position.baseAddress!,
                                          startOut: startOut.baseAddress!, entryOut: entryOut.baseAddress!)
                ParallelJobs.run(parts.count) { h in
                    for q in parts[h] {
                        let row = Int(b.order[q])
                        b.startOut[q] = b.start[row]
                        b.entryOut[q] = b.position[row]
                    }
                }
            }}}}}
        }
        self.startByStart = startByStart
        self.entryPosition = entryPosition
        (leaveEvent, eventTimes) = start == nil ? ([], 0)
            : Self.leaveEvents(strata: ranges, stopByStop: stopByStop, eventByStop: eventByStop, startByStart: startByStart,
                               entryPosition: entryPosition)
    }

    /// The means of covariates `part` (each summed in row order, as `reduce(0, +)`) into `means`, and the first of
    /// them with one value within every stratum (it carries no partial-likelihood information). `part` is every
    /// covariate unless they are stored `columns`.
    static func sums(n: Int, p: Int, of part: Range<Int>, stratum: [Int]?, lowestCode: Int, strata: Int,
                             columns: [[Double]]?, fill: (Range<Int>, UnsafeMutablePointer<Double>, Int) -> Void) -> Sums {
        if let columns {
            return sums(n: n, of: part, stratum: stratum, lowestCode: lowestCode, strata: strata, columns: columns)
        }
        let block = fillBlock
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: block * max(p, 1))
        defer { buffer.deallocate() }
        var sum = [Double](repeating: 0, count: p)
        // Each stratum's first value per covariate; a covariate varies once a value differs from it.
        var first = [Double](repeating: 0, count: strata * p)
        var seen = [Bool](repeating: false, count: strata * p)
        var varies = [Bool](repeating: false, count: p)
        var undecided = p
        var lower = 0
        while lower < n {
            let upper = min(lower + block, n)
            fill(lower..<upper, buffer, block)
            for j in 0..<p {
                let column = buffer + j * block
                var s = sum[j]
                for i in 0..<(upper - lower) { s += column[i] }
                sum[j] = s
                guard !varies[j] else { continue }
                for i in 0..<(upper - lower) {
                    let slot = ((stratum?[lower + i] ?? lowestCode) - lowestCode) * p + j
                    if !seen[slot] { seen[slot] = true; first[slot] = column[i] } else if first[slot] != column[i] {
                        varies[j] = true
                        undecided -= 1
                        break
                    }
                }
            }
            lower = upper
        }
        return Sums(means: sum.map { $0 / Double(max(n, 1)) }, constant: undecided == 0 ? nil : varies.firstIndex(of: false))
    }

    /// `sums` on stored columns `part`: each column summed in row order (the same additions as the blocked read)
    /// and checked for a value that differs within a stratum, stopping at the first.
    private static func sums(n: Int, of part: Range<Int>, stratum: [Int]?, lowestCode: Int, strata: Int,
                             columns: [[Double]]) -> Sums {
        var means = [Double](repeating: 0, count: part.count)
        var constant: Int? = nil
        var first = [Double](repeating: 0, count: strata)
        var seen = [Bool](repeating: false, count: strata)
        for j in part {
            columns[j].withUnsafeBufferPointer { column in
                var s = 0.0
                for i in 0..<n { s += column[i] }
                means[j - part.lowerBound] = s / Double(max(n, 1))
                guard constant == nil else { return }
                for k in 0..<strata { seen[k] = false }
                var varies = false
                guard let stratum else {
                    // One stratum: a value that differs from the first.
                    if n > 0 { let x0 = column[0]; for i in 1..<max(n, 1) where column[i] != x0 { varies = true; break } }
                    if !varies { constant = j }
                    return
                }
                for i in 0..<n {
                    let slot = stratum[i] - lowestCode
                    if !seen[slot] { seen[slot] = true; first[slot] = column[i] } else if first[slot] != column[i] {
                        varies = true
                        break
                    }
                }
                if !varies { constant = j }
            }
        }
        return Sums(means: means, constant: constant)
    }

    /// `body` with the base address of every column (each held for the call).
    static func withColumnPointers<R>(_ columns: [[Double]], _ body: ([UnsafePointer<Double>]) -> R) -> R {
        func nest(_ k: Int, _ taken: [UnsafePointer<Double>]) -> R {
            guard k < columns.count else { return body(taken) }
            return columns[k].withUnsafeBufferPointer { c in
                // An empty column (no rows) has no address; nothing is read from it.
                nest(k + 1, taken + [c.baseAddress ?? UnsafePointer(bitPattern: 8)!])
            }
        }
        return nest(0, [])
    }

    struct Sums {
        let means: [Double]
        let constant: Int?
    }

    /// `leaveEvent`: event times are the stop times (per stratum, descending) at which some row has its event.
    private static func leaveEvents(strata: [(stop: Range<Int>, start: Range<Int>)], stopByStop: [Double], eventByStop: [Bool],
                                    startByStart: [Double], entryPosition: [Int32]) -> ([Int32], Int) {
        var leave = [Int32](repeating: -1, count: stopByStop.count)
        var times: [Double] = []
        var index: Int32 = 0
        for range in strata {
            times.removeAll(keepingCapacity: true)
            let first = index
            var i = range.stop.lowerBound
            while i < range.stop.upperBound {
                let t = stopByStop[i]
                var dies = false
                while i < range.stop.upperBound && stopByStop[i] == t { dies = dies || eventByStop[i]; i += 1 }
                if dies { times.append(t); index += 1 }
            }
            // Starts descending against event times descending: the first event time at or before each start.
            var g = 0
            for q in range.start {
                let s = startByStart[q]
                while g < times.count && times[g] > s { g += 1 }
                if g < times.count { leave[Int(entryPosition[q])] = first + Int32(g) }
            }
        }
        return (leave, Int(index))
    }

    /// The rows no longer at risk at time t — their intervals begin at or after t (agfit4's removal) — in
    /// `byStart` order from `r` within the stratum's `entries`: `leave` gets each one's position in time order and
    /// `r` moves past them. The one place the risk-set passes and the concordance drop rows.
    @inline(__always) func leaving(at t: Double, entries: Range<Int>, from r: inout Int, _ leave: (Int) -> Void) {
        while r < entries.upperBound && startByStart[r] >= t {
            leave(Int(entryPosition[r]))
            r += 1
        }
    }

    /// Row `row`'s stratum code (storage order).
    @inline(__always) func stratum(_ row: Int) -> Int { stratumCodes?[row] ?? 0 }

    /// The distinct stratum codes, ascending.
    var strataCodes: [Int] { stratumCodes.map { Array(Set($0)).sorted() } ?? (n > 0 ? [0] : []) }

    /// Centred covariate `j` of row `row` (storage order).
    @inline(__always) func x(_ row: Int, _ j: Int) -> Double { xByStop[Int(stopPosition[row]) * p + j] }

    /// η = X β on the centred covariates, in storage order (the same products and sums as `timeOrderedRisk`).
    func linearPredictor(_ beta: [Double]) -> [Double] {
        let ordered = timeOrderedRisk(beta).eta
        var eta = [Double](repeating: 0, count: n)
        for (k, row) in byStop.enumerated() { eta[Int(row)] = ordered[k] }
        return eta
    }
}

/// `CoxData.deathSums`, summed once (by the first Newton evaluation) and read by every later one. Behind a lock, so
/// that evaluations of one `CoxData` on several threads at once stay safe (each would sum the same values).
final class CoxDeathSums: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Double]?

    var value: [Double]? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Σ x over the deaths in time order (one pass over the time-ordered covariates). Every row adds its x or +0 (its bits
    /// masked by the event), four covariates at a time: the same sums, bit for bit (a sum that starts at +0 is never −0),
    /// without the branch on the event that mispredicted on dense deaths and with the sums in a buffer, not an array
    /// checked at every addition (14 ms of a thread on a million rows before).
    func compute(_ data: CoxData) {
        let p = data.p, n = data.n
        var sums = [Double](repeating: 0, count: p)
        data.xByStop.withUnsafeBufferPointer { x in
        data.eventByStop.withUnsafeBufferPointer { event in
        sums.withUnsafeMutableBufferPointer { sums in
            guard let x = x.baseAddress, let event = event.baseAddress, let out = sums.baseAddress else { return }
            let vectors = p / 4
            for k in 0..<n {
                let keep = 0 &- UInt64(unsafeBitCast(event[k], to: UInt8.self))
                let row = UnsafeRawPointer(x + k * p)
                for v in 0..<vectors {
                    let bits = row.loadUnaligned(fromByteOffset: v * 32, as: SIMD4<UInt64>.self) & SIMD4(repeating: keep)
                    let target = UnsafeMutableRawPointer(out + 4 * v)
                    let sum = target.loadUnaligned(as: SIMD4<Double>.self) + unsafeBitCast(bits, to: SIMD4<Double>.self)
                    target.storeBytes(of: sum, as: SIMD4<Double>.self)
                }
                for q in (4 * vectors)..<p { out[q] += Double(bitPattern: x[k * p + q].bitPattern & keep) }
            }
        }}}
        lock.lock()
        if stored == nil { stored = sums }
        lock.unlock()
    }
}

/// The time order, the stored stop times and events, and their time-ordered copies and positions being written: the
/// two threads write disjoint positions.
private struct TimeOrderBuffers: @unchecked Sendable {
    let order: UnsafePointer<Int32>
    let stop: UnsafePointer<Double>
    let event: UnsafePointer<Bool>
    let position: UnsafeMutablePointer<Int32>
    let stopOut: UnsafeMutablePointer<Double>
    let eventOut: UnsafeMutablePointer<Bool>
}

/// The entry order, the start times and positions, and the entry-ordered copies being written (disjoint per thread).
private struct EntryOrderBuffers: @unchecked Sendable {
    let order: UnsafePointer<Int32>
    let start: UnsafePointer<Double>
    let position: UnsafePointer<Int32>
    let startOut: UnsafeMutablePointer<Double>
    let entryOut: UnsafeMutablePointer<Int32>
}

/// The set-up jobs' outputs (the sorts, the means): each job writes only its own slot.
private struct OrderSlots: @unchecked Sendable {
    let orders: UnsafeMutablePointer<[Int32]>
    let sums: UnsafeMutablePointer<CoxData.Sums>
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
    /// η at this β by position in time order (`CoxData.byStop`); empty from `evaluateBySums` at β = 0, where every
    /// η is 0 (`etaByStop`).
    let eta: [Double]

    /// η by position in time order, zeros when `eta` was left empty (β = 0).
    func etaByStop(_ n: Int) -> [Double] { eta.count == n ? eta : [Double](repeating: 0, count: n) }
}

extension CoxData {
    /// η and exp(η) by position in time order (the same products and sums as `linearPredictor`, in that order): the
    /// start of both risk-set evaluations. Each row's value is its own, so the two halves (two threads) give the
    /// same numbers as one.
    func timeOrderedRisk(_ beta: [Double]) -> (eta: [Double], risk: [Double]) {
        var eta = [Double](repeating: 0, count: n)
        // At β = 0 (the first Newton evaluation, the robust score test) every η is 0 and exp(η) is 1: no pass over
        // the covariates (the products would give ±0, equal to 0 as numbers and in exp).
        if beta.allSatisfy({ $0 == 0 }) { return (eta, [Double](repeating: 1, count: n)) }
        var risk = [Double](repeating: 0, count: n)
        let p = p
        xByStop.withUnsafeBufferPointer { xs in
        eta.withUnsafeMutableBufferPointer { e in
        risk.withUnsafeMutableBufferPointer { r in
            let out = SharedPointers(e.baseAddress!, r.baseAddress!)
            RowParts(rows: n).run { _, range in
                CoxData.risk(of: range, x: xs.baseAddress!, p: p, beta: beta, eta: out.first, risk: out.second)
            }
        }}}
        return (eta, risk)
    }

    /// η = xᵢ·β (each summed in j order) and exp(η) of the rows `rows` of row-major `x`: four rows at a time, four
    /// independent sums keeping the FMA units busy where one row's chain of p dependent additions would wait on each.
    /// Each row's value is its own, so any split of the rows gives the same numbers. Shared by `timeOrderedRisk`
    /// and the Newton sums' first pass.
    @inline(__always)
    static func risk(of rows: Range<Int>, x xs: UnsafePointer<Double>, p: Int, beta: [Double],
                     eta: UnsafeMutablePointer<Double>, risk: UnsafeMutablePointer<Double>) {
        var k = rows.lowerBound
        while k + 4 <= rows.upperBound {
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            let x = xs + k * p
            for j in 0..<p {
                let b = beta[j]
                s0 += x[j] * b
                s1 += x[p + j] * b
                s2 += x[2 * p + j] * b
                s3 += x[3 * p + j] * b
            }
            eta[k] = s0; eta[k + 1] = s1; eta[k + 2] = s2; eta[k + 3] = s3
            k += 4
        }
        while k < rows.upperBound {
            var s = 0.0
            for j in 0..<p { s += xs[k * p + j] * beta[j] }
            eta[k] = s
            k += 1
        }
        for k in rows { risk[k] = exp(eta[k]) }
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
                                deaths.append(Int(data.byStop[j]))
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
                            visit(CoxEventTime(time: t, stratum: data.stratum(deaths[0]), deaths: deaths,
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
