import AllianceTestSupport
import Foundation
import Testing

/// Rows of Fixtures/optimization.csv (made by make_optimization.R): case → field → value.
enum Fixtures {
    static func reference() throws -> [String: [String: Double]] {
        let text = try fixtureFiles.text("optimization.csv")
        var cases: [String: [String: Double]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            try #require(fields.count == 3, "bad fixture line \(line)")
            cases[fields[0], default: [:]][fields[1]] = try #require(Double(fields[2]))
        }
        return cases
    }

    static func value(_ reference: [String: [String: Double]], _ name: String, _ field: String) throws -> Double {
        try #require(reference[name]?[field], "fixture has no \(name).\(field)")
    }
}

/// Results written from several threads (NSLock: the package also builds for macOS 13, before Mutex).
final class LockedSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value?) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
