import Foundation

/// Foundation objects from JSON whose top level is an object (for assertions on reference files and on
/// what commands print).
public func parseJSON(_ text: String) throws -> [String: Any] {
    try parseJSON(Data(text.utf8), "JSON text")
}

func parseJSON(_ data: Data, _ what: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw FixtureError.malformed("\(what) is not a JSON object")
    }
    return object
}

extension Dictionary where Key == String, Value == Any {
    public func double(_ key: String) throws -> Double {
        guard let v = self[key] as? NSNumber else { throw FixtureError.malformed(key) }
        return v.doubleValue
    }

    public func doubles(_ key: String) throws -> [Double] {
        guard let v = self[key] as? [NSNumber] else { throw FixtureError.malformed(key) }
        return v.map(\.doubleValue)
    }

    public func object(_ key: String) throws -> [String: Any] {
        guard let v = self[key] as? [String: Any] else { throw FixtureError.malformed(key) }
        return v
    }
}

/// A JSON number as parsed by JSONSerialization (nil for anything else).
public func jsonNumber(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}
