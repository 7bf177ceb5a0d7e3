/// The Cox model's one sort: rows by (stratum ascending, time descending, row ascending). That is a total order,
/// so any correct sort gives the same permutation and every sum taken in it is the same: small data use the
/// library sort on contiguous keys, large data a stable least-significant-digit radix sort on the time's bits
/// (16-bit digits, digits all rows share skipped) and then a stable counting sort on the stratum.
extension CoxData {
    /// From this many rows the radix sort is used (below it clearing the 2^16 counters costs more than it saves).
    /// A task-local so that tests can compare both paths on small data.
    @TaskLocal static var minimumRowsForRadix = 1 << 14

    static func order(stratum: [Int], time: [Double]) -> [Int] {
        // The counting sort on the stratum needs codes in 0..<n (CoxModel's are 0..<strata).
        let codesFit = stratum.allSatisfy { $0 >= 0 && $0 < time.count }
        return time.count >= minimumRowsForRadix && codesFit
            ? radixOrder(stratum: stratum, time: time) : comparisonOrder(stratum: stratum, time: time)
    }

    /// Sorts contiguous keys rather than indices through a closure that reads two arrays at random.
    static func comparisonOrder(stratum: [Int], time: [Double]) -> [Int] {
        var keys = [(stratum: Int, time: Double, row: Int)]()
        keys.reserveCapacity(time.count)
        for i in time.indices { keys.append((stratum[i], time[i], i)) }
        keys.sort { a, b in
            if a.stratum != b.stratum { return a.stratum < b.stratum }
            if a.time != b.time { return a.time > b.time }
            return a.row < b.row
        }
        return keys.map(\.row)
    }

    /// A key whose unsigned order is the times' descending order (times are finite; −0 is read as +0, equal to it
    /// as a number).
    @inline(__always) static func descendingKey(_ t: Double) -> UInt64 {
        let bits = (t + 0).bitPattern
        let ascending = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return ~ascending
    }

    static func radixOrder(stratum: [Int], time: [Double]) -> [Int] {
        let n = time.count
        var keys = time.map(descendingKey)
        var rows = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i) }
            c = n
        }
        var keys2 = [UInt64](repeating: 0, count: n)
        var rows2 = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            for d in counts.indices { counts[d] = 0 }
            for k in keys { counts[Int((k >> UInt64(shift)) & 0xFFFF)] += 1 }
            if counts.contains(n) { continue }   // every row has this digit: the pass would not move anything
            var sum = 0
            for d in counts.indices { let c = counts[d]; counts[d] = sum; sum += c }
            for i in 0..<n {
                let d = Int((keys[i] >> UInt64(shift)) & 0xFFFF)
                let to = counts[d]
                counts[d] = to + 1
                keys2[to] = keys[i]
                rows2[to] = rows[i]
            }
            swap(&keys, &keys2)
            swap(&rows, &rows2)
        }
        // Stable by stratum: codes are small non-negative integers (0..<strata).
        let strata = (stratum.max() ?? 0) + 1
        guard strata > 1 else { return rows.map { Int($0) } }
        var offsets = [Int](repeating: 0, count: strata + 1)
        for s in stratum { offsets[s + 1] += 1 }
        for s in 0..<strata { offsets[s + 1] += offsets[s] }
        var out = [Int](repeating: 0, count: n)
        for r in rows {
            let s = stratum[Int(r)]
            out[offsets[s]] = Int(r)
            offsets[s] += 1
        }
        return out
    }
}
