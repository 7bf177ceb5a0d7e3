import DataTable
import Foundation

/// A deliberately minimal CSV reader for test fixtures (RFC 4180 quoting, no other options), standing in for
/// the DataTable reader so that tests of other targets do not depend on it: a column is numeric when every
/// non-empty field parses as a number, fields written with a leading zero (`02139`) are counted as the real
/// reader does, and empty fields are missing. Blank lines are skipped; a row with a different number of
/// fields than the header is an error.
public enum FixtureCSV {
    /// Records of RFC 4180 text (quoted fields may hold commas, line breaks and doubled quotes).
    public static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let ch = next() {
            if inQuotes {
                if ch == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(ch)
                }
            } else if ch == "\"" {
                inQuotes = true
            } else if ch == "," {
                record.append(field)
                field = ""
            } else if ch == "\n" || ch == "\r\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(ch)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records.filter { $0 != [""] }
    }

    /// A table from CSV text with a header line.
    public static func table(csv text: String) throws -> Table {
        let rows = records(text)
        guard let header = rows.first else { throw FixtureError.malformed("empty CSV") }
        let body = rows.dropFirst()
        if let bad = body.first(where: { $0.count != header.count }) {
            throw FixtureError.malformed("\(bad.count) fields, header has \(header.count): \(bad.joined(separator: ","))")
        }
        var columns: [Column] = []
        for (c, name) in header.enumerated() {
            let fields = body.map { $0[c] }
            let present = fields.filter { !$0.isEmpty }
            if !present.isEmpty && present.allSatisfy({ Double($0) != nil }) {
                let leadingZeros = present.filter { $0.count > 1 && $0.hasPrefix("0") && $0.dropFirst().first?.isNumber == true }.count
                let values = fields.map { Double($0) ?? 0 }
                let missing = fields.map(\.isEmpty)
                columns.append(Column(name: name, data: .numeric(NumericColumn(values: values, missing: missing,
                                                                                 leadingZeroCount: leadingZeros))))
            } else {
                columns.append(Column(name: name, categorical: fields.map { $0.isEmpty ? nil : $0 }))
            }
        }
        return try Table(columns: columns)
    }

    /// A numeric CSV with a header: columns in file order; an empty or non-numeric field ("NA") is missing.
    public static func numericColumns(csv text: String) throws -> (names: [String], columns: [[Double?]]) {
        let rows = records(text)
        guard let header = rows.first else { throw FixtureError.malformed("empty CSV") }
        var columns = [[Double?]](repeating: [], count: header.count)
        for row in rows.dropFirst() {
            guard row.count == header.count else { throw FixtureError.malformed(row.joined(separator: ",")) }
            for (j, f) in row.enumerated() { columns[j].append(f.isEmpty ? nil : Double(f)) }
        }
        return (header, columns)
    }
}

extension FixtureFiles {
    /// A CSV fixture as a table (`FixtureCSV.table(csv:)`).
    public func table(_ name: String) throws -> Table {
        try FixtureCSV.table(csv: text(name))
    }

    /// A numeric CSV fixture, columns in file order (`FixtureCSV.numericColumns(csv:)`).
    public func numericColumns(_ name: String) throws -> (names: [String], columns: [[Double?]]) {
        try FixtureCSV.numericColumns(csv: text(name))
    }

    /// A JSON fixture whose top level is an object.
    public func jsonObject(_ name: String) throws -> [String: Any] {
        try parseJSON(data(name), name)
    }
}
