/// Harrell's concordance of a Cox model's linear predictor, as `survival::concordance` of a coxph fit (which
/// coxph stores as `fit$concordance`): over pairs where one row has the event while the other is still at risk
/// (within the stratum, in the counting-process risk set), the share where the row with the event has the
/// higher risk score, ties in the score counting one half; pairs with tied event times do not count.
public struct Concordance: Sendable, Equatable {
    public let concordant: Double
    public let discordant: Double
    /// Comparable pairs with equal linear predictors.
    public let tiedRisk: Double
    /// Pairs of events at the same time (not comparable).
    public let tiedTime: Double

    public var value: Double { (concordant + tiedRisk / 2) / (concordant + discordant + tiedRisk) }

    /// Rows from which the sweep uses two threads (below it a second thread costs more than it
    /// saves). A task-local so that tests can run small data through the split path.
    @TaskLocal static var minimumRowsToSplit = 1 << 16

    /// The fewest bytes of a per-rank counter in the sweep (1, 2 or 4): wider than the ties need only in tests, which
    /// run every width on small data.
    @TaskLocal static var narrowestCounter = 1

    /// A Fenwick tree over the ranks of η, swept backward in time with the risk set: O(n log n), as survival's
    /// concordance (which uses a balanced tree). `eta` is by position in time order (`CoxData.byStop`), as the
    /// risk-set evaluations give it. The ranks come from one sort of η. With many rows the
    /// ranks are split at their middle into two trees, each swept by its own thread over all rows: a thread
    /// updates and queries only its own half and counts the rows at risk below it. The counts are integers, so
    /// the result is the same on one core or two, and the same as one tree gives.
    static func compute(_ data: CoxData, eta: [Double]) -> Concordance {
        let n = data.n
        let split = n >= minimumRowsToSplit
        let (rankAt, m, largestTie) = ranks(eta)
        // A rank's count of rows at risk never exceeds the rows sharing that η: the narrowest counter that holds it
        // (the per-rank counts are read and written at random; at one byte each rather than four they stay in the
        // cache far more often).
        let width = max(largestTie <= Int(UInt8.max) ? 1 : largestTie <= Int(UInt16.max) ? 2 : 4, narrowestCounter)
        let halves: [ClosedRange<Int32>] = split && m >= 2
            ? [1...Int32(m / 2), Int32(m / 2 + 1)...Int32(m)] : [1...Int32(max(m, 1))]
        var parts = [Counts](repeating: Counts(), count: halves.count)
        parts.withUnsafeMutableBufferPointer { out in
            let slots = CountSlots(base: out.baseAddress!)
            rankAt.withUnsafeBufferPointer { rankAt in
                ParallelJobs.run(halves.count) { h in
                    let (half, tiedTime) = (halves[h], h == 0)
                    switch width {
                    case 1: slots.base[h] = sweep(data, rankAt: rankAt, half: half, countTiedTime: tiedTime, counter: UInt8.self)
                    case 2: slots.base[h] = sweep(data, rankAt: rankAt, half: half, countTiedTime: tiedTime, counter: UInt16.self)
                    default: slots.base[h] = sweep(data, rankAt: rankAt, half: half, countTiedTime: tiedTime, counter: UInt32.self)
                    }
                }
            }
        }
        var total = Counts()
        for part in parts {
            total.concordant += part.concordant
            total.discordant += part.discordant
            total.tiedRisk += part.tiedRisk
            total.tiedTime += part.tiedTime
        }
        return Concordance(concordant: Double(total.concordant), discordant: Double(total.discordant),
                           tiedRisk: Double(total.tiedRisk), tiedTime: Double(total.tiedTime))
    }

    struct Counts {
        var concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0
    }

    /// Each thread writes only its own slot.
    private struct CountSlots: @unchecked Sendable {
        let base: UnsafeMutablePointer<Counts>
    }

    /// 1-based dense rank of each position's η among the distinct values (equal η, equal rank), and the number
    /// of distinct values: one radix sort of η's order-preserving bit keys (`CoxData.radixSort`), equal keys
    /// being equal values. From `minimumRowsForRadix` rows; below it the library sort on (η, position) pairs. Also the
    /// most rows that share one η.
    static func ranks(_ eta: [Double]) -> (ranks: [Int32], distinct: Int, largestTie: Int) {
        let n = eta.count
        // Every position is given its rank below.
        var rankAt = [Int32](unsafeUninitializedCapacity: n) { $1 = n }
        var rank: Int32 = 0
        var largestTie = 0, tie = 0
        if n >= CoxData.minimumRowsForRadix && n > 0 {
            // The radix passes on the keys' high 32 bits only (three passes instead of six), then each run of equal
            // high halves — a few rows, as η is continuous — put in order of the full key, and the ranks given. The sort
            // returns the keys in its order, so the runs are read in sequence.
            var (key, order) = CoxData.radixSort(eta.map(CoxData.ascendingKey), lowestBit: 32)
            // Two halves of the sorted order, split where the high halves change (equal keys never straddle it): each
            // thread puts its half's runs in order and counts its distinct keys, then gives its ranks from the first
            // half's count on — the ranks one walk gives, whatever the threads' timing.
            var middle = n / 2
            while middle > 0 && middle < n && key[middle] >> 32 == key[middle - 1] >> 32 { middle += 1 }
            let parts = [0..<middle, middle..<n]
            var distinct = [0, 0], ties = [0, 0]
            key.withUnsafeMutableBufferPointer { key in
            order.withUnsafeMutableBufferPointer { order in
            rankAt.withUnsafeMutableBufferPointer { rankAt in
            distinct.withUnsafeMutableBufferPointer { distinct in
            ties.withUnsafeMutableBufferPointer { ties in
                let b = RankBuffers(key: key.baseAddress!, order: order.baseAddress!, rankAt: rankAt.baseAddress!,
                                    distinct: distinct.baseAddress!, ties: ties.baseAddress!)
                ParallelJobs.run(2) { h in b.distinct[h] = sortRuns(b, parts[h]) }
                ParallelJobs.run(2) { h in
                    b.ties[h] = giveRanks(b, parts[h], from: Int32(h == 0 ? 0 : b.distinct[0]))
                }
            }}}}}
            rank = Int32(distinct[0] + distinct[1])
            largestTie = max(ties[0], ties[1])
        } else {
            let sorted = eta.indices.sorted { eta[$0] < eta[$1] }
            var previous = -Double.infinity
            for (k, position) in sorted.enumerated() {
                if k == 0 || eta[position] != previous { rank += 1; previous = eta[position]; tie = 0 }
                tie += 1
                largestTie = max(largestTie, tie)
                rankAt[position] = rank
            }
        }
        return (rankAt, Int(rank), largestTie)
    }

    /// The radix-sorted keys and rows, the ranks by position, and each half's distinct keys and largest tie; the
    /// two threads read and write disjoint parts.
    private struct RankBuffers: @unchecked Sendable {
        let key: UnsafeMutablePointer<UInt64>
        let order: UnsafeMutablePointer<Int32>
        let rankAt: UnsafeMutablePointer<Int32>
        let distinct: UnsafeMutablePointer<Int>
        let ties: UnsafeMutablePointer<Int>
    }

    /// Each run of equal high halves in `part` (a few rows, as η is continuous) put in order of the full key, equal
    /// keys by position; the distinct keys in `part`. `part` begins where the high half changes.
    private static func sortRuns(_ b: RankBuffers, _ part: Range<Int>) -> Int {
        let (key, order) = (b.key, b.order)
        var count = 0
        var k = part.lowerBound
        while k < part.upperBound {
            let high = key[k] >> 32
            var end = k + 1
            while end < part.upperBound && key[end] >> 32 == high { end += 1 }
            if end - k <= 32 {
                // Insertion sort: runs are short.
                for a in (k + 1)..<max(end, k + 1) {
                    let moving = order[a], value = key[a]
                    var c = a
                    while c > k && key[c - 1] > value { order[c] = order[c - 1]; key[c] = key[c - 1]; c -= 1 }
                    order[c] = moving
                    key[c] = value
                }
            } else {
                // Keys with their positions: sorted by key, equal keys by position (as the stable passes).
                var run = (k..<end).map { (key: key[$0], row: order[$0]) }
                run.sort { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
                for (a, entry) in run.enumerated() { key[k + a] = entry.key; order[k + a] = entry.row }
            }
            count += 1
            for a in (k + 1)..<max(end, k + 1) where key[a] != key[a - 1] { count += 1 }
            k = end
        }
        return count
    }

    /// The ranks of `part`'s positions, from `rank` + 1 on; the most rows sharing one key in `part`.
    private static func giveRanks(_ b: RankBuffers, _ part: Range<Int>, from rank: Int32) -> Int {
        var rank = rank, largestTie = 0, tie = 0
        for a in part {
            if a == part.lowerBound || b.key[a] != b.key[a - 1] { rank += 1; tie = 0 }
            tie += 1
            largestTie = max(largestTie, tie)
            b.rankAt[Int(b.order[a])] = rank
        }
        return largestTie
    }

    /// One backward sweep over time, with a Fenwick tree over the ranks in `half` only: deaths whose rank lies in
    /// `half` are counted against everyone at risk (rows below the half are counted without a tree).
    static func sweep<Count: FixedWidthInteger & UnsignedInteger>(
        _ data: CoxData, rankAt: UnsafeBufferPointer<Int32>, half: ClosedRange<Int32>, countTiedTime: Bool,
        counter: Count.Type) -> Counts {
        let offset = half.lowerBound - 1
        let m = Int(half.upperBound - offset)
        // Two levels: a count per rank, and a Fenwick tree over blocks of 64 ranks (a sixty-fourth of the size, so
        // it stays in the cache: an update or query walks it without the cache misses of a tree over every rank).
        // A prefix count is the tree's count of the whole blocks below plus at most 64 contiguous counts.
        // Counts fit in 32 bits: a design is at most 2^29 cells (DesignMatrix.maximumCells); a rank's own count in
        // `Count`, which holds the most rows sharing one η.
        let shift = 6
        let blocks = (m >> shift) + 1
        var tree = [UInt32](repeating: 0, count: blocks + 1)
        var atRank = [Count](repeating: 0, count: m + 1)
        var counts = Counts()
        tree.withUnsafeMutableBufferPointer { tree in
        atRank.withUnsafeMutableBufferPointer { atRank in
            @inline(__always) func update(_ rank: Int32, _ add: Bool) {
                let i = Int(rank - offset)
                var b = (i >> shift) + 1
                if add {
                    atRank[i] &+= 1
                    while b <= blocks { tree[b] &+= 1; b += b & -b }
                } else {
                    atRank[i] &-= 1
                    while b <= blocks { tree[b] &-= 1; b += b & -b }
                }
            }
            /// Rows at risk with a local rank in 0...k.
            @inline(__always) func prefix(_ k: Int) -> Int {
                let whole = k >> shift
                var s = 0
                var b = whole
                while b > 0 { s += Int(tree[b]); b -= b & -b }
                var partial: UInt32 = 0
                for i in (whole << shift)...k { partial &+= UInt32(truncatingIfNeeded: atRank[i]) }
                return s + Int(partial)
            }
            var deaths: [Int32] = []
            for range in data.strata {
                for k in 0...blocks { tree[k] = 0 }
                for k in 0...m { atRank[k] = 0 }
                var total = 0, below = 0   // rows at risk; those with a rank under the half
                @inline(__always) func enter(_ rank: Int32) {
                    total += 1
                    if rank < half.lowerBound { below += 1 } else if rank <= half.upperBound { update(rank, true) }
                }
                var i = range.stop.lowerBound, r = range.start.lowerBound
                while i < range.stop.upperBound {
                    let t = data.stopByStop[i]
                    data.leaving(at: t, entries: range.start, from: &r) { k in
                        let rank = rankAt[k]
                        total -= 1
                        if rank < half.lowerBound { below -= 1 } else if rank <= half.upperBound { update(rank, false) }
                    }
                    var j = i
                    deaths.removeAll(keepingCapacity: true)
                    while j < range.stop.upperBound && data.stopByStop[j] == t {
                        if data.eventByStop[j] { deaths.append(rankAt[j]) } else { enter(rankAt[j]) }
                        j += 1
                    }
                    for rank in deaths where half.contains(rank) {
                        let local = Int(rank - offset)
                        let under = below + prefix(local - 1), atOrUnder = under + Int(atRank[local])
                        counts.concordant += under
                        counts.tiedRisk += atOrUnder - under
                        counts.discordant += total - atOrUnder
                    }
                    if countTiedTime { counts.tiedTime += deaths.count * (deaths.count - 1) / 2 }
                    for rank in deaths { enter(rank) }
                    i = j
                }
            }
        }}
        return counts
    }
}
