import AllianceTestSupport
import Foundation
import Testing

/// One reference value: a function name, up to three arguments, and R's value.
struct ReferenceRow: Sendable, CustomStringConvertible {
    let function: String
    let arguments: [Double]
    let value: Double

    var description: String { "\(function)(\(arguments.map { "\($0)" }.joined(separator: ", "))) = \(value)" }
}

enum Fixtures {
    /// Rows of a `function,a1,a2,a3,value` CSV in Fixtures/.
    static func rows(_ name: String) throws -> [ReferenceRow] {
        let text = try fixtureFiles.text("\(name).csv")
        return try text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let arguments = try fields[1...3].filter { !$0.isEmpty }.map { try #require(parse($0)) }
            return ReferenceRow(function: fields[0], arguments: arguments, value: try #require(parse(fields[4])))
        }
    }

    static let distributions: [ReferenceRow] = (try? rows("distributions")) ?? []
    static let mpmath: [ReferenceRow] = (try? rows("distributions_mpmath")) ?? []

    static func parse(_ field: String) -> Double? {
        switch field {
        case "Inf", "inf": return .infinity
        case "-Inf", "-inf": return -.infinity
        case "NaN", "nan": return .nan
        default: return Double(field)
        }
    }
}

/// Checks every fixture row whose function is in `evaluators` against the tolerance and returns how
/// many rows were checked (so a test can insist the fixture actually covered the function).
@discardableResult
func checkRows(
    _ rows: [ReferenceRow], tolerance: Double,
    _ evaluators: [String: @Sendable ([Double]) -> Double],
    sourceLocation: SourceLocation = #_sourceLocation
) -> Int {
    var checked = 0
    for row in rows {
        guard let evaluate = evaluators[row.function] else { continue }
        let actual = evaluate(row.arguments)
        let error = relativeError(actual, row.value)
        #expect(error <= tolerance, "\(row): got \(actual), relative error \(error)", sourceLocation: sourceLocation)
        checked += 1
    }
    return checked
}
