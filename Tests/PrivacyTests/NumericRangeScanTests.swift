import DataTable
import Testing
@testable import Privacy

/// The numeric rules' range pass: the branch-free whole-number test and the block scan that stops at the first
/// fraction give what the per-value loop gave (Int64 truncation, every value read).
struct NumericRangeScanTests {
    /// The test the rules used before: whole and of magnitude below 2⁶².
    func truncationTest(_ v: Double) -> Bool { abs(v) < 0x1p62 && Double(Int64(v)) == v }

    @Test func wholeNumberTestAgreesWithTruncationAtTheEdges() {
        let edges: [Double] = [0, -0.0, 0.5, -0.5, 1, -1, 2.5, 1e-300, 2024, 2024.000_000_1, 0x1p52 - 0.5, 0x1p52 - 1,
                               0x1p52, 0x1p52 + 1, 0x1p53 + 2, 0x1p62 - 1024, 0x1p62, -0x1p62, 0x1p62 + 2048, 1e300,
                               .infinity, -.infinity, .nan, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                               4_503_599_627_370_495.5, 9_999_999_999_999_999]
        for v in edges {
            #expect(NumericContentRules.isWhole(v) == truncationTest(v), "\(v)")
        }
    }

    func findings(_ name: String, _ values: [Double?]) -> [IdentifierKind] {
        IdentifierGuard.findings(in: Column(name: name, data: .numeric(NumericColumn(values)))).map(\.kind)
    }

    /// Bare years clear a date-like header only when every value is one: a fraction or an out-of-range year in
    /// any block (first, later, the tail after the last whole block of four) keeps the header's finding.
    @Test func bareYearsAcrossBlocks() {
        let count = 5_003
        let years: [Double?] = (0..<count).map { Double(1990 + $0 % 30) }
        #expect(findings("referral_date", years) == [])
        var withMissing = years
        withMissing[17] = nil
        #expect(findings("referral_date", withMissing) == [])
        for position in [0, 3, 1_023, 1_024, 1_030, 4_999, 5_000, 5_002] {
            var fraction = years
            fraction[position] = 2001.5
            #expect(findings("referral_date", fraction) == [.date], "fraction at \(position)")
            var late = years
            late[position] = 2300
            #expect(findings("referral_date", late) == [.date], "2300 at \(position)")
            var early = years
            early[position] = 1700
            #expect(findings("referral_date", early) == [.date], "1700 at \(position)")
            var missingToo = fraction
            missingToo[(position + 9) % count] = nil
            #expect(findings("referral_date", missingToo) == [.date], "fraction at \(position), a missing value")
        }
    }

    /// Ages over 89 are counted over the whole column (the scan does not stop at a fraction when the header says age).
    @Test func agesAreCountedPastAFraction() {
        var ages: [Double?] = (0..<3_000).map { Double(20 + $0 % 60) }
        ages[0] = 30.5
        ages[2_999] = 95
        let found = IdentifierGuard.findings(in: Column(name: "age", data: .numeric(NumericColumn(ages))))
        #expect(found.first { $0.kind == .ageOver89 }?.cells == 1)
    }

    /// One valid NHS number pasted into a column of scores, and UK mobiles stored as numbers (their leading 0 lost),
    /// passed as clean until session 21; a score column with an invalid 10-digit value, and 10-digit client numbers
    /// under an id header, still do.
    @Test func pastedNHSNumberAndNumericUKMobiles() {
        var scores: [Double?] = (0..<40).map { Double($0 % 27) }
        scores[7] = 9_434_765_919
        #expect(findings("phq", scores) == [.nhsNumber])
        scores[7] = 9_434_765_918
        #expect(findings("phq", scores) == [])
        let mobiles: [Double?] = (0..<40).map { 7_700_900_100 + Double($0) }
        #expect(findings("contact", mobiles) == [.phoneNumber])
        #expect(findings("client_id", mobiles) == [])
    }
}
