/// A self-contained HTML `<table>` fragment with light inline styling (APA-like horizontal rules only):
/// `<caption>` for the title, `<thead>`, `<tbody>`, and notes in `<tfoot>`. All text is escaped.
enum HTMLTableRenderer {
    static func render(_ table: ResultTable) -> String {
        let tableStyle = "border-collapse:collapse;font-variant-numeric:tabular-nums"
        let headStyle = "border-top:2px solid #333;border-bottom:1px solid #333;padding:4px 8px"
        let cellStyle = "padding:2px 8px"
        func align(_ column: TableColumn) -> String {
            column.kind.isNumeric ? "text-align:right" : "text-align:left"
        }

        var lines: [String] = []
        lines.append("<table class=\"alliance-table\" style=\"\(tableStyle)\">")
        if let title = table.title {
            lines.append("<caption style=\"text-align:left;font-style:italic;padding-bottom:4px\">"
                + escape(title) + "</caption>")
        }
        lines.append("<thead>")
        lines.append("<tr>" + table.columns.map { column in
            "<th scope=\"col\" style=\"\(headStyle);\(align(column))\">" + escape(column.header) + "</th>"
        }.joined() + "</tr>")
        lines.append("</thead>")
        lines.append("<tbody>")
        for row in table.rows.indices {
            let isLast = row == table.rows.count - 1
            let rule = isLast ? ";border-bottom:2px solid #333" : ""
            lines.append("<tr>" + table.columns.indices.map { column in
                let text = HumanCellText.format(table.cell(row, column), kind: table.columns[column].kind)
                return "<td style=\"\(cellStyle);\(align(table.columns[column]))\(rule)\">" + escape(text) + "</td>"
            }.joined() + "</tr>")
        }
        lines.append("</tbody>")
        if !table.notes.isEmpty {
            lines.append("<tfoot>")
            for note in table.notes {
                lines.append("<tr><td colspan=\"\(max(1, table.columns.count))\" style=\"padding:4px 8px 0;font-size:0.9em\">"
                    + escape(note) + "</td></tr>")
            }
            lines.append("</tfoot>")
        }
        lines.append("</table>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        XMLText.escape(HumanCellText.singleLine(text))
    }
}
