/// Where a table came from: recorded in every result (file, SHA-256 filled in by the command layer).
public struct DataSource: Sendable, Equatable {
    public let path: String
    public let byteCount: Int
    /// What the reader decided on its own and the user should know (a detected dialect, an encoding read
    /// from a byte-order mark, R's row names): commands print these as notes on standard error.
    public let notes: [String]

    public init(path: String, byteCount: Int, notes: [String] = []) {
        self.path = path
        self.byteCount = byteCount
        self.notes = notes
    }
}

/// A columnar table: named columns of equal length. Immutable.
public struct Table: Sendable, Equatable {
    public let columns: [Column]
    public let rowCount: Int
    public let source: DataSource?
    private let indexByName: [String: Int]

    public init(columns: [Column], source: DataSource? = nil) throws(TableError) {
        let n = columns.first?.count ?? 0
        var index: [String: Int] = [:]
        for (i, column) in columns.enumerated() {
            guard column.count == n else {
                throw TableError.columnLengthMismatch(column: column.name, expected: n, found: column.count)
            }
            guard index[column.name] == nil else { throw TableError.duplicateColumn(column.name) }
            index[column.name] = i
        }
        self.columns = columns
        self.rowCount = n
        self.source = source
        self.indexByName = index
    }

    public var columnNames: [String] { columns.map(\.name) }

    public func column(named name: String) -> Column? {
        indexByName[name].map { columns[$0] }
    }

    /// The column, or an error that suggests the nearest existing names.
    public func requireColumn(_ name: String) throws(TableError) -> Column {
        if let c = column(named: name) { return c }
        throw TableError.unknownColumn(name, suggestions: nearestNames(to: name))
    }

    /// Up to three existing column names closest to `name` by edit distance (case-insensitive).
    public func nearestNames(to name: String, limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        let scored = columnNames.map { candidate -> (String, Int) in
            (candidate, editDistance(target, Array(candidate.lowercased())))
        }
        let threshold = max(2, target.count / 2)
        return scored.filter { $0.1 <= threshold }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(limit).map(\.0)
    }
}

public enum TableError: Error, Equatable, CustomStringConvertible, Sendable {
    case columnLengthMismatch(column: String, expected: Int, found: Int)
    case duplicateColumn(String)
    case unknownColumn(String, suggestions: [String])

    public var description: String {
        switch self {
        case .columnLengthMismatch(let c, let e, let f):
            return "column '\(c)' has \(f) rows but the table has \(e)"
        case .duplicateColumn(let c):
            return "duplicate column name '\(c)'"
        case .unknownColumn(let c, let s):
            return "no column named '\(c)'\(Table.suggestionHint(s))"
        }
    }
}

/// Levenshtein distance over characters (column suggestions, and the nearest field of a scoring key).
public func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
