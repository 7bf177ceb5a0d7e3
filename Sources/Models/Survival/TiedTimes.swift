import DataTable

/// Times that differ only by rounding are one time, as R's survival treats them (`aeqSurv`, applied by default by
/// survfit, survdiff and coxph: `timefix = TRUE`). Times computed by arithmetic are the usual source: `wait + treat`
/// gives 0.30000000000000004 beside a 0.3 read from the file, and taken as two times the Kaplan–Meier curve, the
/// log-rank statistic and the Cox coefficients all differ from R's (a censoring at 0.7 even left the risk set of an
/// event at 0.7000000000000001).
///
/// R's rule, followed exactly: the distinct finite times (starts and stops together) in ascending order; a time is
/// tied to the one before it when their difference is at most √ε ≈ 1.49e-8, or at most √ε of the mean absolute
/// distinct time; a run of tied times becomes its first (smallest) time (`findInterval` on the run starts).
public enum TiedTimes {
    /// `sqrt(.Machine$double.eps)`.
    static let tolerance = Double.ulpOfOne.squareRoot()

    /// The times with every run of near-equal values replaced by its first value, and how many values changed; nil when
    /// no two distinct times are near-equal (the usual case: then nothing is copied).
    static func merged(start: [Double]?, stop: [Double]) -> (start: [Double]?, stop: [Double], changed: Int)? {
        let distinct = sortedDistinct(stop, start ?? [])
        guard distinct.count >= 2 else { return nil }
        let meanAbs = RArithmetic.mean(distinct.map(abs)) ?? 0
        var runStarts: [Double] = [distinct[0]]
        for k in 1..<distinct.count {
            let dy = distinct[k] - distinct[k - 1]
            if !(dy <= tolerance || dy / meanAbs <= tolerance) { runStarts.append(distinct[k]) }
        }
        guard runStarts.count < distinct.count else { return nil }
        var changed = 0
        func map(_ values: [Double]) -> [Double] {
            values.map { x in
                // The last run start at or below x (findInterval); every x is at or above the first.
                var low = 0, high = runStarts.count
                while high - low > 1 {
                    let mid = (low + high) / 2
                    if runStarts[mid] <= x { low = mid } else { high = mid }
                }
                if runStarts[low] != x { changed += 1 }
                return runStarts[low]
            }
        }
        let newStop = map(stop)
        let newStart = start.map(map)
        return (newStart, newStop, changed)
    }

    /// The warning of a fit whose times were merged: how many, and why the numbers are R's.
    public static func note(_ changed: Int) -> String {
        "\(changed) time\(changed == 1 ? " differs" : "s differ") from an earlier one only by rounding (within √ε, as "
            + "0.30000000000000004 from 0.3) and \(changed == 1 ? "was" : "were") taken as that time, as R's survival does (timefix)"
    }

    /// The distinct values of `a` and `b` ascending (−0 as +0), through hash sets of their bit patterns: one pass over
    /// each half of the rows on its own thread (the other is idle here), tables that stay in cache for the usual few
    /// thousand distinct times, then the union sorted.
    static func sortedDistinct(_ a: [Double], _ b: [Double]) -> [Double] {
        let parts = RowParts(rows: a.count).ranges
        var found = [[Double]](repeating: [], count: parts.count)
        found.withUnsafeMutableBufferPointer { slots in
            let out = DistinctSlots(base: slots.baseAddress!)
            ParallelJobs.run(parts.count) { h in
                var table = DistinctBits(expected: 1024)
                for i in parts[h] { table.insert(a[i] == 0 ? 0 : a[i]) }
                if !b.isEmpty { for i in parts[h] { table.insert(b[i] == 0 ? 0 : b[i]) } }
                out.base[h] = table.values()
            }
        }
        guard found.count > 1 else { return found[0].sorted() }
        var union = DistinctBits(expected: found[0].count)
        for values in found { for x in values { union.insert(x) } }
        return union.values().sorted()
    }
}

/// Each half's distinct values, written by its own job.
private struct DistinctSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<[Double]>
}

/// An open-addressing set of doubles keyed by bit pattern (no NaN is inserted: times are finite).
private struct DistinctBits {
    private var slots: [UInt64]
    private var used: [Bool]
    private var count = 0
    private var mask: Int
    /// 64 − log2(table size): Fibonacci hashing keeps the product's top bits (its low bits barely depend on the
    /// exponent and upper mantissa, and short decimals share those low bits: 10,256 times fell into 386 slots).
    private var shift: UInt64

    init(expected: Int) {
        var size = 16
        while size < expected * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    mutating func insert(_ x: Double) {
        let bits = x.bitPattern
        var i = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while used[i] {
            if slots[i] == bits { return }
            i = (i + 1) & mask
        }
        used[i] = true
        slots[i] = bits
        count += 1
        if count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = zip(slots, used).filter(\.1).map(\.0)
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        count = 0
        for bits in old { insert(Double(bitPattern: bits)) }
    }

    func values() -> [Double] { zip(slots, used).filter(\.1).map { Double(bitPattern: $0.0) } }
}
