import Foundation
import LinearAlgebra

/// The Newton step's log-likelihood, score and information with the sums re-ordered (docs/survival.md, "How
/// `fit cox` computes the information"): Σ over event times of d·S2(t)/S0(t) equals Σᵢ wᵢ xᵢ xᵢᵀ with
/// wᵢ = rᵢ Hᵢ, Hᵢ the sum of the hazard jumps 1/S0 over the event times row i is at risk for (Efron: a dying row
/// keeps the share 1 − k/d of step k). So the per-row rank-one updates of S2 become one weighted cross-product,
/// and the Σ a aᵀ part one cross-product over the working risk sets only. Same quantities as
/// `CoxRiskSets.evaluate`, summed in another (fixed) order.
///
/// Three passes over the rows in time order, the covariates read in two of them, all on two threads:
/// 1. η and exp(η); the first part also sums rᵢ xᵢ over its rows (the S1 the second part starts from) and walks them
///    as pass 2 will (the S0 it starts from), and for (start, stop] data each part sums rᵢ xᵢ of the rows that leave
///    before each event time.
/// 2. Per part, no covariates: S0 and the deaths per event time — log-likelihood terms, hazard jumps, the Efron
///    coefficients of the Σ a aᵀ rows — then the log-likelihood summed in time order and the jumps cumulated per
///    stratum.
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

    /// Arrays one evaluation hands the next (n values each, or empty): exp(η), and an η no evaluation returned
    /// still holds (the fit gives back the η of an evaluation it has dropped). Reused, they spare each evaluation
    /// fresh pages of n values.
    struct Workspace {
        var eta: [Double] = []
        var risk: [Double] = []
        /// Pass 2's per-part arrays, emptied and refilled (their pages kept).
        var passes: [EventPass] = []
    }

    static func evaluateBySums(_ data: CoxData, beta: [Double], ties: CoxTies) -> CoxEvaluation {
        var workspace = Workspace()
        return evaluateBySums(data, beta: beta, ties: ties, workspace: &workspace)
    }

    static func evaluateBySums(_ data: CoxData, beta: [Double], ties: CoxTies, workspace: inout Workspace) -> CoxEvaluation {
        let p = data.p
        let counting = data.start != nil
        let parts = sumParts(data)
        // The stratum the second part begins in, when it begins inside one.
        let middle = parts.count == 2 ? data.strata.firstIndex(where: { $0.stop.contains(parts[1].lowerBound) }) : nil
        let carried = middle.map { data.strata[$0].stop.lowerBound < parts[1].lowerBound } ?? false
        let entry = data.entrySums(beta, parts: parts, carryFrom: carried ? data.strata[middle!].stop.lowerBound : nil,
                                   eta: &workspace.eta, risk: &workspace.risk)
        let risk = entry.risk

        // Pass 2: S0 per event time, in time order per stratum, one thread per part (the second from the first
        // part's S0 and leaving sums, summed in the same order by pass 1); the log-likelihood's terms kept and added
        // in time order after, so the same sum as one pass.
        var passes = workspace.passes.count == parts.count ? workspace.passes : [EventPass](repeating: EventPass(), count: parts.count)
        workspace.passes = []
        // The first evaluation also sums x over the deaths (`CoxData.deathSums`), as one more job.
        let sumDeaths = data.deathSums.value == nil
        passes.withUnsafeMutableBufferPointer { passes in
            let out = PassSlots(base: passes.baseAddress!)
            ParallelJobs.run(parts.count + (sumDeaths ? 1 : 0)) { job in
                guard job < parts.count else { data.deathSums.compute(data); return }
                eventPass(data, part: parts[job], ties: ties, entry: entry, second: job == 1, into: &out.base[job])
            }
        }
        var loglik = 0.0
        var groups: [EventGroup] = []
        groups.reserveCapacity(passes.reduce(0) { $0 + $1.groups.count })
        var strataGroups: [Range<Int>] = []
        for pass in passes {
            for term in pass.loglik { loglik += term }
            groups += pass.groups
        }
        for index in data.strata.indices {
            let first = strataGroups.last?.upperBound ?? 0
            strataGroups.append(first..<(first + passes.reduce(0) { $0 + $1.strataCounts[index] }))
        }
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
        let secondFirstGroup = halves == 2 ? passes[0].groups.count : 0
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
                            let r = risk[j], x = xp.baseAddress! + j * p
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
        var imat = [Double](repeating: 0, count: p * p)
        for col in 0..<p {
            for row in 0...col {
                let v = gram[col * p + row] - outer[col * p + row]
                imat[col * p + row] = v
                imat[row * p + col] = v
            }
        }
        workspace.risk = risk
        workspace.passes = passes
        return CoxEvaluation(logLikelihood: loglik, score: u, information: imat, eta: entry.eta)
    }

    /// What pass 2 gives for one part: its event times in time order, the log-likelihood's terms in the order one
    /// pass would add them, and its event times per stratum.
    struct EventPass {
        var groups: [EventGroup] = []
        var loglik: [Double] = []
        var strataCounts: [Int] = []
    }

    /// Pass 2 over one part's rows: S0 and the deaths per event time, the log-likelihood's terms, the hazard jumps
    /// and Efron's coefficients. The second part starts from the S0, the leaving sums and the event time count that
    /// pass 1 carried over the first part's rows: the values one pass would hold there.
    static func eventPass(_ data: CoxData, part: Range<Int>, ties: CoxTies, entry: CoxData.EntrySums, second: Bool,
                          into pass: inout EventPass) {
        let counting = data.start != nil
        let (eta, risk) = (entry.eta, entry.risk)
        pass.groups.removeAll(keepingCapacity: true)
        pass.loglik.removeAll(keepingCapacity: true)
        pass.strataCounts = [Int](repeating: 0, count: data.strata.count)
        var leaving0 = second ? entry.leaving0 : [Double](repeating: 0, count: counting ? data.eventTimes : 0)
        var g = second ? entry.eventsBefore : 0
        for (index, range) in data.strata.enumerated() {
            let lower = max(range.stop.lowerBound, part.lowerBound), upper = min(range.stop.upperBound, part.upperBound)
            guard lower < upper else { continue }
            var s0 = second && lower > range.stop.lowerBound ? entry.carriedS0 : 0
            var i = lower
            while i < upper {
                let t = data.stopByStop[i]
                var ds0 = 0.0, etaDeaths = 0.0, deaths = 0
                var j = i
                while j < upper && data.stopByStop[j] == t {
                    let r = risk[j]
                    s0 += r
                    if counting, case let e = Int(data.leaveEvent[j]), e >= 0 { leaving0[e] += r }
                    if data.eventByStop[j] {
                        deaths += 1
                        ds0 += r
                        etaDeaths += eta[j]
                    }
                    j += 1
                }
                let first = i
                i = j
                guard deaths > 0 else { continue }
                // (start, stop] data: the rows whose intervals begin at or after t (agfit4's removal, met here in one sum).
                if counting { s0 -= leaving0[g] }
                g += 1
                pass.strataCounts[index] += 1
                let d = Double(deaths)
                pass.loglik.append(etaDeaths)
                if ties == .breslow || deaths == 1 {
                    // One working risk set, counted d times (Breslow; Efron with one death is the same).
                    let den = s0
                    pass.loglik.append(-(d * log(den)))
                    pass.groups.append(EventGroup(lower: first, upper: j, a: d / den, b: d / den, scale: d.squareRoot() / den,
                                                  shift: 0, deathScale: 0))
                } else {
                    // Efron's d working risk sets, denₖ = S0 − fₖ D0 with fₖ = k/d. Their Σₖ aₖ aₖᵀ, with
                    // aₖ = (S1 − fₖ D1)/denₖ, is c₀ S1 S1ᵀ − c₁ (S1 D1ᵀ + D1 S1ᵀ) + c₂ D1 D1ᵀ with cₘ = Σₖ fₖᵐ/denₖ²:
                    // two rows, √c₀ (S1 − f̄ D1) and √M₂ D1, with f̄ and M₂ the weighted mean and sum of squared
                    // deviations of the fₖ (weights 1/denₖ², West's one-pass update, no cancellation).
                    var jumpA = 0.0, jumpB = 0.0, c0 = 0.0, mean = 0.0, m2 = 0.0
                    // log Π denₖ over runs of 8 (one log each): the denominators lie in [S0/d, S0], so a run's
                    // product stays finite and non-zero while S0 is within 2^±64; otherwise (an exp(η) that
                    // under- or overflowed, a non-finite sum) one log per denominator, as before.
                    let run = s0 >= 0x1p-64 && s0 <= 0x1p64 ? 8 : 1
                    var product = 1.0
                    for k in 0..<deaths {
                        let f = Double(k) / d
                        let den = s0 - f * ds0
                        product *= den
                        if (k + 1) % run == 0 || k == deaths - 1 { pass.loglik.append(-log(product)); product = 1 }
                        let inverse = 1 / den
                        jumpA += inverse
                        jumpB += (1 - f) * inverse
                        let w = inverse * inverse
                        c0 += w
                        let delta = f - mean
                        mean += w / c0 * delta
                        m2 += w * delta * (f - mean)
                    }
                    pass.groups.append(EventGroup(lower: first, upper: j, a: jumpA, b: jumpB, scale: c0.squareRoot(), shift: mean,
                                                  deathScale: m2 > 0 ? m2.squareRoot() : 0))
                }
            }
        }
    }
}

/// Pass 2's per-part outputs: each job writes only its own slot.
private struct PassSlots: @unchecked Sendable {
    let base: UnsafeMutablePointer<CoxRiskSets.EventPass>
}

extension CoxData {
    /// Pass 1's outputs: η and exp(η) by position in time order; S1 carried over the first part (from the start of
    /// the stratum the second part begins inside); for (start, stop] data the rᵢ xᵢ of the rows leaving before each
    /// event time (event times × p). With two parts, what pass 2 holds where the second part begins: S0, the rᵢ
    /// leaving before each event time, summed so far, and the number of event times met.
    struct EntrySums {
        var eta: [Double]
        var risk: [Double]
        var carried: [Double]
        var leaving1: [Double]
        var carriedS0 = 0.0
        var leaving0: [Double] = []
        var eventsBefore = 0
    }

    /// Pass 1 of `evaluateBySums`: η and exp(η) by position in time order (each row's own products and sums, as
    /// `timeOrderedRisk`, so the same numbers), one thread per part, into `eta` and `risk` when they hold n values
    /// (the arrays of an earlier evaluation, no fresh pages), else into new arrays. The first part also sums rᵢ xᵢ, in
    /// time order, over its rows from `carryFrom` (the start of the stratum the second part begins inside): the S1
    /// the second part starts from; and walks its rows as pass 2 does, without the deaths' sums, for the S0 and
    /// leaving sums pass 2's second part starts from (the same additions in the same order). For (start, stop] data
    /// each part sums rᵢ xᵢ of its rows by the event time before which they leave (`leaveEvent`), the parts' sums
    /// then added: `leaving1`, event times × p.
    func entrySums(_ beta: [Double], parts: [Range<Int>], carryFrom: Int?, eta oldEta: inout [Double],
                   risk oldRisk: inout [Double]) -> EntrySums {
        let n = n, p = p
        let counting = start != nil
        let zero = beta.allSatisfy { $0 == 0 }
        let width = counting ? eventTimes * p : 0
        // Moved out of the caller's arrays, so held once and written in place.
        var eta = oldEta.count == n ? oldEta : [Double](unsafeUninitializedCapacity: n) { $1 = n }
        var risk = oldRisk.count == n ? oldRisk : [Double](unsafeUninitializedCapacity: n) { $1 = n }
        (oldEta, oldRisk) = ([], [])
        var carried = [Double](repeating: 0, count: p)
        var leaving = [Double](repeating: 0, count: parts.count * width)
        let walk = parts.count == 2
        var leaving0 = [Double](repeating: 0, count: walk && counting ? eventTimes : 0)
        // The walk's state: S0, events met, the time group open (its time and whether a row died in it), the stratum.
        var walkState = (s0: 0.0, events: 0)
        // Rows per chunk: η of a chunk, then its sums, while its covariates are in the cache.
        let chunk = 64
        xByStop.withUnsafeBufferPointer { xs in
        eta.withUnsafeMutableBufferPointer { e in
        risk.withUnsafeMutableBufferPointer { r in
        carried.withUnsafeMutableBufferPointer { carried in
        leaving.withUnsafeMutableBufferPointer { leaving in
        leaving0.withUnsafeMutableBufferPointer { leaving0 in
        leaveEvent.withUnsafeBufferPointer { leaveEvent in
            let out = SharedPointers(e.baseAddress!, r.baseAddress!)
            let sums = SharedPointers(carried.baseAddress!, leaving.baseAddress ?? carried.baseAddress!)
            let left = SharedPointers(leaving0.baseAddress ?? carried.baseAddress!, leaving0.baseAddress ?? carried.baseAddress!)
            ParallelJobs.run(parts.count) { h in
                let range = parts[h]
                let eta = out.first, risk = out.second
                let own = sums.second + h * width
                let carry = h == 0 ? carryFrom : nil
                // Pass 2's walk over the first part (when there are two).
                var s0 = 0.0, events = 0, time = 0.0, died = false
                var stratum = 0, stratumEnd = h == 0 && walk ? strata[0].stop.upperBound : 0
                var lower = range.lowerBound
                while lower < range.upperBound {
                    let upper = min(lower + chunk, range.upperBound)
                    if zero {
                        // At β = 0 every η is 0 and exp(η) is 1: no products (they would give ±0, equal to 0 as
                        // numbers and in exp).
                        for k in lower..<upper { eta[k] = 0; risk[k] = 1 }
                    } else {
                        CoxData.risk(of: lower..<upper, x: xs.baseAddress!, p: p, beta: beta, eta: eta, risk: risk)
                    }
                    if let carry, upper > carry {
                        for k in max(lower, carry)..<upper {
                            let w = risk[k], x = xs.baseAddress! + k * p
                            for q in 0..<p { sums.first[q] += w * x[q] }
                        }
                    }
                    if counting {
                        for k in lower..<upper {
                            let g = Int(leaveEvent[k])
                            guard g >= 0 else { continue }
                            let w = risk[k], x = xs.baseAddress! + k * p, target = own + g * p
                            for q in 0..<p { target[q] += w * x[q] }
                        }
                    }
                    if h == 0 && walk {
                        for k in lower..<upper {
                            // A new time group (or stratum) closes the one open: an event time subtracts the rows
                            // that leave before it, as pass 2 does once a time group's rows are summed.
                            let t = stopByStop[k]
                            if k == stratumEnd || t != time || k == lower && lower == range.lowerBound {
                                if died { if counting { s0 -= left.first[events] }; events += 1 }
                                died = false
                                time = t
                                while k == stratumEnd { stratum += 1; stratumEnd = strata[stratum].stop.upperBound; s0 = 0 }
                            }
                            let w = risk[k]
                            s0 += w
                            if counting, case let g = Int(leaveEvent[k]), g >= 0 { left.first[g] += w }
                            if eventByStop[k] { died = true }
                        }
                    }
                    lower = upper
                }
                if h == 0 && walk {
                    if died { if counting { s0 -= left.first[events] }; events += 1 }
                    walkState = (s0, events)
                }
            }
        }}}}}}}
        // The parts' sums by event time, in part order.
        if parts.count == 2 && width > 0 { for k in 0..<width { leaving[k] += leaving[width + k] } }
        if parts.count == 2 { leaving.removeLast(width) }
        return EntrySums(eta: eta, risk: risk, carried: carried, leaving1: leaving, carriedS0: walkState.s0,
                         leaving0: leaving0, eventsBefore: walkState.events)
    }
}
