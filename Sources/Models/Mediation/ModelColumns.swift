import DataTable

/// The numeric columns of a PROCESS-style model over the rows complete on all of them (and on the cluster
/// column): one listwise deletion for every equation, as PROCESS does, so all paths come from the same rows.
struct ModelColumns {
    /// values[name]: the column over the complete rows.
    let values: [String: [Double]]
    /// Source-table indices of the rows used.
    let rows: [Int]
    let counts: DataCounts
    /// Cluster codes 0..<clusterCount over the rows used (nil without a cluster column).
    let clusterCodes: [Int]?
    let clusterLevels: [String]

    /// A text column none of whose labels is a number (site: east/north/south) is a set of categories, not numbers
    /// spoiled by a stray value: say so, with the regression that takes categories (nil for other text columns and for
    /// value-labelled ones, whose message names --codes).
    static func categoryError(_ column: Column, role: String, variables: [(role: String, name: String)]) -> ModelError? {
        guard let categorical = column.categorical, column.valueLabelHint() == nil,
              !categorical.levels.isEmpty, categorical.levels.allSatisfy({ Double($0) == nil }) else { return nil }
        // A categorical moderator is an interaction with treatment contrasts, which `fit` takes directly.
        var interaction: String?
        if role.contains("moderator"), let x = variables.first(where: { $0.role == "X" })?.name,
           let y = variables.first(where: { $0.role == "Y" })?.name {
            interaction = "\(y) ~ \(x) * \(column.name)"
        }
        return .categoricalInNumericRole(role: role, column: column.name, levels: categorical.levels, interaction: interaction)
    }

    init(table: Table, variables: [(role: String, name: String)], cluster: String?) throws(ModelError) {
        var columns: [(String, NumericColumn)] = []
        for (role, name) in variables {
            guard let column = table.column(named: name) else {
                throw .unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 0)
            }
            guard let numeric = column.numeric else {
                if let categories = Self.categoryError(column, role: role, variables: variables) {
                    throw categories
                }
                throw .invalidVariable(variable: name, detail: "the \(role) must be a numeric column, but '\(name)' holds text\(column.nonNumericClause()); "
                    + "fix a stray value (a decimal comma, a word) or declare it missing with --na, or code it as numbers first (e.g. 0/1 with `alliance transform --recode`)")
            }
            columns.append((name, numeric))
        }
        var clusterFactor: GroupingFactor?
        if let cluster {
            guard let column = table.column(named: cluster) else {
                throw .unknownColumn(name: cluster, suggestions: table.nearestNames(to: cluster), formula: nil, offset: nil, length: 0)
            }
            clusterFactor = GroupingFactor(column)
        }
        let n = table.rowCount
        var used: [Int] = []
        used.reserveCapacity(n)
        for r in 0..<n {
            if columns.contains(where: { $0.1.missing[r] || !$0.1.values[r].isFinite }) { continue }
            if let f = clusterFactor, f.codes[r] < 0 { continue }
            used.append(r)
        }
        guard !used.isEmpty else {
            throw .noCompleteRows(rowsRead: n, columns: variables.map(\.name) + (cluster.map { [$0] } ?? []))
        }
        var values: [String: [Double]] = [:]
        for (name, column) in columns where values[name] == nil { values[name] = used.map { column.values[$0] } }
        self.values = values
        self.rows = used
        self.counts = DataCounts(rowsRead: n, rowsUsed: used.count)
        if let f = clusterFactor, let cluster {
            var dense: [Int32: Int] = [:]
            var levels: [String] = []
            var codes: [Int] = []
            codes.reserveCapacity(used.count)
            for r in used {
                let c = f.codes[r]
                if let k = dense[c] { codes.append(k) } else {
                    dense[c] = levels.count
                    codes.append(levels.count)
                    levels.append(f.levels[Int(c)])
                }
            }
            guard levels.count >= 2 else { throw .clusterTooFew(column: cluster, clusters: levels.count) }
            self.clusterCodes = codes
            self.clusterLevels = levels
        } else {
            self.clusterCodes = nil
            self.clusterLevels = []
        }
    }

    func column(_ name: String) -> [Double] { values[name] ?? [] }
}
