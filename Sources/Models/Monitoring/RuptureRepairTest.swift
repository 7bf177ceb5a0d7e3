import DataTable
import Distributions

/// The rupture–repair hypothesis tested on the data (Eubanks, Muran & Safran 2018, Psychotherapy 55, 508–519,
/// summarise it: repaired ruptures go with better outcomes than unrepaired ones, and than no ruptures):
/// OLS of the final symptom score on the client's rupture group (reference: no rupture) adjusted for the intake
/// score, `lm(outcome ~ group + intake)`, with the F test of the group terms against `lm(outcome ~ intake)`
/// (R's `anova(reduced, full)`).
public struct RuptureRepairTest: Sendable {
    public let fit: RegressionResult
    /// Clients in each group among those used.
    public let groupCounts: [(group: RuptureGroup, clients: Int)]
    public let fStatistic: Double
    public let dfNumerator: Int
    public let dfDenominator: Int
    public let pValue: Double

    public static let formula = "outcome ~ group + intake"

    /// `groups`, `intake` and `outcome` per client (nil where unknown). Nil when fewer than two groups have clients
    /// or too few clients remain to fit.
    public init?(groups: [RuptureGroup?], intake: [Double?], outcome: [Double?]) throws(MonitoringError) {
        guard groups.count == intake.count, groups.count == outcome.count else {
            throw .lengthMismatch(detail: "rupture groups, intake and outcome need one value per client")
        }
        var used: [Int] = []
        var counts = [Int](repeating: 0, count: RuptureGroup.allCases.count)
        for i in groups.indices {
            guard let g = groups[i], intake[i] != nil, outcome[i] != nil else { continue }
            used.append(i)
            counts[RuptureGroup.allCases.firstIndex(of: g) ?? 0] += 1
        }
        let present = RuptureGroup.allCases.enumerated().filter { counts[$0.offset] > 0 }.map(\.element)
        guard present.count >= 2, used.count > present.count + 1 else { return nil }
        let levels = present.map(\.rawValue)
        let codes = used.map { i in Int32(groups[i].flatMap { levels.firstIndex(of: $0.rawValue) } ?? -1) }
        let table: Table
        do {
            table = try Table(columns: [
                Column(name: "outcome", numeric: used.map { outcome[$0] }),
                Column(name: "intake", numeric: used.map { intake[$0] }),
                Column(name: "group", data: .categorical(CategoricalColumn(levels: levels, codes: codes))),
            ])
        } catch {
            throw .lengthMismatch(detail: error.description)
        }
        do {
            let full = try Regression.ols(Self.formula, data: table)
            let reduced = try Regression.ols("outcome ~ intake", data: table)
            guard let sFull = full.fit.sigma, let sReduced = reduced.fit.sigma else { return nil }
            let rssFull = sFull * sFull * Double(full.fit.dfResidual)
            let rssReduced = sReduced * sReduced * Double(reduced.fit.dfResidual)
            let df1 = reduced.fit.dfResidual - full.fit.dfResidual
            let df2 = full.fit.dfResidual
            guard df1 > 0, df2 > 0, rssFull > 0 else { return nil }
            let f = ((rssReduced - rssFull) / Double(df1)) / (rssFull / Double(df2))
            self.fit = full
            self.groupCounts = present.map { g in (g, counts[RuptureGroup.allCases.firstIndex(of: g) ?? 0]) }
            self.fStatistic = f
            self.dfNumerator = df1
            self.dfDenominator = df2
            self.pValue = FDistribution(numerator: Double(df1), denominator: Double(df2)).ccdf(f)
        } catch {
            throw .model(error)
        }
    }
}
