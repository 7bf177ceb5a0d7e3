/// Long ↔ wide reshaping with tidyr's semantics: `pivot_wider(id_cols, names_from = time, values_from,
/// names_sep = "_", names_sort = TRUE)` and `pivot_longer(names_pattern = "^(stub)(.*)$", names_to =
/// c(".value", time))`.
public enum Reshape {
    /// Limits no real session-level data reaches: times per id, and id × time cells per spread column.
    public static let maximumTimes = 10_000
    public static let maximumCells = 50_000_000

    public struct WideResult: Sendable {
        public let table: Table
        public let rowsIn: Int
        /// Columns kept once per id (constant within every id), besides the id.
        public let carried: [String]
        /// Columns spread into one column per time.
        public let spread: [String]
        /// The time values, in order, as they appear in the new names.
        public let times: [String]
        /// Rows left out because the id or the time was missing.
        public let droppedMissingKey: Int
    }

    /// One row per id (in order of first appearance), a column `VAR_TIME` per spread column and time (times
    /// sorted: numbers ascending, text in code-point order). `values` names the columns to spread; nil spreads
    /// every column that varies within an id and carries the others once. Two rows with the same id and time
    /// are an error naming both rows.
    public static func wide(_ table: Table, id: String, time: String, values: [String]?) throws(DataStepInputError) -> WideResult {
        let idColumn = try require(id, table, "--id")
        let timeColumn = try require(time, table, "--time")
        guard id != time else { throw DataStepInputError("--id and --time name the same column '\(id)'") }
        let ids = GroupingFactor(idColumn)
        let times = GroupingFactor(timeColumn)
        let usable = (0..<table.rowCount).filter { ids.codes[$0] >= 0 && times.codes[$0] >= 0 }
        // Ids in order of first appearance (pivot_wider keeps the data's order of id_cols).
        var idOrder: [Int32] = []
        var firstRow: [Int] = []
        var idIndex = [Int](repeating: -1, count: ids.levelCount)
        for r in usable where idIndex[Int(ids.codes[r])] < 0 {
            idIndex[Int(ids.codes[r])] = idOrder.count
            idOrder.append(ids.codes[r])
            firstRow.append(r)
        }
        let usedTimes = times.subset(rows: usable).droppingUnusedLevels()
        var timeIndex = [Int](repeating: -1, count: times.levelCount)
        var levelIndex: [String: Int] = [:]
        for (t, label) in times.levels.enumerated() { levelIndex[label] = t }
        for (k, label) in usedTimes.levels.enumerated() { if let t = levelIndex[label] { timeIndex[t] = k } }
        // Cell (id, time) → row; a second row for the same cell is refused.
        let width = usedTimes.levelCount
        // A continuous column given as --time (or ids and times that barely repeat) would make a table of
        // ids × times cells, nearly all empty: refuse it before allocating.
        guard width <= Self.maximumTimes, idOrder.count * width <= Self.maximumCells else {
            throw DataStepInputError("--time '\(time)' has \(width) distinct values across \(idOrder.count) values of '\(id)': "
                + "the wide table would have \(idOrder.count) × \(width) cells per variable (limits: \(Self.maximumTimes) times, "
                + "\(Self.maximumCells) cells); is '\(time)' the session number?", isUsage: false)
        }
        var cell = [Int](repeating: -1, count: idOrder.count * width)
        for r in usable {
            let slot = idIndex[Int(ids.codes[r])] * width + timeIndex[Int(times.codes[r])]
            if cell[slot] >= 0 {
                throw DataStepInputError("'\(id)' × '\(time)' is not unique: data rows \(cell[slot] + 1) and \(r + 1) "
                    + "(file lines \(cell[slot] + 2) and \(r + 2)) have the same \(id) and \(time); "
                    + "aggregate them first (alliance aggregate) or fix the data", isUsage: false)
            }
            cell[slot] = r
        }
        let others = table.columnNames.filter { $0 != id && $0 != time }
        let spread: [String]
        if let values {
            for v in values { _ = try require(v, table, "--values") }
            spread = others.filter { values.contains($0) }
        } else {
            spread = others.filter { !constantWithinGroups(table.column(named: $0)!, ids.codes) }
        }
        let carried = others.filter { !spread.contains($0) }
        for name in carried where !constantWithinGroups(table.column(named: name)!, ids.codes) {
            throw DataStepInputError("column '\(name)' varies within \(id) but is not among --values; add it to --values or --drop it first")
        }
        var columns = [idColumn.subset(rows: firstRow)]
        for name in carried { columns.append(table.column(named: name)!.subset(rows: firstRow)) }
        for name in spread {
            let source = table.column(named: name)!
            for (t, label) in usedTimes.levels.enumerated() {
                let rows = (0..<idOrder.count).map { cell[$0 * width + t] }
                columns.append(gather(source, rows: rows, name: "\(name)_\(label)"))
            }
        }
        let out: Table
        do { out = try Table(columns: columns, source: table.source) } catch {
            throw DataStepInputError("the wide table cannot be built: \(error.description); rename the clashing column first", isUsage: false)
        }
        return WideResult(table: out, rowsIn: table.rowCount, carried: carried, spread: spread, times: usedTimes.levels,
                          droppedMissingKey: table.rowCount - usable.count)
    }

    public struct LongResult: Sendable {
        public let table: Table
        public let rowsIn: Int
        /// Each stub's variable name and the wide columns it gathered.
        public let variables: [(name: String, columns: [String])]
        public let times: [String]
        /// Columns a stub matched but did not gather (a suffix that is not a time beside ones that are).
        public let warnings: [String]
    }

    /// One row per input row and time: the columns matched by no stub (id columns), `time`, then one column per
    /// stub (`phq_` → `phq`). Times are the suffixes in order of first appearance, without a leading `_` or `.`
    /// (`--stub phq` on phq_1, phq_2 gives 1, 2); a time is numeric when every suffix is a number. Where some of a
    /// stub's suffixes are numbers, the others (phq_total) are not gathered but kept, with a warning. A stub missing at a time gives a missing value (as pivot_longer fills NA).
    public static func long(_ table: Table, id: String, stubs: [String], time: String) throws(DataStepInputError) -> LongResult {
        let idColumn = try require(id, table, "--id")
        guard !stubs.isEmpty else { throw DataStepInputError("--long needs --stub, e.g. --stub phq_,wai_") }
        var matches = [[(time: String, column: Int)]](repeating: [], count: stubs.count)
        var claimed = Set<Int>()
        var warnings: [String] = []
        // Longer stubs claim their columns first: with `--stub phq,phq_total`, phq_total_1 belongs to phq_total, not
        // to phq at time "total_1". The output keeps the order given.
        for s in stubs.indices.sorted(by: { (stubs[$0].count, $1) > (stubs[$1].count, $0) }) {
            let stub = stubs[s]
            guard !stub.isEmpty else { throw DataStepInputError("--stub has an empty entry") }
            // `--stub phq` on phq_1, phq_2: the separator `--wide` writes is not part of the time (R's reshape(sep = "_"),
            // tidyr's names_sep), so the times are 1, 2 as with `--stub phq_`, not the text "_1", "_2".
            var found: [(String, Int)] = table.columnNames.enumerated().compactMap { k, name in
                guard name.hasPrefix(stub) && name.count > stub.count && !claimed.contains(k) else { return nil }
                let suffix = name.dropFirst(stub.count)
                let separated = (suffix.first == "_" || suffix.first == ".") && suffix.count > 1
                return (String(separated ? suffix.dropFirst() : suffix), k)
            }
            guard !found.isEmpty else {
                throw DataStepInputError("--stub '\(stub)' matches no column (wide columns are named STUB followed by the time, e.g. \(stub)3)")
            }
            // Where some suffixes are times (numbers), a column such as phq_total beside phq_1, phq_2 is not one: it is
            // kept as a column of its own (carried to every row of its id), with a warning, instead of becoming a
            // time point "total" that turned the time column into text (session 21).
            let timed = found.filter { RecodeRule.number($0.0) != nil }
            if !timed.isEmpty && timed.count < found.count {
                let left = found.filter { RecodeRule.number($0.0) == nil }.map { table.columnNames[$0.1] }
                warnings.append("--stub '\(stub)': \(left.joined(separator: ", ")) \(left.count == 1 ? "was" : "were") not gathered "
                    + "(\(left.count == 1 ? "its suffix is" : "their suffixes are") not a time like the other columns'); "
                    + "\(left.count == 1 ? "it is" : "they are") kept as \(left.count == 1 ? "a column" : "columns") repeated on every row of the same \(id)")
                found = timed
            }
            // Two columns of one stub at the same time (phq1 and phq_1, or phq_1 and phq_01) would give two rows with
            // one time and the second value silently lost by later steps.
            var seen: [String: Int] = [:]
            for (t, k) in found {
                let key = RecodeRule.number(t).map { "\($0)" } ?? t
                if let other = seen[key] {
                    throw DataStepInputError("--stub '\(stub)': columns \(table.columnNames[other]) and \(table.columnNames[k]) both give time "
                        + "\(t); rename one so each time appears once", isUsage: false)
                }
                seen[key] = k
            }
            for (_, k) in found { claimed.insert(k) }
            matches[s] = found
        }
        guard !claimed.contains(table.columnNames.firstIndex(of: id) ?? -1) else {
            throw DataStepInputError("--id '\(id)' is matched by a --stub; choose stubs that do not match the id column")
        }
        // Each id once: the wide table has one row per id.
        let ids = GroupingFactor(idColumn)
        var firstRow = [Int](repeating: -1, count: ids.levelCount)
        for r in 0..<table.rowCount {
            let c = Int(ids.codes[r])
            if c < 0 {
                throw DataStepInputError("'\(id)' is missing at data row \(r + 1) (file line \(r + 2)); every row of a wide table needs its id", isUsage: false)
            }
            if firstRow[c] >= 0 {
                throw DataStepInputError("'\(id)' is not unique: data rows \(firstRow[c] + 1) and \(r + 1) (file lines \(firstRow[c] + 2) and \(r + 2)) "
                    + "have the same \(id); a wide table has one row per id", isUsage: false)
            }
            firstRow[c] = r
        }
        var timeLabels: [String] = []
        var timePosition: [String: Int] = [:]
        for found in matches {
            for (t, _) in found where timePosition[t] == nil {
                timePosition[t] = timeLabels.count
                timeLabels.append(t)
            }
        }
        let names = stubs.map { stub -> String in
            (stub.hasSuffix("_") || stub.hasSuffix(".")) && stub.count > 1 ? String(stub.dropLast()) : stub
        }
        let keptIndices = table.columns.indices.filter { !claimed.contains($0) }
        let keptNames = Set(keptIndices.map { table.columns[$0].name })
        for name in names + [time] where keptNames.contains(name) {
            throw DataStepInputError("the long table would have two columns named '\(name)'; rename the existing column first")
        }
        let n = table.rowCount, k = timeLabels.count
        guard n * k <= Self.maximumCells else {
            throw DataStepInputError("the long table would have \(n) × \(k) rows (limit \(Self.maximumCells)); check the --stub prefixes", isUsage: false)
        }
        let sourceRows = (0..<(n * k)).map { $0 / k }
        var columns = keptIndices.map { table.columns[$0].subset(rows: sourceRows) }
        let numericTimes = timeLabels.map { RecodeRule.number($0) }
        if numericTimes.allSatisfy({ $0 != nil }) {
            columns.append(Column(name: time, numeric: (0..<(n * k)).map { numericTimes[$0 % k] }))
        } else {
            columns.append(Column(name: time, categorical: (0..<(n * k)).map { timeLabels[$0 % k] }))
        }
        var variables: [(String, [String])] = []
        for (s, found) in matches.enumerated() {
            let sources = found.map { table.columns[$0.column] }
            let textual = sources.filter { $0.categorical != nil }
            if !textual.isEmpty && textual.count != sources.count {
                throw DataStepInputError("--stub '\(stubs[s])': '\(textual[0].name)' is text but '\(sources.first { $0.numeric != nil }!.name)' is numeric; "
                    + "recode them to one type first", isUsage: false)
            }
            var byTime = [Int](repeating: -1, count: k)
            for (j, (t, _)) in found.enumerated() { if let p = timePosition[t] { byTime[p] = j } }
            if textual.isEmpty {
                let values: [Double?] = (0..<(n * k)).map { i in
                    let j = byTime[i % k]
                    return j < 0 ? nil : sources[j].numeric![i / k]
                }
                columns.append(Column(name: names[s], numeric: values))
            } else {
                let values: [String?] = (0..<(n * k)).map { i in
                    let j = byTime[i % k]
                    return j < 0 ? nil : sources[j].categorical![i / k]
                }
                columns.append(Column(name: names[s], categorical: values))
            }
            variables.append((names[s], sources.map(\.name)))
        }
        let out: Table
        do { out = try Table(columns: columns, source: table.source) } catch {
            throw DataStepInputError("the long table cannot be built: \(error.description)", isUsage: false)
        }
        return LongResult(table: out, rowsIn: n, variables: variables, times: timeLabels, warnings: warnings)
    }

    static func require(_ name: String, _ table: Table, _ option: String) throws(DataStepInputError) -> Column {
        if let c = table.column(named: name) { return c }
        throw DataStepInputError("\(option): no column named '\(name)'" + table.suggestionHint(for: name))
    }

    /// Whether a column has one value (missing counting as a value) within every group.
    static func constantWithinGroups(_ column: Column, _ codes: [Int32]) -> Bool {
        var first = [Int](repeating: -1, count: (codes.max().map { Int($0) } ?? -1) + 1)
        for r in codes.indices where codes[r] >= 0 {
            let g = Int(codes[r])
            if first[g] < 0 { first[g] = r; continue }
            if !sameCell(column, first[g], r) { return false }
        }
        return true
    }

    static func sameCell(_ column: Column, _ a: Int, _ b: Int) -> Bool {
        switch column.data {
        case .numeric(let c):
            if c.missing[a] || c.missing[b] { return c.missing[a] == c.missing[b] }
            return c.values[a] == c.values[b]
        case .categorical(let c): return c.codes[a] == c.codes[b]
        }
    }

    /// The column at the given rows (-1: missing), renamed.
    static func gather(_ column: Column, rows: [Int], name: String) -> Column {
        switch column.data {
        case .numeric(let c): return Column(name: name, numeric: rows.map { $0 < 0 ? nil : c[$0] })
        case .categorical(let c): return Column(name: name, categorical: rows.map { $0 < 0 ? nil : c[$0] })
        }
    }
}
