/// A GitHub-flavoured Markdown pipe table: the title in bold above it, numeric columns right-aligned
/// (`---:`), each note as its own paragraph below. Cells escape `\`, `|`, `` ` `` and `*`; `_` is left
/// alone because GFM does not emphasise inside words (`phq_9_total` stays readable in the raw text).
enum MarkdownTableRenderer {
    static func render(_ table: ResultTable) -> String {
        let header = table.columns.map { escape($0.header) }
        let body = table.rows.indices.map { row in
            table.columns.indices.map { column in
                escape(HumanCellText.format(table.cell(row, column), kind: table.columns[column].kind))
            }
        }
        let rightAligned = table.columns.map(\.kind.isNumeric)
        let widths = table.columns.indices.map { column in
            max(3, ([header[column]] + body.map { $0[column] }).map(\.count).max() ?? 0)
        }

        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { index in
                TextTableRenderer.pad(cells[index], to: widths[index], right: rightAligned[index])
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.indices.map { index in
            rightAligned[index]
                ? " " + String(repeating: "-", count: widths[index] - 1) + ": "
                : " " + String(repeating: "-", count: widths[index]) + " "
        }.joined(separator: "|") + "|"

        var blocks: [String] = []
        if let title = table.title { blocks.append("**" + escape(title) + "**") }
        blocks.append(([line(header), rule] + body.map(line)).joined(separator: "\n"))
        blocks.append(contentsOf: table.notes.map(escape))
        return blocks.joined(separator: "\n\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in HumanCellText.singleLine(text) {
            switch character {
            case "\\", "|", "`", "*": out.append("\\"); out.append(character)
            default: out.append(character)
            }
        }
        return out
    }
}
