/// The Cox model's one sort: rows by (stratum ascending, time descending, row ascending). That is a total order,
/// so any correct sort gives the same permutation and every sum taken in it is the same: small data use the
/// library sort on contiguous keys, large data a counting sort on the ranks of the distinct times when they are few,
/// else a stable least-significant-digit radix sort on the time's bits (11-bit digits, digits all rows share
/// skipped) and then a stable counting sort on the stratum.
extension CoxData {
    /// From this many rows the radix sort is used (below it the six passes cost more than they save).
    /// A task-local so that tests can compare both paths on small data.
    @TaskLocal static var minimumRowsForRadix = 1 << 14

    /// `stratum` nil: one stratum (every code 0).
    static func order(stratum: [Int]?, time: [Double]) -> [Int32] {
        // The counting sorts on the stratum need codes in 0..<n (CoxModel's are 0..<strata).
        let codesFit = stratum?.allSatisfy { $0 >= 0 && $0 < time.count } ?? true
        guard time.count >= minimumRowsForRadix && codesFit else { return comparisonOrder(stratum: stratum, time: time) }
        return fewTimesOrder(stratum: stratum, time: time) ?? radixOrder(stratum: stratum, time: time)
    }

    /// Times recorded to a few decimals or in whole sessions take few distinct values (10,256 in a million rows of
    /// weeks to two decimals): above this many the radix sort is used.
    static let maximumDistinctTimes = 1 << 14

    /// Few distinct times: the distinct values found by hashing their keys, ranked by a sort of those values alone,
    /// then one stable counting sort of the rows on (stratum, rank) — one pass to count, one to place, instead of six
    /// radix passes over the 64-bit keys. Equal keys are equal numbers (`ascendingKey`), so this is the same
    /// permutation. Nil, after at most `limit` + 1 distinct values were met, when there are more (then the radix sort).
    static func fewTimesOrder(stratum: [Int]?, time: [Double], limit: Int = maximumDistinctTimes) -> [Int32]? {
        let n = time.count
        var slots = 16
        while slots < 2 * limit { slots <<= 1 }   // open addressing at most half full
        let shift = UInt64(64 - slots.trailingZeroBitCount)
        var tableKeys = [UInt64](repeating: 0, count: slots)
        var tableValue = [Int32](repeating: -1, count: slots)
        var distinct: [UInt64] = []
        // Each row's distinct value, then its bucket (every entry written before it is read).
        var bucketOf = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        let complete = time.withUnsafeBufferPointer { time in
            bucketOf.withUnsafeMutableBufferPointer { bucketOf in
            tableKeys.withUnsafeMutableBufferPointer { keys in
            tableValue.withUnsafeMutableBufferPointer { values in
                for i in 0..<n {
                    let key = ascendingKey(time[i])
                    var s = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
                    while true {
                        let v = values[s]
                        if v < 0 {
                            guard distinct.count < limit else { return false }
                            values[s] = Int32(distinct.count)
                            keys[s] = key
                            bucketOf[i] = Int32(distinct.count)
                            distinct.append(key)
                            break
                        }
                        if keys[s] == key { bucketOf[i] = v; break }
                        s = (s + 1) & (slots - 1)
                    }
                }
                return true
            }}}
        }
        guard complete else { return nil }
        // Rank 0 the latest time (keys descending).
        let m = distinct.count
        var rank = [Int32](repeating: 0, count: m)
        for (r, v) in (0..<m).sorted(by: { distinct[$0] > distinct[$1] }).enumerated() { rank[v] = Int32(r) }
        let strata = (stratum?.max() ?? 0) + 1
        let (buckets, overflow) = strata.multipliedReportingOverflow(by: max(m, 1))
        guard !overflow, buckets <= 2 * n + limit else { return nil }
        var start = [Int](repeating: 0, count: buckets + 1)
        if let stratum {
            for i in 0..<n {
                let b = stratum[i] * m + Int(rank[Int(bucketOf[i])])
                bucketOf[i] = Int32(b)
                start[b + 1] += 1
            }
        } else {
            for i in 0..<n {
                let b = Int(rank[Int(bucketOf[i])])
                bucketOf[i] = Int32(b)
                start[b + 1] += 1
            }
        }
        for b in 0..<buckets { start[b + 1] += start[b] }
        // A permutation: every entry written.
        var out = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        out.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let b = Int(bucketOf[i])
                out[start[b]] = Int32(i)
                start[b] += 1
            }
        }
        return out
    }

    /// Sorts contiguous keys rather than indices through a closure that reads two arrays at random.
    static func comparisonOrder(stratum: [Int]?, time: [Double]) -> [Int32] {
        var keys = [(stratum: Int, time: Double, row: Int)]()
        keys.reserveCapacity(time.count)
        for i in time.indices { keys.append((stratum?[i] ?? 0, time[i], i)) }
        keys.sort { a, b in
            if a.stratum != b.stratum { return a.stratum < b.stratum }
            if a.time != b.time { return a.time > b.time }
            return a.row < b.row
        }
        return keys.map { Int32($0.row) }
    }

    /// A key whose unsigned order is the numbers' ascending order (finite numbers; −0 is read as +0, equal to it as
    /// a number), so equal keys are equal numbers.
    @inline(__always) static func ascendingKey(_ t: Double) -> UInt64 {
        let bits = (t + 0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// A key whose unsigned order is the times' descending order.
    @inline(__always) static func descendingKey(_ t: Double) -> UInt64 { ~ascendingKey(t) }

    static func radixOrder(stratum: [Int]?, time: [Double]) -> [Int32] {
        let n = time.count
        let rows = radixPositions(time.map(descendingKey))
        // Stable by stratum: codes are small non-negative integers (0..<strata).
        guard let stratum, (stratum.max() ?? 0) > 0 else { return rows }
        let strata = (stratum.max() ?? 0) + 1
        var offsets = [Int](repeating: 0, count: strata + 1)
        for s in stratum { offsets[s + 1] += 1 }
        for s in 0..<strata { offsets[s + 1] += offsets[s] }
        var out = [Int32](repeating: 0, count: n)
        for r in rows {
            let s = stratum[Int(r)]
            out[offsets[s]] = r
            offsets[s] += 1
        }
        return out
    }

    /// The indices 0..<n in ascending order of `keys`, equal keys in index order (`radixSort` on all 64 bits).
    static func radixPositions(_ input: consuming [UInt64]) -> [Int32] { radixSort(consume input).rows }

    /// `input` sorted by its bits from `lowestBit` up (equal in those bits: index order), and the indices in that
    /// order: a least-significant-digit radix sort on 11-bit digits (2,048 counters a pass stay in the L1 cache),
    /// digits that all keys share skipped (the pass would not move anything). Each pass runs on two threads over the
    /// two halves of the current order: each counts its half, then writes its keys after the other half's in every
    /// bucket (the first half's first), which is the order one thread gives — the stable order is unique, so one core
    /// or two give the same permutation. Also ranks the linear predictor for the concordance (on the high 32 bits,
    /// the keys returned whole so that the runs equal in them are read in sequence).
    static func radixSort(_ input: consuming [UInt64], lowestBit: Int = 0) -> (keys: [UInt64], rows: [Int32]) {
        let n = input.count
        let bits = 11, radix = 1 << bits, mask = UInt64(radix - 1)
        let digits = (64 - lowestBit + bits - 1) / bits
        let halves = n >= minimumRowsForRadix ? 2 : 1
        let bounds = halves == 2 ? [0..<(n / 2), (n / 2)..<n] : [0..<n]
        // Every digit's counts over all keys (to skip digits all keys share; each half counted by its own thread,
        // integers, so the sum is the same), then per pass the halves' own counts.
        var all = [Int](repeating: 0, count: halves * digits * radix)
        input.withUnsafeBufferPointer { keys in
        all.withUnsafeMutableBufferPointer { all in
            let counts = RadixCounters(offsets: all.baseAddress!)
            ParallelJobs.run(halves) { h in
                let c = counts.offsets + h * digits * radix
                for i in bounds[h] {
                    let key = keys[i]
                    for digit in 0..<digits { c[digit * radix + Int((key >> UInt64(lowestBit + bits * digit)) & mask)] += 1 }
                }
            }
        }}
        if halves == 2 { for k in 0..<(digits * radix) { all[k] += all[digits * radix + k] } }
        let passes = (0..<digits).filter { !all[($0 * radix)..<(($0 + 1) * radix)].contains(n) }
        // The passes alternate between two pairs of buffers; the pair the last pass writes is returned as it is. The
        // input is taken over as the first (callers pass a fresh array: no copy of it before the first write). The
        // first pass reads the rows as their indices, so the rows are not written 0..<n first (only without passes).
        var keys = consume input, rows = [Int32](unsafeUninitializedCapacity: n) { rows, count in
            if passes.isEmpty { for i in 0..<n { rows[i] = Int32(i) } }
            count = n
        }
        guard !passes.isEmpty else { return (keys, rows) }
        var keys2 = [UInt64](unsafeUninitializedCapacity: n) { $1 = n }
        var rows2 = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 2 * radix)
        defer { offsets.deallocate() }
        let counters = RadixCounters(offsets: offsets)
        keys.withUnsafeMutableBufferPointer { k1 in
        keys2.withUnsafeMutableBufferPointer { k2 in
        rows.withUnsafeMutableBufferPointer { r1 in
        rows2.withUnsafeMutableBufferPointer { r2 in
            var from = RadixBuffers(keys: k1.baseAddress!, rows: r1.baseAddress!)
            var to = RadixBuffers(keys: k2.baseAddress!, rows: r2.baseAddress!)
            for (index, digit) in passes.enumerated() {
                let shift = UInt64(lowestBit + bits * digit)
                let firstPass = index == 0
                let (source, target) = (from, to)
                ParallelJobs.run(halves) { h in
                    let c = counters.offsets + h * radix
                    c.initialize(repeating: 0, count: radix)
                    for i in bounds[h] { c[Int((source.keys[i] >> shift) & mask)] += 1 }
                }
                // Bucket d: the first half's keys, then the second's.
                var sum = 0
                for d in 0..<radix {
                    for h in 0..<halves { let v = offsets[h * radix + d]; offsets[h * radix + d] = sum; sum += v }
                }
                ParallelJobs.run(halves) { h in
                    let c = counters.offsets + h * radix
                    for i in bounds[h] {
                        let key = source.keys[i]
                        let d = Int((key >> shift) & mask)
                        let at = c[d]
                        c[d] = at + 1
                        target.keys[at] = key
                        target.rows[at] = firstPass ? Int32(truncatingIfNeeded: i) : source.rows[i]
                    }
                }
                swap(&from, &to)
            }
        }}}}
        return passes.count % 2 == 0 ? (keys, rows) : (keys2, rows2)
    }
}

/// The radix sort's key and row buffers; the two threads of a pass read and write disjoint parts of them.
private struct RadixBuffers: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let rows: UnsafeMutablePointer<Int32>
}

/// Each half's bucket counters (then write positions), one block of 2,048 per half.
private struct RadixCounters: @unchecked Sendable {
    let offsets: UnsafeMutablePointer<Int>
}
