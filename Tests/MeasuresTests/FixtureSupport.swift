import Foundation
import Testing

enum FixtureError: Error { case missing(String), malformed(String) }

/// A file under Tests/MeasuresTests/Fixtures.
func fixtureURL(_ name: String) throws -> URL {
    let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
    guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
        throw FixtureError.missing(name)
    }
    return url
}

/// A small CSV of numbers with a header; empty fields are missing. Columns in file order.
func readNumericCSV(_ name: String) throws -> (names: [String], columns: [[Double?]]) {
    let text = try String(contentsOf: fixtureURL(name), encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    var columns = [[Double?]](repeating: [], count: header.count)
    for line in lines {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == header.count else { throw FixtureError.malformed(line) }
        for (j, f) in fields.enumerated() { columns[j].append(f.isEmpty ? nil : Double(f)) }
    }
    return (header, columns)
}

func readJSON(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: fixtureURL(name))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw FixtureError.malformed(name)
    }
    return object
}

extension Dictionary where Key == String, Value == Any {
    func double(_ key: String) throws -> Double {
        guard let v = self[key] as? NSNumber else { throw FixtureError.malformed(key) }
        return v.doubleValue
    }
    func doubles(_ key: String) throws -> [Double] {
        guard let v = self[key] as? [NSNumber] else { throw FixtureError.malformed(key) }
        return v.map(\.doubleValue)
    }
    func object(_ key: String) throws -> [String: Any] {
        guard let v = self[key] as? [String: Any] else { throw FixtureError.malformed(key) }
        return v
    }
}

func expectClose(_ actual: Double?, _ expected: Double, tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what): nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(actual - expected) <= tolerance, "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}
