import Testing
@testable import DataTable

/// `--recode`: labels to numbers and back, unmatched values kept and counted, NA making cells missing.
@Suite struct RecodeTests {
    let table = try! Table(columns: [
        Column(name: "label", categorical: ["Often", "Never", nil, "Always", "Often"]),
        Column(name: "score", numeric: [1, 2, nil, 3, 1]),
    ])

    @Test func labelsToNumbers() throws {
        let (out, summary) = try RecodeRule(parsing: "label: Never=0, Often=3, Always=4").apply(to: table)
        let c = try #require(out.column(named: "label")?.numeric)
        #expect((0..<5).map { c[$0] } == [3, 0, nil, 4, 3])
        #expect(summary.matchedCells == [1, 2, 1])
        #expect(summary.unmatchedCells == 0)
        #expect(summary.typeAfter == "numeric")
    }

    @Test func unmatchedTextKeepsTheColumnText() throws {
        let (out, summary) = try RecodeRule(parsing: " label : Never = 0 ").apply(to: table)
        let c = try #require(out.column(named: "label")?.categorical)
        #expect((0..<5).map { c[$0] } == ["Often", "0", nil, "Always", "Often"])
        #expect(summary.unmatchedCells == 3)
        #expect(summary.unmatchedValues == ["Always", "Often"])
        #expect(summary.typeAfter == "text")
    }

    @Test func numbersToLabelsAndMissing() throws {
        let (out, summary) = try RecodeRule(parsing: "score: 1=Low, 3=NA").apply(to: table)
        let c = try #require(out.column(named: "score")?.categorical)
        #expect((0..<5).map { c[$0] } == ["Low", "2", nil, nil, "Low"])
        #expect(summary.newlyMissing == 1)
        let (numbers, _) = try RecodeRule(parsing: "score: 1=10, 2=20").apply(to: table)
        let n = try #require(numbers.column(named: "score")?.numeric)
        #expect((0..<5).map { n[$0] } == [10, 20, nil, 3, 10])
    }

    @Test func malformedRulesAreRefused() {
        for text in ["label Never=0", ": Never=0", "label: Never", "label: =1", "label: a=1, a=2", "label: a=b=c"] {
            #expect(throws: DataStepInputError.self, "\(text)") { try RecodeRule(parsing: text) }
        }
    }
}
