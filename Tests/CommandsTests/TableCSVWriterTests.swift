@testable import Commands
import DataTable
import Output
import Testing

/// `TableCSVWriter` writes fields straight into bytes; Output's CSV renderer, given the same cells, is the reference:
/// the bytes must be identical for every kind of cell (quoting, formula guards, whole and fractional numbers,
/// missing values, non-finite numbers, negative zero, huge numbers, non-ASCII text).
@Suite("TableCSVWriter matches the CSV renderer")
struct TableCSVWriterTests {
    @Test func sameBytesAsTheRenderer() throws {
        let text: [String?] = ["plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", "+1", "-x", "@me", "\ttab", "\rcr",
                               nil, "", "Zoë", "  spaced  ", "plain"]
        let numbers: [Double?] = [1, -0.0, 2.5, 1e-300, .nan, .infinity, -.infinity, nil, 9.0e15, 8.999e15, -3, 0.1 + 0.2,
                                  123456789012.5, 1e20, 7]
        let table = try Table(columns: [
            Column(name: "client, id", data: .categorical(CategoricalColumn(text))),
            Column(name: "score", data: .numeric(NumericColumn(numbers))),
            Column(name: "=flag", data: .categorical(CategoricalColumn(levels: ["on_track", "not_on_track"],
                                                                       codes: [0, 1, 1, 0, -1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]))),
        ])
        let rows = (0..<table.rowCount).map { row in table.columns.map { TableCSVWriter.cell($0, row) } }
        let reference = ResultTable(columns: table.columns.map { TableColumn($0.name) }, rows: rows).rendered(as: .csv)
        #expect(TableCSVWriter.csv(table) == Array(reference.utf8))
    }

    @Test func emptyTableIsTheHeader() throws {
        let table = try Table(columns: [Column(name: "a", data: .numeric(NumericColumn([])))])
        #expect(TableCSVWriter.csv(table) == Array("a\r\n".utf8))
    }
}
