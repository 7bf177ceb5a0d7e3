/// Where a text column that should hold numbers stops being numbers, for error messages that point at the value.
extension Column {
    /// The first non-missing value of a categorical column that does not read as a number, with its data row
    /// (0-based); nil for numeric columns. Messages show it so the user can find the cell: `1,234` (a thousands
    /// separator), `n/a`, `high`.
    public func firstNonNumericValue() -> (row: Int, value: String)? {
        guard case .categorical(let c) = data else { return nil }
        for row in 0..<c.codes.count where c.codes[row] >= 0 {
            let value = c.levels[Int(c.codes[row])]
            if Double(value) == nil { return (row, value) }
        }
        return nil
    }

    /// ` (data row N has 'VALUE')` for a text column, or "" — the clause error messages add after "is text".
    public func nonNumericClause() -> String {
        guard let (row, value) = firstNonNumericValue() else { return "" }
        let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
        return " (data row \(row + 1) has '\(shown)')"
    }
}
