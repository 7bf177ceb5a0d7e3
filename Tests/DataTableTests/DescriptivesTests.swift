import AllianceTestSupport
import Foundation
import Testing
@testable import DataTable

/// Histogram bins, the type-7 quantile, grouped summaries and label-ordered grouping factors.
@Suite struct DescriptivesTests {
    /// Rows of a fixture CSV written by Fixtures/descriptives/make_descriptives.R (numbers by sprintf("%.17g")).
    static func fixture(_ name: String) throws -> [[String: String]] {
        let lines = try fixtureFiles.text("descriptives/\(name).csv").split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// R's quantile(x, p, type = 7): exact interpolation, so 1 ulp-scale agreement (relative 1e-15).
    @Test func quantileType7MatchesR() throws {
        let x = [3.5, -1, 2, 2, 10, 7.25, 0.5, 4].sorted()
        for row in try Self.fixture("quantile7") {
            let p = try #require(Double(row["p"]!)), q = try #require(Double(row["q"]!))
            expectClose(sampleQuantile(sorted: x, p), q, .relativeOrAbsolute(1e-15), "p = \(p)")
        }
    }

    /// Per-group n, missing, mean, sd and median against R (mean, sd, median on each group's present values);
    /// relative 1e-14, counts exact. The grouping column itself is not summarised; a missing group is counted.
    @Test func groupedSummaryMatchesR() throws {
        let g: [String?] = ["b", "a", "b", "a", "c", "b", "a", "b", "c", nil]
        let u: [Double?] = [1.5, 2.25, nil, 4, 10, 3, 2.75, 8, 11.5, 6]
        let v: [Double?] = [0.1, nil, 0.3, 0.7, 0.2, 0.9, 0.4, 0.8, nil, 0.5]
        let group = Column(name: "g", categorical: g)
        let table = try Table(columns: [Column(name: "u", numeric: u), group, Column(name: "v", numeric: v)])
        let summary = summarize(table, by: GroupingFactor(group), excluding: ["g"])
        #expect(summary.levels == ["a", "b", "c"])
        #expect(summary.sizes == [3, 4, 2])
        #expect(summary.missingGroup == 1)
        #expect(summary.columns == ["u", "v"])
        func close(_ a: Double?, _ text: String) -> Bool {
            guard let b = Double(text) else { return a == nil }
            return isClose(a, b, .relativeOrAbsolute(1e-14))
        }
        for row in try Self.fixture("grouped") {
            let g = try #require(summary.levels.firstIndex(of: row["level"]!))
            let j = try #require(summary.columns.firstIndex(of: row["column"]!))
            let s = summary.summaries[g][j]
            #expect(s.n == Int(row["n"]!) && s.missing == Int(row["missing"]!), "\(row)")
            #expect(close(s.mean, row["mean"]!) && close(s.sd, row["sd"]!) && close(s.median, row["median"]!), "\(row)")
        }
    }

    /// Numeric groups listed as their labels sort as text (as plots list them), codes following their levels.
    @Test func sortedByLabelOrdersLevelsAsText() {
        let factor = GroupingFactor(Column(name: "site", numeric: [2, 10, nil, 1, 10, 2.5]))
        #expect(factor.levels == ["1", "2", "2.5", "10"])
        let sorted = factor.sortedByLabel()
        #expect(sorted.levels == ["1", "10", "2", "2.5"])
        #expect(sorted.codes == [2, 1, -1, 0, 1, 3])
        let text = GroupingFactor(Column(name: "g", categorical: ["b", "a", nil]))
        #expect(text.sortedByLabel() == text)
    }

    @Test func sturgesWhenTheIQRIsZero() throws {
        // 20 values, IQR 0: Sturges gives ceil(log2(20) + 1) = 6 bins over the range; whole numbers round the width up.
        let values = Array(repeating: 5.0, count: 16) + [0, 1, 9, 12]
        let bins = try HistogramBins(values)
        #expect(bins.rule == .sturges)
        #expect(bins.width == 2)  // 12 / 6 = 2
        #expect(bins.edges.first == -0.5)
        #expect(bins.counts(values) == [2, 0, 16, 0, 1, 0, 1])  // [-0.5, 1.5) holds 0 and 1
    }

    @Test func explicitBins() throws {
        let values = [0.0, 0.25, 0.5, 0.75, 1.0]
        let four = try HistogramBins(values, bins: 4)
        #expect(four.edges == [0, 0.25, 0.5, 0.75, 1.0])
        #expect(four.counts(values) == [1, 1, 1, 2])  // the last bin is closed
        let byWidth = try HistogramBins([0.1, 0.2, 0.35, 0.4], binwidth: 0.2)
        #expect(byWidth.edges.first == 0)
        #expect(byWidth.counts([0.1, 0.2, 0.35, 0.4]).reduce(0, +) == 4)
        #expect(throws: HistogramError.self) { try HistogramBins([0, 1e9], binwidth: 1) }
    }

    /// A long tail would make Freedman–Diaconis ask for thousands of bins; Sturges takes over past 200.
    @Test func longTailFallsBackToSturges() throws {
        let values = (0..<999).map { Double($0) / 999 } + [1e6]
        let bins = try HistogramBins(values)
        #expect(bins.rule == .sturges)
        #expect(bins.count <= 11)  // ceil(log2(1000) + 1) = 11
        #expect(bins.counts(values).reduce(0, +) == 1000)
    }}
