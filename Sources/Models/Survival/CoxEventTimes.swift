import CPrefetch
import Foundation

/// The Cox model's rows as they are stored, each in a cell of the rows that share the event times they are at risk
/// for and whether they die: the form of the data the Newton sums use when the event times are few (sessions, weeks,
/// months: the clocks of alliance data), so few that a cell's sums stay in the cache (`evaluateByCells`). Then no
/// sort of the rows and no copy of the covariates in time order is made, and the covariates are read once per Newton
/// step, where they lie: every quantity of the step is a sum over the rows at risk at each event time, and a row's
/// weight in the information depends on its cell alone. Event times are numbered as the backward passes of `CoxData`
/// meet them: strata by code ascending, each stratum's times descending.
struct CoxEventTimes: Sendable {
    let n: Int
    let p: Int
    let counting: Bool
    let means: [Double]
    /// The first covariate (by index) that takes one value within every stratum, if any.
    let constantColumn: Int?
    /// Each row's cell, or −1 for a row at risk at no event time (its stop before its stratum's first event time, or
    /// no event time in its (start, stop]).
    let cell: [Int32]
    let cells: [Cell]
    /// The event times of all strata.
    let eventTimes: Int
    /// Per stratum, the range of its event times.
    let strata: [Range<Int>]
    let covariates: CoxCovariates

    /// The rows of one cell: at risk from event time `enter` (the latest at or before their stop) up to, not
    /// including, `leave` (the first at or before their start; −1: none), dying at `enter` or not.
    struct Cell: Sendable {
        let enter: Int
        let leave: Int
        let dies: Bool
        let rows: Int
    }

    /// Rows a cell gathers before its cross-product is added (`evaluateByCells`).
    static let cellBatch = 32

    /// The values one thread keeps per cell: the cross-product Σ r x xᵀ (p × p), Σ r x, Σ r, Σ η and Σ x, and the
    /// batch of rows waiting (with their weights).
    static func cellValues(p: Int) -> Int { p * p + 2 * p + 2 + cellBatch * (p + 1) }

    /// The most values one thread may keep for all cells: 512 KB, within the level-2 cache, which the rows reach at
    /// random. More cells (many event times, or (start, stop] intervals of many lengths) use the time-ordered sums of
    /// `CoxData`, as do more than `largestEventTimes` event times (Cox right's 10,256 on a million rows).
    static let largestSums = 1 << 16
    static let largestEventTimes = 256

    /// Off only in tests, which run the same fits through `CoxData`'s time-ordered sums to compare.
    @TaskLocal static var enabled = true

    /// Nil when the event times or the cells are too many (`largestEventTimes`, `largestSums`).
    init?(start: [Double]?, stop: [Double], event: [Bool], stratum: [Int]?, covariates: CoxCovariates) {
        guard Self.enabled else { return nil }
        let n = stop.count, p = covariates.p
        let lowestCode = stratum?.min() ?? 0
        let strataCount = (stratum?.max() ?? 0) - lowestCode + 1
        let parts = RowParts(rows: n).ranges
        // Each stratum's distinct event times (the stops of the rows with an event), per half of the rows, given up as
        // soon as they are too many.
        var found = [[Set<Double>]](repeating: [], count: parts.count)
        found.withUnsafeMutableBufferPointer { slots in
            let out = SetSlots(base: slots.baseAddress!)
            ParallelJobs.run(parts.count) { h in
                var distinct = [Set<Double>](repeating: [], count: n > 0 ? strataCount : 0)
                var count = 0
                for i in parts[h] where event[i] {
                    let s = (stratum?[i] ?? lowestCode) - lowestCode
                    if distinct[s].insert(stop[i]).inserted {
                        count += 1
                        if count > Self.largestEventTimes { break }
                    }
                }
                out.base[h] = distinct
            }
        }
        var distinct = found[0]
        for h in 1..<found.count { for s in distinct.indices { distinct[s].formUnion(found[h][s]) } }
        guard distinct.reduce(0, { $0 + $1.count }) <= Self.largestEventTimes else { return nil }
        // Each stratum's times descending, padded with −∞ to a multiple of `EventTimeSearch.lanes` (never above a time).
        var times: [Double] = []
        var offsets: [Int] = []       // where each stratum's padded times begin in `times`
        var ranges: [Range<Int>] = []
        var first = 0
        for set in distinct {
            let sorted = set.sorted(by: >)
            offsets.append(times.count)
            times += sorted
            let padded = (sorted.count + EventTimeSearch.lanes - 1) / EventTimeSearch.lanes * EventTimeSearch.lanes
            times += [Double](repeating: -.infinity, count: padded - sorted.count)
            ranges.append(first..<(first + sorted.count))
            first += sorted.count
        }
        let eventTimes = first
        guard eventTimes > 0 else { return nil }
        // Each row's key — (enter, leave + 1, dies) — and the keys each half uses, on two threads over halves of the
        // rows; the covariates' means and constancy check beside them (as `CoxData`: each column's own sum in row
        // order, so the same means).
        let keys = eventTimes * (eventTimes + 1) * 2
        let columnParts = covariates.columns != nil && p >= 2 && n >= RowParts.minimumRowsToSplit ? [0..<(p / 2), (p / 2)..<p] : [0..<p]
        var cell = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        var used = [Bool](repeating: false, count: parts.count * keys)
        var sums = [CoxData.Sums](repeating: CoxData.Sums(means: [], constant: nil), count: columnParts.count)
        let search = EventTimeSearch(times: times, offsets: offsets, strata: ranges, lowestCode: lowestCode)
        cell.withUnsafeMutableBufferPointer { cellOut in
        used.withUnsafeMutableBufferPointer { usedOut in
        sums.withUnsafeMutableBufferPointer { sumSlots in
            let out = CellSlots(cell: cellOut.baseAddress, used: usedOut.baseAddress, sums: sumSlots.baseAddress!)
            ParallelJobs.run(parts.count + columnParts.count) { k in
                if k < parts.count {
                    search.keys(rows: parts[k], start: start, stop: stop, event: event, stratum: stratum, eventTimes: eventTimes,
                                into: out.cell!, used: out.used! + k * keys)
                } else {
                    let part = columnParts[k - parts.count]
                    out.sums[k - parts.count] = CoxData.sums(n: n, p: p, of: part, stratum: stratum, lowestCode: lowestCode,
                                                             strata: strataCount, columns: covariates.columns,
                                                             fill: covariates.fill)
                }
            }
        }}}
        // The cells in key order, then each row's key replaced by its cell (and the rows per cell counted), per half.
        var dense = [Int32](repeating: -1, count: keys)
        var foundCells: [(enter: Int, leave: Int, dies: Bool)] = []
        for key in 0..<keys where (0..<parts.count).contains(where: { used[$0 * keys + key] }) {
            dense[key] = Int32(foundCells.count)
            foundCells.append((key / 2 / (eventTimes + 1), key / 2 % (eventTimes + 1) - 1, key % 2 == 1))
        }
        guard foundCells.count * Self.cellValues(p: p) <= Self.largestSums else { return nil }
        var rowCounts = [Int](repeating: 0, count: parts.count * foundCells.count)
        let cellCount = foundCells.count
        cell.withUnsafeMutableBufferPointer { cellOut in
        rowCounts.withUnsafeMutableBufferPointer { countOut in
        dense.withUnsafeBufferPointer { dense in
            let out = CountSlots(cell: cellOut.baseAddress, counts: countOut.baseAddress)
            ParallelJobs.run(parts.count) { h in
                let counts = out.counts! + h * cellCount
                for i in parts[h] {
                    let key = Int(out.cell![i])
                    guard key >= 0 else { continue }
                    let c = dense[key]
                    out.cell![i] = c
                    counts[Int(c)] += 1
                }
            }
        }}}
        self.n = n
        self.p = p
        counting = start != nil
        self.eventTimes = eventTimes
        strata = ranges
        self.covariates = covariates
        self.cell = cell
        cells = foundCells.indices.map { c in
            Cell(enter: foundCells[c].enter, leave: foundCells[c].leave, dies: foundCells[c].dies,
                 rows: (0..<parts.count).reduce(0) { $0 + rowCounts[$1 * cellCount + c] })
        }
        constantColumn = sums.lazy.compactMap(\.constant).first
        means = sums.flatMap(\.means)
    }

    /// η = (x − x̄)·β in storage order (each row's products summed in covariate order from 0, as `CoxData.risk`, so
    /// the numbers of the time-ordered path), for the concordance after a fit.
    func linearPredictor(_ beta: [Double]) -> [Double] {
        guard n > 0 else { return [] }
        var eta = [Double](repeating: 0, count: n)
        let p = p, means = means
        eta.withUnsafeMutableBufferPointer { e in
            let out = SharedPointers(e.baseAddress!, e.baseAddress!)
            covariates.withReader { reader in
                RowParts(rows: n).run { _, range in
                    let block = CoxCovariates.blockRows
                    let columns = UnsafeMutablePointer<Double>.allocate(capacity: block * max(p, 1))
                    defer { columns.deallocate() }
                    var lower = range.lowerBound
                    while lower < range.upperBound {
                        let upper = min(lower + block, range.upperBound)
                        reader.centredColumns(lower..<upper, means: means, into: columns)
                        CoxCovariates.linearPredictor(columns, rows: upper - lower, p: p, beta: beta, into: out.first + lower)
                        lower = upper
                    }
                }
            }
        }
        return eta
    }
}

/// The outputs of `CoxEventTimes`' parallel jobs: each writes only its own rows or its own slot.
private struct SetSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<[Set<Double>]>
}

private struct CellSlots: @unchecked Sendable {
    let cell: UnsafeMutablePointer<Int32>?
    let used: UnsafeMutablePointer<Bool>?
    let sums: UnsafeMutablePointer<CoxData.Sums>
}

private struct CountSlots: @unchecked Sendable {
    let cell: UnsafeMutablePointer<Int32>?
    let counts: UnsafeMutablePointer<Int>?
}

/// Each row's event times: how many of its stratum's times (descending) lie above its stop, and above its start.
private struct EventTimeSearch: @unchecked Sendable {
    /// Times compared at once: a stratum with up to 64 event times is counted in eight vector comparisons, without
    /// the mispredicted branches of a binary search.
    static let lanes = 8
    typealias Lanes = SIMD8<Double>
    let times: [Double]
    let offsets: [Int]
    let strata: [Range<Int>]
    let lowestCode: Int

    /// The stratum's times above `t`: the index of the first at or before it.
    @inline(__always)
    func above(_ t: Double, _ base: UnsafePointer<Double>, count: Int) -> Int {
        if count <= 64 {
            var below = SIMD8<Int64>()
            var k = 0
            while k < count {
                let v = UnsafeRawPointer(base + k).loadUnaligned(as: Lanes.self)
                below &-= unsafeBitCast(v .> Lanes(repeating: t), to: SIMD8<Int64>.self)
                k += Self.lanes
            }
            return Int(below.wrappedSum())
        }
        // Binary search over the descending times.
        var lower = 0, upper = count
        while lower < upper {
            let middle = (lower + upper) / 2
            if base[middle] > t { lower = middle + 1 } else { upper = middle }
        }
        return lower
    }

    /// Each row's key, (enter · (event times + 1) + leave + 1) · 2 + dies, or −1 when it is at risk at no event time;
    /// `used` marks the keys met.
    func keys(rows: Range<Int>, start: [Double]?, stop: [Double], event: [Bool], stratum: [Int]?, eventTimes: Int,
              into key: UnsafeMutablePointer<Int32>, used: UnsafeMutablePointer<Bool>) {
        times.withUnsafeBufferPointer { times in
            guard let base = times.baseAddress else {
                for i in rows { key[i] = -1 }
                return
            }
            for i in rows {
                let s = (stratum?[i] ?? lowestCode) - lowestCode
                let own = base + offsets[s], count = strata[s].count, first = strata[s].lowerBound
                let entered = above(stop[i], own, count: count)
                let left = start.map { above($0[i], own, count: count) } ?? count
                // At risk at the event times from `entered` up to, not including, `left`.
                guard entered < left else { key[i] = -1; continue }
                let leave = left < count ? first + left : -1
                let k = ((first + entered) * (eventTimes + 1) + leave + 1) * 2 + (event[i] ? 1 : 0)
                key[i] = Int32(k)
                used[k] = true
            }
        }
    }
}

/// The Cox model's covariates, read a block of rows at a time: stored columns where they lie, or the design's fill.
struct CoxCovariates: Sendable {
    let p: Int
    /// The covariates as stored columns (the values `fill` writes), when each is one.
    let columns: [[Double]]?
    /// Writes the covariates of rows `range` column by column at `base + j·ld` (as `DesignMatrix.fill`); safe to call
    /// from two threads at once on disjoint ranges.
    let fill: @Sendable (Range<Int>, UnsafeMutablePointer<Double>, Int) -> Void

    /// Rows per block: a block's centred columns (128 × 12 values for the benchmarks) stay in the L1 cache.
    static let blockRows = 128

    init(columns: [[Double]]) {
        p = columns.count
        self.columns = columns
        fill = { range, base, ld in
            for (j, column) in columns.enumerated() {
                column.withUnsafeBufferPointer { c in (base + j * ld).update(from: c.baseAddress! + range.lowerBound, count: range.count) }
            }
        }
    }

    init(p: Int, columns: [[Double]]?, fill: @escaping @Sendable (Range<Int>, UnsafeMutablePointer<Double>, Int) -> Void) {
        self.p = p
        self.columns = columns
        self.fill = fill
    }

    /// `body` with a reader that holds the columns' addresses for its duration.
    func withReader<R>(_ body: (Reader) -> R) -> R {
        guard let columns else { return body(Reader(p: p, columns: [], fill: fill)) }
        return CoxData.withColumnPointers(columns) { body(Reader(p: p, columns: $0, fill: fill)) }
    }

    struct Reader: @unchecked Sendable {
        let p: Int
        let columns: [UnsafePointer<Double>]
        let fill: @Sendable (Range<Int>, UnsafeMutablePointer<Double>, Int) -> Void

        /// Rows `range` (at most `blockRows`) centred on `means`, column by column into `columns` (column j at
        /// j · blockRows): xᵢⱼ − x̄ⱼ, the values of `CoxData.xByStop`.
        @inline(__always)
        func centredColumns(_ range: Range<Int>, means: [Double], into columns: UnsafeMutablePointer<Double>) {
            let count = range.count, block = CoxCovariates.blockRows
            if self.columns.isEmpty {
                fill(range, columns, block)
                for j in 0..<p {
                    let column = columns + j * block, mean = means[j]
                    for i in 0..<count { column[i] -= mean }
                }
            } else {
                for j in 0..<p {
                    let source = self.columns[j] + range.lowerBound, column = columns + j * block, mean = means[j]
                    for i in 0..<count { column[i] = source[i] - mean }
                    // The next block's lines of this column, asked for now: twelve columns read a kilobyte at a time
                    // are more streams than the hardware prefetchers follow in time (the reads stalled on memory).
                    var ahead = block
                    while ahead < 2 * block { alliance_prefetch(source + ahead); ahead += 8 }
                }
            }
        }
    }
}

extension CoxCovariates {
    /// η of `rows` rows of a centred block (`Reader.centredColumns`): each row's products added in covariate order from
    /// 0, as `CoxData.risk` adds them (the same numbers), a column at a time over the rows.
    @inline(__always)
    static func linearPredictor(_ columns: UnsafePointer<Double>, rows: Int, p: Int, beta: [Double],
                                into eta: UnsafeMutablePointer<Double>) {
        for i in 0..<rows { eta[i] = 0 }
        for j in 0..<p {
            let column = columns + j * blockRows, b = beta[j]
            for i in 0..<rows { eta[i] += column[i] * b }
        }
    }
}
