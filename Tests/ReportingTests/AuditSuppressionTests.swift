import Testing
@testable import Privacy
@testable import Reporting

/// The audit's small-cell rule (`ShownGroups`) checked by the privacy layer's linear audit: no hidden therapist's
/// count follows from what the audit publishes (each shown group, the total, and the pooled hidden groups when
/// they are shown).
@Suite struct AuditSuppressionTests {
    /// Indices of the entries a reader can solve for: the groups, then the total, then the pooled group.
    static func disclosed(_ sizes: [Int], minimumCell: Int) -> (groups: ShownGroups, determined: [Int]) {
        let groups = ShownGroups(sizes: sizes, minimumCell: minimumCell)
        let m = sizes.count
        var hidden = sizes.indices.map { groups.hidden.contains($0) }
        hidden += [false, !groups.pooledShown]
        var lines = [Array(0..<m) + [m]]
        if groups.pooledShown { lines.append(groups.hidden + [m + 1]) }
        return (groups, LinearDisclosureAudit.exactlyDetermined(hidden: hidden, lines: lines).filter { $0 < m })
    }

    @Test(arguments: [
        [30, 5, 40, 12],          // one small group: a second is hidden with it, and the two are pooled (17 ≥ 11)
        [30, 5, 40, 12, 3],       // two small groups, pooled 8 < 11: not shown
        [30, 40, 50],             // nothing to hide
        [4, 4, 4],                // everything hidden
        [11, 10, 0, 25],          // a zero is not a small cell
    ])
    func noHiddenGroupIsDetermined(sizes: [Int]) {
        let (groups, determined) = Self.disclosed(sizes, minimumCell: 11)
        #expect(determined.isEmpty)
        for i in groups.shown { #expect(sizes[i] >= 11) }
        #expect(groups.hidden.count != 1)
        if groups.pooledShown { #expect(groups.hidden.reduce(0) { $0 + sizes[$1] } >= 11) }
    }

    @Test func oneSmallGroupTakesAComplement() {
        let groups = ShownGroups(sizes: [30, 5, 40, 12], minimumCell: 11)
        #expect(groups.hidden == [1, 3])
        #expect(groups.shown == [0, 2])
        #expect(groups.pooledShown)
    }
}

/// The audit's rates (`AuditRateSuppression`): a rate is a count x and its complement n − x with the denominator n
/// as total, and the parts of a table add up to its overall row. Checked with the privacy layer's linear audit on
/// the full set of lines (each part's x + (n − x) = n, each column's parts = the overall entry): no hidden count
/// under the minimum is determined, and nothing published is in 1..<k.
@Suite struct AuditRateSuppressionTests {
    struct Case {
        var n: [Int]
        var x: [Int]
        var unpublished: [Bool]
    }

    /// Entries per part p: n = 3p, x = 3p + 1, y = 3p + 2; the overall row last.
    static func check(_ c: Case, k: Int = 11, sourceLocation: SourceLocation = #_sourceLocation) {
        let parts = c.n.count
        let overallN = c.n.reduce(0, +), overallX = c.x.reduce(0, +)
        let s = AuditRateSuppression(denominators: [c.n], overallDenominators: [overallN],
                                     metrics: [.init(denominator: 0, numerators: c.x, overall: overallX)],
                                     unpublished: c.unpublished, minimumCell: k)
        var values: [Int] = [], hidden: [Bool] = []
        for p in 0..<parts {
            let nHidden = c.unpublished[p] || s.denominatorHidden[0][p]
            let rateHidden = c.unpublished[p] || s.metricHidden[0][p] != nil
            values += [c.n[p], c.x[p], c.n[p] - c.x[p]]
            hidden += [nHidden, rateHidden, rateHidden]
            if !nHidden { #expect(c.n[p] == 0 || c.n[p] >= k, "part \(p) n", sourceLocation: sourceLocation) }
            if !rateHidden {
                #expect(!nHidden, sourceLocation: sourceLocation)
                #expect(c.x[p] == 0 || c.x[p] >= k, "part \(p) x", sourceLocation: sourceLocation)
                #expect(c.n[p] - c.x[p] == 0 || c.n[p] - c.x[p] >= k, "part \(p) n − x", sourceLocation: sourceLocation)
            }
        }
        let o = 3 * parts
        let overallRateHidden = s.overallMetricHidden[0] != nil
        values += [overallN, overallX, overallN - overallX]
        hidden += [s.overallDenominatorHidden[0], overallRateHidden, overallRateHidden]
        var lines = (0..<parts).map { [3 * $0 + 1, 3 * $0 + 2, 3 * $0] } + [[o + 1, o + 2, o]]
        for column in 0..<3 { lines.append((0..<parts).map { 3 * $0 + column } + [o + column]) }
        let determined = LinearDisclosureAudit.exactlyDetermined(hidden: hidden, lines: lines)
        for entry in determined {
            #expect(!(values[entry] >= 1 && values[entry] < k), "entry \(entry) = \(values[entry]) is determined", sourceLocation: sourceLocation)
        }
    }

    @Test func smallDenominatorAndSmallCountsAreHiddenWithComplements() {
        // The tester's cell: 3 at caseness, 1 recovered; two ordinary cells beside it.
        let c = Case(n: [3, 40, 48], x: [1, 20, 24], unpublished: [false, false, false])
        let s = AuditRateSuppression(denominators: [c.n], overallDenominators: [91],
                                     metrics: [.init(denominator: 0, numerators: c.x, overall: 45)], unpublished: c.unpublished, minimumCell: 11)
        #expect(s.denominatorHidden[0] == [true, true, false])
        #expect(s.metricHidden[0] == [.denominator, .denominator, nil])
        #expect(s.overallMetricHidden[0] == nil)
        Self.check(c)
    }

    @Test func aSmallComplementHidesTheRate() {
        // 12 of 14 is 2 who did not: hidden, and another part with it.
        let s = AuditRateSuppression(denominators: [[14, 30, 40]], overallDenominators: [84],
                                     metrics: [.init(denominator: 0, numerators: [12, 12, 20], overall: 44)],
                                     unpublished: [false, false, false], minimumCell: 11)
        #expect(s.denominatorHidden[0] == [false, false, false])
        #expect(s.metricHidden[0] == [.numerator, .numerator, nil])
    }

    @Test func ordinaryPartsAreUntouched() {
        let s = AuditRateSuppression(denominators: [[30, 40, 50]], overallDenominators: [120],
                                     metrics: [.init(denominator: 0, numerators: [0, 20, 50], overall: 70)],
                                     unpublished: [false, false, false], minimumCell: 11)
        #expect(s.metricHidden[0] == [nil, nil, nil])
        #expect(s.denominatorHidden[0] == [false, false, false])
    }

    @Test func randomTablesDiscloseNoSmallCount() {
        var rng = SplitMix(seed: 2026)
        for _ in 0..<300 {
            let parts = 1 + Int(rng.next() % 6)
            var c = Case(n: [], x: [], unpublished: [])
            for _ in 0..<parts {
                let n = Int(rng.next() % 40)
                c.n.append(n)
                c.x.append(n == 0 ? 0 : Int(rng.next() % UInt64(n + 1)))
                c.unpublished.append(rng.next() % 5 == 0)
            }
            Self.check(c)
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
