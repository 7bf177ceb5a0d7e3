import AllianceTestSupport
import Foundation
@testable import Models
import Testing

/// The Newton sums by cells of rows read as stored (`CoxEventTimes`, `CoxRiskSets.evaluateByCells`: few event times)
/// against the per-event-time pass (`CoxRiskSets.evaluate`, coxfit6/agfit4's scheme), at β = 0 and away from it: heavy
/// ties (Efron and Breslow), strata (one of a single censored row, one of a single death), (start, stop] intervals
/// with delayed entry, rows at risk at no event time, −0 beside +0 and negative entry times; in one part and in two.
/// Relative 1e-12: the two differ only in summation order. The R fixtures run through both paths in
/// `SurvivalFixtureTests`.
@Suite struct CoxCellSumsTests {
    typealias Inputs = (start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], columns: [[Double]])

    static func sets() throws -> [(String, Inputs, CoxTies)] {
        var sets: [(String, Inputs, CoxTies)] = try CoxRiskSetSumsTests.cases.map {
            ($0.testDescription, try CoxRiskSetSumsTests.inputs($0), $0.ties)
        }
        for counting in [false, true] {
            // Small stratified data with tied times and strata of one censored row and of one death.
            let small = CoxRiskSetSumsTests.singleRowStrataInputs(counting: counting)
            for ties in CoxTies.allCases { sets.append(("one-row strata \(counting) \(ties)", small, ties)) }
            // Coarse times with −0 and negative entries (`CoxLargeDataPathTests.sample`), three covariates.
            for strata in [1, 3] {
                let s = CoxLargeDataPathTests.sample(n: 700, strata: strata, intervals: counting, seed: 41 + UInt64(strata))
                var g = SplitMix(seed: 5)
                let x = (0..<3).map { _ in (0..<700).map { _ in g.nextUnit() * 2 - 1 } }
                for ties in CoxTies.allCases {
                    sets.append(("sample \(strata) \(counting) \(ties)", (s.start, s.stop, s.event, s.stratum, x), ties))
                }
            }
        }
        return sets
    }

    static func cells(_ s: Inputs) throws -> CoxEventTimes {
        try #require(CoxEventTimes(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum,
                                   covariates: CoxCovariates(columns: s.columns)))
    }

    @Test(arguments: [false, true])
    func cellSumsMatchThePerEventTimePass(twoParts: Bool) throws {
        try RowParts.$minimumRowsToSplit.withValue(twoParts ? 2 : Int.max) {
            for (name, s, ties) in try Self.sets() {
                let data = CoxData(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum, columns: s.columns)
                let cells = try Self.cells(s)
                #expect(cells.means == data.means, "\(name) means")
                #expect(cells.constantColumn == data.constantColumn, "\(name) constant column")
                let p = data.p
                let away = (0..<p).map { Double($0 % 2 == 0 ? 1 : -1) * 0.3 / Double($0 + 1) }
                for beta in [[Double](repeating: 0, count: p), away] {
                    let reference = CoxRiskSets.evaluate(data, beta: beta, ties: ties)
                    let fast = CoxRiskSets.evaluateByCells(cells, beta: beta, ties: ties)
                    try #require(reference.logLikelihood.isFinite)
                    expectClose(fast.logLikelihood, reference.logLikelihood, relative: 1e-12, "\(name) loglik")
                    let scale = reference.score.map(abs).max() ?? 1
                    for j in 0..<p {
                        expectClose(fast.score[j], reference.score[j], absolute: 1e-12 * scale, "\(name) score \(j)")
                    }
                    for k in 0..<(p * p) {
                        let a = k / p, b = k % p
                        let scale = (reference.information[a * p + a] * reference.information[b * p + b]).squareRoot()
                        expectClose(fast.information[k], reference.information[k], absolute: 1e-12 * scale, "\(name) information \(k)")
                    }
                }
                // η for the concordance: the time-ordered path's numbers, bit for bit.
                let eta = cells.linearPredictor(away)
                #expect(eta.map(\.bitPattern) == data.linearPredictor(away).map(\.bitPattern), "\(name) η")
            }
        }
    }

    /// The design's fill (a block of rows column by column, the path of factors and interactions) gives the stored
    /// columns' bits.
    @Test func designFillGivesTheStoredColumnsBits() throws {
        for (name, s, ties) in try Self.sets() {
            let stored = try Self.cells(s)
            let columns = s.columns
            let filled = try #require(CoxEventTimes(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum,
                                                    covariates: CoxCovariates(p: columns.count, columns: nil) { range, base, ld in
                for (j, column) in columns.enumerated() { for (k, i) in range.enumerated() { base[j * ld + k] = column[i] } }
            }))
            let beta = (0..<columns.count).map { 0.1 * Double($0 + 1) }
            let a = CoxRiskSets.evaluateByCells(stored, beta: beta, ties: ties)
            let b = CoxRiskSets.evaluateByCells(filled, beta: beta, ties: ties)
            #expect(a.logLikelihood.bitPattern == b.logLikelihood.bitPattern, "\(name)")
            #expect(a.score.map(\.bitPattern) == b.score.map(\.bitPattern), "\(name)")
            #expect(a.information.map(\.bitPattern) == b.information.map(\.bitPattern), "\(name)")
            #expect(filled.means == stored.means && filled.constantColumn == stored.constantColumn, "\(name)")
        }
    }

    /// Which data take the cells: few event times and cells do; more event times than `largestEventTimes`, or more cells
    /// than the cache budget holds, do not (the time-ordered sums are used); nor anything when turned off.
    @Test func cellsAreUsedOnlyWhereTheyFit() throws {
        let n = 2000
        // Twelve covariates (the benchmarks' count): 586 values a cell.
        let x = (0..<12).map { j in (0..<n).map { Double(($0 * (j + 3)) % 7) } }
        let event = (0..<n).map { $0 % 2 == 0 }
        func used(_ start: [Double]?, _ stop: [Double]) -> Bool {
            CoxEventTimes(start: start, stop: stop, event: event, stratum: nil, covariates: CoxCovariates(columns: x)) != nil
        }
        // 40 weekly event times, right-censored: 80 cells.
        let weekly = (0..<n).map { Double($0 % 40 + 1) }
        #expect(used(nil, weekly))
        #expect(!CoxEventTimes.$enabled.withValue(false) { used(nil, weekly) })
        // 1000 distinct event times.
        #expect(!used(nil, (0..<n).map { Double($0 / 2) + 0.5 }))
        // 40 event times and intervals of every length: several hundred cells.
        let start = (0..<n).map { Double(($0 * 7) % 40) }
        var stop: [Double] = []
        for i in 0..<n {
            let room = 41 - Int(start[i])
            stop.append(start[i] + Double((i * 13) % room) + 1)
        }
        #expect(!used(start, stop))
        // Sessions: (s − 1, s] for s up to 18, the benchmark's shape.
        #expect(used((0..<n).map { Double($0 % 18) }, (0..<n).map { Double($0 % 18 + 1) }))
    }
}
