import CReadStat
#if canImport(Glibc)
import Glibc
#endif
import DataTable

/// Writes a `Table` as SPSS `.sav`/`.zsav` or Stata `.dta` through ReadStat's writer, keeping what the reader
/// kept: variable labels, value labels (a value-labelled categorical column is written as its codes with its
/// labels, so SPSS users get their variables back) and SPSS missing-value definitions. Declared missing cells
/// were turned into missing cells on reading; an SPSS file gets their codes back (9 = Refused stays 9, declared
/// missing), so haven and SPSS read what the input meant; so do declared texts of string variables (DK stays DK).
/// Stata cannot declare a code missing: there they are system-missing (an empty string). Text columns are strings;
/// numbers are doubles. The file's timestamp is `SOURCE_DATE_EPOCH` (or 1970-01-01 without it), so that the
/// bytes depend on the data alone.
public enum StatFileWriter {
    public static func data(_ table: Table, format: StatFileFormat, file: String,
                            timestamp: Int = 0) throws(StatFileError) -> [UInt8] {
        func failure(_ reason: String) -> StatFileError { StatFileError(kind: .notWritable(reason), file: file, format: format) }
        guard format.isWritable else {
            throw failure("alliance writes .sav, .zsav and .dta files (and .csv); choose one of these extensions")
        }
        let sink = Unmanaged.passRetained(ByteSink())
        defer { sink.release() }
        guard let writer = readstat_writer_init() else { throw failure("out of memory") }
        defer { readstat_writer_free(writer) }
        readstat_set_data_writer(writer) { bytes, count, ctx in
            let sink = Unmanaged<ByteSink>.fromOpaque(ctx!).takeUnretainedValue()
            if let bytes, count > 0 {
                sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return count
        }
        readstat_writer_set_error_handler(writer) { message, ctx in
            guard let message, let ctx else { return }
            let sink = Unmanaged<ByteSink>.fromOpaque(ctx).takeUnretainedValue()
            if sink.message == nil { sink.message = String(cString: message).trimmingTrailingWhitespace() }
        }
        readstat_writer_set_file_timestamp(writer, time_t(timestamp))
        if format == .zsav { readstat_writer_set_compression(writer, READSTAT_COMPRESS_BINARY) }
        if format == .dta { readstat_writer_set_file_format_version(writer, 118) }

        let plans = try table.columns.map { column throws(StatFileError) in
            try ColumnPlan(column, format: format, failure: failure)
        }
        var variables: [UnsafeMutablePointer<readstat_variable_t>] = []
        // ReadStat keeps the pointer of a string missing value, not a copy, until the header is written: each one lives
        // in C memory freed at the end (a Swift string's temporary C string would be gone, and the value garbage).
        var missingTextStorage: [UnsafeMutablePointer<CChar>] = []
        defer { missingTextStorage.forEach { free($0) } }
        for plan in plans {
            guard let variable = readstat_add_variable(writer, plan.name, plan.type, plan.width) else {
                throw failure("out of memory")
            }
            if let label = plan.label { readstat_variable_set_label(variable, label) }
            readstat_variable_set_measure(variable, plan.measure)
            if !plan.labels.isEmpty {
                let setType = format == .dta ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE
                guard let set = readstat_add_label_set(writer, setType, plan.labelSetName) else { throw failure("out of memory") }
                for l in plan.labels {
                    if format == .dta { readstat_label_int32_value(set, Int32(l.value), l.label) }
                    else { readstat_label_double_value(set, l.value, l.label) }
                }
                readstat_variable_set_label_set(variable, set)
            } else if !plan.textLabels.isEmpty {
                // A string variable's labels (SPSS only: Stata labels numbers alone); ReadStat copies both texts.
                guard let set = readstat_add_label_set(writer, READSTAT_TYPE_STRING, plan.labelSetName) else { throw failure("out of memory") }
                for l in plan.textLabels { readstat_label_string_value(set, l.value, l.label) }
                readstat_variable_set_label_set(variable, set)
            }
            if format != .dta {
                for range in plan.missingRanges {
                    let status = range.lowerBound == range.upperBound
                        ? readstat_variable_add_missing_double_value(variable, range.lowerBound)
                        : readstat_variable_add_missing_double_range(variable, range.lowerBound, range.upperBound)
                    guard status == READSTAT_OK else {
                        throw failure("column '\(plan.name)': \(String(cString: readstat_error_message(status))) (SPSS allows three missing codes, or a range and one code)")
                    }
                }
                for text in plan.missingTexts {
                    guard let stored = strdup(text) else { throw failure("out of memory") }
                    missingTextStorage.append(stored)
                    let status = readstat_variable_add_missing_string_value(variable, stored)
                    guard status == READSTAT_OK else {
                        throw failure("column '\(plan.name)': \(String(cString: readstat_error_message(status))) (SPSS allows three missing values for a string)")
                    }
                }
            }
            variables.append(variable)
        }
        func check(_ status: readstat_error_t) throws(StatFileError) {
            guard status == READSTAT_OK else {
                let reason = String(cString: readstat_error_message(status))
                throw failure(sink.takeUnretainedValue().message.map { "\(reason): \($0)" } ?? reason)
            }
        }
        let ctx = sink.toOpaque()
        if format == .dta {
            try check(readstat_begin_writing_dta(writer, ctx, table.rowCount))
        } else {
            try check(readstat_begin_writing_sav(writer, ctx, table.rowCount))
        }
        // Names are checked by the format's rules (SPSS: 64 bytes, a letter first, no spaces; Stata: 32 characters
        // of letters, digits and _), each failure naming the column.
        for (k, plan) in plans.enumerated() {
            let status = readstat_validate_variable(writer, variables[k])
            guard status == READSTAT_OK else {
                throw failure("column '\(plan.name)': \(String(cString: readstat_error_message(status))); rename the column to a valid \(format == .dta ? "Stata" : "SPSS") variable name")
            }
        }
        try check(readstat_validate_metadata(writer))
        for row in 0..<table.rowCount {
            try check(readstat_begin_row(writer))
            for (k, plan) in plans.enumerated() {
                try check(plan.insert(row: row, writer: writer, variable: variables[k]))
            }
            try check(readstat_end_row(writer))
        }
        try check(readstat_end_writing(writer))
        return sink.takeUnretainedValue().bytes
    }

    /// What `data` cannot keep as the table has it, one sentence per column, for the command to warn with (no cell
    /// value is quoted). A .sav declares a string's missing values in 8-byte slots and ReadStat writes no longer ones
    /// (SPSS keeps those in an extension record): a cell holding a longer declared text is written as that text, which
    /// SPSS and haven then read as a valid value.
    public static func caveats(_ table: Table, format: StatFileFormat) -> [String] {
        guard format == .sav || format == .zsav else { return [] }
        return table.columns.compactMap { column in
            let long = Set(column.metadata.declaredMissingTexts.filter { $0.utf8.count > ColumnPlan.longestMissingText })
            let cells = column.metadata.declaredMissingTextCodes.values.filter(long.contains).count
            guard column.categorical?.levelValues == nil, cells > 0 else { return nil }
            return "column '\(column.name)': \(cells) cell\(cells == 1 ? "" : "s") held a declared missing value longer than "
                + "\(ColumnPlan.longestMissingText) bytes, which a .sav written by ReadStat cannot declare; written as their "
                + "text, no longer missing (recode them with `alliance transform --recode` first, or keep the original file)"
        }
    }
}

final class ByteSink {
    var bytes: [UInt8] = []
    var message: String?
}

/// How one column is written: its variable type, label set and a way to insert each row's cell.
struct ColumnPlan {
    let name: String
    let type: readstat_type_t
    let width: Int
    let label: String?
    var labels: [ValueLabel]
    /// A string variable's value labels (none in a .dta).
    var textLabels: [TextValueLabel] = []
    let labelSetName: String
    let missingRanges: [ClosedRange<Double>]
    /// Row → the declared missing code to write in place of a missing cell (SPSS only; a code the declaration
    /// still covers).
    let missingCodes: [Int: Double]
    /// A string variable's declared missing values that a .sav can declare (8 bytes at most; none in a .dta).
    let missingTexts: [String]
    /// Row → the declared missing text to write in place of a missing string cell (SPSS only).
    let missingTextCodes: [Int: String]
    let measure: readstat_measure_t
    let column: Column

    init(_ column: Column, format: StatFileFormat, failure: (String) -> StatFileError) throws(StatFileError) {
        self.column = column
        name = column.name
        label = column.metadata.label
        missingRanges = column.metadata.declaredMissing
        let ranges = missingRanges
        missingCodes = format == .dta ? [:]
            : column.metadata.declaredMissingCodes.filter { _, code in ranges.contains { $0.contains(code) } }
        let texts = column.metadata.declaredMissingTexts
        missingTexts = format == .dta ? [] : texts.filter { $0.utf8.count <= Self.longestMissingText }
        missingTextCodes = format == .dta ? [:] : column.metadata.declaredMissingTextCodes.filter { texts.contains($0.value) }
        labelSetName = String("labels_\(column.name)".prefix(format == .dta ? 32 : 64))
        switch column.data {
        case .numeric:
            type = READSTAT_TYPE_DOUBLE
            width = 0
            labels = column.metadata.valueLabels
            measure = labels.isEmpty ? READSTAT_MEASURE_SCALE : READSTAT_MEASURE_NOMINAL
        case .categorical(let c):
            if let values = c.levelValues {
                type = READSTAT_TYPE_DOUBLE
                width = 0
                // The file's own labels when it had them (unlabelled numbers stay unlabelled); else one per level.
                labels = column.metadata.valueLabels.isEmpty
                    ? zip(values, c.levels).map { ValueLabel(value: $0, label: $1) } : column.metadata.valueLabels
                measure = READSTAT_MEASURE_NOMINAL
            } else {
                type = READSTAT_TYPE_STRING
                let longest = (c.levels + missingTextCodes.values).map(\.utf8.count).max() ?? 1
                if format == .dta && longest > 2045 {
                    throw failure("column '\(column.name)' holds text of \(longest) bytes; Stata strings hold at most 2045")
                }
                width = max(longest, 1)
                labels = []
                textLabels = format == .dta ? [] : column.metadata.textValueLabels
                measure = READSTAT_MEASURE_NOMINAL
            }
        }
        if format == .dta {
            // Stata cannot declare a code missing, so the label of an SPSS user-missing code would become a level.
            labels = labels.filter { label in !missingRanges.contains { $0.contains(label.value) } }
        }
        if format == .dta, let bad = labels.first(where: { $0.value != $0.value.rounded() || abs($0.value) > 2_147_483_620 }) {
            throw failure("column '\(column.name)' has a value label on \(bad.value); Stata labels only whole numbers up to ±2,147,483,620")
        }
    }

    func insert(row: Int, writer: UnsafeMutablePointer<readstat_writer_t>,
                variable: UnsafeMutablePointer<readstat_variable_t>) -> readstat_error_t {
        switch column.data {
        case .numeric(let c):
            return c.missing[row] ? insertMissing(row: row, writer: writer, variable: variable)
                : readstat_insert_double_value(writer, variable, c.values[row])
        case .categorical(let c):
            let code = c.codes[row]
            if let values = c.levelValues {
                return code < 0 ? insertMissing(row: row, writer: writer, variable: variable)
                    : readstat_insert_double_value(writer, variable, values[Int(code)])
            }
            return readstat_insert_string_value(writer, variable, code < 0 ? missingTextCodes[row] ?? "" : c.levels[Int(code)])
        }
    }

    /// The longest string missing value a .sav variable record holds (bytes).
    static let longestMissingText = 8

    /// A missing numeric cell: its declared code when the file had one, else system-missing.
    private func insertMissing(row: Int, writer: UnsafeMutablePointer<readstat_writer_t>,
                               variable: UnsafeMutablePointer<readstat_variable_t>) -> readstat_error_t {
        if let code = missingCodes[row] { return readstat_insert_double_value(writer, variable, code) }
        return readstat_insert_missing_value(writer, variable)
    }
}
