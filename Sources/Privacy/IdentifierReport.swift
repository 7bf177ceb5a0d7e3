/// How a finding was made: from the column's name, from its cells, or both.
public enum MatchSource: String, Sendable, Codable, Equatable {
    case header
    case content
    case headerAndContent = "header_and_content"
}

/// One identifier-like column and kind. Holds the column name and counts only, never a cell value,
/// so a report can be printed, logged or serialised without leaking what it found.
public struct IdentifierFinding: Sendable, Equatable, Codable {
    public let column: String
    public let kind: IdentifierKind
    /// Human description of what was found, e.g. "email addresses".
    public let reason: String
    /// How many cells matched the content rules (0 for a header-only match).
    public let cells: Int
    public let matchedBy: MatchSource

    public init(column: String, kind: IdentifierKind, cells: Int, matchedBy: MatchSource) {
        self.column = column
        self.kind = kind
        self.reason = kind.reason
        self.cells = cells
        self.matchedBy = matchedBy
    }

    /// One line for people, naming the column and the reason, never a value:
    /// `column 'contact': email addresses (40 cells matched)` or `column 'dob': dates finer than a year (by its name)`.
    public var message: String {
        switch matchedBy {
        case .header: return "column '\(column)': \(reason) (by its name)"
        case .content: return "column '\(column)': \(reason) (\(cells) \(cells == 1 ? "cell" : "cells") matched)"
        case .headerAndContent:
            return "column '\(column)': \(reason) (by its name; \(cells) \(cells == 1 ? "cell" : "cells") matched)"
        }
    }

    // DESIGN.md §7 `check` keys (column, reason, cells), extended with kind and matched_by.
    enum CodingKeys: String, CodingKey {
        case column, reason, cells, kind
        case matchedBy = "matched_by"
    }
}

/// The result of scanning a table. `findings` make a load refuse; `allowed` holds the findings in columns
/// the user let through with `--allow-column`, kept so that the choice is recorded in the output.
///
/// Encodes (Codable) as the `check` JSON object of DESIGN.md §7, extended compatibly:
/// `{ "identifiers": [ { "column", "reason", "cells", "kind", "matched_by" } ], "allowed": [ ... ], "clean": Bool }`.
public struct IdentifierReport: Sendable, Equatable, Codable {
    public let findings: [IdentifierFinding]
    public let allowed: [IdentifierFinding]

    public init(findings: [IdentifierFinding], allowed: [IdentifierFinding]) {
        self.findings = findings
        self.allowed = allowed
    }

    public var isClean: Bool { findings.isEmpty }

    /// Columns with at least one finding, in table order, without repeats.
    public var flaggedColumns: [String] {
        var seen = Set<String>()
        return findings.map(\.column).filter { seen.insert($0).inserted }
    }

    enum CodingKeys: String, CodingKey {
        case findings = "identifiers"
        case allowed
        case clean
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(findings, forKey: .findings)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(isClean, forKey: .clean)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.findings = try container.decode([IdentifierFinding].self, forKey: .findings)
        self.allowed = try container.decode([IdentifierFinding].self, forKey: .allowed)
    }
}
