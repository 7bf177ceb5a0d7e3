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
