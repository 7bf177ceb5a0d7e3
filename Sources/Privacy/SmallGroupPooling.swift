import DataTable

/// Groups for a figure (DESIGN.md §9): a group with fewer than `minimumCell` rows is not shown under its own
/// label; its rows are pooled into one "other (suppressed)" group, which is still drawn (so every row keeps its
/// mark) but never fitted or named, and which takes in the smallest shown groups while it is itself under the rule
/// (complementary pooling). Levels with no rows are left out.
public struct PooledGroups: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public let label: String
        /// Indices into the source table, ascending.
        public let rows: [Int]
        /// True for the pooled small groups.
        public let pooled: Bool
    }

    public static let pooledLabel = "other (suppressed)"

    public let groups: [Group]
    /// Levels pooled into the suppressed group (never printed; counted), those under the rule and the complements.
    public let pooledLevelCount: Int
    /// Of those, the levels at or above the rule that joined the pool so that it reaches the rule (complements).
    public let complementLevelCount: Int

    /// The given `rows` grouped by `factor` (in its level order), levels under `minimumCell` rows pooled last.
    /// Rows where the factor is missing are in no group.
    public init(_ factor: GroupingFactor, rows: [Int], minimumCell: Int) {
        var members = [[Int]](repeating: [], count: factor.levelCount)
        for row in rows where factor.codes[row] >= 0 { members[Int(factor.codes[row])].append(row) }
        var shown: [Group] = []
        var pooled: [Int] = []
        var pooledLevels = 0
        for (level, rowsOfLevel) in zip(factor.levels, members) where !rowsOfLevel.isEmpty {
            if rowsOfLevel.count >= minimumCell {
                shown.append(Group(label: level, rows: rowsOfLevel, pooled: false))
            } else {
                pooled += rowsOfLevel
                pooledLevels += 1
            }
        }
        // Complementary pooling: a pool still under the rule would be given away by the total minus the shown groups
        // (a histogram's 60 values beside groups of 30 and 25: a pooled group of 5; session 21), so the smallest shown
        // groups join it until it reaches the rule, as `describe --by` hides a complement.
        var complements = 0
        while !pooled.isEmpty && pooled.count < minimumCell,
              let smallest = shown.indices.min(by: { (shown[$0].rows.count, -$0) < (shown[$1].rows.count, -$1) }) {
            pooled += shown.remove(at: smallest).rows
            pooledLevels += 1
            complements += 1
        }
        if !pooled.isEmpty {
            shown.append(Group(label: Self.pooledLabel, rows: pooled.sorted(), pooled: true))
        }
        groups = shown
        pooledLevelCount = pooledLevels
        complementLevelCount = complements
    }

    /// One unpooled group, labelled `all`, of every given row (a figure without groups).
    public init(all rows: [Int]) {
        groups = [Group(label: "all", rows: rows, pooled: false)]
        pooledLevelCount = 0
        complementLevelCount = 0
    }
}
