import DataTable
import Testing
@testable import Privacy

@Suite struct PooledGroupsTests {
    /// Levels under the minimum are pooled last as one group of their rows (ascending); levels without any of the
    /// given rows are left out; rows whose group is missing are in no group.
    @Test func smallLevelsArePooledLast() {
        // a: rows 0, 3, 5, 7 · b: row 1 · c: rows 2, 6 · d: row 9 (not among the given rows) · row 4, 8 missing.
        let factor = GroupingFactor(Column(name: "g", categorical: ["a", "b", "c", "a", nil, "a", "c", "a", nil, "d"]))
        let pooled = PooledGroups(factor, rows: Array(0..<9), minimumCell: 3)
        #expect(pooled.groups.map(\.label) == ["a", PooledGroups.pooledLabel])
        #expect(pooled.groups[0] == PooledGroups.Group(label: "a", rows: [0, 3, 5, 7], pooled: false))
        #expect(pooled.groups[1].rows == [1, 2, 6] && pooled.groups[1].pooled)
        #expect(pooled.pooledLevelCount == 2)
    }

    @Test func nothingPooledAtTheMinimum() {
        let factor = GroupingFactor(Column(name: "g", categorical: ["x", "y", "x", "y"]))
        let pooled = PooledGroups(factor, rows: [0, 1, 2, 3], minimumCell: 2)
        #expect(pooled.groups.map(\.label) == ["x", "y"])
        #expect(pooled.pooledLevelCount == 0)
        #expect(PooledGroups(all: [4, 7]).groups == [PooledGroups.Group(label: "all", rows: [4, 7], pooled: false)])
    }

    /// A pool still under the rule takes in the smallest shown group (complementary pooling): with groups of 30, 25
    /// and 5 the pooled 5 followed from the total minus 30 and 25 (session 21).
    @Test func aPoolUnderTheRuleTakesInTheSmallestShownGroup() {
        let labels = Array(repeating: "north", count: 30) + Array(repeating: "south", count: 25) + Array(repeating: "east", count: 5)
        let factor = GroupingFactor(Column(name: "site", categorical: labels))
        let pooled = PooledGroups(factor, rows: Array(0..<60), minimumCell: 11)
        #expect(pooled.groups.map(\.label) == ["north", PooledGroups.pooledLabel])
        #expect(pooled.groups[1].rows.count == 30 && pooled.groups[1].pooled)
        #expect(pooled.pooledLevelCount == 2 && pooled.complementLevelCount == 1)
        // A pool already at the rule takes nothing more.
        let two = GroupingFactor(Column(name: "g", categorical: Array(repeating: "a", count: 20) + ["b", "c"] + Array(repeating: "d", count: 9)))
        #expect(PooledGroups(two, rows: Array(0..<31), minimumCell: 11).groups.map(\.rows.count) == [20, 11])
    }
}
