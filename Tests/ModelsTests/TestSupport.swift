import DataTable
import Foundation

/// Test-local helpers: fixture access and a tiny CSV splitter (no quoting; empty field = missing;
/// a column is numeric when every non-empty field parses as a number).
enum TestSupport {
    static func fixtureURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        return url
    }

    static func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: try fixtureURL(name), encoding: .utf8)
    }

    static func table(csv text: String) throws -> Table {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first else { throw FixtureError.malformed("empty CSV") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var fields = [[String]](repeating: [], count: names.count)
        for line in lines.dropFirst() {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == names.count else { throw FixtureError.malformed(line) }
            for (j, p) in parts.enumerated() { fields[j].append(p) }
        }
        let columns = names.enumerated().map { j, name -> Column in
            let values = fields[j]
            if values.allSatisfy({ $0.isEmpty || Double($0) != nil }) {
                return Column(name: name, numeric: values.map { $0.isEmpty ? nil : Double($0) })
            }
            return Column(name: name, categorical: values.map { $0.isEmpty ? nil : $0 })
        }
        return try Table(columns: columns)
    }

    /// Log relative error as NIST defines it (absolute error when the certified value is 0), capped at 15.
    static func lre(_ value: Double, _ certified: Double) -> Double {
        let error = certified == 0 ? abs(value) : abs(value - certified) / abs(certified)
        return error == 0 ? 15 : min(15, -log10(error))
    }

    static func relativelyClose(_ a: Double?, _ b: Double, tolerance: Double) -> Bool {
        guard let a else { return false }
        if a == b { return true }
        return abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }
}

enum FixtureError: Error {
    case missing(String)
    case malformed(String)
}
