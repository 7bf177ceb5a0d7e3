/// A GitHub-flavoured Markdown pipe table: the title in bold above it, numeric columns right-aligned
/// (`---:`), each note as its own paragraph below. Cells escape `\`, `|`, `` ` ``, `*` and a `<` opening a tag; `_` is left
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

    /// `<` is escaped only where it would open an HTML tag (`<b>`, `</i>`, `<!--`), which GFM passes through as
    /// markup; `< .001` stays as written.
    static func escape(_ text: String) -> String {
        var out = ""
        let characters = Array(HumanCellText.singleLine(text))
        // A label `[click](javascript:…)` or `![x](http://…)` would render as a live link or a remote image (session 20):
        // where `](` occurs the brackets are escaped too (factor terms such as `site[b]` stay as they are).
        let linkLike = characters.indices.dropLast().contains { characters[$0] == "]" && characters[$0 + 1] == "(" }
        for (index, character) in characters.enumerated() {
            switch character {
            case "\\", "|", "`", "*": out.append("\\"); out.append(character)
            case "[" where linkLike, "]" where linkLike: out.append("\\"); out.append(character)
            case "<" where index + 1 < characters.count
                && (characters[index + 1].isLetter || "/!?".contains(characters[index + 1])):
                out.append("\\<")
            default: out.append(character)
            }
        }
        return out
    }
}
