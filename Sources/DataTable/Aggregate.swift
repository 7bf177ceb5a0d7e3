/// `alliance aggregate`: one row per group of `by` (groups sorted, as dplyr's `group_by`), with per-group
/// statistics of columns named `COL_mean`, `COL_first`, `COL_last`, `COL_min`, `COL_max`, `COL_slope`, and
/// the group's row count `n`. Missing values are skipped (`na.rm = TRUE`); first and last are the first and
/// last non-missing values in `order` (ties in the data's row order, as dplyr's stable `arrange`); the slope
/// is the least-squares slope of the column on `order` (R's `coef(lm(y ~ order))[2]`), missing with fewer than
/// two distinct order values.
public struct Aggregation: Sendable, Equatable {
    public enum Statistic: String, Sendable, CaseIterable {
        case mean, first, last, min, max, slope
    }

    public let by: String
    public let order: String?
    /// Requested statistics in output order.
    public let statistics: [(statistic: Statistic, column: String)]
    public let count: Bool

    public init(by: String, order: String?, statistics: [(statistic: Statistic, column: String)], count: Bool) {
        self.by = by
        self.order = order
        self.statistics = statistics
        self.count = count
    }

    public static func == (a: Aggregation, b: Aggregation) -> Bool {
        a.by == b.by && a.order == b.order && a.count == b.count
            && a.statistics.map { "\($0.statistic.rawValue):\($0.column)" } == b.statistics.map { "\($0.statistic.rawValue):\($0.column)" }
    }

    public struct Result: Sendable {
        public let table: Table
        public let rowsIn: Int
        public let groups: Int
        /// Rows left out because `by` was missing.
        public let droppedMissingBy: Int
        /// Rows with a missing `order`, left out of first, last and slope.
        public let missingOrder: Int
    }

    public func apply(to table: Table) throws(DataStepInputError) -> Result {
        let byColumn = try Reshape.require(by, table, "--by")
        guard !statistics.isEmpty || count else {
            throw DataStepInputError("nothing to compute: give --mean, --first, --last, --min, --max, --slope or --count")
        }
        var orderValues: NumericColumn? = nil
        if let order {
            guard let c = try Reshape.require(order, table, "--order").numeric else {
                throw DataStepInputError("--order column '\(order)' must be numeric (e.g. a session number)", isUsage: false)
            }
            orderValues = c
        } else if statistics.contains(where: { $0.statistic == .slope }) {
            throw DataStepInputError("--slope needs --order COL (the time the slope is over, e.g. --order session)")
        }
        let factor = GroupingFactor(byColumn)
        var rowsByGroup = factor.rowsByLevel()
        let missingOrder = orderValues?.missingCount ?? 0
        var orderedRows = rowsByGroup
        if let o = orderValues {
            for g in orderedRows.indices {
                orderedRows[g] = orderedRows[g].filter { !o.missing[$0] }
                orderedRows[g].sort { o.values[$0] != o.values[$1] ? o.values[$0] < o.values[$1] : $0 < $1 }
            }
        }
        let groupCount = factor.levelCount
        var firstRows = rowsByGroup.map { $0.first ?? 0 }
        if groupCount == 0 { firstRows = [] }
        var columns = [byColumn.subset(rows: firstRows)]
        var names = Set([by])
        for (statistic, name) in statistics {
            let source = try Reshape.require(name, table, "--\(statistic.rawValue)")
            let outName = "\(name)_\(statistic.rawValue)"
            guard names.insert(outName).inserted else { continue }
            switch statistic {
            case .first, .last:
                let picked = orderedRows.map { rows -> Int in
                    let present = statistic == .first ? rows.first { !source.isMissing($0) } : rows.last { !source.isMissing($0) }
                    return present ?? -1
                }
                columns.append(Reshape.gather(source, rows: picked, name: outName))
            case .mean, .min, .max, .slope:
                guard let y = source.numeric else {
                    throw DataStepInputError("--\(statistic.rawValue) \(name): column '\(name)' is text; only --first and --last take text columns", isUsage: false)
                }
                let rows = statistic == .slope ? orderedRows : rowsByGroup
                let values: [Double?] = rows.map { rows in
                    let present = rows.filter { !y.missing[$0] }
                    switch statistic {
                    case .mean: return Self.mean(present.map { y.values[$0] })
                    case .min: return present.map { y.values[$0] }.min()
                    case .max: return present.map { y.values[$0] }.max()
                    default: return Self.slope(x: present.map { orderValues?.values[$0] ?? 0 }, y: present.map { y.values[$0] })
                    }
                }
                columns.append(Column(name: outName, numeric: values))
            }
        }
        if count {
            guard names.insert("n").inserted else { throw DataStepInputError("--count names its column 'n', which --by already uses") }
            columns.append(Column(name: "n", numeric: rowsByGroup.map { Double($0.count) }))
        }
        rowsByGroup.removeAll()
        let out: Table
        do { out = try Table(columns: columns, source: table.source) } catch {
            throw DataStepInputError("the aggregate table cannot be built: \(error.description)", isUsage: false)
        }
        return Result(table: out, rowsIn: table.rowCount, groups: groupCount, droppedMissingBy: factor.missingCount,
                      missingOrder: order == nil ? 0 : missingOrder)
    }

    /// R's `mean()`; nil for no values.
    static func mean(_ x: [Double]) -> Double? { RArithmetic.mean(x) }

    /// The least-squares slope of y on x by centred sums; nil with fewer than two distinct x.
    static func slope(x: [Double], y: [Double]) -> Double? {
        guard x.count >= 2, let mx = mean(x), let my = mean(y) else { return nil }
        var sxx = 0.0, sxy = 0.0
        for i in x.indices {
            let dx = x[i] - mx
            sxx += dx * dx
            sxy += dx * (y[i] - my)
        }
        guard sxx > 0 else { return nil }
        return sxy / sxx
    }
}
