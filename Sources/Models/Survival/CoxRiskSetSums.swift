import Foundation
import LinearAlgebra

/// The Newton step's log-likelihood, score and information with the sums re-ordered (docs/survival.md, "How
/// `fit cox` computes the information"): Σ over event times of d·S2(t)/S0(t) equals Σᵢ wᵢ xᵢ xᵢᵀ with
/// wᵢ = rᵢ Hᵢ, Hᵢ the sum of the hazard jumps 1/S0 over the event times row i is at risk for (Efron: a dying row
/// keeps the share 1 − k/d of step k). So the per-row rank-one updates of S2 become one weighted cross-product
/// (dsyrk over fixed row blocks), the Σ a aᵀ part a dsyrk over the working risk sets only, and the backward pass
/// keeps S0 and S1 alone. Same quantities as `CoxRiskSets.evaluate`, summed in another (fixed) order.
extension CoxRiskSets {
    /// Rows per BLAS call: fixed, so the summation order never depends on the machine.
    static let sumBlock = 2048

    static func evaluateBySums(_ data: CoxData, beta: [Double], ties: CoxTies) -> CoxEvaluation {
        let n = data.n, p = data.p
        let (eta, risk) = data.timeOrderedRisk(beta)
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var gram = [Double](repeating: 0, count: p * p)    // Σ wᵢ xᵢ xᵢᵀ, upper triangle (column-major)
        var outer = [Double](repeating: 0, count: p * p)   // Σ weight · a aᵀ over the working risk sets, upper
        // Hᵢ by position in time order, built below from the jumps of each event time.
        var hazard = [Double](repeating: 0, count: n)
        var buffer = [Double](repeating: 0, count: sumBlock * p)
        var s1 = [Double](repeating: 0, count: p), d1 = [Double](repeating: 0, count: p)
        // Event times of all strata in the order met (descending within each stratum): their range in time order
        // and the two jumps: A = Σₖ weight/denₖ (a row at risk) and B = Σₖ weight (1 − fₖ)/denₖ (a row dying then).
        var groups: [(lower: Int, upper: Int, a: Double, b: Double)] = []
        var strataGroups: [Range<Int>] = []
        // (start, stop] data: the risk and weighted covariates of the rows leaving before each event time
        // (`CoxData.leaveEvent`), summed as the rows enter, subtracted when that event time is reached.
        let counting = data.start != nil
        var leaving0 = [Double](repeating: 0, count: counting ? data.eventTimes : 0)
        var leaving1 = [Double](repeating: 0, count: counting ? data.eventTimes * p : 0)
        data.xByStop.withUnsafeBufferPointer { xp in
        buffer.withUnsafeMutableBufferPointer { buf in
        outer.withUnsafeMutableBufferPointer { outer in
        leaving1.withUnsafeMutableBufferPointer { leaving1 in
        s1.withUnsafeMutableBufferPointer { s1 in
        d1.withUnsafeMutableBufferPointer { d1 in
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
                    BlockKernels.addRowGram(buf.baseAddress!, rows: filled, columns: p, into: outer.baseAddress!)
                    filled = 0
                }
            }
            for range in data.strata {
                let first = groups.count
                var s0 = 0.0
                for j in 0..<p { s1[j] = 0 }
                var i = range.stop.lowerBound
                while i < range.stop.upperBound {
                    let t = data.stopByStop[i]
                    var ds0 = 0.0, etaDeaths = 0.0, deaths = 0
                    var j = i
                    while j < range.stop.upperBound && data.stopByStop[j] == t {
                        let r = risk[j], x = xp.baseAddress! + j * p
                        s0 += r
                        for q in 0..<p { s1[q] += r * x[q] }
                        if counting, case let g = Int(data.leaveEvent[j]), g >= 0 {
                            leaving0[g] += r
                            for q in 0..<p { leaving1[g * p + q] += r * x[q] }
                        }
                        if data.eventByStop[j] {
                            if deaths == 0 { for q in 0..<p { d1[q] = 0 } }
                            deaths += 1
                            ds0 += r
                            etaDeaths += eta[j]
                            for q in 0..<p { d1[q] += r * x[q]; u[q] += x[q] }
                        }
                        j += 1
                    }
                    let lower = i
                    i = j
                    guard deaths > 0 else { continue }
                    if counting {
                        // The rows whose intervals begin at or after t (agfit4's removal, met here in one sum).
                        let g = groups.count
                        s0 -= leaving0[g]
                        for q in 0..<p { s1[q] -= leaving1[g * p + q] }
                    }
                    let d = Double(deaths)
                    loglik += etaDeaths
                    if ties == .breslow || deaths == 1 {
                        // One working risk set, counted d times (Breslow; Efron with one death is the same).
                        let den = s0
                        loglik -= d * log(den)
                        groups.append((lower, j, d / den, d / den))
                        row(d.squareRoot() / den, 0)
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
                            if (k + 1) % run == 0 || k == deaths - 1 { loglik -= log(product); product = 1 }
                            let inverse = 1 / den
                            jumpA += inverse
                            jumpB += (1 - f) * inverse
                            let w = inverse * inverse
                            c0 += w
                            let delta = f - mean
                            mean += w / c0 * delta
                            m2 += w * delta * (f - mean)
                        }
                        groups.append((lower, j, jumpA, jumpB))
                        row(c0.squareRoot(), mean)
                        if m2 > 0 { row(m2.squareRoot(), 0, deathsOnly: true) }
                    }
                }
                strataGroups.append(first..<groups.count)
            }
            if filled > 0 { BlockKernels.addRowGram(buf.baseAddress!, rows: filled, columns: p, into: outer.baseAddress!) }
        }}}}}}
        // Hᵢ: the jumps cumulated forward in time up to the row's exit, less those up to its entry (the cumulated
        // jumps at the event time before which it leaves).
        var cumulative = [Double](repeating: 0, count: counting ? groups.count : 0)
        for (range, own) in zip(data.strata, strataGroups) {
            var c = 0.0
            var position = range.stop.upperBound - 1
            for index in own.reversed() {
                let g = groups[index]
                while position >= g.upper { hazard[position] = c; position -= 1 }
                c += g.a
                if counting { cumulative[index] = c }
                for k in g.lower..<g.upper { hazard[k] = data.eventByStop[k] ? c - (g.a - g.b) : c }
                position = g.lower - 1
            }
            while position >= range.stop.lowerBound { hazard[position] = c; position -= 1 }
            if counting {
                for k in range.stop {
                    let g = Int(data.leaveEvent[k])
                    if g >= 0 { hazard[k] -= cumulative[g] }
                }
            }
        }
        // Σ wᵢ xᵢ and Σ wᵢ xᵢ xᵢᵀ, block by block in time order within each of the two fixed halves (two threads),
        // the halves' sums then added in order: the same numbers on one core or two.
        let parts = RowParts(rows: n)
        let halves = parts.ranges.count
        var partGram = [Double](repeating: 0, count: halves * p * p)
        var partScore = [Double](repeating: 0, count: halves * p)
        data.xByStop.withUnsafeBufferPointer { xp in
        risk.withUnsafeBufferPointer { risk in
        hazard.withUnsafeBufferPointer { hazard in
        partGram.withUnsafeMutableBufferPointer { pg in
        partScore.withUnsafeMutableBufferPointer { ps in
            let out = SharedPointers(pg.baseAddress!, ps.baseAddress!)
            parts.run { part, range in
                let gram = out.first + part * p * p, score = out.second + part * p
                let buf = UnsafeMutablePointer<Double>.allocate(capacity: sumBlock * p)
                defer { buf.deallocate() }
                var k = range.lowerBound
                while k < range.upperBound {
                    let rows = min(sumBlock, range.upperBound - k)
                    for b in 0..<rows {
                        let w = max(risk[k + b] * hazard[k + b], 0)
                        let root = w.squareRoot()
                        let base = (k + b) * p
                        for q in 0..<p {
                            score[q] += w * xp[base + q]
                            buf[b * p + q] = root * xp[base + q]
                        }
                    }
                    BlockKernels.addRowGram(buf, rows: rows, columns: p, into: gram)
                    k += rows
                }
            }
        }}}}}
        for h in 0..<halves {
            for q in 0..<p { u[q] -= partScore[h * p + q] }
            for q in 0..<(p * p) { gram[q] += partGram[h * p * p + q] }
        }
        // Column-major upper triangles to a full symmetric matrix: I = Σ w x xᵀ − Σ weight a aᵀ.
        var imat = [Double](repeating: 0, count: p * p)
        for col in 0..<p {
            for row in 0...col {
                let v = gram[col * p + row] - outer[col * p + row]
                imat[col * p + row] = v
                imat[row * p + col] = v
            }
        }
        return CoxEvaluation(logLikelihood: loglik, score: u, information: imat, eta: eta)
    }
}
