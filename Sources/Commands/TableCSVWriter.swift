import DataTable
import Output

/// Writes a `Table` as RFC 4180 CSV with the same bytes as Output's CSV renderer, so that quoting, full-precision
/// numbers (shortest round-trip form) and formula-injection neutralisation are the same as in every other CSV
/// alliance writes. Whole numbers are written without a decimal point (`3`, not `3.0`); missing cells are
/// empty. Fields go straight into the byte buffer: each categorical level is rendered once (through the renderer
/// when it needs quoting or neutralising), not once per row, which made `track --out` on 5,000,000 sessions slow.
enum TableCSVWriter {
    static func csv(_ table: Table) -> [UInt8] {
        let header = ResultTable(columns: table.columns.map { TableColumn($0.name) }, rows: []).rendered(as: .csv)
        var out = Array(header.utf8)
        let fields = table.columns.map(ColumnFields.init)
        out.reserveCapacity(out.count + table.rowCount * (table.columns.count * 8 + 2))
        for row in 0..<table.rowCount {
            for (j, column) in fields.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                column.append(row, to: &out)
            }
            out.append(13)
            out.append(10)
        }
        return out
    }

    static func cell(_ column: Column, _ row: Int) -> Cell {
        switch column.data {
        case .numeric(let values):
            guard let x = values[row] else { return .number(nil) }
            // Exactly representable whole numbers print as integers; anything else keeps every digit.
            if x.rounded() == x, abs(x) < 9.0e15 { return .integer(Int(x)) }
            return .number(x)
        case .categorical(let values):
            return .text(values[row] ?? "")
        }
    }
}

/// One column's fields as bytes: `cell`'s rules, the renderer's text.
private enum ColumnFields {
    case numeric(NumericColumn)
    /// Each level's field; a missing code writes nothing.
    case categorical(codes: [Int32], levels: [[UInt8]])

    init(_ column: Column) {
        switch column.data {
        case .numeric(let values):
            self = .numeric(values)
        case .categorical(let values):
            self = .categorical(codes: values.codes, levels: values.levels.map(ColumnFields.textField))
        }
    }

    /// The renderer's field for a text cell: the text itself unless it needs quoting or a formula guard, in which case
    /// the renderer writes it (a one-cell table: its line between the header's and the final CRLF).
    static func textField(_ text: String) -> [UInt8] {
        let plain = !text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            && !["=", "+", "-", "@", "\t", "\r"].contains(text.unicodeScalars.first ?? "a")
        if plain { return Array(text.utf8) }
        let header = ResultTable(columns: [TableColumn("x")], rows: []).rendered(as: .csv)
        let rendered = ResultTable(columns: [TableColumn("x")], rows: [[.text(text)]]).rendered(as: .csv)
        return Array(rendered.utf8.dropFirst(header.utf8.count).dropLast(2))
    }

    func append(_ row: Int, to out: inout [UInt8]) {
        switch self {
        case .numeric(let column):
            guard !column.missing[row] else { return }
            let x = column.values[row]
            if x.rounded() == x, abs(x) < 9.0e15 {
                out.append(contentsOf: String(Int(x)).utf8)
            } else if x.isFinite {
                out.append(contentsOf: NumberFormat.roundTrip(x).utf8)
            }
        case .categorical(let codes, let levels):
            let code = Int(codes[row])
            if code >= 0 { out.append(contentsOf: levels[code]) }
        }
    }
}
