import DataTable
import Foundation

/// A deliberately minimal CSV reader for the test fixtures (RFC 4180 quoting, no other options), standing in
/// for the DataTable reader: a column is numeric when every non-empty field parses as a number, and fields
/// written with a leading zero (`02139`) are counted as the real reader does. Empty fields are missing.
enum FixtureCSV {
    enum LoadError: Error { case missingFixture(String) }

    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures") else {
            throw LoadError.missingFixture(name)
        }
        return url
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    static func table(_ name: String) throws -> Table {
        try table(fromCSV: text(name))
    }

    static func records(_ text: String) -> [[String]] {
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
        return records
    }

    static func table(fromCSV text: String) throws -> Table {
        let rows = records(text)
        guard let header = rows.first else { return try Table(columns: []) }
        let body = rows.dropFirst()
        var columns: [Column] = []
        for (c, name) in header.enumerated() {
            let fields = body.map { c < $0.count ? $0[c] : "" }
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
}
