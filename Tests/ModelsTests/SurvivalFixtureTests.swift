import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// Kaplan–Meier, G-rho tests, Cox models and cox.zph against survival 3.5-3 (Fixtures/survival/make_survival.R).
/// Tolerances as the issue states them: Kaplan–Meier 1e-12, coefficients and standard errors 1e-8 (relative, coxph run
/// at eps = 1e-12), test statistics 1e-10 (relative).
@Suite struct SurvivalFixtureTests {
    nonisolated(unsafe) static let reference: [String: Any] = (try? fixtureFiles.jsonObject("survival/survival_reference.json")) ?? [:]

    static func entries(_ key: String) -> [[String: Any]] { reference[key] as? [[String: Any]] ?? [] }
    static func number(_ any: Any?) -> Double? {
        if let s = any as? String { return s == "NA" ? nil : Double(s) }
        return (any as? NSNumber)?.doubleValue
    }
    static func numbers(_ any: Any?) -> [Double?] { (any as? [Any] ?? []).map { number($0) } }
    static func table(_ name: String) throws -> Table { try fixtureFiles.table("survival/\(name)") }

    @Test func fixturesArePresent() {
        #expect(Self.entries("kaplan_meier").count == 7)
        #expect(Self.entries("logrank").count == 7)
        #expect(Self.entries("cox").count == 16)
    }

    @Test(arguments: entries("kaplan_meier").indices)
    func kaplanMeier(_ index: Int) throws {
        let f = Self.entries("kaplan_meier")[index]
        let name = f["name"] as? String ?? ""
        let by = f["by"] as? String
        let type = try #require(SurvivalConfidenceType(rawValue: f["conf_type"] as? String ?? ""))
        let at = Self.numbers((f["at"] as? [String: Any])?["time"]).compactMap { $0 }
        let options = SurvivalAnalysisOptions(by: by == "NA" ? nil : by, confidenceType: type, at: Array(Set(at)).sorted())
        let result = try SurvivalEstimation.run(table: try Self.table(f["data"] as? String ?? ""), time: f["time"] as? String ?? "",
                                               event: f["event"] as? String ?? "", options: options)
        let groups = f["groups"] as? [String] ?? []
        #expect(result.curves.map(\.group) == groups, "\(name)")
        let medians = Self.numbers(f["median"]), lows = Self.numbers(f["median_low"]), highs = Self.numbers(f["median_high"])
        for (k, curve) in result.curves.enumerated() {
            #expect(curve.n == (f["n"] as? [Int] ?? [])[k])
            #expect(curve.median == medians[k], "\(name) median \(curve.group)")
            #expect(curve.medianLow == lows[k], "\(name) median low \(curve.group)")
            #expect(curve.medianHigh == highs[k], "\(name) median high \(curve.group)")
        }
        let table = try #require(f["table"] as? [String: Any])
        let tgroup = table["group"] as? [String] ?? []
        let ttime = Self.numbers(table["time"]), risk = table["n_risk"] as? [Int] ?? []
        let surv = Self.numbers(table["survival"]), se = Self.numbers(table["std_error"])
        let low = Self.numbers(table["conf_low"]), high = Self.numbers(table["conf_high"])
        var k = 0
        for curve in result.curves {
            for i in curve.eventRows {
                #expect(tgroup[k] == curve.group && ttime[k] == curve.time[i] && risk[k] == curve.nRisk[i], "\(name) row \(k)")
                expectClose(curve.survival[i], surv[k] ?? .nan, absolute: 1e-12, "\(name) S row \(k)")
                expectOptional(curve.standardError(at: i), se[k], "\(name) se row \(k)")
                expectOptional(curve.confLow[i], low[k], "\(name) low row \(k)")
                expectOptional(curve.confHigh[i], high[k], "\(name) high row \(k)")
                k += 1
            }
        }
        #expect(k == ttime.count, "\(name): every summary row compared")
        let atTable = try #require(f["at"] as? [String: Any])
        let agroup = atTable["group"] as? [String] ?? []
        let atime = Self.numbers(atTable["time"]), arisk = atTable["n_risk"] as? [Int] ?? []
        let asurv = Self.numbers(atTable["survival"]), ase = Self.numbers(atTable["std_error"])
        let alow = Self.numbers(atTable["conf_low"]), ahigh = Self.numbers(atTable["conf_high"])
        for r in agroup.indices {
            let curve = try #require(result.curves.first { $0.group == agroup[r] })
            let point = curve.point(at: atime[r] ?? .nan)
            #expect(point.nRisk == arisk[r], "\(name) at \(atime[r] ?? 0) n.risk")
            expectClose(point.survival, asurv[r] ?? .nan, absolute: 1e-12, "\(name) at S")
            expectOptional(point.standardError, ase[r], "\(name) at se")
            expectOptional(point.confLow, alow[r], "\(name) at low")
            expectOptional(point.confHigh, ahigh[r], "\(name) at high")
        }
    }

    func expectOptional(_ actual: Double?, _ expected: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let expected {
            expectClose(actual, expected, absolute: 1e-12, what, sourceLocation: sourceLocation)
        } else {
            #expect(actual == nil, "\(what): R gives NA", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: entries("logrank").indices)
    func logRank(_ index: Int) throws {
        let f = Self.entries("logrank")[index]
        let formula = f["formula"] as? String ?? ""
        // "Surv(time, status) ~ sex + strata(older)" → by sex, strata older.
        let rhs = formula.components(separatedBy: "~ ")[1].components(separatedBy: " + ")
        let by = rhs[0]
        let strata = rhs.count > 1 ? String(rhs[1].dropFirst(7).dropLast()) : nil
        let lhs = formula.components(separatedBy: "(")[1].components(separatedBy: ")")[0].components(separatedBy: ", ")
        let rho = Self.number(f["rho"]) ?? 0
        let result = try SurvivalEstimation.run(table: try Self.table(f["data"] as? String ?? ""), time: lhs[0], event: lhs[1],
                                               options: SurvivalAnalysisOptions(by: by, strata: strata, rho: rho))
        let test = try #require(result.test)
        expectClose(test.statistic, Self.number(f["statistic"]) ?? .nan, relative: 1e-10, "\(formula) rho \(rho)")
        #expect(test.degreesOfFreedom == f["df"] as? Int)
        expectClose(test.pValue, Self.number(f["p_value"]) ?? .nan, relative: 1e-9, "\(formula) p")
        expectClose(test.observed, Self.numbers(f["observed"]).map { $0 ?? .nan }, .relative(1e-12), "observed")
        expectClose(test.expected, Self.numbers(f["expected"]).map { $0 ?? .nan }, .relative(1e-10), "expected")
    }

    @Test func lungLogRankIsTheIssueValue() throws {
        let result = try SurvivalEstimation.run(table: try Self.table("lung.csv"), time: "time", event: "status",
                                               options: SurvivalAnalysisOptions(by: "sex"))
        expectClose(result.test?.statistic, 10.3267419549, absolute: 5e-11)
        #expect(result.eventLevel == "2")
    }

    /// Every Cox fixture also runs with the large-data paths forced on its small data: the radix sort, the
    /// information sums and η over two row halves, the concordance's two rank halves (two threads).
    @Test(arguments: entries("cox").indices, [false, true])
    func cox(_ index: Int, largeDataPaths: Bool) throws {
        try RowParts.$minimumRowsToSplit.withValue(largeDataPaths ? 2 : Int.max) {
            try CoxData.$minimumRowsForRadix.withValue(largeDataPaths ? 0 : Int.max) {
                try Concordance.$minimumRowsToSplit.withValue(largeDataPaths ? 0 : Int.max) { try cox(index) }
            }
        }
    }

    /// Every Cox fixture also runs through the time-ordered Newton sums where it would take the sums by cells of
    /// rows (few event times, `CoxEventTimes`): both paths agree with coxph.
    @Test(arguments: entries("cox").indices)
    func coxThroughTheTimeOrderedSums(_ index: Int) throws {
        try CoxEventTimes.$enabled.withValue(false) { try cox(index) }
    }

    /// A transformed covariate (`log(age)`, read by CoxData straight from the frame's stored transform) gives the fit of
    /// the same values stored as a column, bit for bit, with rows dropped for a missing `ph.ecog` and without; once through
    /// the plain paths and once with the large-data paths forced.
    @Test(arguments: [false, true])
    func transformedCovariateIsItsStoredColumn(_ largeDataPaths: Bool) throws {
        let lung = try Self.table("lung.csv")
        guard case .numeric(let age) = try lung.requireColumn("age").data else {
            Issue.record("age is numeric in lung.csv")
            return
        }
        let logAge = zip(age.values, age.missing).map { $0.1 ? nil : Foundation.log($0.0) } as [Double?]
        let table = try Table(columns: lung.columns + [Column(name: "log_age", numeric: logAge)])
        for rest in ["sex", "sex + ph.ecog"] {
            func fit(_ term: String) throws -> CoxResult {
                let formula = try Formula("Surv(time, status) ~ \(term) + \(rest)", dataColumns: table.columnNames)
                return try RowParts.$minimumRowsToSplit.withValue(largeDataPaths ? 2 : Int.max) {
                    try CoxData.$minimumRowsForRadix.withValue(largeDataPaths ? 0 : Int.max) {
                        try CoxModel.fit(formula: formula, table: table, options: CoxOptions())
                    }
                }
            }
            let transformed = try fit("log(age)"), stored = try fit("log_age")
            #expect(transformed.counts.rowsUsed == stored.counts.rowsUsed, "\(rest) rows")
            #expect(transformed.coefficients.map(\.estimate) == stored.coefficients.map(\.estimate), "\(rest) estimates")
            #expect(transformed.coefficients.map(\.standardError) == stored.coefficients.map(\.standardError), "\(rest) SEs")
            #expect(transformed.logLikelihood == stored.logLikelihood, "\(rest) loglik")
        }
    }

    func cox(_ index: Int) throws {
        let f = Self.entries("cox")[index]
        let name = f["name"] as? String ?? ""
        let cluster = f["cluster"] as? String
        let zphExpected = f["zph"] as? [String: Any]
        let options = CoxOptions(ties: CoxTies(rawValue: f["ties"] as? String ?? "") ?? .efron,
                                 cluster: cluster == "NA" ? nil : cluster, proportionalHazardsTest: zphExpected != nil)
        let table = try Self.table(f["data"] as? String ?? "")
        let formula = try Formula(f["formula"] as? String ?? "", dataColumns: table.columnNames)
        let fit = try CoxModel.fit(formula: formula, table: table, options: options)
        #expect(fit.counts.rowsUsed == f["n"] as? Int, "\(name) n")
        #expect(fit.events == f["events"] as? Int, "\(name) events")
        let estimates = Self.numbers(f["estimate"]), ses = Self.numbers(f["std_error"]), naive = Self.numbers(f["naive_std_error"])
        #expect(fit.coefficients.count == estimates.count)
        for (k, c) in fit.coefficients.enumerated() {
            expectClose(c.estimate, estimates[k] ?? .nan, relative: 1e-8, "\(name) \(c.term) estimate")
            expectClose(c.standardError, ses[k] ?? .nan, relative: 1e-8, "\(name) \(c.term) SE")
            if fit.clusters != nil { expectClose(c.naiveStandardError, naive[k] ?? .nan, relative: 1e-8, "\(name) \(c.term) naive SE") }
        }
        let loglik = Self.numbers(f["loglik"])
        expectClose(fit.logLikelihoodNull, loglik[0] ?? .nan, relative: 1e-12, "\(name) null loglik")
        expectClose(fit.logLikelihood, loglik[1] ?? .nan, relative: 1e-12, "\(name) loglik")
        expectClose(fit.likelihoodRatio.statistic, Self.number(f["lr"]) ?? .nan, relative: 1e-10, "\(name) LR")
        expectClose(fit.score.statistic, Self.number(f["score"]) ?? .nan, relative: 1e-10, "\(name) score")
        expectClose(fit.wald.statistic, Self.number(f["wald"]) ?? .nan, relative: 1e-10, "\(name) Wald")
        if let robust = Self.number(f["robust_score"]) {
            expectClose(fit.robustScore?.statistic, robust, relative: 1e-10, "\(name) robust score")
        }
        expectClose(fit.concordance?.value ?? .nan, Self.number(f["concordance"]) ?? .nan, relative: 1e-12, "\(name) concordance")
        if let z = zphExpected {
            let ph = try #require(fit.proportionalHazards)
            let terms = z["terms"] as? [String] ?? []
            let chisq = Self.numbers(z["chisq"]), p = Self.numbers(z["p_value"])
            #expect(ph.rows.map(\.term) == terms.map { $0 == "GLOBAL" ? $0 : $0 }, "\(name) zph terms")
            for (k, row) in ph.rows.enumerated() where k < chisq.count {
                expectClose(row.chisq, chisq[k] ?? .nan, relative: 1e-10, "\(name) zph \(row.term)")
                expectClose(row.pValue, p[k] ?? .nan, relative: 1e-9, "\(name) zph p \(row.term)")
            }
            // Plot points: the transformed times and scaled residuals, compared as sorted sets (tied times are unordered).
            let xs = Self.numbers(z["x"]).map { $0 ?? .nan }.sorted()
            expectClose(ph.transformedTime.sorted(), xs, .absolute(1e-12), "\(name) zph x")
            let y = Self.numbers(z["y"])
            let nev = xs.count
            for t in ph.terms.indices {
                let expected = (0..<nev).compactMap { y[t * nev + $0] }.sorted()
                let actual = ph.scaledResiduals.compactMap { $0[t] }.sorted()
                expectClose(actual, expected, .relative(1e-7), "\(name) zph y \(ph.terms[t])")
            }
        }
    }
}
