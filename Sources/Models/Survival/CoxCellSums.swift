import Foundation
import LinearAlgebra

/// The Newton step's log-likelihood, score and information from sums per cell of rows (`CoxEventTimes`): the
/// quantities of `evaluateBySums` (docs/survival.md, "How `fit cox` computes the information") with the covariates
/// read once, where they lie, in storage order.
///
/// 1. Per row, η and exp(η); r, r x, r x xᵀ, η and x added to its cell's sums (r, r x and r x xᵀ a batch of the
///    cell's rows at a time). Two threads over halves of the rows, each with its own sums, added in half order.
/// 2. Per event time, S0 and S1 from the cells that enter there less those that leave before it, as running sums
///    back in time per stratum (agfit4's removal), and the deaths' sums from the dying cells; then the
///    log-likelihood, hazard jumps and Efron coefficients (`eventGroups`, shared with the time-ordered path) and the
///    Σ a aᵀ rows.
/// 3. Per cell, H (the jumps cumulated over the event times its rows are at risk for, Efron's share off for rows
///    dying): wᵢ = rᵢ H for each of its rows, so Σ wᵢ xᵢ xᵢᵀ and Σ wᵢ xᵢ are H times the cell's sums.
/// The halves are fixed by the row count alone: the same numbers on one core or two.
extension CoxRiskSets {
    static func evaluateByCells(_ data: CoxEventTimes, beta: [Double], ties: CoxTies) -> CoxEvaluation {
        let n = data.n, p = data.p, times = data.eventTimes, cellCount = data.cells.count
        let counting = data.counting
        let parts = RowParts(rows: n).ranges
        // Per cell: Σ r x xᵀ (column-major upper triangle), Σ r x, Σ r, Σ η, Σ x.
        let gramWidth = p * p, s1Offset = gramWidth, s0Offset = s1Offset + p, etaOffset = s0Offset + 1, xOffset = etaOffset + 1
        let width = xOffset + p
        var partSums = [Double](repeating: 0, count: parts.count * cellCount * width)
        let block = CoxCovariates.blockRows, batch = CoxEventTimes.cellBatch
        let zero = beta.allSatisfy { $0 == 0 }
        data.covariates.withReader { reader in
        data.cell.withUnsafeBufferPointer { cellOf in
        data.cells.withUnsafeBufferPointer { cells in
        partSums.withUnsafeMutableBufferPointer { sums in
            guard n > 0 else { return }
            let out = SharedPointers(sums.baseAddress!, sums.baseAddress!)
            ParallelJobs.run(parts.count) { h in
                let own = out.first + h * cellCount * width
                // The block's centred columns, η and exp(η); each cell's batch of rows and their weights.
                let columns = UnsafeMutablePointer<Double>.allocate(capacity: block * max(p, 1) + 2 * block)
                let eta = columns + block * p, risk = eta + block
                let waiting = UnsafeMutablePointer<Double>.allocate(capacity: cellCount * batch * (p + 1))
                let filled = UnsafeMutablePointer<Int>.allocate(capacity: cellCount)
                filled.initialize(repeating: 0, count: cellCount)
                defer { columns.deallocate(); waiting.deallocate(); filled.deallocate() }
                @inline(__always) func addBatch(_ c: Int) {
                    let cell = own + c * width, batchRows = waiting + c * batch * (p + 1), weights = batchRows + batch * p
                    // Σ r a batch at a time (a sum per row waited on the cell's last store at every row).
                    var s0 = 0.0
                    for k in 0..<filled[c] { s0 += weights[k] }
                    cell[s0Offset] += s0
                    BlockKernels.addWeightedRowGram(batchRows, weights: weights, rows: filled[c], columns: p,
                                                    into: cell, sum: cell + s1Offset)
                    filled[c] = 0
                }
                var lower = parts[h].lowerBound
                while lower < parts[h].upperBound {
                    let upper = min(lower + block, parts[h].upperBound)
                    let count = upper - lower
                    reader.centredColumns(lower..<upper, means: data.means, into: columns)
                    if zero {
                        // β = 0 (the first step): every η is +0 and every exp(η) 1, as the products would give.
                        for i in 0..<count { eta[i] = 0; risk[i] = 1 }
                    } else {
                        CoxCovariates.linearPredictor(columns, rows: count, p: p, beta: beta, into: eta)
                        for i in 0..<count { risk[i] = exp(eta[i]) }
                    }
                    for i in 0..<count {
                        let c = Int(cellOf[lower + i])
                        guard c >= 0 else { continue }
                        // The row into its cell's batch (row-major, as the cross-product reads it), with its weight.
                        let k = filled[c], batchRows = waiting + c * batch * (p + 1), x = batchRows + k * p
                        var source = UnsafePointer(columns + i)
                        for q in 0..<p { x[q] = source.pointee; source += block }
                        batchRows[batch * p + k] = risk[i]
                        if cells[c].dies {
                            let cell = own + c * width
                            cell[etaOffset] += eta[i]
                            for q in 0..<p { cell[xOffset + q] += x[q] }
                        }
                        filled[c] = k + 1
                        if k + 1 == batch { addBatch(c) }
                    }
                    lower = upper
                }
                for c in 0..<cellCount where filled[c] > 0 { addBatch(c) }
            }
        }}}}
        // The halves' sums, in half order.
        var total = Array(partSums.prefix(cellCount * width))
        for h in 1..<max(parts.count, 1) {
            for k in 0..<(cellCount * width) { total[k] += partSums[h * cellCount * width + k] }
        }

        // Pass 2: per event time, the cells' sums entering there, leaving before it and dying there (cells in order).
        let eventWidth = p + 1
        var entering = [Double](repeating: 0, count: times * eventWidth), leaving = entering, dying = entering
        var etaDeaths = [Double](repeating: 0, count: times)
        var deaths = [Int](repeating: 0, count: times)
        var deathX = [Double](repeating: 0, count: p)
        for (c, cell) in data.cells.enumerated() {
            let sums = c * width
            @inline(__always) func add(to target: inout [Double], at g: Int) {
                target[g * eventWidth] += total[sums + s0Offset]
                for q in 0..<p { target[g * eventWidth + 1 + q] += total[sums + s1Offset + q] }
            }
            add(to: &entering, at: cell.enter)
            if cell.leave >= 0 { add(to: &leaving, at: cell.leave) }
            if cell.dies {
                add(to: &dying, at: cell.enter)
                etaDeaths[cell.enter] += total[sums + etaOffset]
                deaths[cell.enter] += cell.rows
                for q in 0..<p { deathX[q] += total[sums + xOffset + q] }
            }
        }
        var eventTotals: [EventTotals] = []
        eventTotals.reserveCapacity(times)
        for range in data.strata {
            var s0 = 0.0
            for g in range {
                s0 += entering[g * eventWidth]
                if counting { s0 -= leaving[g * eventWidth] }
                eventTotals.append(EventTotals(lower: 0, upper: 0, s0: s0, ds0: dying[g * eventWidth], deaths: deaths[g],
                                               etaDeaths: etaDeaths[g]))
            }
        }
        var loglik = 0.0
        let groups = eventGroups(eventTotals, ties: ties, loglik: &loglik)
        // The jumps cumulated from each stratum's earliest event time (as `evaluateBySums`).
        var cumulative = [Double](repeating: 0, count: times)
        for range in data.strata {
            var c = 0.0
            for g in range.reversed() { c += groups[g].a; cumulative[g] = c }
        }
        // The Σ a aᵀ rows: scale · (S1 − shift · D1), and deathScale · D1 when it is not 0, S1 a running sum as S0.
        var outerRows = [Double](repeating: 0, count: 2 * times * p)
        var rowCount = 0
        var s1 = [Double](repeating: 0, count: p)
        for range in data.strata {
            for q in 0..<p { s1[q] = 0 }
            for g in range {
                for q in 0..<p {
                    s1[q] += entering[g * eventWidth + 1 + q]
                    if counting { s1[q] -= leaving[g * eventWidth + 1 + q] }
                }
                let d1 = g * eventWidth + 1
                let event = groups[g]
                for q in 0..<p { outerRows[rowCount * p + q] = event.scale * (s1[q] - event.shift * dying[d1 + q]) }
                rowCount += 1
                if event.deathScale > 0 {
                    for q in 0..<p { outerRows[rowCount * p + q] = event.deathScale * dying[d1 + q] }
                    rowCount += 1
                }
            }
        }
        var outer = [Double](repeating: 0, count: p * p)
        let ones = [Double](repeating: 1, count: max(rowCount, 1))
        var unused = [Double](repeating: 0, count: p)
        BlockKernels.addWeightedRowGram(outerRows, weights: ones, rows: rowCount, columns: p, into: &outer, sum: &unused)

        // Pass 3, per cell: H — C of its first event time (Efron's share A − B off for rows dying there), less C of the
        // one its rows leave before — and wᵢ = max(rᵢ H, 0) = rᵢ max(H, 0), so its rows add max(H, 0) times its sums.
        // U = Σ x over the deaths − Σ w x; I = Σ w x xᵀ − Σ a aᵀ, from column-major upper triangles to full.
        var u = deathX
        var gram = [Double](repeating: 0, count: p * p)
        for (c, cell) in data.cells.enumerated() {
            var hazard = cumulative[cell.enter]
            if cell.dies { hazard -= groups[cell.enter].a - groups[cell.enter].b }
            if counting && cell.leave >= 0 { hazard -= cumulative[cell.leave] }
            let weight = max(hazard, 0), sums = c * width
            for q in 0..<p { u[q] -= weight * total[sums + s1Offset + q] }
            for col in 0..<p { for row in 0...col { gram[col * p + row] += weight * total[sums + col * p + row] } }
        }
        return CoxEvaluation(logLikelihood: loglik, score: u, information: information(gram: gram, outer: outer, p: p), eta: [])
    }
}
