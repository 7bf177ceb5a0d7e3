import Output

/// What a result reports, before anything is written: the machine-readable object (DESIGN.md §7), the human
/// tables, the figures as plot specifications (whoever writes files draws them to SVG) and the warnings.
///
/// The pattern every result type follows: `extension SomeResult { public func report(…) -> Report }` in
/// `SomeResult+Report.swift`, taking the result value, what was asked (column names, settings the JSON echoes)
/// and the data's provenance. Reports compute no statistics; they only arrange values the result holds.
public struct Report {
    public var json: JSONValue
    public var tables: [ResultTable]
    /// Figures in the order the command writes them.
    public var plots: [Plot]
    public var warnings: [String]

    public init(json: JSONValue, tables: [ResultTable], plots: [Plot] = [], warnings: [String] = []) {
        self.json = json
        self.tables = tables
        self.plots = plots
        self.warnings = warnings
    }
}

extension Report {
    /// `more` added to the warnings, and to the JSON object's `warnings` array when it has one, so a command's own
    /// warnings (about its inputs rather than the result) reach both.
    public mutating func addWarnings(_ more: [String]) {
        guard !more.isEmpty else { return }
        warnings += more
        guard case .object(var fields) = json, let k = fields.firstIndex(where: { $0.0 == "warnings" }),
              case .array(let existing) = fields[k].1 else { return }
        fields[k].1 = .array(existing + more.map { .string($0) })
        json = .object(fields)
    }
}
