/// A booktabs `tabular` fragment for `\input` inside the author's own `table` float.
///
/// Decisions: the title is written as a `%` comment (the author sets `\caption` in their document,
/// where numbering and placement belong); notes follow the tabular as a footnote-size paragraph,
/// because a `\multicolumn` cell cannot wrap long notes. Missing values are `---` (an em dash).
/// In numeric columns a minus sign is the math minus `$-$` (a text hyphen is too short; other formats keep ASCII
/// `-` so that copied numbers parse), and numbers align on the decimal point: each cell is right-aligned and padded
/// with `\phantom` of what it lacks after its point, as siunitx's S columns would align them but without the
/// package, and cells with brackets, stars or `<` that S columns cannot parse. Requires `\usepackage{booktabs}`.
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
        let texts = table.rows.indices.map { row in
            table.columns.indices.map { HumanCellText.format(table.cell(row, $0), kind: table.columns[$0].kind) }
        }
        let alignments = table.columns.indices.map { column in
            table.columns[column].kind.isNumeric ? DecimalAlignment(texts.map { $0[column] }) : nil
        }
        for row in texts {
            let cells = row.indices.map { column in
                guard let alignment = alignments[column] else { return escape(row[column]) }
                return escape(row[column], numeric: true) + alignment.padding(for: row[column])
            }
            lines.append(cells.joined(separator: " & ") + " \\\\")
        }
        lines.append("\\bottomrule")
        lines.append("\\end{tabular}")
        if !table.notes.isEmpty {
            lines.append("\\par\\smallskip")
            lines.append("{\\footnotesize " + table.notes.map { escape($0) }.joined(separator: "\\par ") + "\\par}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes LaTeX's special characters; the em dash (the missing-value marker) becomes `---`.
    /// A leading `[` is braced, or `\\` ending the previous row would read it as an optional argument.
    /// `numeric`: a `-` before a digit or a point is a minus sign, `$-$`.
    /// Quotes become LaTeX's: a straight or backtick quote that opens (at the start, after a space or an opening
    /// bracket) is `` ` `` or ``` `` ```, one that closes `'` or `''` (a backticked name `` `phq 9` `` reads
    /// ‘phq 9’, not ‘phq 9‘; `"yes"` reads “yes”, not ”yes”); an apostrophe stays `'`.
    static func escape(_ text: String, numeric: Bool = false) -> String {
        var out = text.hasPrefix("[") ? "{[}" : ""
        let text = text.hasPrefix("[") ? String(text.dropFirst()) : text
        let characters = Array(HumanCellText.singleLine(text))
        for (index, character) in characters.enumerated() {
            if numeric, character == "-", index + 1 < characters.count,
               characters[index + 1].isNumber || characters[index + 1] == "." {
                out += "$-$"
                continue
            }
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
            case "\"", "'", "`":
                let opens = index == 0 || characters[index - 1].isWhitespace || "([{".contains(characters[index - 1])
                // An opening quote follows a space or bracket, never `!` or `?`, so no ¡ or ¿ ligature can form.
                out += character == "\"" ? (opens ? "``" : "''") : (opens ? "`" : "'")
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

/// Decimal-point alignment of one right-aligned column: every cell gets `\phantom` of the characters it lacks after
/// its last point, compared with the cell that has most (`0.5` beside `0.51***` gets `\phantom{1***}`; a whole
/// number gets the point too). Digits have one width in LaTeX's fonts, so numbers align exactly; brackets and
/// stars in the padding are borrowed from the longest tail and align nearly.
struct DecimalAlignment {
    /// The longest text after a point in the column; nil when no cell has a point (nothing to align).
    let longestTail: String?

    init(_ cells: [String]) {
        longestTail = cells.compactMap(Self.tail).max { $0.count < $1.count }
    }

    /// What follows the last point of a number in `text` (`-1.19***` → `19***`), or nil without one.
    static func tail(_ text: String) -> String? {
        guard let point = text.lastIndex(of: ".") else { return nil }
        return String(text[text.index(after: point)...])
    }

    func padding(for text: String) -> String {
        guard let longestTail, !text.isEmpty else { return "" }
        let missing: String
        if let own = Self.tail(text) {
            guard own.count < longestTail.count else { return "" }
            missing = String(longestTail.suffix(longestTail.count - own.count))
        } else {
            missing = "." + longestTail
        }
        return "\\phantom{" + LaTeXTableRenderer.escape(missing) + "}"
    }
}
