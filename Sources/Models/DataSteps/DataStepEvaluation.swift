import DataTable

/// Evaluates `--compute` values and `--filter` conditions over a table. Arithmetic is `NumericExpression`'s,
/// the group functions are `GroupFunctions`' (the same code a formula's `within()`, `between()` and `lag()`
/// run); a row whose inputs are missing gets a missing result.
enum DataStepEvaluation {
    /// Numeric inputs of an expression: the columns' values and the rows where any of them is missing.
    static func inputs(_ names: [String], table: Table, step: String) throws(DataStepInputError) -> (columns: [String: [Double]], missing: [Bool]) {
        var columns: [String: [Double]] = [:]
        var missing = [Bool](repeating: false, count: table.rowCount)
        for name in names {
            let column = try require(name, table: table, step: step)
            guard let numeric = column.numeric else {
                throw DataStepInputError("\(step): column '\(name)' is text, so it cannot enter arithmetic; "
                    + "turn its labels into numbers first with --recode \"\(name): label=number, …\"", isUsage: false)
            }
            columns[name] = numeric.values
            for i in 0..<table.rowCount where numeric.missing[i] { missing[i] = true }
        }
        return (columns, missing)
    }

    static func require(_ name: String, table: Table, step: String) throws(DataStepInputError) -> Column {
        if let c = table.column(named: name) { return c }
        throw DataStepInputError("\(step): no column named '\(name)'" + table.suggestionHint(for: name))
    }

    /// An arithmetic expression on every row: missing where an input is.
    static func evaluate(_ e: NumericExpression, table: Table, step: String) throws(DataStepInputError) -> (values: [Double], missing: [Bool]) {
        let (columns, missing) = try inputs(e.columnNames, table: table, step: step)
        return (e.evaluate(columns: columns, count: table.rowCount), missing)
    }

    /// The value of one `--compute`, with non-finite results (log of 0, division by zero) made missing and
    /// counted, the first one explained.
    static func compute(_ step: ComputeStep, table: Table) throws(DataStepInputError) -> ComputedColumn {
        let label = "--compute \"\(step.text)\""
        for name in step.value.columnNames { _ = try require(name, table: table, step: label) }
        let n = table.rowCount
        var values: [Double]
        var missing: [Bool]
        var repeated: String?   // lag over a group × order on two rows (GroupFunctions.lag finds it)
        switch step.value {
        case .arithmetic(let e):
            (values, missing) = try evaluate(e, table: table, step: label)
        case .group(let g):
            switch g.kind {
            case .lag:
                let lagged: GroupFunctions.Lagged
                do { lagged = try GroupFunctions.lag(g, label: g.label, table: table) } catch {
                    throw DataStepInputError("\(label): \(error)", isUsage: false)
                }
                (values, missing, repeated) = (lagged.values, lagged.missing, lagged.repeatedOrder)
            case .within, .between:
                let (x, xMissing) = try evaluate(g.argument, table: table, step: label)
                let groupName = g.group.columnNames.first ?? ""
                let codes = GroupFunctions.codes(try require(groupName, table: table, step: label), rows: Array(0..<n))
                // The group's mean over its rows with x (dplyr: group_by(g) |> mutate(mean(x, na.rm = TRUE))).
                let means = GroupFunctions.groupMeans(x, codes: zip(codes, xMissing).map { $1 ? -1 : $0 })
                values = [Double](repeating: 0, count: n)
                missing = [Bool](repeating: true, count: n)
                for i in 0..<n where codes[i] >= 0 && codes[i] < means.count && !means[codes[i]].isNaN {
                    if g.kind == .between {
                        values[i] = means[codes[i]]; missing[i] = false
                    } else if !xMissing[i] {
                        values[i] = x[i] - means[codes[i]]; missing[i] = false
                    }
                }
            }
        case .rowSummary(let r):
            var rows = [[Double]](repeating: [], count: n)
            for a in r.arguments {
                let (x, xMissing) = try evaluate(a, table: table, step: label)
                for i in 0..<n where !xMissing[i] { rows[i].append(x[i]) }
            }
            // As R's rowMeans/rowSums(na.rm = TRUE): summed in long double.
            missing = rows.map { $0.count < r.minimum }
            values = (0..<n).map { i in
                missing[i] ? 0 : (r.kind == .mean ? RArithmetic.rowMean(rows[i]) : RArithmetic.sum(rows[i]))
            }
        case .condition(let c):
            // R's as.integer(condition): 1/0, missing where the condition is (three-valued, as --filter reads it).
            let truth = try evaluate(c, table: table, step: label)
            missing = truth.map { $0 == nil }
            values = truth.map { $0 == true ? 1 : 0 }
        }
        var nonFinite = 0
        var firstNonFinite: Int? = nil
        for i in 0..<n where !missing[i] && !values[i].isFinite {
            nonFinite += 1
            if firstNonFinite == nil { firstNonFinite = i }
            missing[i] = true
        }
        var detail: String? = nil
        if let row = firstNonFinite {
            detail = "first at data row \(row + 1): "
            if case .arithmetic(let e) = step.value {
                detail! += e.nonFiniteDetail { name in table.column(named: name)?.numeric?.values[row] ?? .nan }
            } else {
                detail! += "the result is not finite"
            }
        }
        for i in 0..<n where missing[i] { values[i] = 0 }
        return ComputedColumn(column: NumericColumn(values: values, missing: missing), nonFinite: nonFinite, nonFiniteDetail: detail,
                              repeatedOrder: repeated)
    }

    struct ComputedColumn {
        let column: NumericColumn
        let nonFinite: Int
        let nonFiniteDetail: String?
        /// For `lag`: the first two data rows with the same group and order value, in words (nil when none).
        var repeatedOrder: String? = nil
    }

    /// The condition on every row: true, false, or nil (missing).
    static func evaluate(_ condition: RowCondition, table: Table, step: String) throws(DataStepInputError) -> [Bool?] {
        let n = table.rowCount
        switch condition {
        case .isMissing(let name):
            let c = try require(name, table: table, step: step)
            return (0..<n).map { c.isMissing($0) }
        case .not(let a):
            return try evaluate(a, table: table, step: step).map { $0.map { !$0 } }
        case .and(let a, let b):
            let x = try evaluate(a, table: table, step: step), y = try evaluate(b, table: table, step: step)
            // R: FALSE & NA is FALSE; TRUE & NA is NA.
            return (0..<n).map { i in
                if x[i] == false || y[i] == false { return false }
                if let p = x[i], let q = y[i] { return p && q }
                return nil
            }
        case .or(let a, let b):
            let x = try evaluate(a, table: table, step: step), y = try evaluate(b, table: table, step: step)
            return (0..<n).map { i in
                if x[i] == true || y[i] == true { return true }
                if let p = x[i], let q = y[i] { return p || q }
                return nil
            }
        case .compare(let op, .number(let a), .number(let b)):
            let (x, xMissing) = try evaluate(a, table: table, step: step)
            let (y, yMissing) = try evaluate(b, table: table, step: step)
            return (0..<n).map { i -> Bool? in
                if xMissing[i] || yMissing[i] || x[i].isNaN || y[i].isNaN { return nil }
                switch op {
                case .equal: return x[i] == y[i]
                case .notEqual: return x[i] != y[i]
                case .less: return x[i] < y[i]
                case .lessOrEqual: return x[i] <= y[i]
                case .greater: return x[i] > y[i]
                case .greaterOrEqual: return x[i] >= y[i]
                }
            }
        case .compare(let op, .number(let e), .text(let s)), .compare(let op, .text(let s), .number(let e)):
            guard case .column(let name, _, _) = e else {
                throw DataStepInputError("\(step): quoted text \"\(s)\" can only be compared with a text column, as in site == \"\(s)\"")
            }
            let column = try require(name, table: table, step: step)
            guard let c = column.categorical else {
                throw DataStepInputError("\(step): column '\(name)' is numeric; compare it with a number, not quoted text \"\(s)\"")
            }
            guard op == .equal || op == .notEqual else {
                throw DataStepInputError("\(step): text column '\(name)' can be compared only with == or !=")
            }
            let level = c.levels.firstIndex(of: s).map(Int32.init) ?? -2
            return c.codes.map { code -> Bool? in code < 0 ? nil : ((code == level) == (op == .equal)) }
        case .compare(_, .text(let a), .text(let b)):
            throw DataStepInputError("\(step): \"\(a)\" and \"\(b)\" are both quoted text; compare a column with a value")
        }
    }
}
