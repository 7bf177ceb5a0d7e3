/// Which columns' levels a message may quote (docs/privacy.md, "Values in messages and stray levels").
///
/// A column the identifier guard flagged and the user let through with `--allow-column` may still hold names or
/// record numbers (the user judged it a false alarm, and may be wrong): a message never lists its levels, and shows a
/// single level only as `EchoedValue` shows a cell (`'n/a'`, `'999'`, else `a text value of 11 characters`). Levels of
/// every other column are quoted, as `describe` lists them. Errors keep their levels and apply this when rendered, so
/// the one value passed down from the command decides for every message.
public struct LevelQuoting: Sendable, Equatable {
    /// The columns whose levels are withheld.
    public let withheldColumns: Set<String>

    public init(withholding columns: some Sequence<String>) {
        withheldColumns = Set(columns)
    }

    /// Every level quoted (tests, and callers with no identifier guard in front of them).
    public static let everyColumn = LevelQuoting(withholding: [])

    public func withholds(_ column: String) -> Bool {
        withheldColumns.contains(column)
    }

    /// `'level'`, or for a withheld column what `EchoedValue` allows.
    public func level(_ level: String, of column: String) -> String {
        withholds(column) ? EchoedValue.phrase(level) : "'\(level)'"
    }

    /// The levels joined by ", " (each in quotes when `quoted`; after `limit` of them, "…"), or nil for a withheld
    /// column: the caller then says how many there are (`withheldLevels`).
    public func levels(_ levels: [String], of column: String, quoted: Bool = false, limit: Int? = nil) -> String? {
        guard !withholds(column) else { return nil }
        let shown = limit.map { levels.prefix($0) } ?? levels[...]
        let items = quoted ? shown.map { "'\($0)'" } : Array(shown)
        return items.joined(separator: ", ") + (shown.count < levels.count ? ", …" : "")
    }

    /// What a message says in place of a withheld column's levels.
    public static func withheldLevels(_ count: Int, of column: String) -> String {
        "\(count) level\(count == 1 ? "" : "s"), not listed: the identifier guard flags '\(column)'"
    }
}
