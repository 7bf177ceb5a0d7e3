import Foundation

/// RFC 4180 CSV: CRLF line ends, fields quoted when they contain `,`, `"`, CR or LF (quotes doubled).
/// Numbers keep full precision (shortest round-trip form); missing values are empty fields.
/// An interval column becomes two columns, `<key>_low` and `<key>_high`. The title and notes are
/// not written (CSV is data). Text cells that a spreadsheet would run as a formula (first character
/// `=`, `+`, `-`, `@`, tab or CR) get a leading `'`; number cells are never altered.
enum CSVTableRenderer {
    static func render(_ table: ResultTable) -> String {
        var header: [String] = []
        for column in table.columns {
            if case .interval = column.kind {
                header.append(field(neutralisingFormula(column.key + "_low")))
                header.append(field(neutralisingFormula(column.key + "_high")))
            } else {
                header.append(field(neutralisingFormula(column.key)))
            }
        }
        var lines = [header.joined(separator: ",")]
        for row in table.rows.indices {
            var fields: [String] = []
            for (index, column) in table.columns.enumerated() {
                let cell = table.cell(row, index)
                if case .interval = column.kind {
                    let (low, high) = intervalFields(cell)
                    fields.append(low)
                    fields.append(high)
                } else {
                    fields.append(singleField(cell))
                }
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func singleField(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): return field(neutralisingFormula(text))
        case .number(let value): return number(value)
        case .integer(let value): return value.map(String.init) ?? ""
        case .interval(let low, let high): return field(number(low) + ";" + number(high))
        }
    }

    private static func intervalFields(_ cell: Cell) -> (String, String) {
        switch cell {
        case .interval(let low, let high): return (number(low), number(high))
        default: return (singleField(cell), "")
        }
    }

    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return NumberFormat.roundTrip(value)
    }

    /// Prefixes `'` to text a spreadsheet would evaluate as a formula (OWASP CSV injection guidance), but not to text
    /// that is a plain number (`-5`, `+2.5`, `-1e-3`): a spreadsheet reads those as numbers, not formulas, and a
    /// prefix would turn the `-5` of a column that one `n/a` made text into the level `'-5` for every program reading
    /// the file back (as Python's defusedcsv leaves numbers alone).
    static func neutralisingFormula(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "@", "\t", "\r": return "'" + text
        case "+", "-": return isPlainNumber(text) ? text : "'" + text
        default: return text
        }
    }

    /// A sign, digits with at most one point (at least one digit), and an optional exponent: nothing a spreadsheet
    /// could evaluate as a formula.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0, points = 0
        while let b = bytes.first, (b >= 48 && b <= 57) || b == UInt8(ascii: ".") {
            if b == UInt8(ascii: ".") { points += 1 } else { digits += 1 }
            bytes = bytes.dropFirst()
        }
        guard digits > 0, points <= 1 else { return false }
        guard let e = bytes.first else { return true }
        guard e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return false }
        bytes = bytes.dropFirst()
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Quotes `text` when RFC 4180 requires it.
    static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
