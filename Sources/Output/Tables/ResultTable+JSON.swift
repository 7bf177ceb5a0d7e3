extension ResultTable {
    /// A generic JSON form: `{ "title", "columns": [keys], "rows": [ { key: value } ], "notes" }`.
    /// Numbers keep full precision; missing values are `null`; an interval column gives `<key>_low`
    /// and `<key>_high`. Commands with a JSON contract (DESIGN.md §7) build their own `JSONValue` instead.
    public func jsonValue() -> JSONValue {
        var keys: [String] = []
        for column in columns {
            if case .interval = column.kind {
                keys.append(column.key + "_low")
                keys.append(column.key + "_high")
            } else {
                keys.append(column.key)
            }
        }
        let jsonRows: [JSONValue] = rows.indices.map { row in
            var members: [(String, JSONValue)] = []
            for (index, column) in columns.enumerated() {
                let cell = self.cell(row, index)
                if case .interval = column.kind {
                    switch cell {
                    case .interval(let low, let high):
                        members.append((column.key + "_low", .number(low)))
                        members.append((column.key + "_high", .number(high)))
                    default:
                        members.append((column.key + "_low", Self.json(cell)))
                        members.append((column.key + "_high", .null))
                    }
                } else {
                    members.append((column.key, Self.json(cell)))
                }
            }
            return .object(members)
        }
        return .object([
            ("title", .string(title)),
            ("columns", .array(keys.map(JSONValue.string))),
            ("rows", .array(jsonRows)),
            ("notes", .array(notes.map(JSONValue.string))),
        ])
    }

    private static func json(_ cell: Cell) -> JSONValue {
        switch cell {
        case .text(let text): return .string(text)
        case .number(let value): return .number(value)
        case .integer(let value): return .integer(value)
        case .interval(let low, let high): return .array([.number(low), .number(high)])
        }
    }
}
