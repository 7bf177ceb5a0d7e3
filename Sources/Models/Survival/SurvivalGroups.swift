import DataTable

/// Groups of rows for `--by`, `--strata`, `strata()` and `--cluster`: the levels present among the rows used, in
/// R's factor order (numbers numerically, text in sorted order), several columns combined as `interaction()` labels.
public struct SurvivalGroups: Sendable, Equatable {
    public let name: String
    public let levels: [String]
    /// A code 0..<levels.count per used row.
    public let codes: [Int]

    public init(columns: [Column], rows: [Int]) {
        var labels = [[String]](repeating: [], count: rows.count)
        var names: [String] = []
        for column in columns {
            names.append(column.name)
            let factor = GroupingFactor(column)
            for (k, row) in rows.enumerated() { labels[k].append(factor.levels[Int(factor.codes[row])]) }
        }
        // Order of each column's levels, to sort the combinations as R orders a factor.
        let orders: [[String: Int]] = columns.map { column in
            let factor = GroupingFactor(column)
            let sorted: [String]
            if column.numeric != nil { sorted = factor.levels } else { sorted = factor.levels.sorted(by: CategoricalColumn.levelOrder) }
            var index: [String: Int] = [:]
            for (k, level) in sorted.enumerated() { index[level] = k }
            return index
        }
        var present: [[String]] = Array(Set(labels)).sorted { a, b in
            for (c, (x, y)) in zip(a, b).enumerated() where x != y { return (orders[c][x] ?? 0) < (orders[c][y] ?? 0) }
            return false
        }
        if present.isEmpty { present = [] }
        var codeOf: [[String]: Int] = [:]
        for (k, level) in present.enumerated() { codeOf[level] = k }
        self.name = names.joined(separator: ":")
        self.levels = present.map { $0.joined(separator: ".") }
        self.codes = labels.map { codeOf[$0] ?? 0 }
    }
}
