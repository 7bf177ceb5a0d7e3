import DataTable

/// The group functions of formulas (`GroupFunction`): group means over the rows a model uses, and lags
/// within groups over the data's rows.
enum GroupFunctions {
    /// One code per row for a grouping column: a text column's level codes, a numeric column's distinct
    /// values (equal values, equal codes); -1 where the value is missing.
    static func codes(_ column: Column, rows: [Int]) -> [Int] {
        codes(column.subset(rows: rows))
    }

    /// `codes(_:rows:)` of a column already on the rows wanted.
    static func codes(_ column: Column) -> [Int] {
        // The one grouping type (DataTable's GroupingFactor): text by level, numbers by value (+0 and -0 are one
        // group, as R's factor() makes them).
        GroupingFactor(column).codes.map { Int($0) }
    }

    /// Per-row mean of x over its group, as R's `ave(x, g)`: each group's mean as R's `mean()` computes it
    /// (the sum divided by the count, then corrected by the mean of the residuals).
    static func between(_ x: [Double], codes: [Int]) -> [Double] {
        let mean = groupMeans(x, codes: codes)
        return codes.map { $0 >= 0 ? mean[$0] : .nan }
    }

    /// The mean of x in each group 0…max(codes) over the rows whose code is not negative (NaN for a group
    /// with no such row), as R's `mean()` computes it.
    static func groupMeans(_ x: [Double], codes: [Int]) -> [Double] {
        let groups = (codes.max() ?? -1) + 1
        var count = [Int](repeating: 0, count: groups)
        var sum = [Double](repeating: 0, count: groups)
        for (v, g) in zip(x, codes) where g >= 0 { sum[g] += v; count[g] += 1 }
        var mean = (0..<groups).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : .nan }
        var correction = [Double](repeating: 0, count: groups)
        for (v, g) in zip(x, codes) where g >= 0 { correction[g] += v - mean[g] }
        for g in 0..<groups where count[g] > 0 && mean[g].isFinite { mean[g] += correction[g] / Double(count[g]) }
        return mean
    }

    /// x minus its group mean.
    static func within(_ x: [Double], codes: [Int]) -> [Double] {
        zip(x, between(x, codes: codes)).map { $0 - $1 }
    }

    /// A lag over all rows of the data: the value (meaningful where not missing) and whether it is missing.
    struct Lagged: Sendable {
        var values: [Double]
        var missing: [Bool]
        /// The first group × order value on two rows (a session entered twice), in words; nil when none.
        var repeatedOrder: String? = nil
    }

    /// `lag(x, g, order)` on every row of the table, as dplyr's `lag()` after `arrange(order)` and
    /// `group_by(g)`: rows sorted by group, then order, then row number (arrange is stable, so ties keep
    /// the data's order); each row takes x of the row before it in its group. Missing where the row is first
    /// in its group, where that previous row's x is missing, and where the row's own g or order is missing
    /// (such rows belong to no sequence).
    static func lag(_ g: GroupFunction, label: String, table: Table) throws(ModelError) -> Lagged {
        let n = table.rowCount
        var inputs: [String: [Double]] = [:]
        var xMissing = [Bool](repeating: false, count: n)
        for name in g.argument.columnNames {
            guard let column = table.column(named: name) else { throw .numerical("column \(name) vanished") }
            guard let numeric = column.numeric else { throw .nonNumericVariable(variable: label, column: name) }
            inputs[name] = numeric.values
            for i in 0..<n where numeric.missing[i] { xMissing[i] = true }
        }
        let x = g.argument.evaluate(columns: inputs, count: n)
        guard let orderVariable = g.order, let orderName = orderVariable.columnNames.first,
              let orderColumn = table.column(named: orderName),
              let groupColumn = table.column(named: g.group.columnNames.first ?? "") else {
            throw .numerical("the columns of \(label) vanished")
        }
        guard let order = orderColumn.numeric else {
            throw .invalidVariable(variable: label, detail: "the order column '\(orderName)' must be numeric (e.g. a session number)")
        }
        let codes = codes(groupColumn, rows: Array(0..<n))
        var sequence = (0..<n).filter { codes[$0] >= 0 && !order.missing[$0] }
        sequence.sort { a, b in
            if codes[a] != codes[b] { return codes[a] < codes[b] }
            if order.values[a] != order.values[b] { return order.values[a] < order.values[b] }
            return a < b
        }
        var values = [Double](repeating: .nan, count: n)
        var missing = [Bool](repeating: true, count: n)
        var repeated: (earlier: Int, later: Int)?
        for k in sequence.indices.dropFirst() {
            let row = sequence[k], before = sequence[k - 1]
            guard codes[row] == codes[before] else { continue }
            // Ties in the order sit next to each other in row order; name the pair completed first in the data.
            if order.values[row] == order.values[before], row < (repeated?.later ?? n) { repeated = (before, row) }
            guard !xMissing[before] else { continue }
            values[row] = x[before]
            missing[row] = false
        }
        return Lagged(values: values, missing: missing,
                      repeatedOrder: repeated.map { repeatedOrderWords($0.earlier, $0.later, g: g, order: order.values[$0.later]) })
    }

    /// A group × order pair on two rows: lag takes one as the other's previous row, by row order as dplyr does, where
    /// survival-data, track and ruptures refuse the data. Said by transform and by a fit formula alike.
    static func repeatedOrderWords(_ earlier: Int, _ later: Int, g: GroupFunction, order x: Double) -> String {
        let groupName = g.group.columnNames.first ?? "", orderName = g.order?.columnNames.first ?? ""
        let shown = x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
        return "data rows \(earlier + 1) and \(later + 1) have the same \(groupName) and \(orderName) (\(shown)): "
            + "lag takes the earlier row as the later one's previous row (as dplyr does); keep one row per \(groupName) and \(orderName)"
    }

    /// A lag's values over the used rows; a non-finite value (e.g. log(0) at the previous row) is an error.
    static func usedValues(_ lag: Lagged, label: String, rows: UsedRows) throws(ModelError) -> [Double] {
        let out = rows.map { lag.values[$0] }
        if let k = out.firstIndex(where: { !$0.isFinite }) {
            throw .invalidTransform(variable: label, row: rows[k], detail: "the lagged value \(out[k]) is not finite")
        }
        return out
    }
}
