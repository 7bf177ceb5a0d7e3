import DataTable
import Testing
@testable import Privacy

/// Column-level thresholds and numeric rules, through `IdentifierGuard.findings(in:)`.
struct ColumnRuleTests {
    func kinds(_ column: Column) -> [IdentifierKind] {
        IdentifierGuard.findings(in: column).map(\.kind)
    }

    func numeric(_ name: String, _ values: [Double], leadingZeros: Int = 0) -> Column {
        Column(name: name, data: .numeric(NumericColumn(values: values, missing: values.map { _ in false },
                                                        leadingZeroCount: leadingZeros)))
    }

    @Test func oneStrayEmailInFreeTextFlagsTheColumn() {
        var notes = [String?](repeating: "fine", count: 999)
        notes.append("email me at someone@example.org")
        let findings = IdentifierGuard.findings(in: Column(name: "notes", categorical: notes))
        #expect(findings == [IdentifierFinding(column: "notes", kind: .emailAddress, cells: 1, matchedBy: .content)])
    }

    @Test func weakShapesNeedHalfTheCells() {
        let names: [String?] = ["Sarah", "James", "north", "east", nil, nil]
        #expect(kinds(Column(name: "f", categorical: names)) == [.name], "2 of 4 non-missing")
        let fewNames: [String?] = ["Sarah", "north", "east", "west"]
        #expect(kinds(Column(name: "f", categorical: fewNames)) == [], "1 of 4")
        let yearMonths: [String?] = ["2024-03", "2024-04", "2024", "2023"]
        #expect(kinds(Column(name: "period", categorical: yearMonths)) == [.date])
        let years: [String?] = ["2024", "2023", "2022", "2024-03"]
        #expect(kinds(Column(name: "period", categorical: years)) == [])
    }

    @Test func fiveDigitTextNeedsALeadingZeroToBeAZipCode() {
        let codes: [String?] = ["12345", "23456", "34567", "n/a"]
        #expect(kinds(Column(name: "f", categorical: codes)) == [])
        let zips: [String?] = ["02139", "23456", "34567", "n/a"]
        #expect(IdentifierGuard.findings(in: Column(name: "f", categorical: zips))
            == [IdentifierFinding(column: "f", kind: .postalCode, cells: 3, matchedBy: .content)])
    }

    @Test func agesOver89AreFlaggedOnlyInAgeColumns() {
        #expect(kinds(numeric("age", [18, 45, 89, 89])) == [])
        #expect(IdentifierGuard.findings(in: numeric("age", [18, 45, 90, 89]))
            == [IdentifierFinding(column: "age", kind: .ageOver89, cells: 1, matchedBy: .content)])
        #expect(kinds(numeric("sessions", [18, 45, 90, 120])) == [])
        #expect(kinds(numeric("age2", [324, 2025, 8100, 900])) == [], "age squared")
        #expect(kinds(numeric("age", [34, 999, 93, 41])) == [.ageOver89], "999 as a missing code")
        #expect(kinds(numeric("age_months", [18, 45, 90, 120])) == [])
        #expect(kinds(Column(name: "age", categorical: ["34", "90+", "95"])) == [.ageOver89])
        #expect(kinds(Column(name: "age", categorical: ["34", "90+", "unknown"])) == [])
    }

    @Test func numericZipCodesNeedLeadingZeroEvidence() {
        let zips: [Double] = [2139, 90210, 10001, 2115, 60614, 1002]
        #expect(kinds(numeric("field", zips, leadingZeros: 3)) == [.postalCode])
        #expect(kinds(numeric("field", zips, leadingZeros: 0)) == [], "no leading zeros: could be anything")
        // Zero-padded study numbers are not ZIP codes.
        #expect(kinds(numeric("client_id", zips, leadingZeros: 3)) == [])
        let padded: [Double] = [1, 2, 3, 4, 5, 10500]
        #expect(kinds(numeric("field", padded, leadingZeros: 5)) == [])
        // Ordinary numeric columns: scores, counts, years, money.
        #expect(kinds(numeric("income", [12000, 35000, 48000, 52000, 99000])) == [])
        #expect(kinds(numeric("year", [2019, 2020, 2021])) == [])
    }

    @Test func numericDatesAndLongNumbers() {
        #expect(kinds(numeric("visit", [20240305, 20231112, 20220101])) == [.date])
        #expect(kinds(numeric("visit", [20241305, 20231132, 12345678])) == [], "not calendar dates")
        #expect(kinds(numeric("x", [9434765919, 4010232137, 4505577104])) == [.nhsNumber])
        #expect(kinds(numeric("x", [7700900123, 2079460958], leadingZeros: 2)) == [.phoneNumber])
        #expect(kinds(numeric("x", [2125550198, 3125550143, 12025550174])) == [.phoneNumber])
        #expect(kinds(numeric("x", [4111111111111111, 378282246310005, 5555555555554444])) == [.accountNumber])
        #expect(kinds(numeric("x", [4111111111111111, 378282246310005, 4_000_000_000_000_000_000])) == [.accountNumber],
                "a 19-digit number in the column (beyond Double's exact integers) does not hide the others")
        #expect(kinds(numeric("x", [4111111111111112, 378282246310006, 5555555555554445])) == [])
        #expect(kinds(numeric("x", [1479597200000, 1479596223000])) == [], "millisecond timestamps")
        // Unix timestamps, large counts and decimals are not phone numbers.
        #expect(kinds(numeric("x", [1700000000, 1700003600, 1700007200])) == [])
        #expect(kinds(numeric("x", [2125550198.5, 3125550143])) == [])
    }

    @Test func numericYearMonthsAndSocialSecurityNumbers() {
        #expect(kinds(numeric("period", [202403, 202311, 201912])) == [.date])
        #expect(kinds(numeric("income", [150000, 182513, 240000, 99000])) == [])
        #expect(kinds(numeric("x", [123456789, 219099999, 457555462])) == [.socialSecurityNumber])
        // Leading zeros: 078-05-1120 written as 078051120 is the number 78051120.
        #expect(kinds(numeric("x", [78051120, 123456789], leadingZeros: 1)) == [.socialSecurityNumber])
        #expect(kinds(numeric("x", [78051120, 123456789])) == [], "8 digits without a leading zero")
        // Area 9xx and 666 are never issued; 9-digit study numbers are not SSNs.
        #expect(kinds(numeric("x", [912345678, 666123456, 987654321])) == [])
        #expect(kinds(numeric("participant_id", [123456789, 219099999, 457555462])) == [])
    }

    @Test func zipHeaderWithNumericContentCountsTheZipCodes() {
        #expect(IdentifierGuard.findings(in: numeric("zip", [90210, 60614, 12345, 3]))
            == [IdentifierFinding(column: "zip", kind: .postalCode, cells: 3, matchedBy: .headerAndContent)])
    }

    @Test func nonFiniteAndHugeValuesNeverTrap() {
        #expect(kinds(numeric("age", [.infinity, 34, -.infinity])) == [.ageOver89])
        #expect(kinds(numeric("x", [.infinity, 1e300, -1e300, 9.3e18, 2e19])) == [])
        #expect(kinds(numeric("x", [.nan, 20240305, 20231112])) == [], "NaN makes the column non-integer")
    }

    @Test func dateHeaderIsClearedOnlyByBareYears() {
        #expect(kinds(numeric("referral_date", [2019, 2020, 2021])) == [])
        #expect(kinds(Column(name: "referral_date", categorical: ["2019", "2020", nil])) == [])
        #expect(IdentifierGuard.findings(in: Column(name: "referral_date", categorical: ["2019-03", "2020-04"]))
            == [IdentifierFinding(column: "referral_date", kind: .date, cells: 2, matchedBy: .headerAndContent)])
        #expect(kinds(Column(name: "referral_date", categorical: ["withheld"])) == [.date])
        #expect(kinds(numeric("referral_date", [3, 4])) == [.date])
    }

    @Test func columnsWithoutValuesAreJudgedByHeaderOnly() {
        let empty = Column(name: "email", categorical: [nil, nil])
        #expect(IdentifierGuard.findings(in: empty)
            == [IdentifierFinding(column: "email", kind: .emailAddress, cells: 0, matchedBy: .header)])
        #expect(kinds(Column(name: "notes", categorical: [nil, nil])) == [])
        #expect(kinds(Column(name: "score", numeric: [nil, nil])) == [])
    }

    @Test func contentChecksRunOncePerDistinctLevelWeightedByCount() {
        // 100,000 rows over 3 levels: the count is per row, not per level.
        let rows = (0..<100_000).map { i -> String? in ["north", "x@example.org", nil][i % 3] }
        let findings = IdentifierGuard.findings(in: Column(name: "site", categorical: rows))
        #expect(findings == [IdentifierFinding(column: "site", kind: .emailAddress, cells: 33_333, matchedBy: .content)])
    }
}
