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

    /// Prefixes `'` to text a spreadsheet would evaluate as a formula (OWASP CSV injection guidance).
    static func neutralisingFormula(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }

    /// Quotes `text` when RFC 4180 requires it.
    static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
