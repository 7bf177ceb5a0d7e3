import DataTable
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The values of one model variable over the rows used.
public enum VariableValues: Sendable, Equatable {
    case numeric([Double])
    /// Levels in coding order (the reference level first) and one code per used row.
    case categorical(levels: [String], codes: [Int32])
    /// Several numeric design columns from one variable (`poly(x, 2)`), each named by the variable's label
    /// followed by its suffix (`poly(x, 2)1`, as R names them).
    case numericColumns(suffixes: [String], columns: [[Double]])
}

/// How many rows the model saw, used and dropped by listwise deletion.
public struct DataCounts: Sendable, Equatable {
    public let rowsRead: Int
    public let rowsUsed: Int
    public var rowsDropped: Int { rowsRead - rowsUsed }

    public init(rowsRead: Int, rowsUsed: Int) {
        self.rowsRead = rowsRead
        self.rowsUsed = rowsUsed
    }
}

/// The data a formula needs, after listwise deletion over the model's own columns (offsets, random-effects
/// and strata columns included, and any extra columns such as a cluster identifier): evaluated
/// transformations, group functions and polynomials, the summed offset, categorical variables re-levelled to
/// the levels present with the reference level first. `lag()` is computed on all rows first and drops the rows
/// whose lag is missing; `within()`, `between()` and `poly()` are computed on the rows used.
public struct ModelFrame: Sendable {
    public let formula: Formula
    public let counts: DataCounts
    /// Indices into the source table of the rows used, ascending. Made on each use when no row was dropped (take it once,
    /// not in a loop).
    public var usedRows: [Int] { rows.array }
    /// The rows used, without an index array when they are every row.
    let rows: UsedRows
    public let outcome: VariableValues
    /// Values of each predictor variable, keyed by variable label.
    public let variables: [String: VariableValues]
    /// Extra columns restricted to the used rows, keyed by column name.
    public let extraColumns: [String: Column]
    /// The sum of the formula's offsets over the used rows (R's `model.offset`); nil when it has none.
    public let offset: [Double]?
    /// Used-row values of every numeric column a transformation reads (for extended-precision designs).
    let transformInputs: [String: [Double]]
    /// Warnings about the data as the formula reads it (a text column that becomes a factor of many levels).
    public let warnings: [String]
    /// The table's column names when the formula's `.` expanded over them (kept in the schema for `predict`).
    let dataColumnsForDot: [String]?
    /// The grouping factor of each random-effects term on the used rows, keyed by `RandomEffectTerm.groupLabel`
    /// (`therapist`, `site:therapist`), with only the levels present; empty without random-effects terms.
    public let groupingFactors: [String: GroupingFactor]

    /// A text column used as a predictor without `factor()` that has more levels than this is warned about (at any
    /// level count when a level reads as a number: a number column spoiled by a text code such as 'missing').
    public static let manyLevels = 20

    /// - Parameters:
    ///   - references: reference level per column name (`--ref site=north`); applies to the column and to `factor(column)`.
    ///   - extraColumns: further columns that take part in listwise deletion (e.g. a cluster column).
    ///   - schema: codings fixed by an earlier fit (`ModelSchema`): categorical variables keep those levels in that
    ///     order, whichever are present in these rows, and a level the schema lacks is an error. Nil derives the
    ///     codings from these rows (the levels present, reference first).
    ///   - withOutcome: false for rows to predict: the outcome is neither read nor required.
    public init(formula: Formula, table: Table, references: [String: String] = [:],
                extraColumns: [String] = [], schema: ModelSchema? = nil, withOutcome: Bool = true) throws(ModelError) {
        try self.init(formula: formula, table: table, references: references, extraColumns: extraColumns, schema: schema,
                      withOutcome: withOutcome, survivalModel: false)
    }

    /// `survivalModel: true` is the Cox model's frame: the `Surv()` response and `strata()` are accepted; the caller
    /// passes the response's columns in `extraColumns` (with `withOutcome: false`) so they take part in listwise deletion.
    init(formula: Formula, table: Table, references: [String: String], extraColumns: [String], schema: ModelSchema?,
         withOutcome: Bool, survivalModel: Bool) throws(ModelError) {
        self.formula = formula
        self.dataColumnsForDot = formula.usesDot ? table.columnNames : nil
        if !survivalModel, case .survival = formula.outcome.kind, let refusal = formula.fixedEffectsRefusal() { throw .formula(refusal) }
        let nonMatrix = formula.offsets + formula.randomEffects.flatMap { $0.terms.flatMap(\.variables) + $0.grouping }
            + formula.strata.flatMap(\.variables)
        let frozen = schema?.frozenLevels
        let allVariables = (withOutcome ? [formula.outcome] : []) + formula.predictorVariables + nonMatrix
        // Resolve columns, pointing at the formula position of the first use (or into an added offset expression).
        var sources: [String: String] = [:]
        for (v, source) in zip(formula.offsets, formula.offsetSources) { if let source { sources[v.label] = source } }
        var resolved = Set<String>()
        for v in allVariables {
            for name in v.columnNames where !resolved.contains(name) {
                guard table.column(named: name) != nil else {
                    let (offset, length) = v.location(of: name)
                    throw .unknownColumn(name: name, suggestions: table.nearestNames(to: name),
                                         formula: sources[v.label] ?? formula.text, offset: offset, length: length)
                }
                resolved.insert(name)
            }
        }
        // Columns whose missing values drop a row: every column the model reads, except that lag(x, g, order)
        // drops a row when its lag is missing (computed on all rows below), not when the row's own x is.
        var needed: [String] = []
        for v in allVariables {
            if case .groupFunction(let g) = v.kind, g.kind == .lag { continue }
            for name in v.columnNames where !needed.contains(name) { needed.append(name) }
        }
        for name in extraColumns where !needed.contains(name) {
            guard table.column(named: name) != nil else {
                throw .unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 1)
            }
            needed.append(name)
        }
        for (column, _) in references.sorted(by: { $0.key < $1.key }) where schema == nil {
            let usedAsFactor = formula.predictorVariables.contains { v in
                switch v.kind {
                case .factor(let c): return c == column
                case .column(let c): return c == column && table.column(named: c)?.categorical != nil
                case .transform, .groupFunction, .polynomial, .survival: return false
                }
            }
            guard usedAsFactor else { throw .referenceForNonCategorical(column: column) }
        }

        // Lags on the data's rows, before listwise deletion.
        var lags: [String: GroupFunctions.Lagged] = [:]
        for v in formula.predictorVariables {
            guard case .groupFunction(let g) = v.kind, g.kind == .lag, lags[v.label] == nil else { continue }
            lags[v.label] = try GroupFunctions.lag(g, label: v.label, table: table)
        }

        // Listwise deletion over every column the model reads and every lag.
        let columns = needed.compactMap { table.column(named: $0) }
        var keep = [Bool](repeating: true, count: table.rowCount)
        var dropsRows = false
        for column in columns {
            switch column.data {
            case .numeric(let c):
                // Most columns have no missing value: one memchr over the flags says so.
                let anyMissing = c.missing.withUnsafeBytes { flags in
                    guard let base = flags.baseAddress else { return false }
                    return memchr(base, 1, flags.count) != nil
                }
                guard anyMissing else { continue }
                for i in 0..<c.count where c.missing[i] { keep[i] = false }
                dropsRows = true
            case .categorical(let c):
                // Likewise: the codes' sign bits OR-ed in one pass the compiler vectorises; a row at a time only when
                // some code is missing (−1). The row loop with its branch was ≈ 1.2 ns a row, 4 ms over a's 3 columns.
                let anyMissing = c.codes.withUnsafeBufferPointer { codes in
                    var signs: Int32 = 0
                    for code in codes { signs |= code }
                    return signs < 0
                }
                guard anyMissing else { continue }
                for i in 0..<c.count where c.codes[i] < 0 { keep[i] = false; dropsRows = true }
            }
        }
        for lag in lags.values { for i in 0..<lag.missing.count where lag.missing[i] { keep[i] = false; dropsRows = true } }
        var used = UsedRows(all: table.rowCount)
        if dropsRows {
            var kept: [Int] = []
            kept.reserveCapacity(table.rowCount)
            for i in 0..<keep.count where keep[i] { kept.append(i) }
            used = UsedRows(kept, of: table.rowCount)
        }
        guard !used.isEmpty else {
            throw .noCompleteRows(rowsRead: table.rowCount, columns: needed + lags.keys.sorted())
        }
        self.rows = used
        self.counts = DataCounts(rowsRead: table.rowCount, rowsUsed: used.count)
        // One pass over each numeric column the model reads, the columns on both cores (`mapColumns`): whether its
        // values are all finite (then `evaluate` need not check them) and whether it may hold a missing code; and, for a
        // column that may, on the same core, which codes it holds (DataTable's suspectedMissingCodes: warned about below).
        // A column of whole numbers has had that pass already if the identifier guard scanned it (DataTable keeps its
        // `wholeNumberSummary` with the column), and is not read again.
        let numeric = columns.filter { $0.numeric != nil }
        let warnsOfCodes = schema == nil
        let scan: @Sendable (Column) -> (scan: NumericValueScan, codes: [SuspectedMissingCode])? = { column in
            guard let c = column.numeric else { return nil }
            let scan = c.valueScan()
            return (scan, warnsOfCodes ? c.suspectedMissingCodes(scan: scan) : [])
        }
        let scans = (try? Table(columns: numeric))?.mapColumns(scan) ?? numeric.map(scan)
        var finite = Set<String>()
        for (column, scan) in zip(numeric, scans) where scan?.scan.allFinite == true { finite.insert(column.name) }

        var values: [String: VariableValues] = [:]
        var warnings: [String] = []
        // A session entered twice makes lag take one row as the other's previous one: said as transform says it.
        for v in formula.predictorVariables where schema == nil {
            if let repeated = lags[v.label]?.repeatedOrder, !warnings.contains("\(v.label): \(repeated)") {
                warnings.append("\(v.label): \(repeated)")
            }
        }
        for v in formula.predictorVariables {
            var value: VariableValues
            if let lag = lags[v.label] {
                value = .numeric(try GroupFunctions.usedValues(lag, label: v.label, rows: used))
            } else {
                value = try ModelFrame.evaluate(v, table: table, rows: used, references: references, isOutcome: false,
                                                frozenLevels: frozen?[v.label], finite: finite)
            }
            if let coding = schema?.coding(of: v.label) { value = try ModelFrame.conform(value, to: coding, variable: v) }
            values[v.label] = value
            if schema == nil, case .column(let name) = v.kind, case .categorical(let levels, _) = value {
                if levels.count > ModelFrame.manyLevels || levels.contains(where: { Double(String($0.map { $0 == "," ? "." : $0 })) != nil }) {
                    let labelled = !(table.column(named: name)?.metadata.valueLabels.isEmpty ?? true)
                    warnings.append(labelled ? ModelFrame.labelledFactorWarning(column: name, levels: levels)
                                             : ModelFrame.manyLevelsWarning(column: name, levels: levels))
                }
                if let warning = ModelFrame.caseVariantWarning(column: name, levels: levels) { warnings.append(warning) }
            }
        }
        // A -99 or 999 left in a numeric column the model reads would be analysed as a value: say so where the
        // numbers are made, not only in describe (the same scan, DataTable's suspectedMissingCodes). The warnings
        // keep the order of `needed`; only a column the scan above flagged is counted.
        if warnsOfCodes {
            for (column, scan) in zip(numeric, scans) {
                for code in scan?.codes ?? [] { warnings.append(ModelFrame.missingCodeWarning(column: column.name, code: code)) }
            }
        }
        // Variables left of a random-effects bar (`session` in `(session | client)`) and the grouping factors.
        var groups: [String: GroupingFactor] = [:]
        var groupColumnsChecked = Set<String>()
        // A column that forms groups (a grouping factor, strata, `--cluster`), once each: a 999 among its text labels
        // (T01…T30) would be one more therapist, not a missing value; one label in two capitalisations, two groups.
        func checkGroupLabels(_ name: String) {
            guard schema == nil, groupColumnsChecked.insert(name).inserted, let labels = table.column(named: name)?.categorical else { return }
            for code in labels.suspectedMissingCodeLabels() {
                warnings.append(ModelFrame.missingCodeLabelWarning(column: name, code: code))
            }
            if let warning = ModelFrame.caseVariantWarning(column: name, levels: labels.levels) { warnings.append(warning) }
        }
        for r in formula.randomEffects {
            for v in r.terms.flatMap(\.variables) where values[v.label] == nil {
                values[v.label] = try ModelFrame.evaluate(v, table: table, rows: used, references: references, isOutcome: false,
                                                          frozenLevels: nil, finite: finite)
            }
            if groups[r.groupLabel] == nil { groups[r.groupLabel] = try ModelFrame.groupingFactor(r, table: table, rows: used) }
            r.grouping.compactMap(\.columnNames.first).forEach(checkGroupLabels)
        }
        // The same for the columns of `strata()` and the extra columns that form groups (`--cluster therapist`).
        (formula.strata.flatMap(\.columnNames) + extraColumns).forEach(checkGroupLabels)
        self.warnings = warnings
        self.groupingFactors = groups
        var offset: [Double]? = nil
        for v in formula.offsets {
            guard case .numeric(let o) = try ModelFrame.evaluate(v, table: table, rows: used, references: [:], isOutcome: false,
                                                                 frozenLevels: nil, finite: finite) else {
                throw .nonNumericVariable(variable: v.label, column: v.columnNames.first ?? v.label)
            }
            offset = offset.map { sum in zip(sum, o).map { $0 + $1 } } ?? o
        }
        self.offset = offset
        self.variables = values
        self.outcome = withOutcome
            ? try ModelFrame.evaluate(formula.outcome, table: table, rows: used, references: [:], isOutcome: true, frozenLevels: nil,
                                      finite: finite)
            : .numeric([])
        var inputs: [String: [Double]] = [:]
        for v in formula.predictorVariables {
            guard case .transform(let e) = v.kind else { continue }
            for name in e.columnNames where inputs[name] == nil {
                if let c = table.column(named: name)?.numeric { inputs[name] = used.gather(c.values) }
            }
        }
        self.transformInputs = inputs
        var extras: [String: Column] = [:]
        for name in extraColumns {
            if let c = table.column(named: name) { extras[name] = used.subset(c) }
        }
        self.extraColumns = extras
    }

    /// The groups of a random-effects term on the used rows: one column's levels, or the levels of the
    /// interaction of several (`site:therapist`, labelled `north:T1` as R's `interaction()`), present ones only.
    private static func groupingFactor(_ r: RandomEffectTerm, table: Table, rows: UsedRows) throws(ModelError) -> GroupingFactor {
        var combined: GroupingFactor? = nil
        for g in r.grouping {
            guard let name = g.columnNames.first, let column = table.column(named: name) else {
                throw .unknownColumn(name: g.label, suggestions: table.nearestNames(to: g.label), formula: nil, offset: nil, length: 1)
            }
            let factor = GroupingFactor(rows.subset(column)).droppingUnusedLevels()
            guard let previous = combined else { combined = factor; continue }
            // Interaction codes in (previous, factor) lexicographic order, then only the pairs present.
            let width = Int32(factor.levelCount)
            var pairCodes = [Int32](repeating: -1, count: rows.count)
            var present = Set<Int32>()
            for i in 0..<rows.count {
                let code = previous.codes[i] * width + factor.codes[i]
                pairCodes[i] = code
                present.insert(code)
            }
            let sorted = present.sorted()
            var recode: [Int32: Int32] = [:]
            for (k, code) in sorted.enumerated() { recode[code] = Int32(k) }
            let labels = sorted.map { code in
                previous.levels[Int(code / width)] + ":" + factor.levels[Int(code % width)]
            }
            combined = GroupingFactor(name: previous.name + ":" + factor.name, levels: labels,
                                      codes: pairCodes.map { recode[$0] ?? -1 })
        }
        guard let factor = combined else { throw .invalidVariable(variable: r.label, detail: "the term has no grouping factor") }
        return factor
    }

    /// Names the column, the code and its count, and the option that declares it missing.
    static func missingCodeWarning(column: String, code: SuspectedMissingCode) -> String {
        MissingCodeWarnings.text(column: column, code: code, action: "fit again")
    }

    /// A missing code standing among a text grouping column's labels: named with its count, and how to declare it.
    static func missingCodeLabelWarning(column: String, code: SuspectedMissingCode) -> String {
        MissingCodeWarnings.labelText(column: column, code: code, action: "fit again")
    }

    /// A text column (a factor, a grouping, strata or cluster column) some of whose levels are one word in different
    /// capitals: the model treats them as different groups, and nothing else would say so. Counts only, never values.
    static func caseVariantWarning(column: String, levels: [String]) -> String? {
        let variants = LevelSpellings.caseVariants(levels)
        guard !variants.isEmpty else { return nil }
        return "'\(column)': \(LevelSpellings.caseVariantsClause(variants)), and the model treats them as different groups; "
            + "if they are one group, give them one spelling (alliance transform --recode) and fit again"
    }

    /// Names the column and the level count, says why a text column may be a mistake (a number column spoiled by
    /// decimal commas or text codes), and how to silence the warning. Counts of number-like values only, never values.
    static func manyLevelsWarning(column: String, levels: [String]) -> String {
        let numeric = levels.filter { Double($0) != nil }.count
        let comma = levels.filter { level in
            let parts = level.split(separator: ",", omittingEmptySubsequences: false)
            return parts.count == 2 && Double(parts.joined(separator: ".")) != nil
        }.count
        var looks = "\(numeric) of its values read as numbers"
        if comma > 0 { looks += " and \(comma) more have a decimal comma" }
        return "'\(column)' is a text column with \(levels.count) levels among the rows used, so it enters the model as a "
            + "factor with \(levels.count - 1) indicator columns (\(looks)); if it should be numeric, look for decimal commas "
            + "(2,5 for 2.5) or text codes such as 'n/a' or '-99 missing' in a number column, and fix them or declare them "
            + "missing with --na; if a factor is intended, write factor(\(FormulaNames.display(column))) to silence this warning"
    }

    /// The same for an SPSS/Stata variable with value labels, read as its labels (`as_factor`): the fix there is
    /// `--codes` (its numeric codes, as haven's zap_labels), not a decimal comma or `--na`.
    static func labelledFactorWarning(column: String, levels: [String]) -> String {
        "'\(column)' has value labels in the file, so it is read as its labels and enters the model as a factor with "
            + "\(levels.count) levels (\(levels.count - 1) indicator columns); if it is a scale or a count whose ends or some "
            + "codes are labelled, pass --codes to analyse its numbers (every labelled variable then keeps its codes); if a "
            + "factor is intended, write factor(\(FormulaNames.display(column))) to silence this warning"
    }

    /// A variable evaluated on new rows must have the coding the schema fixed: a numeric variable stays numeric.
    private static func conform(_ value: VariableValues, to coding: ModelSchema.Coding,
                                variable v: FormulaVariable) throws(ModelError) -> VariableValues {
        switch (value, coding) {
        case (.numeric, .numeric), (.categorical, .categorical), (.numericColumns, .numeric): return value
        case (.categorical, .numeric):
            throw .nonNumericVariable(variable: v.label, column: v.columnNames.first ?? v.label)
        case (.numeric, .categorical), (.numericColumns, .categorical):
            throw .codingChanged(variable: v.label, detail: "it was categorical in the fitted model but is numeric here")
        }
    }

    /// `finite`: numeric columns whose values are known to be all finite (`NumericColumn.valueScan`), not checked again.
    private static func evaluate(_ v: FormulaVariable, table: Table, rows: UsedRows, references: [String: String],
                                 isOutcome: Bool, frozenLevels: [String]?, finite: Set<String>) throws(ModelError) -> VariableValues {
        switch v.kind {
        case .column(let name):
            guard let column = table.column(named: name) else { throw .numerical("column \(name) vanished") }
            switch column.data {
            case .numeric(let c):
                let values = rows.gather(c.values)
                if !finite.contains(name) && !allFinite(values), let k = values.firstIndex(where: { !$0.isFinite }) {
                    if isOutcome { throw .nonFiniteOutcome(outcome: v.label, row: rows[k]) }
                    throw .invalidTransform(variable: v.label, row: rows[k], detail: "the value \(values[k]) is not finite")
                }
                return .numeric(values)
            case .categorical(let c):
                return try relevel(label: v.label, levels: c.levels, codes: rows.gather(c.codes),
                                   reference: references[name], column: name, isOutcome: isOutcome, frozen: frozenLevels)
            }
        case .factor(let name):
            guard let column = table.column(named: name) else { throw .numerical("column \(name) vanished") }
            switch column.data {
            case .categorical(let c):
                return try relevel(label: v.label, levels: c.levels, codes: rows.gather(c.codes),
                                   reference: references[name], column: name, isOutcome: isOutcome, frozen: frozenLevels)
            case .numeric:
                // Numeric values as categories, ordered numerically (as R's factor() does).
                let groups = GroupingFactor(rows.subset(column))
                return try relevel(label: v.label, levels: groups.levels, codes: groups.codes,
                                   reference: references[name], column: name, isOutcome: isOutcome, frozen: frozenLevels)
            }
        case .transform(let e):
            return .numeric(try numericValues(e, label: v.label, table: table, rows: rows))
        case .groupFunction(let g):
            let x = try numericValues(g.argument, label: v.label, table: table, rows: rows)
            guard let column = table.column(named: g.group.columnNames.first ?? "") else {
                throw .numerical("column \(g.group.label) vanished")
            }
            let codes = GroupFunctions.codes(rows.subset(column))
            switch g.kind {
            case .within: return .numeric(GroupFunctions.within(x, codes: codes))
            case .between: return .numeric(GroupFunctions.between(x, codes: codes))
            case .lag: throw .numerical("lag \(v.label) is computed before listwise deletion")
            }
        case .polynomial(let p):
            let x = try numericValues(p.argument, label: v.label, table: table, rows: rows)
            let columns = try OrthogonalPolynomial.columns(x, degree: p.degree, raw: p.raw, label: v.label)
            return .numericColumns(suffixes: (1...p.degree).map(String.init), columns: columns)
        case .survival:
            // Refused in init with the message naming `fit cox`; a survival response is never a design variable.
            throw .nonNumericOutcome(outcome: v.label)
        }
    }

    /// Whether no value is infinite or NaN, by the exponent bits (a loop the compiler vectorises; a fit checks
    /// every numeric variable, a million rows each).
    static func allFinite(_ values: [Double]) -> Bool {
        values.withUnsafeBufferPointer { v in
            let exponent: UInt64 = 0x7FF0_0000_0000_0000
            var special: UInt64 = 0
            for x in v { special |= (x.bitPattern & exponent) == exponent ? 1 : 0 }
            return special == 0
        }
    }

    /// A numeric expression over the used rows; a non-finite result names the row and why (log of a
    /// non-positive number, division by zero, overflow).
    static func numericValues(_ e: NumericExpression, label: String, table: Table, rows: UsedRows) throws(ModelError) -> [Double] {
        var columns: [String: NumericColumn] = [:]
        var usedValues: [String: [Double]] = [:]
        for name in e.columnNames {
            guard let column = table.column(named: name) else { throw .numerical("column \(name) vanished") }
            guard let numeric = column.numeric else { throw .nonNumericVariable(variable: label, column: name) }
            columns[name] = numeric
            usedValues[name] = rows.gather(numeric.values)
        }
        let out = e.evaluate(columns: usedValues, count: rows.count)
        if let k = out.firstIndex(where: { !$0.isFinite }) {
            let row = rows[k]
            let lookup: (String) -> Double = { columns[$0]?.values[row] ?? .nan }
            throw .invalidTransform(variable: label, row: row, detail: e.nonFiniteDetail(lookup))
        }
        return out
    }

    /// `codes` with each code c ≥ 0 replaced by `recode[c]`; the same array (shared, not copied) when that changes
    /// no code, as for a factor whose levels are all present with the first as reference. `present[c]`: some row
    /// has code c (a level no row has is never looked up, so its entry in `recode` does not matter).
    private static func recoded(_ codes: [Int32], by recode: [Int32], present: [Bool]) -> [Int32] {
        if recode.indices.allSatisfy({ !present[$0] || recode[$0] == Int32($0) }) { return codes }
        return codes.map { $0 >= 0 ? recode[Int($0)] : -1 }
    }

    /// Keeps only levels present in the used rows, in their original order, with the reference first; with
    /// `frozen` levels (a schema), codes those levels in that order instead, and refuses a level outside them.
    private static func relevel(label: String, levels: [String], codes: [Int32], reference: String?,
                                column: String, isOutcome: Bool, frozen: [String]?) throws(ModelError) -> VariableValues {
        let present = presentLevels(in: codes, levelCount: levels.count)
        if let frozen {
            var position: [String: Int32] = [:]
            for (k, level) in frozen.enumerated() { position[level] = Int32(k) }
            var recode = [Int32](repeating: -1, count: levels.count)
            for (old, level) in levels.enumerated() where present[old] {
                guard let k = position[level] else {
                    throw .unseenLevel(variable: label, column: column, level: level, levels: frozen)
                }
                recode[old] = k
            }
            return .categorical(levels: frozen, codes: recoded(codes, by: recode, present: present))
        }
        var order = levels.indices.filter { present[$0] }
        if let ref = reference {
            guard let r = levels.firstIndex(of: ref), present[r] else {
                throw .unknownReferenceLevel(column: column, level: ref, levels: order.map { levels[$0] })
            }
            order.removeAll { $0 == r }
            order.insert(r, at: 0)
        }
        if order.count < 2 && !isOutcome {
            throw .singleLevelFactor(variable: label, column: column, level: order.first.map { levels[$0] } ?? "")
        }
        var recode = [Int32](repeating: -1, count: levels.count)
        for (newCode, old) in order.enumerated() { recode[old] = Int32(newCode) }
        return .categorical(levels: order.map { levels[$0] }, codes: recoded(codes, by: recode, present: present))
    }

}
