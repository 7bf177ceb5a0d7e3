import AllianceTestSupport
import ArgumentParser
import Commands
import Foundation
import Output
import Testing

/// Runs measures commands in-process on the fixtures in Fixtures/measures, capturing what they print.
struct MeasuresRun {
    let report: CommandReport
    let stdout: String
    let stderr: String
    let outputDirectory: URL
}

enum MeasuresFixtures {
    static func path(_ name: String) throws -> String {
        try fixtureFiles.path("measures/\(name)")
    }

    static func scratchDirectory() throws -> URL {
        URL(fileURLWithPath: try TestScratch.directory("measures"))
    }

    /// Parses `arguments` as `command` (the fixture name is resolved to its bundle path) and performs it with
    /// outputs under a fresh scratch directory.
    static func run<C: AllianceSubcommand>(_ command: C.Type, _ arguments: [String]) throws -> MeasuresRun {
        let directory = try scratchDirectory()
        var out = "", err = ""
        let context = RunContext(outputDirectory: directory.path, standardOutput: { out += $0 },
                                 standardError: { err += $0 })
        let parsed = try C.parse(arguments)
        let report = try parsed.perform(in: context)
        return MeasuresRun(report: report, stdout: out, stderr: err, outputDirectory: directory)
    }

    /// The `CLIError` a run throws (nil when it succeeds or throws something else).
    static func failure<C: AllianceSubcommand>(_ command: C.Type, _ arguments: [String]) -> CLIError? {
        do {
            _ = try run(command, arguments)
            return nil
        } catch let error as CLIError {
            return error
        } catch {
            return nil
        }
    }

    /// Reads a CSV the commands wrote: header and rows split on CRLF (fixtures avoid quoted line breaks).
    static func readCSV(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let split = lines.map(splitCSVLine)
        return (split.first ?? [], Array(split.dropFirst()))
    }

    /// Splits one RFC 4180 line (quoted fields may hold commas and doubled quotes).
    static func splitCSVLine(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { fields.append(current); current = "" }
            else { current.append(c) }
        }
        fields.append(current)
        return fields
    }
}

extension JSONValue {
    /// The member `key` of an object (nil for a missing key or a non-object).
    subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var double: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let i): return Double(i)
        default: return nil
        }
    }

    var int: Int? {
        if case .integer(let i) = self { return i }
        return nil
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    var keys: [String] {
        if case .object(let fields) = self { return fields.map(\.0) }
        return []
    }
}

/// Every output format of a report renders non-empty text, and the JSON rendering parses.
func expectRendersInEveryFormat(_ report: CommandReport) throws {
    for format in TableFormat.allCases {
        let text = report.rendered(as: format)
        #expect(!text.isEmpty, "format \(format) rendered nothing")
    }
    let json = report.rendered(as: .json)
    _ = try JSONSerialization.jsonObject(with: Data(json.utf8))
}
