import AllianceTestSupport
import Foundation
@testable import Models
import Testing

/// The Newton step's re-ordered sums (`CoxRiskSets.evaluateBySums`: one weighted cross-product with per-row
/// cumulative hazards) against the per-event-time pass (`CoxRiskSets.evaluate`, coxfit6/agfit4's scheme, which the
/// residuals and cox.zph use and which the coxph fixtures check), away from β = 0 where every term matters: heavy
/// ties (Efron and Breslow), strata, and (start, stop] intervals with delayed entry. Relative 1e-12: the two differ
/// only in summation order.
@Suite struct CoxRiskSetSumsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let start: String?
        let stop: String
        let event: String
        let eventValue: Double
        let stratum: String?
        let covariates: [String]
        let ties: CoxTies
        /// Times rounded to this many units to create heavy ties (nil: as stored).
        let roundTo: Double?
        var testDescription: String { "\(file) \(ties) strata \(stratum ?? "-") round \(roundTo.map { "\($0)" } ?? "-")" }
    }

    static let cases: [Case] = [
        Case(file: "lung.csv", start: nil, stop: "time", event: "status", eventValue: 2, stratum: nil,
             covariates: ["age", "sex"], ties: .efron, roundTo: nil),
        Case(file: "lung.csv", start: nil, stop: "time", event: "status", eventValue: 2, stratum: "sex",
             covariates: ["age", "older"], ties: .efron, roundTo: 60),
        Case(file: "lung.csv", start: nil, stop: "time", event: "status", eventValue: 2, stratum: nil,
             covariates: ["age", "sex"], ties: .breslow, roundTo: 60),
        Case(file: "heart.csv", start: "start", stop: "stop", event: "event", eventValue: 1, stratum: nil,
             covariates: ["age", "year", "surgery", "transplant"], ties: .efron, roundTo: nil),
        Case(file: "heart.csv", start: "start", stop: "stop", event: "event", eventValue: 1, stratum: "surgery",
             covariates: ["age", "year", "transplant"], ties: .efron, roundTo: 30),
        Case(file: "heart.csv", start: "start", stop: "stop", event: "event", eventValue: 1, stratum: nil,
             covariates: ["age", "year", "surgery", "transplant"], ties: .breslow, roundTo: 30),
    ]

    static func data(_ c: Case) throws -> CoxData {
        let s = try inputs(c)
        return CoxData(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum, columns: s.columns)
    }

    /// A case's times, events, strata and covariates as stored.
    static func inputs(_ c: Case) throws
        -> (start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], columns: [[Double]]) {
        let (names, columns) = try fixtureFiles.numericColumns("survival/\(c.file)")
        func column(_ name: String) throws -> [Double] {
            let k = try #require(names.firstIndex(of: name), "\(name) in \(c.file)")
            return columns[k].map { $0 ?? .nan }
        }
        var stop = try column(c.stop)
        var start = try c.start.map { try column($0) }
        if let unit = c.roundTo {
            // Round up to whole units (keeps stop > start for intervals that cross a unit boundary; others widen).
            stop = stop.map { ($0 / unit).rounded(.up) * unit }
            start = start.map { $0.map { ($0 / unit).rounded(.down) * unit } }
        }
        let event = try column(c.event).map { $0 == c.eventValue }
        let strata = try c.stratum.map { try column($0).map { Int($0) } } ?? [Int](repeating: 0, count: stop.count)
        let covariates = try c.covariates.map { try column($0) }
        return (start, stop, event, strata, covariates)
    }

    @Test(arguments: cases, [false, true])
    func reorderedSumsMatchThePerEventTimePass(_ c: Case, twoParts: Bool) throws {
        // Two parts (two threads, the second starting from the first's sums) from this many rows.
        try RowParts.$minimumRowsToSplit.withValue(twoParts ? 2 : Int.max) { try reorderedSumsMatch(c) }
    }

    func reorderedSumsMatch(_ c: Case) throws {
        let data = try Self.data(c)
        #expect(CoxRiskSets.sumParts(data).count == (RowParts.minimumRowsToSplit == 2 ? 2 : 1), "\(c.testDescription) parts")
        let finite = data.xByStop.allSatisfy { $0.isFinite }
        #expect(finite)
        let zero = [Double](repeating: 0, count: data.p)
        var away = [Double](repeating: 0, count: data.p)
        for j in 0..<data.p {
            let sign: Double = j % 2 == 0 ? 1 : -1
            away[j] = sign * 0.3 / Double(j + 1)
        }
        for beta in [zero, away] {
            let reference = CoxRiskSets.evaluate(data, beta: beta, ties: c.ties)
            let fast = CoxRiskSets.evaluateBySums(data, beta: beta, ties: c.ties)
            expectClose(fast.logLikelihood, reference.logLikelihood, relative: 1e-12, "\(c.testDescription) loglik")
            let scale = reference.score.map(abs).max() ?? 1
            for j in 0..<data.p {
                expectClose(fast.score[j], reference.score[j], absolute: 1e-12 * scale, "\(c.testDescription) score \(j)")
            }
            for k in 0..<(data.p * data.p) {
                let a = k / data.p, b = k % data.p
                let scale = (reference.information[a * data.p + a] * reference.information[b * data.p + b]).squareRoot()
                expectClose(fast.information[k], reference.information[k], absolute: 1e-12 * scale,
                            "\(c.testDescription) information \(k)")
            }
        }
    }

    /// Pass 2's per-event-time arithmetic on two threads (halves of the deaths) gives the one-thread loop's bits:
    /// log-likelihood, score and information, on tied, stratified and (start, stop] data and strata of one row, Efron
    /// and Breslow, away from β = 0, in one part and in two.
    @Test(arguments: [false, true])
    func eventGroupsOnTwoThreadsGiveTheSameBits(twoParts: Bool) throws {
        let sets = try Self.bitIdentitySets()
        try RowParts.$minimumRowsToSplit.withValue(twoParts ? 2 : Int.max) {
            for (data, ties) in sets {
                let beta = (0..<data.p).map { Double($0 % 2 == 0 ? 1 : -1) * 0.2 / Double($0 + 1) }
                let one = CoxRiskSets.$parallelDeaths.withValue(Int.max) { CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties) }
                let two = CoxRiskSets.$parallelDeaths.withValue(1) { CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties) }
                #expect(one.logLikelihood.bitPattern == two.logLikelihood.bitPattern)
                #expect(one.score.map(\.bitPattern) == two.score.map(\.bitPattern))
                #expect(one.information.map(\.bitPattern) == two.information.map(\.bitPattern))
                try #require(one.logLikelihood.isFinite)
            }
        }
    }

    /// The data and ties the bit-identity tests run over: every case, and the one-row strata right-censored and
    /// (start, stop] under each kind of ties.
    static func bitIdentitySets() throws -> [(CoxData, CoxTies)] {
        var sets = try cases.map { (try data($0), $0.ties) }
        for counting in [false, true] {
            for ties in CoxTies.allCases { sets.append((singleRowStrata(counting: counting), ties)) }
        }
        return sets
    }

    /// Small stratified data with tied times, a stratum of one censored row and one of one death, right-censored or
    /// (start, stop].
    static func singleRowStrata(counting: Bool) -> CoxData {
        let s = singleRowStrataInputs(counting: counting)
        return CoxData(start: s.start, stop: s.stop, event: s.event, stratum: s.stratum, columns: s.columns)
    }

    /// `singleRowStrata`'s times, events, strata and covariates as stored.
    static func singleRowStrataInputs(counting: Bool)
        -> (start: [Double]?, stop: [Double], event: [Bool], stratum: [Int], columns: [[Double]]) {
        let n = 41
        let stop = (0..<n).map { Double(($0 * 7) % 10 + 1) }
        let start = counting ? (0..<n).map { stop[$0] - Double($0 % 3 + 1) } : nil
        let event = (0..<n).map { $0 % 3 == 0 || $0 == 40 }
        let stratum = (0..<n).map { $0 == 17 ? 1 : $0 == 40 ? 3 : $0 % 2 == 0 ? 0 : 2 }
        let columns = [(0..<n).map { sin(Double($0)) }, (0..<n).map { Double($0 % 5) }]
        return (start, stop, event, stratum, columns)
    }

    /// β = 0 is evaluated without η and exp(η) arrays (every η 0, every exp(η) 1): the same bits as with them, on
    /// tied, stratified and (start, stop] data and strata of one row, Efron and Breslow, in one part and in two.
    @Test(arguments: [false, true])
    func zeroWithoutArraysGivesTheSameBits(twoParts: Bool) throws {
        let sets = try Self.bitIdentitySets()
        try RowParts.$minimumRowsToSplit.withValue(twoParts ? 2 : Int.max) {
            for (data, ties) in sets {
                let zero = [Double](repeating: 0, count: data.p)
                let without = CoxRiskSets.evaluateBySums(data, beta: zero, ties: ties)
                let with = CoxData.$unitRiskWithoutArrays.withValue(false) {
                    CoxRiskSets.evaluateBySums(data, beta: zero, ties: ties)
                }
                #expect(without.eta.isEmpty && without.etaByStop(data.n) == with.eta)
                #expect(with.eta.count == data.n)
                #expect(without.logLikelihood.bitPattern == with.logLikelihood.bitPattern)
                #expect(without.score.map(\.bitPattern) == with.score.map(\.bitPattern))
                #expect(without.information.map(\.bitPattern) == with.information.map(\.bitPattern))
                try #require(with.logLikelihood.isFinite)
            }
        }
    }

    /// Pass 1's η of the deaths (which pass 2 sums per event time in sequence) is η at the rows with an event, in
    /// time order, in one part and two; empty at β = 0 without arrays and when deaths are not sparse; the
    /// evaluation's bits the same with the copy and without.
    @Test(arguments: [false, true])
    func deathEtaIsEtaAtTheDeaths(twoParts: Bool) throws {
        try CoxData.$compactDeathEtaShare.withValue(1) { try deathEtaMatches(twoParts: twoParts) }
    }

    func deathEtaMatches(twoParts: Bool) throws {
        var sets = try Self.cases.map { try Self.data($0) }
        sets += [Self.singleRowStrata(counting: false), Self.singleRowStrata(counting: true)]
        try RowParts.$minimumRowsToSplit.withValue(twoParts ? 2 : Int.max) {
            for data in sets {
                let beta = (0..<data.p).map { 0.2 / Double($0 + 1) }
                let parts = CoxRiskSets.sumParts(data)
                let entry = data.entrySums(beta, parts: parts, carryFrom: nil)
                let expected = (0..<data.n).filter { data.eventByStop[$0] }.map { entry.eta[$0] }
                #expect(entry.deathEta.map(\.bitPattern) == expected.map(\.bitPattern))
                try #require(!expected.isEmpty)
                let zero = data.entrySums([Double](repeating: 0, count: data.p), parts: parts, carryFrom: nil)
                #expect(zero.deathEta.isEmpty && zero.eta.isEmpty)
                let dense = CoxData.$compactDeathEtaShare.withValue(0) { data.entrySums(beta, parts: parts, carryFrom: nil) }
                #expect(dense.deathEta.isEmpty && dense.eta.map(\.bitPattern) == entry.eta.map(\.bitPattern))
                for ties in CoxTies.allCases {
                    let copied = CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties)
                    let direct = CoxData.$compactDeathEtaShare.withValue(0) { CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties) }
                    #expect(copied.logLikelihood.bitPattern == direct.logLikelihood.bitPattern)
                    #expect(copied.score.map(\.bitPattern) == direct.score.map(\.bitPattern))
                    #expect(copied.information.map(\.bitPattern) == direct.information.map(\.bitPattern))
                }
            }
        }
    }

    /// Right-censored event totals in two parts on two threads (the second part's S0 summed again from the first's): the
    /// one-thread pass's totals and strata bit for bit, and so the same evaluation, at β = 0 and elsewhere, with the
    /// deaths' η compacted or not, on tied, stratified data and strata of one row (parts meeting inside a stratum and at
    /// a boundary between strata).
    @Test func eventTotalsInPartsGiveTheOnePassBits() throws {
        var sets = try Self.cases.map { try Self.data($0) }.filter { $0.start == nil }
        sets.append(Self.singleRowStrata(counting: false))
        try #require(sets.count >= 2)
        try RowParts.$minimumRowsToSplit.withValue(2) {
            for data in sets {
                let parts = CoxRiskSets.sumParts(data)
                try #require(parts.count == 2)
                for share in [0.0, 1.0] {
                    try CoxData.$compactDeathEtaShare.withValue(share) {
                        for beta in [[Double](repeating: 0, count: data.p), (0..<data.p).map { 0.3 / Double($0 + 2) }] {
                            let entry = data.entrySums(beta, parts: parts, carryFrom: nil)
                            let one = CoxRiskSets.eventTotals(data, risk: entry.risk, eta: entry.eta, deathEta: entry.deathEta)
                            let two = CoxRiskSets.eventTotalsInParts(data, parts: parts, risk: entry.risk, eta: entry.eta,
                                                                     deathEta: entry.deathEta, firstDeaths: entry.firstPartDeaths)
                            try #require(one.totals.count == two.totals.count)
                            #expect(one.strata == two.strata)
                            for (a, b) in zip(one.totals, two.totals) {
                                #expect(a.lower == b.lower && a.upper == b.upper && a.deaths == b.deaths)
                                #expect(a.s0.bitPattern == b.s0.bitPattern && a.ds0.bitPattern == b.ds0.bitPattern)
                                #expect(a.etaDeaths.bitPattern == b.etaDeaths.bitPattern)
                            }
                            for ties in CoxTies.allCases {
                                // The parts are taken once Σ x over the deaths is known (the first evaluation sums it).
                                _ = CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties)
                                let byParts = CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties)
                                let onePass = CoxRiskSets.$eventTotalsByParts.withValue(false) {
                                    CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties)
                                }
                                #expect(byParts.logLikelihood.bitPattern == onePass.logLikelihood.bitPattern)
                                #expect(byParts.score.map(\.bitPattern) == onePass.score.map(\.bitPattern))
                                #expect(byParts.information.map(\.bitPattern) == onePass.information.map(\.bitPattern))
                            }
                        }
                    }
                }
            }
        }
    }
}
