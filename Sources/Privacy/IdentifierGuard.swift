import DataTable

/// The de-identification guard (DESIGN.md §9): finds columns that look like HIPAA Safe Harbor identifiers by
/// header name (`HeaderClassifier`) and by content (`CategoricalContentRules`, `NumericContentRules`), and
/// reports them by column name, kind and count, never by value.
///
/// Columns named in `allowedColumns` (the CLI's `--allow-column`) are still scanned; their findings go to
/// `IdentifierReport.allowed` so that the decision is recorded, and do not make the report unclean.
///
/// A date-like header (`referral_date`) is cleared when every value in the column is a bare year: that is
/// the coarsening Safe Harbor asks for. A header that says the column is coarsened to the year
/// (`session_date_year`) is not flagged at all; year-month is not a safe coarsening and is flagged.
public struct IdentifierGuard: Sendable {
    public let allowedColumns: Set<String>

    public init(allowedColumns: Set<String> = []) {
        self.allowedColumns = allowedColumns
    }

    /// What a clean scan does not rule out (docs/privacy.md, "Known limits"), said where the user reads the verdict
    /// (`check`'s output, help and manual page): cells are matched whole, so that answers and notes raise no false alarm.
    public static let undetected = "A clean check is not proof of de-identification: cells are matched whole against "
        + "patterns and a list of given names, so a name inside longer text ('seen by john smith'), a name outside the "
        + "list, a city or a street without a house number is not found. Read free-text columns yourself, or drop them "
        + "(alliance transform FILE --drop COLUMN --out FILE.csv)."

    public func scan(_ table: Table) -> IdentifierReport {
        // Columns are scanned on both cores for large tables (a column of a million client codes is
        // as costly as all the numeric columns together).
        report(table, findings: table.mapColumns { IdentifierGuard.findings(in: $0) })
    }

    /// The report from each column's `findings(in:)` (for callers that scan columns alongside other work).
    public func report(_ table: Table, findings perColumn: [[IdentifierFinding]]) -> IdentifierReport {
        var findings: [IdentifierFinding] = []
        var allowed: [IdentifierFinding] = []
        for (column, columnFindings) in zip(table.columns, perColumn) {
            if allowedColumns.contains(column.name) {
                allowed.append(contentsOf: columnFindings)
            } else {
                findings.append(contentsOf: columnFindings)
            }
        }
        return IdentifierReport(findings: findings, allowed: allowed)
    }

    /// Names in `allowedColumns` that the table does not have (a likely typo the command should report).
    public func unknownAllowedColumns(in table: Table) -> [String] {
        allowedColumns.filter { table.column(named: $0) == nil }.sorted()
    }

    /// The findings for one column, one per kind, in `IdentifierKind` order.
    public static func findings(in column: Column) -> [IdentifierFinding] {
        let header = HeaderClassifier.classify(column.name)
        let content: ColumnContent
        switch column.data {
        case .numeric(let numeric):
            content = NumericContentRules.scan(numeric, header: header)
        case .categorical(let categorical):
            content = CategoricalContentRules.scan(categorical, isAgeInYears: header.isAgeInYears)
        }
        var headerKinds = Set(header.kinds)
        // An SPSS/Stata/SAS variable label says what a short name (`v3`) hides: it is classified as a header too.
        if let label = column.label { headerKinds.formUnion(HeaderClassifier.classify(label).kinds) }
        // Labels are printed (describe, tables, `--out` files) whether or not a row holds the code, and with
        // `--codes` a value label is never a level: their text is scanned for the strong patterns as well.
        headerKinds.formUnion(strongKinds(inMetadataOf: column))
        if content.allYears { headerKinds.remove(.date) }
        let kinds = headerKinds.union(content.cells.keys).sorted()
        return kinds.map { kind in
            let cells = content.cells[kind] ?? 0
            let byHeader = headerKinds.contains(kind)
            let byContent = content.cells[kind] != nil
            let source: MatchSource = byHeader && byContent ? .headerAndContent : (byHeader ? .header : .content)
            return IdentifierFinding(column: column.name, kind: kind, cells: cells, matchedBy: source)
        }
    }

    /// Strong identifier kinds (an email address, a telephone or NHS number, a full date, a person's name, …)
    /// in the column's variable label or value labels; weak whole-cell shapes are not enough in a label.
    static func strongKinds(inMetadataOf column: Column) -> [IdentifierKind] {
        var mask = KindMask()
        // The header itself is printed by every command: an email address or a visit date in it (`phq_2024-03-05` from
        // `reshape --wide` on dates) passed as clean until session 21.
        mask.formUnion(TextContentScanner.scan(column.name).strong)
        if let label = column.label { mask.formUnion(TextContentScanner.scan(label).strong) }
        // Value labels are written back to an SPSS `--out` file, a string variable's as well as a number's.
        for label in column.metadata.valueLabels.map(\.label) + column.metadata.textValueLabels.map(\.label) {
            mask.formUnion(TextContentScanner.scan(label).strong)
        }
        return mask.kinds
    }
}
