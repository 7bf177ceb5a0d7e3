/// Plain text with aligned columns: numbers right-aligned, text left-aligned, two spaces between
/// columns, a dashed rule under the header, the title above and notes below. No trailing spaces.
enum TextTableRenderer {
    static func render(_ table: ResultTable) -> String {
        let header = table.columns.map { HumanCellText.singleLine($0.header) }
        let body = table.rows.indices.map { row in
            table.columns.indices.map { column in
                HumanCellText.singleLine(
                    HumanCellText.format(table.cell(row, column), kind: table.columns[column].kind))
            }
        }
        let widths = table.columns.indices.map { column in
            ([header[column]] + body.map { $0[column] }).map(\.count).max() ?? 0
        }
        let rightAligned = table.columns.map(\.kind.isNumeric)

        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { index in
                pad(cells[index], to: widths[index], right: rightAligned[index])
            }
            return trimTrailingSpaces(padded.joined(separator: "  "))
        }

        var lines: [String] = []
        if let title = table.title { lines.append(HumanCellText.singleLine(title)) }
        lines.append(line(header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: body.map(line))
        lines.append(contentsOf: table.notes.map(HumanCellText.singleLine))
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ text: String, to width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    static func trimTrailingSpaces(_ text: String) -> String {
        var text = text
        while text.last == " " { text.removeLast() }
        return text
    }
}
