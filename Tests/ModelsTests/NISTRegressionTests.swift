import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Models

/// NIST StRD linear regression: every certified coefficient and standard error, fitted through the
/// formula path. Required log relative error: 9 digits for every set (the issue asks 9, with Filip 7.5,
/// Wampler4 8.5 and Wampler5 6.5; the extended-precision path reaches Filip 11.1, Wampler4 11.1, Wampler5 9.1).
@Suite("NIST StRD linear regression")
struct NISTRegressionTests {
    struct Certified {
        let estimates: [Double]
        let standardErrors: [Double]
        let residualSD: Double
        let x: [Double]
        let y: [Double]
        let extraColumns: [[Double]]   // Longley: six predictors
    }

    /// Parses certified B0…Bk (estimate, SD) and the data block of a StRD .dat file
    /// (vendored unchanged in Fixtures/nist/regression/, see its README).
    static func load(_ name: String) throws -> Certified {
        let text = try fixtureFiles.text("nist/regression/\(name).dat")
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var estimates: [Double] = [], errors: [Double] = []
        var residualSD = Double.nan
        var dataStart = 60
        for (i, line) in lines.enumerated() {
            let words = line.split(separator: " ").map(String.init)
            if words.count == 3, words[0].hasPrefix("B"), Int(words[0].dropFirst()) != nil,
               let e = Double(words[1]), let s = Double(words[2]) {
                estimates.append(e); errors.append(s)
            }
            if line.contains("Residual") && i + 1 < lines.count && lines[i + 1].contains("Standard Deviation") {
                residualSD = lines[i + 1].split(separator: " ").compactMap { Double($0) }.last ?? .nan
            }
            if line.hasPrefix("Data:") && line.contains("y") { dataStart = i + 1 }
        }
        var columns: [[Double]] = []
        for line in lines[dataStart...] {
            let v = line.split(separator: " ").compactMap { Double($0) }
            guard !v.isEmpty else { continue }
            if columns.isEmpty { columns = Array(repeating: [], count: v.count) }
            for (j, x) in v.enumerated() { columns[j].append(x) }
        }
        return Certified(estimates: estimates, standardErrors: errors, residualSD: residualSD,
                         x: columns.count > 1 ? columns[1] : [], y: columns[0], extraColumns: Array(columns.dropFirst()))
    }

    static func polynomial(_ degree: Int) -> String {
        "y ~ x" + (degree >= 2 ? (2...degree).map { " + I(x^\($0))" }.joined() : "")
    }

    @Test(arguments: [
        ("Norris", "y ~ x", 9.0), ("Pontius", polynomial(2), 9.0), ("NoInt1", "y ~ x - 1", 9.0),
        ("NoInt2", "y ~ x - 1", 9.0), ("Filip", polynomial(10), 9.0),
        ("Longley", "y ~ x1 + x2 + x3 + x4 + x5 + x6", 9.0),
        ("Wampler1", polynomial(5), 9.0), ("Wampler2", polynomial(5), 9.0), ("Wampler3", polynomial(5), 9.0),
        ("Wampler4", polynomial(5), 9.0), ("Wampler5", polynomial(5), 9.0),
    ])
    func certifiedValues(name: String, formula: String, required: Double) throws {
        try certifiedValues(name: name, formula: formula, required: required, splitRows: false)
    }

    /// The same sets with their rows split in two halves, factored separately and merged (the path of large fits).
    @Test(arguments: [
        ("Norris", "y ~ x", 9.0), ("Pontius", polynomial(2), 9.0), ("NoInt1", "y ~ x - 1", 9.0),
        ("Filip", polynomial(10), 9.0), ("Longley", "y ~ x1 + x2 + x3 + x4 + x5 + x6", 9.0),
        ("Wampler4", polynomial(5), 9.0), ("Wampler5", polynomial(5), 9.0),
    ])
    func certifiedValuesWithSplitRows(name: String, formula: String, required: Double) throws {
        try RowParts.$minimumRowsToSplit.withValue(2) {
            try certifiedValues(name: name, formula: formula, required: required, splitRows: true)
        }
    }

    func certifiedValues(name: String, formula: String, required: Double, splitRows: Bool) throws {
        let c = try NISTRegressionTests.load(name)
        var columns = [Column(name: "y", numeric: c.y)]
        if name == "Longley" {
            // Longley's file lists y first, then x1…x6.
            for (j, x) in c.extraColumns.enumerated() { columns.append(Column(name: "x\(j + 1)", numeric: x)) }
        } else {
            columns.append(Column(name: "x", numeric: c.x))
        }
        let result = try Regression.ols(formula, data: try Table(columns: columns))
        #expect(result.coefficients.count == c.estimates.count)
        #expect(result.coefficients.allSatisfy { !$0.aliased })
        for (k, coefficient) in result.coefficients.enumerated() {
            let lreEstimate = logRelativeError(coefficient.estimate ?? .nan, c.estimates[k])
            let lreError = logRelativeError(coefficient.stdError ?? .nan, c.standardErrors[k])
            #expect(lreEstimate >= required, "\(name) B\(k) estimate LRE \(lreEstimate)")
            #expect(lreError >= required, "\(name) B\(k) standard error LRE \(lreError)")
        }
        #expect(logRelativeError(result.fit.sigma ?? .nan, c.residualSD) >= required - 0.5)
    }
}
