import DataTable

/// Warnings for the common missing-value codes (-99, 999, …) left in numeric columns an analysis reads: the scan
/// `describe` and the model frame run (DataTable's `suspectedMissingCodes`), for commands that read their columns
/// without a model frame (survival curves, monitoring panels, mediation, meta-analysis).
public enum MissingCodeWarnings {
    /// One warning per suspected code in each named column, in the order named (each column once): codes far
    /// outside a numeric column's values, and codes standing as labels among a text column's labels (999 among
    /// T01…T30 in a `--by` or cluster column). Names that are not in the table are skipped: the command's own checks
    /// report those.
    public static func warnings(table: Table, columns: [String], action: String = "run again") -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for name in columns where seen.insert(name).inserted {
            switch table.column(named: name)?.data {
            case .numeric(let numeric):
                for code in numeric.suspectedMissingCodes() { out.append(text(column: name, code: code, action: action)) }
            case .categorical(let categorical):
                for code in categorical.suspectedMissingCodeLabels() { out.append(labelText(column: name, code: code, action: action)) }
            case nil:
                continue
            }
        }
        return out
    }

    /// The warning for a code among a text column's labels: it becomes one more category or group.
    public static func labelText(column: String, code: SuspectedMissingCode, action: String) -> String {
        let value = code.value.rounded() == code.value ? String(Int(code.value)) : String(code.value)
        return "column '\(column)' holds \(value) in \(code.count) row\(code.count == 1 ? "" : "s") among text labels: likely a "
            + "missing-value code, used here as one more group; if it is one, pass --na \(column):\(value) and \(action)"
    }

    /// The warning for one code in one column; says how to declare it missing.
    public static func text(column: String, code: SuspectedMissingCode, action: String) -> String {
        let value = code.value.rounded() == code.value ? String(Int(code.value)) : String(code.value)
        return "column '\(column)' holds \(value) in \(code.count) row\(code.count == 1 ? "" : "s"), far outside its other "
            + "values: likely a missing-value code, analysed here as a number; if it is one, pass --na \(value) "
            + "(or --na \(column):\(value) for this column only) and \(action)"
    }
}
