import DataTable
import Output

/// Writes a `Table` as RFC 4180 CSV through Output's CSV renderer, so that quoting, full-precision numbers
/// (shortest round-trip form) and formula-injection neutralisation are the same as in every other CSV
/// alliance writes. Whole numbers are written without a decimal point (`3`, not `3.0`); missing cells are
/// empty. Rows are rendered in chunks to keep memory flat on large tables.
enum TableCSVWriter {
    static let chunkRows = 8192

    static func csv(_ table: Table) -> [UInt8] {
        let columns = table.columns.map { TableColumn($0.name) }
        let header = ResultTable(columns: columns, rows: []).rendered(as: .csv)
        var out = Array(header.utf8)
        var start = 0
        while start < table.rowCount {
            let end = min(start + chunkRows, table.rowCount)
            let rows = (start..<end).map { row in table.columns.map { cell($0, row) } }
            let text = ResultTable(columns: columns, rows: rows).rendered(as: .csv)
            out.append(contentsOf: text.utf8.dropFirst(header.utf8.count))
            start = end
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
