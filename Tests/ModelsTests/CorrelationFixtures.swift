import AllianceTestSupport
import Foundation
import Testing

/// The synthetic alliance data set and R's results, written by Fixtures/make_correlation.R.
enum CorrelationFixtures {
    struct Reference: Sendable {
        let kind: String
        let method: String
        let x: String
        let y: String
        let controls: [String]
        let confidenceLevel: Double
        let missing: String
        let n: Double
        let estimate: Double
        let statistic: Double
        let p: Double
        let low: Double
        let high: Double
        let adjusted: Double
    }

    static func number(_ field: Substring) -> Double {
        field == "NA" ? .nan : Double(field) ?? .nan
    }

    /// Columns by name; "NA" becomes nil.
    static func data() throws -> [String: [Double?]] {
        let csv = try FixtureFiles.shared.numericColumns("correlation_alliance.csv")
        return Dictionary(uniqueKeysWithValues: zip(csv.names, csv.columns))
    }

    static func references() throws -> [Reference] {
        try fixtureFiles.text("correlation_reference.csv").split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return Reference(
                kind: String(f[0]), method: String(f[1]), x: String(f[2]), y: String(f[3]),
                controls: f[4].isEmpty ? [] : f[4].split(separator: "+").map(String.init),
                confidenceLevel: number(f[5]), missing: String(f[6]), n: number(f[7]), estimate: number(f[8]),
                statistic: number(f[9]), p: number(f[10]), low: number(f[11]), high: number(f[12]),
                adjusted: number(f[13]))
        }
    }

    /// Rows where every named column is present, as plain arrays in the order given.
    static func completeCases(_ data: [String: [Double?]], _ names: [String]) -> [[Double]] {
        let columns = names.map { data[$0] ?? [] }
        let rows = (0..<(columns.first?.count ?? 0)).filter { row in columns.allSatisfy { $0[row] != nil } }
        return columns.map { column in rows.map { column[$0] ?? .nan } }
    }
}
