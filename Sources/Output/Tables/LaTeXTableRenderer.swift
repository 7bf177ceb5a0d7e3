/// A booktabs `tabular` fragment for `\input` inside the author's own `table` float.
///
/// Decisions: the title is written as a `%` comment (the author sets `\caption` in their document,
/// where numbering and placement belong); notes follow the tabular as a footnote-size paragraph,
/// because a `\multicolumn` cell cannot wrap long notes. Missing values are `---` (an em dash).
/// Minus signs stay ASCII `-`, as in every other format. Requires `\usepackage{booktabs}`.
enum LaTeXTableRenderer {
    static func render(_ table: ResultTable) -> String {
        let spec = table.columns.map { $0.kind.isNumeric ? "r" : "l" }.joined()
        var lines: [String] = []
        if let title = table.title {
            lines.append("% " + HumanCellText.singleLine(title))
        }
        lines.append("\\begin{tabular}{@{}" + spec + "@{}}")
        lines.append("\\toprule")
        lines.append(table.columns.map { escape($0.header) }.joined(separator: " & ") + " \\\\")
        lines.append("\\midrule")
        for row in table.rows.indices {
            let cells = table.columns.indices.map { column in
                escape(HumanCellText.format(table.cell(row, column), kind: table.columns[column].kind))
            }
            lines.append(cells.joined(separator: " & ") + " \\\\")
        }
        lines.append("\\bottomrule")
        lines.append("\\end{tabular}")
        if !table.notes.isEmpty {
            lines.append("\\par\\smallskip")
            lines.append("{\\footnotesize " + table.notes.map(escape).joined(separator: "\\par ") + "\\par}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes LaTeX's special characters; the em dash (the missing-value marker) becomes `---`.
    /// A leading `[` is braced, or `\\` ending the previous row would read it as an optional argument.
    static func escape(_ text: String) -> String {
        var out = text.hasPrefix("[") ? "{[}" : ""
        let text = text.hasPrefix("[") ? String(text.dropFirst()) : text
        for character in HumanCellText.singleLine(text) {
            switch character {
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(character)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "\\": out += "\\textbackslash{}"
            // With the default OT1 encoding, `<` and `>` typeset as ¡ and ¿.
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "\u{2014}": out += "---"
            case "\u{2013}": out += "--"
            default:
                if let command = mathSymbols[character] {
                    out += "\\ensuremath{" + command + "}"
                } else {
                    out.append(character)
                }
            }
        }
        return out
    }

    /// Symbols common in statistics headers (β, α, ω, χ², η², ±, ≤, …), written as math so that the
    /// fragment also compiles with pdfLaTeX, which has no Greek in its default text fonts.
    static let mathSymbols: [Character: String] = [
        "α": "\\alpha", "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "ε": "\\varepsilon", "η": "\\eta",
        "θ": "\\theta", "κ": "\\kappa", "λ": "\\lambda", "μ": "\\mu", "ν": "\\nu", "π": "\\pi", "ρ": "\\rho",
        "σ": "\\sigma", "τ": "\\tau", "φ": "\\phi", "χ": "\\chi", "ψ": "\\psi", "ω": "\\omega",
        "Δ": "\\Delta", "Σ": "\\Sigma", "Ω": "\\Omega", "²": "^{2}", "±": "\\pm", "≤": "\\leq", "≥": "\\geq",
        "×": "\\times", "−": "-", "√": "\\surd",
    ]
}
