/// Where a text column that should hold numbers stops being numbers, for error messages that point at the value.
extension Column {
    /// The first non-missing value of a categorical column that does not read as a number, with its data row
    /// (0-based); nil for numeric columns. Messages show it so the user can find the cell: `1,234` (a thousands
    /// separator), `n/a`, `high`.
    public func firstNonNumericValue() -> (row: Int, value: String)? {
        guard case .categorical(let c) = data else { return nil }
        for row in 0..<c.codes.count where c.codes[row] >= 0 {
            let value = c.levels[Int(c.codes[row])]
            // `Inf`, `nan`, `Infinity` parse as Doubles in Swift but are not numbers the reader takes (session 20: the
            // message then had no cell to show).
            guard let number = Double(value), number.isFinite else { return (row, value) }
        }
        return nil
    }

    /// A text column most of whose levels read as numbers: a number column that some cells turned into text (a decimal
    /// comma in a comma-separated file, `n/a`, `12 kg`), where `nonNumericClause` points at something new; false for a
    /// column of words (site names) and for numeric columns.
    public var readsMostlyAsNumbers: Bool {
        guard case .categorical(let c) = data else { return false }
        return c.levels.filter { Double($0) != nil }.count * 2 > c.levels.count
    }

    /// ` (data row N has 'VALUE')` for a text column, or "" — the clause error messages add after "is text". The
    /// value is quoted only when `EchoedValue` allows it ('12,5', 'n/a', '12 kg'); otherwise the clause says
    /// ` (data row N has a text value of K characters)`, since the guard may have missed a name or a date in it. For
    /// an SPSS/Stata value-labelled variable, read as its labels by default, the clause names `--codes` instead: the
    /// numbers are in the file, and a stray value is not the problem (a label is the codebook's text, not a
    /// respondent's, and the guard scans every label).
    public func nonNumericClause() -> String {
        guard let (row, value) = firstNonNumericValue() else { return "" }
        if let hint = valueLabelHint() {
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return " (data row \(row + 1) has the label '\(shown)'; \(hint))"
        }
        return " (data row \(row + 1) has \(EchoedValue.phrase(value)))"
    }

    /// "a value-labelled variable, read as its labels: pass --codes …" for a categorical column read from an
    /// SPSS/Stata file's value labels, else nil.
    public func valueLabelHint() -> String? {
        guard case .categorical = data, !metadata.valueLabels.isEmpty else { return nil }
        return "'\(name)' is a value-labelled variable, read as its labels: pass --codes to analyse its codes"
    }
}
