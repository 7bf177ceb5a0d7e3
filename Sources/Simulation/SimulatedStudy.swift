import Foundation
import DataTable

/// A generated study: a client-level table and a session-level long table (synthetic data).
public struct SimulatedStudy: Sendable, Equatable {
    public let parameters: SimulationParameters
    /// The latent values the generator used.
    public let latent: LatentParameters
    /// One row per client; columns `SimulatedColumns.client`.
    public let clients: Table
    /// One row per scheduled session (attended or missed); columns `SimulatedColumns.session`.
    public let sessions: Table

    /// The client table as CSV text (header, LF line endings, missing as empty).
    public func clientCSV() -> String { CSVText.render(clients) }

    /// The session table as CSV text (header, LF line endings, missing as empty).
    public func sessionCSV() -> String { CSVText.render(sessions) }
}

/// Deterministic CSV rendering of a table: integers without a decimal point, other numbers in
/// shortest round-trip form, categorical cells as their level text, missing cells empty.
public enum CSVText {
    public static func render(_ table: Table) -> String {
        var out = table.columnNames.map(field).joined(separator: ",")
        out += "\n"
        for row in 0..<table.rowCount {
            var first = true
            for column in table.columns {
                if !first { out += "," }
                first = false
                switch column.data {
                case .numeric(let c):
                    if !c.missing[row] { out += number(c.values[row]) }
                case .categorical(let c):
                    if let text = c[row] { out += field(text) }
                }
            }
            out += "\n"
        }
        return out
    }

    /// Integral values print without `.0`; others in Swift's shortest round-trip form.
    public static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// RFC 4180 quoting when a field holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
