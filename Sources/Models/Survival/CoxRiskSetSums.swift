import Foundation
import LinearAlgebra

/// The Newton step's log-likelihood, score and information with the sums re-ordered (docs/survival.md, "How
/// `fit cox` computes the information"): Σ over event times of d·S2(t)/S0(t) equals Σᵢ wᵢ xᵢ xᵢᵀ with
/// wᵢ = rᵢ Hᵢ, Hᵢ the sum of the hazard jumps 1/S0 over the event times row i is at risk for (Efron: a dying row
/// keeps the share 1 − k/d of step k). So the per-row rank-one updates of S2 become one weighted cross-product,
/// and the Σ a aᵀ part one cross-product over the working risk sets only. Same quantities as
/// `CoxRiskSets.evaluate`, summed in another (fixed) order.
///
/// Three passes over the rows in time order, the covariates read in two of them, both on two threads:
/// 1. η and exp(η); the first part also sums rᵢ xᵢ over its rows (the S1 the second part starts from), and for
///    (start, stop] data each part sums rᵢ xᵢ of the rows that leave before each event time.
/// 2. No covariates: S0 and the deaths per event time (one thread, a running sum), then from those alone the
///    log-likelihood's terms, hazard jumps and Efron coefficients of the Σ a aᵀ rows (two threads over the event
///    times), the log-likelihood summed in event-time order, and the jumps cumulated per stratum.
/// 3. S1 and D1 at each event time (the Σ a aᵀ rows), each row's Hᵢ, and Σ wᵢ xᵢ xᵢᵀ, Σ wᵢ xᵢ.
/// The two parts meet at a boundary between time groups, fixed by the data alone: the same numbers on one core or
/// two.
extension CoxRiskSets {
    /// Rows per BLAS call of the Σ a aᵀ cross-product: fixed, so the summation order never depends on the machine.
    static let sumBlock = 2048

    /// Rows per call of the weighted cross-product in pass 3: read just before by the S1 sums, still in the cache.
    static let gramChunk = 512

    /// What one event time gives the passes after the first: its range in time order, the two hazard jumps
    /// (A = Σₖ weight/denₖ for a row at risk, B = Σₖ weight (1 − fₖ)/denₖ for a row dying then) and the Σ a aᵀ
    /// rows' coefficients: scale · (S1 − shift · D1), and deathScale · D1 when it is not 0.
    struct EventGroup {
        let lower: Int
        let upper: Int
        let a: Double
        let b: Double
        let scale: Double
        let shift: Double
        let deathScale: Double
    }

    /// One part, or two that meet at the first boundary between time groups (or strata) from the middle.
    static func sumParts(_ data: CoxData) -> [Range<Int>] {
        let n = data.n
        guard n >= RowParts.minimumRowsToSplit, n >= 2,
              let stratum = data.strata.first(where: { $0.stop.contains(n / 2) }) else { return [0..<n] }
        var b = n / 2
        if b > stratum.stop.lowerBound {
            while b < stratum.stop.upperBound && data.stopByStop[b] == data.stopByStop[b - 1] { b += 1 }
        }
        return b > 0 && b < n ? [0..<b, b..<n] : [0..<n]
    }

    static func evaluateBySums(_ data: CoxData, beta: [Double], ties: CoxTies) -> CoxEvaluation {
        let p = data.p
        let counting = data.start != nil
        let parts = sumParts(data)
        // The stratum the second part begins in, when it begins inside one.
        let middle = parts.count == 2 ? data.strata.firstIndex(where: { $0.stop.contains(parts[1].lowerBound) }) : nil
        let carried = middle.map { data.strata[$0].stop.lowerBound < parts[1].lowerBound } ?? false
        let entry = data.entrySums(beta, parts: parts, carryFrom: carried ? data.strata[middle!].stop.lowerBound : nil)
        let (eta, risk, deathEta) = (entry.eta, entry.risk, entry.deathEta)
        // β = 0: every η is 0 and every exp(η) 1, and no arrays hold them (`entrySums`); 1·x and 1·H are x and H.
        let unit = risk.isEmpty

        // Pass 2a, one thread: S0 and the deaths per event time, in time order per stratum (a running sum over the rows).
        var loglik = 0.0
        var totals: [EventTotals] = []
        var strataGroups: [Range<Int>] = []
        // The first evaluation also sums x over the deaths (`CoxData.deathSums`), on the second thread.
        let sumDeaths = data.deathSums.value == nil
        if !sumDeaths && !counting && parts.count == 2 && CoxRiskSets.eventTotalsByParts {
            // Later evaluations of right-censored data: the two parts' event times on two threads.
            (totals, strataGroups) = CoxRiskSets.eventTotalsInParts(data, parts: parts, risk: risk, eta: eta, deathEta: deathEta,
                                                                     firstDeaths: entry.firstPartDeaths)
        } else {
            ParallelJobs.run(sumDeaths ? 2 : 1) { job in
                guard job == 0 else { data.deathSums.compute(data); return }
                (totals, strataGroups) = CoxRiskSets.eventTotals(data, risk: risk, eta: eta, deathEta: deathEta)
            }
        }
        // Pass 2b: each event time's jumps, Σ a aᵀ coefficients and log-likelihood terms depend only on its own totals, so
        // they are formed on two threads over halves of the deaths (Efron's loop is per death: with three in four rows dying,
        // Cox right, about half of this pass on one thread, which left the other idle); each writes only its own slots. Pass 2c then sums the log-likelihood in the order the
        // one-thread loop did — each event time's Σ η, then its log terms in turn — so the bits are that loop's.
        let groups = CoxRiskSets.eventGroups(totals, ties: ties, loglik: &loglik)
        // Hᵢ (formed row by row in pass 3): the jumps cumulated forward in time up to the row's exit — C of the event
        // time met next from it in time order (this event time's own, less Efron's share A − B for a row dying then;
        // 0 after the stratum's last), C summed per stratum from its earliest event time — less, for (start, stop]
        // data, C of the event time before which it leaves.
        var cumulative = [Double](repeating: 0, count: groups.count)
        for own in strataGroups {
            var c = 0.0
            for index in own.reversed() { c += groups[index].a; cumulative[index] = c }
        }

        // Pass 3, per part: S1 (the second part from the first's sums) and D1 at each event time, the Σ a aᵀ rows,
        // and wᵢ = rᵢ Hᵢ for Σ wᵢ xᵢ xᵢᵀ and Σ wᵢ xᵢ.
        let halves = parts.count
        // Per part: the Gram and the Σ a aᵀ cross-product (upper triangles, column-major), and Σ w x.
        var partSums = [Double](repeating: 0, count: halves * (2 * p * p + p))
        let secondFirstGroup = halves == 2 ? (groups.firstIndex { $0.lower >= parts[1].lowerBound } ?? groups.count) : 0
        data.xByStop.withUnsafeBufferPointer { xp in
        risk.withUnsafeBufferPointer { risk in
        cumulative.withUnsafeBufferPointer { cumulative in
        partSums.withUnsafeMutableBufferPointer { sums in
        groups.withUnsafeBufferPointer { groups in
        entry.leaving1.withUnsafeBufferPointer { leaving1 in
            let out = SharedPointers(sums.baseAddress!, sums.baseAddress!)
            ParallelJobs.run(halves) { h in
                let gram = out.first + h * (2 * p * p + p), outer = gram + p * p
                let score = outer + p * p
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (sumBlock + 2) * p + gramChunk)
                defer { scratch.deallocate() }
                let s1 = scratch, d1 = scratch + p, buf = scratch + 2 * p
                let weights = buf + sumBlock * p   // wᵢ of the rows from chunkStart
                var filled = 0
                @inline(__always) func row(_ scale: Double, _ shift: Double, deathsOnly: Bool = false) {
                    // One row of the Σ a aᵀ cross-product: scale · (S1 − shift · D1), or scale · D1.
                    if deathsOnly {
                        for q in 0..<p { buf[filled * p + q] = scale * d1[q] }
                    } else {
                        for q in 0..<p { buf[filled * p + q] = scale * (s1[q] - shift * d1[q]) }
                    }
                    filled += 1
                    if filled == sumBlock {
                        BlockKernels.addRowGram(buf, rows: filled, columns: p, into: outer)
                        filled = 0
                    }
                }
                let part = parts[h]
                var chunkStart = part.lowerBound
                @inline(__always) func gramUpTo(_ end: Int) {
                    BlockKernels.addWeightedRowGram(xp.baseAddress! + chunkStart * p, weights: weights,
                                                    rows: end - chunkStart, columns: p, into: gram, sum: score)
                    chunkStart = end
                }
                var g = h == 0 ? 0 : secondFirstGroup
                for (index, range) in data.strata.enumerated() {
                    let lower = max(range.stop.lowerBound, part.lowerBound), upper = min(range.stop.upperBound, part.upperBound)
                    guard lower < upper else { continue }
                    for q in 0..<p { s1[q] = 0 }
                    if lower > range.stop.lowerBound {
                        // The second part inside a stratum: the first part's sums, less (start, stop] rows that left
                        // before the event times met there.
                        for q in 0..<p { s1[q] = entry.carried[q] }
                        if counting {
                            for e in strataGroups[index].lowerBound..<g { for q in 0..<p { s1[q] -= leaving1[e * p + q] } }
                        }
                    }
                    let groupsEnd = strataGroups[index].upperBound
                    var i = lower
                    while i < upper {
                        let t = data.stopByStop[i]
                        // Hᵢ at t: C of the event time met next (g), Efron's share off for a row dying at t itself.
                        let c = g < groupsEnd ? cumulative[g] : 0
                        let dying = g < groupsEnd && groups[g].lower == i ? c - (groups[g].a - groups[g].b) : c
                        var deaths = 0
                        var j = i
                        while j < upper && data.stopByStop[j] == t {
                            let r = unit ? 1 : risk[j], x = xp.baseAddress! + j * p
                            for q in 0..<p { s1[q] += r * x[q] }
                            if data.eventByStop[j] {
                                if deaths == 0 { for q in 0..<p { d1[q] = 0 } }
                                deaths += 1
                                for q in 0..<p { d1[q] += r * x[q] }
                            }
                            var hazard = data.eventByStop[j] ? dying : c
                            if counting, case let e = Int(data.leaveEvent[j]), e >= 0 { hazard -= cumulative[e] }
                            weights[j - chunkStart] = max(r * hazard, 0)
                            j += 1
                            if j - chunkStart == gramChunk { gramUpTo(j) }
                        }
                        i = j
                        guard deaths > 0 else { continue }
                        if counting { for q in 0..<p { s1[q] -= leaving1[g * p + q] } }
                        let event = groups[g]
                        g += 1
                        row(event.scale, event.shift)
                        if event.deathScale > 0 { row(event.deathScale, 0, deathsOnly: true) }
                    }
                }
                if chunkStart < part.upperBound { gramUpTo(part.upperBound) }
                if filled > 0 { BlockKernels.addRowGram(buf, rows: filled, columns: p, into: outer) }
            }
        }}}}}}
        // The parts' sums in order; I = Σ w x xᵀ − Σ weight a aᵀ, from column-major upper triangles to full.
        // U = Σ x over the deaths (the data's, `CoxData.deathSums`) − Σ w x.
        var u = data.deathSums.value ?? [Double](repeating: 0, count: p)   // summed above if it was not before
        var gram = [Double](repeating: 0, count: p * p), outer = gram
        let stride = 2 * p * p + p
        for h in 0..<halves {
            for q in 0..<p { u[q] -= partSums[h * stride + 2 * p * p + q] }
            for q in 0..<(p * p) {
                gram[q] += partSums[h * stride + q]
                outer[q] += partSums[h * stride + p * p + q]
            }
        }
        return CoxEvaluation(logLikelihood: loglik, score: u, information: information(gram: gram, outer: outer, p: p), eta: eta)
    }

    /// I = Σ w x xᵀ − Σ a aᵀ as a full p × p matrix, from the two sums' column-major upper triangles.
    static func information(gram: [Double], outer: [Double], p: Int) -> [Double] {
        var imat = [Double](repeating: 0, count: p * p)
        for col in 0..<p {
            for row in 0...col {
                let v = gram[col * p + row] - outer[col * p + row]
                imat[col * p + row] = v
                imat[row * p + col] = v
            }
        }
        return imat
    }
}

extension CoxRiskSets {
    /// What pass 2a finds at one event time: its range in time order, S0 there (the rows that left removed), and the
    /// deaths' count, Σ exp(η) and Σ η.
    struct EventTotals {
        let lower: Int
        let upper: Int
        let s0: Double
        let ds0: Double
        let deaths: Int
        let etaDeaths: Double
    }

    /// Pass 2a: per event time in time order per stratum, S0 (for (start, stop] data less the rows that left before it, as
    /// agfit4 removes them), the deaths' count, Σ exp(η) and Σ η; and each stratum's range of event times. `risk` empty
    /// means β = 0 (every exp(η) 1, every η 0); `deathEta`, when not empty, holds the deaths' η in time order. The arrays are
    /// read through buffer pointers in one function (read through the data inside the pass's closure, the loop took 24
    /// cycles a row: bounds checks and reloads of each array at every access).
    static func eventTotals(_ data: CoxData, risk: [Double], eta: [Double], deathEta: [Double])
        -> (totals: [EventTotals], strata: [Range<Int>]) {
        let all = eventTotals(data, rows: 0..<data.n, carried: 0, firstDeath: 0, risk: risk, eta: eta, deathEta: deathEta)
        return (all.totals, all.strata)
    }

    /// `eventTotals` over the positions `rows` in time order (whole time groups): a stratum that began before them
    /// starts from S0 `carried`, and the deaths' compacted η from index `firstDeath`. Also S0 where the rows end. The
    /// strata's ranges of event times are those of the strata the rows reach, in order. (start, stop] data only over all
    /// rows: the leaving rows' sums are indexed by event time from the first.
    static func eventTotals(_ data: CoxData, rows: Range<Int>, carried: Double, firstDeath: Int, risk: [Double], eta: [Double],
                            deathEta: [Double]) -> (totals: [EventTotals], strata: [Range<Int>], s0: Double) {
        let counting = data.start != nil
        let unit = risk.isEmpty
        let compactDeaths = !deathEta.isEmpty
        var totals: [EventTotals] = []
        var strata: [Range<Int>] = []
        var s0 = 0.0
        var leaving0 = [Double](repeating: 0, count: counting ? data.eventTimes : 0)
        data.stopByStop.withUnsafeBufferPointer { stop in
        data.eventByStop.withUnsafeBufferPointer { event in
        data.leaveEvent.withUnsafeBufferPointer { leaveEvent in
        risk.withUnsafeBufferPointer { risk in
        eta.withUnsafeBufferPointer { eta in
        deathEta.withUnsafeBufferPointer { deathEta in
        leaving0.withUnsafeMutableBufferPointer { leaving0 in
            // The deaths' η in time order (read in sequence: η itself, read at the deaths only, missed the cache).
            var nextDeath = firstDeath
            for range in data.strata {
                let lower = max(range.stop.lowerBound, rows.lowerBound), upper = min(range.stop.upperBound, rows.upperBound)
                guard lower < upper else { continue }
                let first = totals.count
                s0 = lower > range.stop.lowerBound ? carried : 0
                var i = lower
                while i < upper {
                    let t = stop[i]
                    // The deaths' Σ exp(η) and Σ η as the two lanes of one vector (each lane its own sum, in row order), so
                    // that a row adds itself or +0 without a branch on the event: with three in four rows dying the branch
                    // mispredicted about once in three rows, and the compiler turned a scalar select back into it. Adding +0
                    // leaves a sum unchanged, bit for bit (one that starts at +0 is never −0).
                    var deathSums = SIMD2<Double>(), etaDeaths = 0.0, deaths = 0
                    var j = i
                    while j < upper && stop[j] == t {
                        let r = unit ? 1 : risk[j]
                        s0 += r
                        if counting, case let g = Int(leaveEvent[j]), g >= 0 { leaving0[g] += r }
                        let dies = event[j]
                        let bit = UInt64(unsafeBitCast(dies, to: UInt8.self))
                        deaths &+= Int(bit)
                        // η joins the vector unless the deaths' η are compacted (sparse deaths: a predictable branch).
                        let ownEta = unit || compactDeaths ? 0 : eta[j]
                        let lanes = SIMD2<UInt64>(r.bitPattern, ownEta.bitPattern) & SIMD2(repeating: 0 &- bit)
                        deathSums += unsafeBitCast(lanes, to: SIMD2<Double>.self)
                        if compactDeaths && !unit && dies {
                            etaDeaths += deathEta[nextDeath]
                            nextDeath += 1
                        }
                        j += 1
                    }
                    let ds0 = deathSums[0]
                    if !compactDeaths { etaDeaths = deathSums[1] }
                    let lower = i
                    i = j
                    guard deaths > 0 else { continue }
                    // (start, stop] data: the rows whose intervals begin at or after t (agfit4's removal, met here in one sum).
                    if counting { s0 -= leaving0[totals.count] }
                    totals.append(EventTotals(lower: lower, upper: j, s0: s0, ds0: ds0, deaths: deaths, etaDeaths: etaDeaths))
                }
                strata.append(first..<totals.count)
            }
        }}}}}}}
        return (totals, strata, s0)
    }

    /// `eventTotals` for right-censored data in two parts (`sumParts`) on two threads, the same numbers: each part's
    /// deaths' sums are its own time groups' (summed from +0), and only S0 runs across the boundary, so the second part's
    /// S0 is summed again from the first part's, over its rows alone, once the first is done (a chain of additions, a
    /// fraction of the pass). Before, one thread read both parts while the other waited (≈ 3 ms of each Newton step on a
    /// million rows).
    static func eventTotalsInParts(_ data: CoxData, parts: [Range<Int>], risk: [Double], eta: [Double], deathEta: [Double],
                                   firstDeaths: Int) -> (totals: [EventTotals], strata: [Range<Int>]) {
        typealias Part = (totals: [EventTotals], strata: [Range<Int>], s0: Double)
        var found = [Part](repeating: ([], [], 0), count: 2)
        found.withUnsafeMutableBufferPointer { slots in
            let out = PartSlots(base: slots.baseAddress!)
            ParallelJobs.run(2) { h in
                out.base[h] = eventTotals(data, rows: parts[h], carried: 0, firstDeath: h == 0 ? 0 : firstDeaths, risk: risk,
                                          eta: eta, deathEta: deathEta)
            }
        }
        var second = found[1].totals
        // S0 of the second part: from the first part's where a stratum runs across the boundary, else from 0, a row at a
        // time in order (the one-thread pass's additions).
        let unit = risk.isEmpty
        var next = 0
        risk.withUnsafeBufferPointer { risk in
            for range in data.strata {
                let lower = max(range.stop.lowerBound, parts[1].lowerBound), upper = min(range.stop.upperBound, parts[1].upperBound)
                guard lower < upper else { continue }
                var s0 = lower > range.stop.lowerBound ? found[0].s0 : 0
                var i = lower
                while next < second.count && second[next].upper <= upper {
                    let e = second[next]
                    if unit { for _ in i..<e.upper { s0 += 1 } } else { for k in i..<e.upper { s0 += risk[k] } }
                    second[next] = EventTotals(lower: e.lower, upper: e.upper, s0: s0, ds0: e.ds0, deaths: e.deaths, etaDeaths: e.etaDeaths)
                    i = e.upper
                    next += 1
                }
            }
        }
        // The strata's ranges of event times: a stratum across the boundary is one range.
        var strata = found[0].strata
        let offset = found[0].totals.count
        var later = found[1].strata.map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
        if let last = strata.last, let first = later.first,
           let crossing = data.strata.first(where: { $0.stop.contains(parts[1].lowerBound) }),
           crossing.stop.lowerBound < parts[1].lowerBound {
            strata[strata.count - 1] = last.lowerBound..<first.upperBound
            later.removeFirst()
        }
        return (found[0].totals + second, strata + later)
    }

    /// Passes 2b and 2c: the `EventGroup` of each event time and the log-likelihood's terms, the terms then added to
    /// `loglik` in event-time order (each time's Σ η, then its logs in turn), as the one-thread loop added them.
    static func eventGroups(_ totals: [EventTotals], ties: CoxTies, loglik: inout Double) -> [EventGroup] {
        let count = totals.count
        guard count > 0 else { return [] }
        // Where each event time's log terms go: one for Breslow or a single death, else one per run of 8 deaths (or per
        // death when S0 is outside 2^±64, see below); counted first so that the two halves write disjoint slots.
        @inline(__always) func run(_ e: EventTotals) -> Int { e.s0 >= 0x1p-64 && e.s0 <= 0x1p64 ? 8 : 1 }
        @inline(__always) func termCount(_ e: EventTotals) -> Int {
            ties == .breslow || e.deaths == 1 ? 1 : (e.deaths + run(e) - 1) / run(e)
        }
        var termStart = [Int](repeating: 0, count: count + 1)
        var deathsBefore = [Int](repeating: 0, count: count + 1)
        for (g, e) in totals.enumerated() {
            termStart[g + 1] = termStart[g] + termCount(e)
            deathsBefore[g + 1] = deathsBefore[g] + e.deaths
        }
        // Two halves of the event times with about half the deaths each (fixed by the data alone).
        let middle = deathsBefore.firstIndex { $0 * 2 >= deathsBefore[count] } ?? count
        let halves = count >= 2 && deathsBefore[count] >= CoxRiskSets.parallelDeaths ? [0..<middle, middle..<count] : [0..<count]
        let placeholder = EventGroup(lower: 0, upper: 0, a: 0, b: 0, scale: 0, shift: 0, deathScale: 0)
        var groups = [EventGroup](repeating: placeholder, count: count)
        var terms = [Double](repeating: 0, count: termStart[count])
        totals.withUnsafeBufferPointer { totals in
        termStart.withUnsafeBufferPointer { termStart in
        groups.withUnsafeMutableBufferPointer { groupSlots in
        terms.withUnsafeMutableBufferPointer { termSlots in
            let out = EventGroupSlots(groups: groupSlots.baseAddress!, terms: termSlots.baseAddress!)
            ParallelJobs.run(halves.count) { h in
                for g in halves[h] {
                    let e = totals[g]
                    let d = Double(e.deaths)
                    let s0 = e.s0, ds0 = e.ds0
                    var term = out.terms + termStart[g]
                    if ties == .breslow || e.deaths == 1 {
                        // One working risk set, counted d times (Breslow; Efron with one death is the same).
                        let den = s0
                        term.pointee = d * log(den)
                        out.groups[g] = EventGroup(lower: e.lower, upper: e.upper, a: d / den, b: d / den, scale: d.squareRoot() / den,
                                                   shift: 0, deathScale: 0)
                        continue
                    }
                    // Efron's d working risk sets, denₖ = S0 − fₖ D0 with fₖ = k/d. Their Σₖ aₖ aₖᵀ, with
                    // aₖ = (S1 − fₖ D1)/denₖ, is c₀ S1 S1ᵀ − c₁ (S1 D1ᵀ + D1 S1ᵀ) + c₂ D1 D1ᵀ with cₘ = Σₖ fₖᵐ/denₖ²:
                    // two rows, √c₀ (S1 − f̄ D1) and √M₂ D1, with f̄ and M₂ the weighted mean and sum of squared
                    // deviations of the fₖ (weights 1/denₖ², West's one-pass update, no cancellation).
                    var jumpA = 0.0, jumpB = 0.0, c0 = 0.0, mean = 0.0, m2 = 0.0
                    // log Π denₖ over runs of 8 (one log each): the denominators lie in [S0/d, S0], so a run's
                    // product stays finite and non-zero while S0 is within 2^±64; otherwise (an exp(η) that
                    // under- or overflowed, a non-finite sum) one log per denominator.
                    let length = run(e)
                    var product = 1.0
                    for k in 0..<e.deaths {
                        let f = Double(k) / d
                        let den = s0 - f * ds0
                        product *= den
                        if (k + 1) % length == 0 || k == e.deaths - 1 { term.pointee = log(product); term += 1; product = 1 }
                        let inverse = 1 / den
                        jumpA += inverse
                        jumpB += (1 - f) * inverse
                        let w = inverse * inverse
                        c0 += w
                        let delta = f - mean
                        mean += w / c0 * delta
                        m2 += w * delta * (f - mean)
                    }
                    out.groups[g] = EventGroup(lower: e.lower, upper: e.upper, a: jumpA, b: jumpB, scale: c0.squareRoot(), shift: mean,
                                               deathScale: m2 > 0 ? m2.squareRoot() : 0)
                }
            }
        }}}}
        for (g, e) in totals.enumerated() {
            loglik += e.etaDeaths
            for k in termStart[g]..<termStart[g + 1] { loglik -= terms[k] }
        }
        return groups
    }

    /// Off only in tests, which compare the two-part event totals with the one-thread pass bit for bit.
    @TaskLocal static var eventTotalsByParts = true

    /// Deaths below which pass 2b runs on one thread (a thread's start costs more than a few thousand deaths' loops). A
    /// task-local so that tests can run small data through both paths and compare the bits.
    @TaskLocal static var parallelDeaths = 20_000
}

/// `eventTotalsInParts`' outputs: each part's thread writes its own slot.
private struct PartSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<(totals: [CoxRiskSets.EventTotals], strata: [Range<Int>], s0: Double)>
}

/// `eventGroups`' outputs: each half writes only its own event times' groups and log terms.
private struct EventGroupSlots: @unchecked Sendable {
    let groups: UnsafeMutablePointer<CoxRiskSets.EventGroup>
    let terms: UnsafeMutablePointer<Double>
}

extension CoxData {
    /// β = 0 evaluated without η and exp(η) arrays (false only in tests, which compare the bits with the arrays').
    @TaskLocal static var unitRiskWithoutArrays = true

    /// The deaths' η are copied in time order for pass 2 when at most this share of the rows die: sparse deaths'
    /// η missed the cache (Cox counting: 2.4% of rows); dense ones are read in sequence anyway and the copy would
    /// only cost (Cox right). A task-local so that tests run both ways.
    @TaskLocal static var compactDeathEtaShare = 1.0 / 8

    /// Pass 1 of `evaluateBySums`: η and exp(η) by position in time order (each row's own products and sums, as
    /// `timeOrderedRisk`, so the same numbers), one thread per part; at β = 0, where every η is 0 and every exp(η)
    /// 1, no arrays (`eta` and `risk` empty: two n-row arrays of fresh pages not written, and the sums below add
    /// x itself, which 1·x is). The first part also sums rᵢ xᵢ, in time order,
    /// over its rows from `carryFrom` (the start of the stratum the second part begins inside): the S1 the second
    /// part starts from. For (start, stop] data each part sums rᵢ xᵢ of its rows by the event time before which
    /// they leave (`leaveEvent`), the parts' sums then added: `leaving1`, event times × p. `deathEta`: η of the rows
    /// with an event, in time order, for pass 2's sums of it, copied while the chunk is in the cache; empty with `eta`
    /// or when deaths are not sparse (`compactDeathEtaShare`).
    func entrySums(_ beta: [Double], parts: [Range<Int>], carryFrom: Int?)
        -> (eta: [Double], risk: [Double], carried: [Double], leaving1: [Double], deathEta: [Double], firstPartDeaths: Int) {
        let n = n, p = p
        let counting = start != nil
        let zero = beta.allSatisfy { $0 == 0 }
        let arrays = !zero || !CoxData.unitRiskWithoutArrays
        let width = counting ? eventTimes * p : 0
        let rows = arrays ? n : 0
        var eta = [Double](unsafeUninitializedCapacity: rows) { $1 = rows }
        var risk = [Double](unsafeUninitializedCapacity: rows) { $1 = rows }
        var carried = [Double](repeating: 0, count: p)
        var leaving = [Double](repeating: 0, count: parts.count * width)
        // The deaths' η: each part writes from its first row's index in a scratch of n (only the pages written are
        // touched), the two runs then copied together.
        let compact = arrays && Double(deathCount) <= CoxData.compactDeathEtaShare * Double(n)
        let deathScratch = UnsafeMutablePointer<Double>.allocate(capacity: compact ? max(n, 1) : 1)
        defer { deathScratch.deallocate() }
        var deathCounts = [0, 0]
        // Rows per chunk: η of a chunk, then its sums, while its covariates are in the cache.
        let chunk = 64
        xByStop.withUnsafeBufferPointer { xs in
        eta.withUnsafeMutableBufferPointer { e in
        risk.withUnsafeMutableBufferPointer { r in
        carried.withUnsafeMutableBufferPointer { carried in
        leaving.withUnsafeMutableBufferPointer { leaving in
        leaveEvent.withUnsafeBufferPointer { leaveEvent in
        eventByStop.withUnsafeBufferPointer { event in
        deathCounts.withUnsafeMutableBufferPointer { deathCounts in
            let deathsOut = DeathEtaSlots(scratch: deathScratch, counts: deathCounts.baseAddress!)
            // (At β = 0 `eta` and `risk` are empty and never written or read.)
            let out = SharedPointers(e.baseAddress ?? carried.baseAddress!, r.baseAddress ?? carried.baseAddress!)
            let sums = SharedPointers(carried.baseAddress!, leaving.baseAddress ?? carried.baseAddress!)
            ParallelJobs.run(parts.count) { h in
                let range = parts[h]
                let eta = out.first, risk = out.second
                let own = sums.second + h * width
                let carry = h == 0 ? carryFrom : nil
                let ownDeaths = deathsOut.scratch + range.lowerBound
                var deaths = 0
                defer { deathsOut.counts[h] = deaths }
                var lower = range.lowerBound
                while lower < range.upperBound {
                    let upper = min(lower + chunk, range.upperBound)
                    if !zero {
                        CoxData.risk(of: lower..<upper, x: xs.baseAddress!, p: p, beta: beta, eta: eta, risk: risk)
                    } else if arrays {
                        // At β = 0 no products (they would give ±0, equal to 0 as numbers and in exp).
                        for k in lower..<upper { eta[k] = 0; risk[k] = 1 }
                    }
                    if compact {
                        // Every η written, the count moved on at the deaths (no branch: deaths may be dense).
                        for k in lower..<upper { ownDeaths[deaths] = eta[k]; deaths += event[k] ? 1 : 0 }
                    }
                    if let carry, upper > carry {
                        CoxData.addWeightedRows(max(lower, carry)..<upper, x: xs.baseAddress!, p: p, weights: arrays ? risk : nil,
                                                into: sums.first)
                    }
                    if counting {
                        for k in lower..<upper {
                            let g = Int(leaveEvent[k])
                            guard g >= 0 else { continue }
                            let w = arrays ? risk[k] : 1, x = xs.baseAddress! + k * p, target = own + g * p
                            for q in 0..<p { target[q] += w * x[q] }
                        }
                    }
                    lower = upper
                }
            }
        }}}}}}}}
        // The parts' sums by event time, in part order.
        if parts.count == 2 && width > 0 { for k in 0..<width { leaving[k] += leaving[width + k] } }
        if parts.count == 2 { leaving.removeLast(width) }
        let deathEta = [Double](unsafeUninitializedCapacity: deathCounts[0] + deathCounts[1]) { out, count in
            guard let base = out.baseAddress else { return }
            base.update(from: deathScratch, count: deathCounts[0])
            if parts.count == 2 { (base + deathCounts[0]).update(from: deathScratch + parts[1].lowerBound, count: deathCounts[1]) }
            count = deathCounts[0] + deathCounts[1]
        }
        return (eta, risk, carried, leaving, deathEta, deathCounts[0])
    }
}

extension CoxData {
    /// sums[q] += wₖ · x[k, q] for the rows k of `rows` in order (wₖ = weights[k], or 1 when nil), four covariates at a
    /// time in registers over the rows: each sum gets the same products added in the same order as a loop over the rows
    /// with the sums in memory (the same bits), without a store and reload of every sum at every row (that loop was the
    /// ≈ 4 ms by which the first part's η pass outlasted the second's on Cox right, at every evaluation).
    @inline(__always)
    static func addWeightedRows(_ rows: Range<Int>, x: UnsafePointer<Double>, p: Int, weights: UnsafeMutablePointer<Double>?,
                                into sums: UnsafeMutablePointer<Double>) {
        typealias Lanes = SIMD4<Double>
        var q = 0
        while q + 4 <= p {
            var acc = UnsafeRawPointer(sums + q).loadUnaligned(as: Lanes.self)
            if let w = weights {
                for k in rows { acc += Lanes(repeating: w[k]) * UnsafeRawPointer(x + k * p + q).loadUnaligned(as: Lanes.self) }
            } else {
                for k in rows { acc += Lanes(repeating: 1) * UnsafeRawPointer(x + k * p + q).loadUnaligned(as: Lanes.self) }
            }
            UnsafeMutableRawPointer(sums + q).storeBytes(of: acc, as: Lanes.self)
            q += 4
        }
        while q < p {
            var acc = sums[q]
            if let w = weights {
                for k in rows { acc += w[k] * x[k * p + q] }
            } else {
                for k in rows { acc += 1 * x[k * p + q] }
            }
            sums[q] = acc
            q += 1
        }
    }
}

/// `entrySums`' scratch for the deaths' η and the count per part: each thread writes its own rows' part and count.
private struct DeathEtaSlots: @unchecked Sendable {
    let scratch: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
}
