import AllianceTestSupport
import Foundation
@testable import Models
import Testing

/// The Cox model's large-data paths against their plain forms on synthetic data with heavy ties, −0/+0 times,
/// negative entry times, strata and (start, stop] intervals: the radix sort must give the comparison sort's
/// permutation exactly (the order is total), and the concordance's two rank halves (two threads) exactly the
/// counts of one tree and of a direct count over all pairs (the definition `survival::concordance` uses).
@Suite struct CoxLargeDataPathTests {
    /// n rows: times on a coarse grid (many ties), some −0 beside +0, `strata` strata, optionally intervals.
    static func sample(n: Int, strata: Int, intervals: Bool, seed: UInt64)
        -> (start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], eta: [Double]) {
        var g = SplitMix(seed: seed)
        var start: [Double] = [], stop: [Double] = [], event: [Bool] = [], stratum: [Int] = [], eta: [Double] = []
        for _ in 0..<n {
            let entry = intervals ? (g.nextUnit() * 12).rounded(.down) - 3 : 0
            var exit = (g.nextUnit() * 20).rounded(.down)
            if intervals { exit = entry + 1 + (g.nextUnit() * 8).rounded(.down) }
            if exit == 0 && g.nextUnit() < 0.5 { exit = -0.0 }
            start.append(entry == 0 && g.nextUnit() < 0.5 ? -0.0 : entry)
            stop.append(exit)
            event.append(g.nextUnit() < 0.6)
            stratum.append(Int(g.next() % UInt64(strata)))
            // Linear predictors with ties too (a quarter on a grid of five values).
            eta.append(g.nextUnit() < 0.25 ? (g.nextUnit() * 5).rounded(.down) / 4 : g.nextUnit() * 2 - 1)
        }
        return (intervals ? start : nil, stop, event, stratum, eta)
    }

    /// Both with the radix passes on one thread and split over two halves (from `minimumRowsForRadix` rows).
    @Test(arguments: [(1, false), (3, false), (1, true), (4, true)])
    func radixOrderIsTheComparisonOrder(_ strata: Int, _ intervals: Bool) {
        for halves in [false, true] {
            CoxData.$minimumRowsForRadix.withValue(halves ? 0 : Int.max) { radixOrderAgrees(strata, intervals) }
        }
    }

    func radixOrderAgrees(_ strata: Int, _ intervals: Bool) {
        for (n, seed) in [(1, 1), (2, 2), (257, 3), (5000, 4)] as [(Int, UInt64)] {
            let s = Self.sample(n: n, strata: strata, intervals: intervals, seed: seed)
            #expect(CoxData.radixOrder(stratum: s.stratum, time: s.stop) == CoxData.comparisonOrder(stratum: s.stratum, time: s.stop),
                    "stop, n \(n)")
            if let start = s.start {
                #expect(CoxData.radixOrder(stratum: s.stratum, time: start) == CoxData.comparisonOrder(stratum: s.stratum, time: start),
                        "start, n \(n)")
            }
        }
        // Every digit of the keys differs somewhere (no pass skipped), and times of both signs.
        var g = SplitMix(seed: 9)
        let wide = (0..<3000).map { _ in (g.nextUnit() - 0.5) * pow(10, Double(g.next() % 40) - 20) }
        let zeros = [Int](repeating: 0, count: wide.count)
        #expect(CoxData.radixOrder(stratum: zeros, time: wide) == CoxData.comparisonOrder(stratum: zeros, time: wide))
    }

    /// The counting sort on the ranks of the distinct times (the path `order` takes first on large data) gives the
    /// comparison sort's permutation, ties, −0 and strata included; with more distinct times than its limit it
    /// declines (nil), and the radix sort is used.
    @Test(arguments: [(1, false), (3, false), (1, true), (4, true)])
    func fewTimesOrderIsTheComparisonOrder(_ strata: Int, _ intervals: Bool) {
        for (n, seed) in [(1, 1), (2, 2), (257, 3), (5000, 4)] as [(Int, UInt64)] {
            let s = Self.sample(n: n, strata: strata, intervals: intervals, seed: seed)
            #expect(CoxData.fewTimesOrder(stratum: s.stratum, time: s.stop) == CoxData.comparisonOrder(stratum: s.stratum, time: s.stop),
                    "stop, n \(n)")
            if let start = s.start {
                #expect(CoxData.fewTimesOrder(stratum: s.stratum, time: start) == CoxData.comparisonOrder(stratum: s.stratum, time: start),
                        "start, n \(n)")
            }
            if n == 5000 { #expect(CoxData.fewTimesOrder(stratum: s.stratum, time: s.stop, limit: 4) == nil) }
        }
        var g = SplitMix(seed: 9)
        let wide = (0..<3000).map { _ in (g.nextUnit() - 0.5) * pow(10, Double(g.next() % 40) - 20) }
        let zeros = [Int](repeating: 0, count: wide.count)
        #expect(CoxData.fewTimesOrder(stratum: zeros, time: wide) == CoxData.comparisonOrder(stratum: zeros, time: wide))
        #expect(CoxData.fewTimesOrder(stratum: zeros, time: wide, limit: 1000) == nil)
    }

    /// The ranks of η by the radix passes on the keys' high halves plus the settling of runs equal there agree with
    /// the library sort's: η that differ only in their low 32 bits (a long run, sorted by the library, and short runs,
    /// by insertion), exact ties, both signs and −0.
    @Test func ranksSettleEqualHighHalves() {
        var g = SplitMix(seed: 23)
        var eta: [Double] = []
        for _ in 0..<3000 {
            switch g.next() % 4 {
            case 0: eta.append(0.75 + Double(g.next() % 60) * 0x1p-44)          // one long run of equal high halves
            case 1: eta.append(-1.5 - Double(g.next() % 3) * 0x1p-48 - Double(g.next() % 400) * 0x1p-10)   // short runs
            case 2: eta.append(g.nextUnit() < 0.1 ? -0.0 : (g.nextUnit() * 5).rounded(.down) / 4)   // exact ties, ±0
            default: eta.append(g.nextUnit() * 4 - 2)
            }
        }
        let plain = CoxData.$minimumRowsForRadix.withValue(Int.max) { Concordance.ranks(eta) }
        let radix = CoxData.$minimumRowsForRadix.withValue(0) { Concordance.ranks(eta) }
        #expect(radix.ranks == plain.ranks)
        #expect(radix.distinct == plain.distinct)
    }

    /// Concordant, discordant, tied-risk and tied-time pairs counted over all pairs, as defined in `Concordance`.
    static func directCount(_ s: (start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], eta: [Double])) -> Concordance {
        var concordant = 0.0, discordant = 0.0, tiedRisk = 0.0, tiedTime = 0.0
        let n = s.stop.count
        for i in 0..<n where s.event[i] {
            let t = s.stop[i]
            for j in 0..<n where j != i && s.stratum[j] == s.stratum[i] {
                let atRisk = s.stop[j] >= t && (s.start.map { $0[j] < t } ?? true)
                guard atRisk else { continue }
                if s.event[j] && s.stop[j] == t {
                    if j > i { tiedTime += 1 }   // each unordered pair once
                } else if s.eta[i] > s.eta[j] {
                    concordant += 1
                } else if s.eta[i] == s.eta[j] {
                    tiedRisk += 1
                } else {
                    discordant += 1
                }
            }
        }
        return Concordance(concordant: concordant, discordant: discordant, tiedRisk: tiedRisk, tiedTime: tiedTime)
    }

    @Test(arguments: [(1, false), (3, false), (1, true), (4, true)])
    func concordanceHalvesCountEveryPair(_ strata: Int, _ intervals: Bool) throws {
        let s = Self.sample(n: 900, strata: strata, intervals: intervals, seed: 17 + UInt64(strata))
        let columns = [s.eta]   // any covariate: the sweep reads η by time-order position
        let data = CoxData(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum, columns: columns)
        let ordered = data.byStop.map { s.eta[Int($0)] }
        let one = Concordance.$minimumRowsToSplit.withValue(Int.max) { Concordance.compute(data, eta: ordered) }
        let two = Concordance.$minimumRowsToSplit.withValue(0) { Concordance.compute(data, eta: ordered) }
        // The ranks by the radix sort of η's bit keys (on two halves) rather than the library sort.
        let radix = CoxData.$minimumRowsForRadix.withValue(0) {
            Concordance.$minimumRowsToSplit.withValue(0) { Concordance.compute(data, eta: ordered) }
        }
        // The per-rank counters two and four bytes wide (the ties here need one).
        let wide = [2, 4].map { bytes in
            Concordance.$narrowestCounter.withValue(bytes) {
                Concordance.$minimumRowsToSplit.withValue(0) { Concordance.compute(data, eta: ordered) }
            }
        }
        let direct = Self.directCount(s)
        #expect(one == direct)
        #expect(two == direct)
        #expect(radix == direct)
        #expect(wide == [direct, direct])
        #expect(direct.concordant > 0 && direct.discordant > 0 && direct.tiedRisk > 0 && direct.tiedTime > 0)
    }

    /// More than 255 rows share each η (three values): the per-rank counts need two bytes, chosen from the ties.
    @Test(arguments: [false, true])
    func concordanceWithLargeTies(_ intervals: Bool) {
        var s = Self.sample(n: 1500, strata: 1, intervals: intervals, seed: 41)
        var g = SplitMix(seed: 43)
        s.eta = s.eta.map { _ in Double(g.next() % 3) - 1 }
        let data = CoxData(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum, columns: [s.eta])
        let ordered = data.byStop.map { s.eta[Int($0)] }
        #expect(Concordance.ranks(ordered).largestTie > 255)
        let two = CoxData.$minimumRowsForRadix.withValue(0) {
            Concordance.$minimumRowsToSplit.withValue(0) { Concordance.compute(data, eta: ordered) }
        }
        let direct = Self.directCount(s)
        #expect(two == direct)
        #expect(direct.tiedRisk > 0)
    }

    /// The set-up's constancy check (read block by block with the means): a covariate that varies only between
    /// strata is constant within each and is named; one that varies inside any stratum is not. Both reads: the
    /// stored columns where they lie, and the design's `fill` through a buffer (factor designs); the stored columns
    /// in one job and in two over halves of the columns (the first constant one by index either way).
    @Test(arguments: [true, false], [false, true]) func constantWithinStrataIsFound(stored: Bool, split: Bool) {
        RowParts.$minimumRowsToSplit.withValue(split ? 2 : Int.max) { constantWithinStrataIsFound(stored: stored) }
    }

    func constantWithinStrataIsFound(stored: Bool) {
        let n = 700   // more than two blocks of `CoxData.fillBlock` rows
        let stratum = (0..<n).map { $0 % 3 + 1 }
        let stop = (0..<n).map { Double($0 % 17 + 1) }
        let event = (0..<n).map { $0 % 4 != 0 }
        let varies = (0..<n).map { Double($0 % 5) }
        let byStratum = stratum.map { Double($0) * 2.5 }
        var late = byStratum
        late[n - 1] += 1   // varies, in one stratum, at the last row only
        func make(_ columns: [[Double]]) -> CoxData {
            if stored { return CoxData(start: nil, stop: stop, event: event, stratum: stratum, columns: columns) }
            return CoxData(start: nil, stop: stop, event: event, stratum: stratum, p: columns.count) { range, base, ld in
                for (j, column) in columns.enumerated() {
                    for (k, i) in range.enumerated() { base[j * ld + k] = column[i] }
                }
            }
        }
        func constant(_ columns: [[Double]]) -> Int? { make(columns).constantColumn }
        #expect(constant([varies, byStratum]) == 1)
        #expect(constant([byStratum, varies]) == 0)
        #expect(constant([varies, late]) == nil)
        #expect(constant([varies, late, byStratum]) == 2)
        #expect(constant([varies, byStratum, late, byStratum]) == 1)
        #expect(constant([byStratum, varies, late, byStratum]) == 0)
        #expect(constant([varies, late, varies, byStratum, late]) == 3)
        let data = make([varies, late])
        #expect(data.means == [varies.reduce(0, +) / Double(n), late.reduce(0, +) / Double(n)])
        let odd = (0..<n).map { sin(Double($0)) * 1e3 }
        let five = make([odd, varies, late, odd, byStratum])
        #expect(five.means.map(\.bitPattern) == [odd, varies, late, odd, byStratum].map { ($0.reduce(0, +) / Double(n)).bitPattern })
        for row in [0, 1, 255, 256, 511, 699] {
            #expect(data.x(row, 0) == varies[row] - data.means[0] && data.x(row, 1) == late[row] - data.means[1])
        }
    }
    /// No strata (`stratum` nil, as `fit cox` passes without strata()) is the same data as every code 0: the same
    /// orders on all three sort paths, strata ranges, means, constancy, evaluations and concordance.
    @Test(arguments: [(false, 900), (true, 900), (false, 20_000), (true, 20_000)])
    func noStrataIsOneStratumOfZeros(_ intervals: Bool, _ n: Int) {
        let s = Self.sample(n: n, strata: 1, intervals: intervals, seed: 53)
        let zeros = [Int](repeating: 0, count: n)
        let constant = [Double](repeating: 2, count: n)
        for columns in [[s.eta, s.stop], [s.eta, constant]] {
            let a = CoxData(start: s.start, stop: s.stop, event: s.event, stratum: zeros, columns: columns)
            let b = CoxData(start: s.start, stop: s.stop, event: s.event, stratum: nil, columns: columns)
            #expect(a.byStop == b.byStop && a.byStart == b.byStart)
            #expect(a.strata.map(\.stop) == b.strata.map(\.stop) && a.strata.map(\.start) == b.strata.map(\.start))
            #expect(a.means == b.means && a.constantColumn == b.constantColumn)
            #expect(a.strataCodes == b.strataCodes && (0..<n).allSatisfy { a.stratum($0) == b.stratum($0) })
            guard a.constantColumn == nil else { continue }
            let beta = [0.3, -0.01]
            let (ea, eb) = (CoxRiskSets.evaluate(a, beta: beta, ties: .efron), CoxRiskSets.evaluate(b, beta: beta, ties: .efron))
            #expect(ea.logLikelihood == eb.logLikelihood && ea.score == eb.score && ea.information == eb.information)
            #expect(Concordance.compute(a, eta: ea.eta) == Concordance.compute(b, eta: eb.eta))
        }
        for time in [s.stop] + (s.start.map { [$0] } ?? []) {
            #expect(CoxData.radixOrder(stratum: nil, time: time) == CoxData.comparisonOrder(stratum: zeros, time: time))
            #expect(CoxData.comparisonOrder(stratum: nil, time: time) == CoxData.comparisonOrder(stratum: zeros, time: time))
            #expect(CoxData.fewTimesOrder(stratum: nil, time: time) == CoxData.fewTimesOrder(stratum: zeros, time: time))
        }
    }

    /// The time-ordered copies the set-up writes in one pass (on one thread, and on two over halves of the order) are
    /// their definitions: each row's position in `byStop`, the stop times and events in that order, and for
    /// intervals the start times and positions in `byStart` order. Ties, strata (also a single row per stratum),
    /// intervals, and no strata.
    @Test(arguments: [(1, false), (3, false), (1, true), (4, true), (700, false), (700, true)])
    func timeOrderedCopiesAreTheirDefinitions(_ strata: Int, _ intervals: Bool) {
        for n in [0, 1, 2, 257, 700] {
            let s = Self.sample(n: n, strata: strata, intervals: intervals, seed: 61)
            // 700 strata over 700 rows: codes 0..<n, one row each.
            let codes: [Int]? = strata == 1 ? nil : strata == 700 ? Array((0..<n).reversed()) : s.stratum
            for split in [Int.max, 0] {
                let data = RowParts.$minimumRowsToSplit.withValue(split) {
                    CoxData(start: s.start, stop: s.stop, event: s.event, stratum: codes, columns: [s.eta])
                }
                #expect(data.stopByStop == data.byStop.map { s.stop[Int($0)] }, "n \(n)")
                #expect(data.eventByStop == data.byStop.map { s.event[Int($0)] }, "n \(n)")
                #expect((0..<n).allSatisfy { data.byStop[Int(data.stopPosition[$0])] == Int32($0) }, "n \(n)")
                #expect(data.startByStart == (s.start.map { t in data.byStart.map { t[Int($0)] } } ?? []), "n \(n)")
                #expect(data.entryPosition == (s.start == nil ? [] : data.byStart.map { data.stopPosition[Int($0)] }), "n \(n)")
                #expect((0..<n).allSatisfy { data.x(Int(data.byStop[$0]), 0) == s.eta[Int(data.byStop[$0])] - data.means[0] })
            }
        }
    }
}
