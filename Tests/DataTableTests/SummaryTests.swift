import AllianceTestSupport
import Foundation
import Testing
@testable import DataTable

@Suite("Column summaries")
struct SummaryTests {
    /// Certified values and data of one NIST StRD univariate set, parsed from the .dat file.
    struct NISTSet {
        let name: String
        let mean: Double
        let sd: Double
        let data: [String]

        init(name: String) throws {
            let lines = try fixtureFiles.text("nist/univariate/\(name).dat")
                .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            func certified(_ marker: String) throws -> Double {
                let line = try #require(lines.first { $0.contains(marker) })
                let value = try #require(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces))
                return try #require(Double(value))
            }
            self.name = name
            mean = try certified("ybar:")
            sd = try certified("(denom. = n-1)")
            // Data follow the "Data: Y" line and its row of dashes.
            let dataLine = try #require(lines.firstIndex { $0.hasPrefix("Data: Y") })
            data = lines[(dataLine + 2)...].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    static let nistThresholds: [(set: String, lre: Double)] = [
        ("PiDigits", 13), ("Lottery", 13), ("Lew", 13), ("Mavro", 13), ("Michelso", 13),
        ("NumAcc1", 13), ("NumAcc2", 13), ("NumAcc3", 9.4), ("NumAcc4", 8.2),
    ]

    /// NIST StRD univariate: data converted to a CRLF CSV in memory and read through the CSV path;
    /// mean and SD must reach the stated log relative error (LRE ≥ 13, NumAcc3 ≥ 9.4, NumAcc4 ≥ 8.2).
    @Test(arguments: nistThresholds)
    func nistUnivariateCertifiedValues(set: String, lre: Double) throws {
        let reference = try NISTSet(name: set)
        let csv = "y\r\n" + reference.data.joined(separator: "\r\n") + "\r\n"
        let table = try readCSV(csv)
        let y = try #require(table.column(named: "y")?.numeric)
        #expect(y.count == reference.data.count)
        let s = summarize(y)
        let mean = try #require(s.mean)
        let sd = try #require(s.sd)
        #expect(logRelativeError(mean, reference.mean) >= lre, "\(set) mean \(mean) vs \(reference.mean)")
        #expect(logRelativeError(sd, reference.sd) >= lre, "\(set) sd \(sd) vs \(reference.sd)")
        #expect(s.n == reference.data.count)
        #expect(s.missing == 0)
    }

    @Test func smallColumnMatchesHandComputedValues() {
        // mean 2.5; sd = sqrt(5/3) = 1.2909944487358056 (exact to the last bit within 1 ulp).
        let s = summarize(NumericColumn([4, nil, 1, 3, 2, nil]))
        #expect(s.n == 4)
        #expect(s.missing == 2)
        #expect(s.mean == 2.5)
        expectClose(s.sd, (5.0 / 3.0).squareRoot(), absolute: 2.3e-16)
        #expect(s.min == 1)
        #expect(s.median == 2.5)
        #expect(s.max == 4)
        #expect(s.distinct == 4)
    }

    @Test func degenerateColumns() {
        let none = summarize(NumericColumn([nil, nil]))
        #expect(none == NumericSummary(n: 0, missing: 2, mean: nil, sd: nil, min: nil, median: nil, max: nil, distinct: 0))
        let one = summarize(NumericColumn([7.25]))
        #expect(one == NumericSummary(n: 1, missing: 0, mean: 7.25, sd: nil, min: 7.25, median: 7.25, max: 7.25, distinct: 1))
        let zeros = summarize(NumericColumn([0.0, -0.0, 0.0]))
        #expect(zeros.distinct == 1)
        #expect(zeros.sd == 0)
        let huge = summarize(NumericColumn([1.5e308, 1.7e308]))
        #expect(huge.median == 1.6e308)
    }

    /// Counting (small-range integers) and radix-sort order statistics agree with a plain sort.
    @Test(arguments: [false, true])
    func orderStatisticsAgreeWithSorting(integers: Bool) {
        var state: UInt64 = integers ? 7 : 11
        var values: [Double?] = []
        for i in 0..<5001 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            if i % 50 == 0 { values.append(nil); continue }
            values.append(integers ? (u * 40).rounded(.down) - 12 : (u - 0.3) * 1e3)
        }
        let present = values.compactMap { $0 }.sorted()
        let n = present.count
        let median = n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2
        let s = summarize(NumericColumn(values))
        #expect(s.n == n)
        #expect(s.median == median)
        #expect(s.min == present.first)
        #expect(s.max == present.last)
        #expect(s.distinct == Set(present).count)
    }

    @Test func categoricalSummaryCountsLevelsInOrder() throws {
        let t = try readCSV("site\nnorth\neast\nNA\nnorth\nwest\n")
        guard case .categorical(let s) = summarize(try #require(t.column(named: "site"))) else {
            Issue.record("site should be categorical")
            return
        }
        #expect(s == CategoricalSummary(n: 4, missing: 1, levels: [
            LevelCount(level: "east", count: 1), LevelCount(level: "north", count: 2), LevelCount(level: "west", count: 1),
        ]))
    }
}

/// Values near the top of the double range: squared deviations would overflow, so the summary works in units of
/// an exact power of two. Expected values by hand: mean 1.6e308, sd 1e307 (n − 1).
@Suite struct HugeValueSummaryTests {
    @Test func meanAndSDOfValuesNearDoubleMax() {
        let s = summarize(NumericColumn([1.5e308, 1.7e308, 1.6e308]))
        expectClose(s.mean, 1.6e308, relative: 1e-15)
        expectClose(s.sd, 1e307, relative: 1e-12)
        #expect(s.min == 1.5e308 && s.max == 1.7e308 && s.median == 1.6e308)
    }

    @Test func symmetricHugeValuesCentreOnZero() {
        let s = summarize(NumericColumn([-1e308, 1e308, -1e308, 1e308]))
        #expect(s.mean == 0)
        // sd = sqrt(4e616 / 3): finite, about 1.1547e308.
        expectClose(s.sd, 1e308 * (4.0 / 3).squareRoot(), absolute: 1e-12 * 1.2e308)
    }
}
