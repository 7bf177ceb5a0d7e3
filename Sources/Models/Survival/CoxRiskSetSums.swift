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
        // Event times of the current stratum in the order met (descending): their range in time order, time and
        // the two jumps: A = Σₖ weight/denₖ (a row at risk) and B = Σₖ weight (1 − fₖ)/denₖ (a row dying then).
        var groups: [(lower: Int, upper: Int, time: Double, a: Double, b: Double)] = []
        data.xByStop.withUnsafeBufferPointer { xp in
        buffer.withUnsafeMutableBufferPointer { buf in
        outer.withUnsafeMutableBufferPointer { outer in
            var filled = 0
            for range in data.strata {
                groups.removeAll(keepingCapacity: true)
                var s0 = 0.0
                for j in 0..<p { s1[j] = 0 }
                var i = range.stop.lowerBound
                var r = range.start.lowerBound
                while i < range.stop.upperBound {
                    let t = data.stopByStop[i]
                    data.leaving(at: t, entries: range.start, from: &r) { k in
                        s0 -= risk[k]
                        for q in 0..<p { s1[q] -= risk[k] * xp[k * p + q] }
                    }
                    var ds0 = 0.0, etaDeaths = 0.0, deaths = 0
                    var j = i
                    while j < range.stop.upperBound && data.stopByStop[j] == t {
                        s0 += risk[j]
                        for q in 0..<p { s1[q] += risk[j] * xp[j * p + q] }
                        if data.eventByStop[j] {
                            if deaths == 0 { for q in 0..<p { d1[q] = 0 } }
                            deaths += 1
                            ds0 += risk[j]
                            etaDeaths += eta[j]
                            for q in 0..<p { d1[q] += risk[j] * xp[j * p + q]; u[q] += xp[j * p + q] }
                        }
                        j += 1
                    }
                    let lower = i
                    i = j
                    guard deaths > 0 else { continue }
                    let d = Double(deaths)
                    loglik += etaDeaths
                    let steps = ties == .efron ? deaths : 1
                    let weight = ties == .efron ? 1 : d   // deaths per working risk set
                    var jumpA = 0.0, jumpB = 0.0
                    for k in 0..<steps {
                        let f = ties == .efron ? Double(k) / d : 0
                        let den = s0 - f * ds0
                        loglik -= weight * log(den)
                        jumpA += weight / den
                        jumpB += weight * (1 - f) / den
                        // √weight · a with a = (S1 − f D1)/den: its outer products give Σ weight a aᵀ.
                        let scale = weight.squareRoot() / den
                        for q in 0..<p { buf[filled * p + q] = scale * (s1[q] - f * d1[q]) }
                        filled += 1
                        if filled == sumBlock {
                            BlockKernels.addRowGram(buf.baseAddress!, rows: filled, columns: p, into: outer.baseAddress!)
                            filled = 0
                        }
                    }
                    groups.append((lower, j, t, jumpA, jumpB))
                }
                // Hᵢ: the jumps cumulated forward in time up to the row's exit, less those up to its entry.
                var c = 0.0
                var position = range.stop.upperBound - 1
                for g in groups.reversed() {
                    while position >= g.upper { hazard[position] = c; position -= 1 }
                    c += g.a
                    for k in g.lower..<g.upper { hazard[k] = data.eventByStop[k] ? c - (g.a - g.b) : c }
                    position = g.lower - 1
                }
                while position >= range.stop.lowerBound { hazard[position] = c; position -= 1 }
                if data.start != nil {
                    c = 0
                    var next = groups.count - 1
                    var q = range.start.upperBound - 1
                    while q >= range.start.lowerBound {
                        while next >= 0 && groups[next].time <= data.startByStart[q] { c += groups[next].a; next -= 1 }
                        hazard[data.entryPosition[q]] -= c
                        q -= 1
                    }
                }
            }
            if filled > 0 { BlockKernels.addRowGram(buf.baseAddress!, rows: filled, columns: p, into: outer.baseAddress!) }
        }}}
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
