import CReadStat
import DataTable

/// How to read an SPSS, Stata or SAS file.
public struct StatFileOptions: Sendable, Equatable {
    /// Keep value-labelled columns as their numbers (`--codes`) instead of categorical levels.
    public var keepCodes: Bool

    public init(keepCodes: Bool = false) {
        self.keepCodes = keepCodes
    }
}

/// Reads `.sav`, `.zsav`, `.por`, `.dta`, `.sas7bdat` and `.xpt` files through ReadStat into a `Table`.
///
/// - Numbers stay numbers; text variables become categorical columns (an empty string is missing, as a blank
///   CSV field is).
/// - Value-labelled numeric variables become categorical columns whose levels are the labels in code order,
///   the lowest code first (haven's `as_factor`); a value without a label becomes a level named by its number,
///   in its place in that order (as `as_factor(levels = "default")`). Labels of declared missing codes are not
///   levels. `keepCodes` keeps the numbers instead.
/// - SPSS user-missing values and Stata/SAS extended missing values (`.a`–`.z`) become missing cells, counted in
///   the column's `metadata.declaredMissingCount`.
/// - Date and date-time variables become ISO 8601 text (see `DateKind`).
/// - Variable labels, value labels and SPSS missing-value definitions are kept in `Column.metadata`.
public enum StatFileReader {
    public static func read(contentsOf path: String, format: StatFileFormat,
                            options: StatFileOptions = StatFileOptions()) throws(StatFileError) -> Table {
        let state = ParseState(package: format.package)
        let box = Unmanaged.passRetained(state)
        defer { box.release() }
        guard let parser = readstat_parser_init() else {
            throw StatFileError(kind: .unreadable("out of memory"), file: path, format: format)
        }
        defer { readstat_parser_free(parser) }
        readstat_set_metadata_handler(parser) { metadata, ctx in
            let state = Unmanaged<ParseState>.fromOpaque(ctx!).takeUnretainedValue()
            state.rowCountHint = Int(readstat_get_row_count(metadata))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_variable_handler(parser) { index, variable, labelSet, ctx in
            let state = Unmanaged<ParseState>.fromOpaque(ctx!).takeUnretainedValue()
            guard let variable else { return Int32(READSTAT_HANDLER_ABORT) }
            state.addVariable(Int(index), variable, labelSet: labelSet.map { String(cString: $0) })
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_value_handler(parser) { row, variable, value, ctx in
            let state = Unmanaged<ParseState>.fromOpaque(ctx!).takeUnretainedValue()
            guard let variable else { return Int32(READSTAT_HANDLER_ABORT) }
            return state.addValue(row: Int(row), variable: variable, value: value) ? Int32(READSTAT_HANDLER_OK) : Int32(READSTAT_HANDLER_ABORT)
        }
        readstat_set_value_label_handler(parser) { setName, value, label, ctx in
            let state = Unmanaged<ParseState>.fromOpaque(ctx!).takeUnretainedValue()
            guard let setName, let label else { return Int32(READSTAT_HANDLER_OK) }
            state.addValueLabel(set: String(cString: setName), value: value, label: String(cString: label))
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_fweight_handler(parser) { variable, ctx in
            let state = Unmanaged<ParseState>.fromOpaque(ctx!).takeUnretainedValue()
            if let variable { state.weightIndex = Int(readstat_variable_get_index(variable)) }
            return Int32(READSTAT_HANDLER_OK)
        }
        readstat_set_error_handler(parser) { message, ctx in
            guard let message, let ctx else { return }
            let state = Unmanaged<ParseState>.fromOpaque(ctx).takeUnretainedValue()
            if state.libraryMessage == nil {
                state.libraryMessage = String(cString: message).trimmingTrailingWhitespace()
            }
        }
        let ctx = box.toOpaque()
        let status: readstat_error_t
        switch format {
        case .sav, .zsav: status = readstat_parse_sav(parser, path, ctx)
        case .por: status = readstat_parse_por(parser, path, ctx)
        case .dta: status = readstat_parse_dta(parser, path, ctx)
        case .sas7bdat: status = readstat_parse_sas7bdat(parser, path, ctx)
        case .xpt: status = readstat_parse_xport(parser, path, ctx)
        }
        if let invalid = state.invalid {
            throw StatFileError(kind: .invalidValue(column: invalid.column, row: invalid.row, detail: invalid.detail),
                                file: path, format: format)
        }
        if status != READSTAT_OK {
            let reason = String(cString: readstat_error_message(status))
            if status == READSTAT_ERROR_OPEN {
                throw StatFileError(kind: .unreadable(reason.lowercased()), file: path, format: format)
            }
            let detail = state.libraryMessage.map { "\(reason): \($0)" } ?? reason
            throw StatFileError(kind: .malformed(detail), file: path, format: format)
        }
        do {
            return try state.table(options: options, source: path)
        } catch {
            throw StatFileError(kind: .malformed("\(error)"), file: path, format: format)
        }
    }
}

/// One variable as the file declares it.
struct VariableInfo {
    let name: String
    let label: String?
    let isText: Bool
    let labelSet: String?
    let missingRanges: [ClosedRange<Double>]
    /// A string variable's declared missing values (SPSS: up to three, trailing blanks trimmed).
    let missingTexts: [String]
    let dateKind: DateKind?
}

/// The values collected for one variable while ReadStat walks the file.
struct ColumnValues {
    var numbers: [Double] = []
    var missing: [Bool] = []
    var texts: [String?] = []
    var declaredMissing = 0
    /// Row → the user-missing code a numeric cell held (SPSS), written back by `StatFileWriter`.
    var declaredCodes: [Int: Double] = [:]
    /// Row → the declared missing text a string cell held ('DK').
    var declaredTexts: [Int: String] = [:]
}

/// Collects what ReadStat's callbacks deliver; turned into a `Table` once the whole file is parsed (Stata puts
/// value labels after the data, so labels are applied at the end).
final class ParseState {
    let package: StatFileFormat.Package
    var rowCountHint = -1
    var variables: [VariableInfo?] = []
    // The per-cell path runs once per cell (15 million times for 1,000,000 × 15): its storage is exempt from
    // dynamic exclusivity checks, which cost a fifth of the time; ReadStat calls back on one thread only.
    /// Per variable index: 0 unknown, 1 numeric, 2 text, 3 numeric with declared missing codes (kept apart from
    /// `variables` so the per-cell path copies no strings).
    @exclusivity(unchecked) var kinds: [UInt8] = []
    @exclusivity(unchecked) var values: [ColumnValues] = []
    var labelSets: [String: [ValueLabel]] = [:]
    /// String-keyed label sets (SPSS string variables), kept as metadata only.
    var textLabelSets: [String: [TextValueLabel]] = [:]
    var libraryMessage: String?
    var invalid: (column: String, row: Int, detail: String)?
    /// The variable the file names as its case weight (SPSS `WEIGHT BY`), by index.
    var weightIndex: Int?

    init(package: StatFileFormat.Package) {
        self.package = package
    }

    func addVariable(_ index: Int, _ variable: UnsafeMutablePointer<readstat_variable_t>, labelSet: String?) {
        // SPSS allows at most 32,767 and Stata 120,000 variables: a larger index is a damaged file.
        guard index >= 0, index < 1 << 20 else { return }
        while variables.count <= index {
            variables.append(nil)
            kinds.append(0)
            values.append(ColumnValues())
        }
        let name = readstat_variable_get_name(variable).map { String(cString: $0) } ?? ""
        let label = readstat_variable_get_label(variable).map { String(cString: $0) }
        let format = readstat_variable_get_format(variable).map { String(cString: $0) } ?? ""
        let isText = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_STRING
        var ranges: [ClosedRange<Double>] = []
        var texts: [String] = []
        // A damaged file can declare any count; ReadStat holds at most 32 ranges.
        let declared = min(max(Int(readstat_variable_get_missing_ranges_count(variable)), 0), 32)
        if isText {
            for i in 0..<Int32(declared) {
                let lo = readstat_variable_get_missing_range_lo(variable, i)
                guard readstat_value_type_class(lo) == READSTAT_TYPE_CLASS_STRING, let c = readstat_string_value(lo) else { continue }
                let text = String(cString: c).trimmingTrailingWhitespace()
                if !text.isEmpty, !texts.contains(text) { texts.append(text) }
            }
        } else {
            for i in 0..<Int32(declared) {
                let lo = readstat_double_value(readstat_variable_get_missing_range_lo(variable, i))
                let hi = readstat_double_value(readstat_variable_get_missing_range_hi(variable, i))
                if lo <= hi, !lo.isNaN { ranges.append(lo...hi) }
            }
        }
        kinds[index] = isText ? 2 : (ranges.isEmpty ? 1 : 3)
        variables[index] = VariableInfo(
            name: name, label: label.flatMap { $0.isEmpty ? nil : $0 }, isText: isText,
            labelSet: labelSet.flatMap { $0.isEmpty ? nil : $0 }, missingRanges: ranges, missingTexts: texts,
            dateKind: isText ? nil : DateKind.of(format: format, package: package))
        // Never trust a header's row count for more than a modest reservation: a corrupt file may claim billions.
        let reserve = min(max(rowCountHint, 0), 1 << 20)
        if isText { values[index].texts.reserveCapacity(reserve) } else {
            values[index].numbers.reserveCapacity(reserve)
            values[index].missing.reserveCapacity(reserve)
        }
    }

    /// Stores one cell; false (abort) on a value the table cannot hold.
    func addValue(row: Int, variable: UnsafeMutablePointer<readstat_variable_t>, value: readstat_value_t) -> Bool {
        let index = Int(readstat_variable_get_index(variable))
        guard index >= 0, index < kinds.count, kinds[index] != 0, row >= 0 else { return true }
        if kinds[index] == 2 {
            // Rows arrive in order; pad a row a damaged file skipped rather than misalign the column.
            while values[index].texts.count < row { values[index].texts.append(nil) }
            var text: String?
            if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING, let c = readstat_string_value(value) {
                text = String(cString: c).trimmingTrailingWhitespace()
            }
            if readstat_value_is_defined_missing(value, variable) != 0 {
                if let text, !text.isEmpty { values[index].declaredTexts[row] = text }
                text = nil
                values[index].declaredMissing += 1
            }
            values[index].texts.append(text?.isEmpty == true ? nil : text)
            return true
        }
        while values[index].numbers.count < row {
            values[index].numbers.append(0)
            values[index].missing.append(true)
        }
        var isMissing = readstat_value_is_system_missing(value) != 0
        if !isMissing && readstat_value_is_tagged_missing(value) != 0 {
            isMissing = true
            values[index].declaredMissing += 1
        } else if !isMissing && kinds[index] == 3 && readstat_value_is_defined_missing(value, variable) != 0 {
            isMissing = true
            values[index].declaredMissing += 1
            let code = readstat_double_value(value)
            if code.isFinite { values[index].declaredCodes[row] = code }
        }
        var x = 0.0
        if !isMissing {
            x = readstat_double_value(value)
            if x.isNaN {
                isMissing = true
            } else if x.isInfinite {
                invalid = (variables[index]?.name ?? "", row + 1, "the value is infinite")
                return false
            }
        }
        values[index].numbers.append(isMissing ? 0 : x)
        values[index].missing.append(isMissing)
        return true
    }

    func addValueLabel(set: String, value: readstat_value_t, label: String) {
        // Labels of system or extended missing values (Stata's .a) describe no level; string-keyed labels are
        // not applied (the text is kept as it is), only kept for writing back.
        if readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING {
            if let c = readstat_string_value(value) {
                let text = String(cString: c).trimmingTrailingWhitespace()
                if !text.isEmpty { textLabelSets[set, default: []].append(TextValueLabel(value: text, label: label)) }
            }
            return
        }
        guard readstat_value_type_class(value) == READSTAT_TYPE_CLASS_NUMERIC,
              readstat_value_is_system_missing(value) == 0, readstat_value_is_tagged_missing(value) == 0 else { return }
        let x = readstat_double_value(value)
        guard x.isFinite else { return }
        labelSets[set, default: []].append(ValueLabel(value: x, label: label))
    }

    func table(options: StatFileOptions, source: String) throws -> Table {
        let rows = values.map { $0.numbers.count + $0.texts.count }.max() ?? 0
        var columns: [Column] = []
        columns.reserveCapacity(variables.count)
        var seen = Set<String>()
        for (k, slot) in variables.enumerated() {
            guard let info = slot else { continue }
            guard !info.name.isEmpty else { throw ParseFailure("variable \(k + 1) has no name") }
            guard seen.insert(info.name).inserted else {
                throw ParseFailure("variable name '\(info.name)' appears twice")
            }
            let made = column(info, values[k], rows: rows, keepCodes: options.keepCodes)
            guard k == weightIndex else { columns.append(made); continue }
            var metadata = made.metadata
            metadata.isCaseWeight = true
            columns.append(Column(name: made.name, data: made.data, metadata: metadata))
            values[k] = ColumnValues()  // release as we go: large files hold each column once
        }
        return try Table(columns: columns, source: DataSource(path: source, byteCount: 0))
    }

    private func column(_ info: VariableInfo, _ cells: ColumnValues, rows: Int, keepCodes: Bool) -> Column {
        var metadata = ColumnMetadata(label: info.label, declaredMissingCount: cells.declaredMissing,
                                      declaredMissing: info.missingRanges, declaredMissingCodes: cells.declaredCodes,
                                      declaredMissingTexts: info.missingTexts, declaredMissingTextCodes: cells.declaredTexts)
        if info.isText {
            metadata.textValueLabels = info.labelSet.flatMap { textLabelSets[$0] } ?? []
            var texts = cells.texts
            texts.append(contentsOf: repeatElement(nil, count: rows - texts.count))
            return Column(name: info.name, data: .categorical(CategoricalColumn(texts)), metadata: metadata)
        }
        var numbers = cells.numbers
        var missing = cells.missing
        numbers.append(contentsOf: repeatElement(0, count: rows - numbers.count))
        missing.append(contentsOf: repeatElement(true, count: rows - missing.count))
        if let kind = info.dateKind {
            let texts = (0..<rows).map { missing[$0] ? nil : kind.text(numbers[$0]) }
            return Column(name: info.name, data: .categorical(CategoricalColumn(texts)), metadata: metadata)
        }
        let labels = info.labelSet.flatMap { labelSets[$0] }.map(Self.ordered) ?? []
        metadata.valueLabels = labels
        let levelLabels = labels.filter { label in !info.missingRanges.contains { $0.contains(label.value) } }
        // Labels on codes no row holds (a continuous score whose only label is -99 = "missing") do not make the
        // column categorical: as a factor its 30 scores became 30 levels and a Cox fit failed as "monotone"
        // (session 21). haven's as_factor would make it a factor; a model of the scores needs the numbers.
        // A column with no values at all keeps its labels as levels.
        let labelledValues = Set(levelLabels.map(\.value))
        let anyLabelHeld = numbers.indices.contains { !missing[$0] && labelledValues.contains(numbers[$0]) }
            || !missing.contains(false)
        guard !levelLabels.isEmpty, anyLabelHeld, !keepCodes else {
            return Column(name: info.name, data: .numeric(NumericColumn(values: numbers, missing: missing)), metadata: metadata)
        }
        return Column(name: info.name, data: .categorical(Self.labelled(numbers, missing, labels: levelLabels)), metadata: metadata)
    }

    /// Labels by value, one per value (a repeated value keeps its last label, as SPSS does).
    static func ordered(_ labels: [ValueLabel]) -> [ValueLabel] {
        var byValue: [Double: String] = [:]
        for l in labels { byValue[l.value] = l.label }
        return byValue.keys.sorted().map { ValueLabel(value: $0, label: byValue[$0]!) }
    }

    /// haven's `as_factor(levels = "default")`: every labelled value and every unlabelled value present, in
    /// ascending order of the number, named by the label (or by the number); values sharing a label share
    /// the level, placed at the lowest of them.
    static func labelled(_ numbers: [Double], _ missing: [Bool], labels: [ValueLabel]) -> CategoricalColumn {
        var names: [Double: String] = [:]
        for l in labels { names[l.value] = l.label }
        var present = Set<Double>()
        var low = Double.infinity, high = -Double.infinity, integral = true
        for i in numbers.indices where !missing[i] {
            let x = numbers[i]
            low = min(low, x)
            high = max(high, x)
            integral = integral && x == x.rounded()
        }
        if integral && low <= high && high - low < 65_536 {
            // Small whole-number codes (the usual case): mark them in a table instead of hashing every cell.
            var seen = [Bool](repeating: false, count: Int(high - low) + 1)
            for i in numbers.indices where !missing[i] { seen[Int(numbers[i] - low)] = true }
            for (k, s) in seen.enumerated() where s { present.insert(low + Double(k)) }
        } else {
            for i in numbers.indices where !missing[i] { present.insert(numbers[i]) }
        }
        let values = Set(labels.map(\.value)).union(present).sorted()
        var levels: [String] = []
        var levelValues: [Double] = []
        var levelOf: [String: Int32] = [:]
        var codeOf: [Double: Int32] = [:]
        for v in values {
            let name = names[v] ?? GroupingFactor.label(v)
            if let k = levelOf[name] {
                codeOf[v] = k
            } else {
                let k = Int32(levels.count)
                levelOf[name] = k
                codeOf[v] = k
                levels.append(name)
                levelValues.append(v)
            }
        }
        // Item codes are small whole numbers: look them up in a table rather than hash every cell.
        if let low = values.first, let high = values.last, high - low < 65_536, values.allSatisfy({ $0 == $0.rounded() }) {
            var table = [Int32](repeating: -1, count: Int(high - low) + 1)
            for (v, k) in codeOf { table[Int(v - low)] = k }
            let codes = numbers.indices.map { i -> Int32 in
                let x = numbers[i]
                guard !missing[i], x == x.rounded(), x >= low, x <= high else { return missing[i] ? -1 : (codeOf[x] ?? -1) }
                return table[Int(x - low)]
            }
            return CategoricalColumn(levels: levels, codes: codes, levelValues: levelValues)
        }
        let codes = numbers.indices.map { missing[$0] ? -1 : (codeOf[numbers[$0]] ?? -1) }
        return CategoricalColumn(levels: levels, codes: codes, levelValues: levelValues)
    }
}

struct ParseFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// SPSS and SAS pad text to the variable's width with spaces.
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\n" || last == "\r" || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
