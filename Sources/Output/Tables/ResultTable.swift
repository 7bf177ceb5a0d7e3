/// One table of results, rendered by every command through the same layer.
/// Values are stored unrounded; each format decides how to show them (see `ColumnKind`).
public struct ResultTable: Sendable, Equatable {
    public var title: String?
    public var columns: [TableColumn]
    /// Row-major cells; each row has one cell per column.
    public var rows: [[Cell]]
    /// Table notes (APA "Note." lines), shown below the table in human formats. CSV omits them.
    public var notes: [String]

    public init(title: String? = nil, columns: [TableColumn], rows: [[Cell]], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// Renders the table in `format`.
    public func rendered(as format: TableFormat) -> String {
        switch format {
        case .text: return TextTableRenderer.render(self)
        case .markdown: return MarkdownTableRenderer.render(self)
        case .csv: return CSVTableRenderer.render(self)
        case .latex: return LaTeXTableRenderer.render(self)
        case .html: return HTMLTableRenderer.render(self)
        case .json: return jsonValue().prettyPrinted() + "\n"
        }
    }

    /// The cell as human formats show it (rounded per its column's kind; an em dash when missing), for
    /// renderers outside this module (the Word writer).
    public func humanText(row: Int, column: Int) -> String {
        HumanCellText.singleLine(HumanCellText.format(cell(row, column), kind: columns[column].kind))
    }

    /// The cell at `row`, `column`, or `.text("")` when a row is shorter than the header.
    func cell(_ row: Int, _ column: Int) -> Cell {
        let cells = rows[row]
        return column < cells.count ? cells[column] : .text("")
    }
}

/// A column: its header and how human formats round its values.
public struct TableColumn: Sendable, Equatable {
    /// Header shown in human formats.
    public var header: String
    public var kind: ColumnKind
    /// Machine name used by CSV headers and JSON keys (snake_case by convention); defaults to `header`.
    public var key: String

    public init(_ header: String, kind: ColumnKind = .text, key: String? = nil) {
        self.header = header
        self.kind = kind
        self.key = key ?? header
    }
}

/// How a column's numbers are shown in human formats (text, Markdown, LaTeX, HTML).
public enum ColumnKind: Sendable, Equatable {
    case text
    /// Whole numbers (counts, degrees of freedom).
    case integer
    /// Fixed decimals (`14.17`); a value with more than 15 significant digits in scientific notation (`NumberFormat.decimal`).
    case decimal(Int)
    /// An estimate on the data's own scale (coefficients, their SEs, variances, means): fixed decimals, except that a
    /// value fixed decimals would show as zero is shown in scientific notation (`2.01e-05`), as is one with more than
    /// 15 significant digits (`NumberFormat.estimate`).
    case estimate(Int)
    /// Values bounded by 1 (r, p, β, proportions): fixed decimals without a leading zero (`.28`, `-.05`).
    case bounded(Int)
    /// APA p-values: `< .001`, otherwise three decimals without a leading zero.
    case pValue
    /// Confidence intervals, one cell from two numbers: `[0.21, 0.35]`, or `[.21, .35]` when `bounded`. Unbounded ends
    /// are in scientific notation when both would show as zero (`NumberFormat.intervalEnds`: `[1.72e-05, 2.29e-05]`).
    case interval(Int, bounded: Bool = false)

    /// Whether values are right-aligned (everything but text).
    var isNumeric: Bool {
        if case .text = self { return false }
        return true
    }
}

/// One table cell. Missing numbers are `nil`: shown as an em dash in human formats, empty in CSV,
/// `null` in JSON.
public enum Cell: Sendable, Equatable {
    case text(String)
    case number(Double?)
    case integer(Int?)
    case interval(Double?, Double?)
}

extension Cell: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

/// The formats a `ResultTable` renders to.
public enum TableFormat: String, Sendable, CaseIterable {
    case text, markdown, csv, latex, html, json

    /// The format for a `--format` value or file extension, case-insensitive:
    /// `text`/`txt`, `markdown`/`md`, `csv`, `latex`/`tex`, `html`/`htm`, `json`.
    public init?(name: String) {
        switch name.lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "csv": self = .csv
        case "tex", "latex": self = .latex
        case "html", "htm": self = .html
        case "json": self = .json
        default: return nil
        }
    }

    /// The format implied by a file name's extension (`.txt`, `.md`, `.csv`, `.tex`, `.html`, `.json`), if any.
    public init?(fileExtensionOf path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(name: String(path[path.index(after: dot)...]))
    }
}
