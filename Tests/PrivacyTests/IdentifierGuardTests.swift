import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Privacy

/// The two committed fixtures (Tests/PrivacyTests/Fixtures/make_fixtures.py): every identifier kind by header
/// only and by content only, and a clean research file that must pass untouched.
struct IdentifierGuardFixtureTests {
    static let headerOnly: [String: IdentifierKind] = [
        "first_name": .name, "Surname": .name, "Full Name": .name, "email": .emailAddress, "e-mail": .emailAddress,
        "phone": .phoneNumber, "mobile": .phoneNumber, "tel": .phoneNumber, "fax": .faxNumber,
        "address": .address, "street": .address, "city": .address, "town": .address, "zip": .postalCode,
        "postcode": .postalCode, "postal code": .postalCode, "dob": .date, "date of birth": .date,
        "birthDate": .date, "ssn": .socialSecurityNumber, "social_security": .socialSecurityNumber,
        "nhs_no": .nhsNumber, "NHS number": .nhsNumber, "mrn": .medicalRecordNumber,
        "medical_record": .medicalRecordNumber, "record number": .medicalRecordNumber,
        "insurance_id": .healthPlanNumber, "account_number": .accountNumber, "licence_number": .licenseNumber,
        "driverLicense": .licenseNumber, "vehicle": .vehicleIdentifier, "vin": .vehicleIdentifier,
        "device_serial": .deviceIdentifier, "ip": .ipAddress, "ip_address": .ipAddress, "url": .url,
        "website": .url, "biometric": .biometric, "fingerprint": .biometric, "photo": .photograph,
    ]

    /// Column → (kind, cells that match).
    static let contentOnly: [String: (IdentifierKind, Int)] = [
        "field_a": (.emailAddress, 6), "notes": (.emailAddress, 1), "field_b": (.phoneNumber, 6),
        "field_c": (.phoneNumber, 6), "field_d": (.phoneNumber, 6), "field_e": (.socialSecurityNumber, 5),
        "field_f": (.nhsNumber, 6), "field_g": (.date, 6), "visit": (.date, 6), "field_h": (.date, 6),
        "field_i": (.postalCode, 6), "field_j": (.postalCode, 6), "field_k": (.postalCode, 6),
        "field_l": (.ipAddress, 6), "field_m": (.ipAddress, 6), "field_n": (.url, 6), "comments": (.name, 2),
        "field_o": (.name, 6), "field_p": (.name, 6), "client_age": (.ageOver89, 2), "field_q": (.phoneNumber, 6),
        "field_r": (.nhsNumber, 6),
    ]

    @Test func everyHeaderOnlyColumnIsFlaggedByHeaderWithTheRightKind() throws {
        let report = IdentifierGuard().scan(try fixtureFiles.table("identifiers.csv"))
        for (column, kind) in Self.headerOnly {
            let found = report.findings.filter { $0.column == column }
            #expect(found == [IdentifierFinding(column: column, kind: kind, cells: 0, matchedBy: .header)],
                    "column \(column)")
        }
    }

    @Test func everyContentOnlyColumnIsFlaggedByContentWithTheRightKind() throws {
        let report = IdentifierGuard().scan(try fixtureFiles.table("identifiers.csv"))
        for (column, (kind, cells)) in Self.contentOnly {
            let found = report.findings.filter { $0.column == column }
            #expect(found == [IdentifierFinding(column: column, kind: kind, cells: cells, matchedBy: .content)],
                    "column \(column)")
        }
    }

    @Test func identifierFixtureCoversEverySafeHarborKindBothWays() throws {
        let table = try fixtureFiles.table("identifiers.csv")
        let report = IdentifierGuard().scan(table)
        #expect(Set(report.flaggedColumns) == Set(table.columnNames), "every fixture column is an identifier")
        #expect(report.flaggedColumns.count == Self.headerOnly.count + Self.contentOnly.count)
        let headerKinds = Set(Self.headerOnly.values)
        // Every kind is detectable by header, except ages over 89, which need the values.
        #expect(headerKinds == Set(IdentifierKind.allCases).subtracting([.ageOver89]))
        let contentKinds = Set(Self.contentOnly.values.map(\.0))
        #expect(contentKinds == [.name, .postalCode, .date, .ageOver89, .phoneNumber, .emailAddress,
                                 .socialSecurityNumber, .nhsNumber, .url, .ipAddress])
        #expect(!report.isClean)
    }

    @Test func cleanResearchFilePassesUntouched() throws {
        let table = try fixtureFiles.table("clean_research.csv")
        #expect(table.rowCount == 240)
        let report = IdentifierGuard().scan(table)
        #expect(report.findings == [], "false alarms: \(report.findings.map { "\($0.column): \($0.kind)" })")
        #expect(report.allowed == [])
        #expect(report.isClean)
    }

    /// The DataTable CSV reader (type inference, leading-zero counts) gives the same findings as the minimal
    /// fixture parser the other tests use.
    @Test(arguments: ["identifiers", "clean_research"])
    func realCSVReaderGivesTheSameReport(_ fixture: String) throws {
        let path = try fixtureFiles.url("\(fixture).csv").path
        let table = try CSVReader.read(contentsOf: path)
        #expect(IdentifierGuard().scan(table) == IdentifierGuard().scan(try fixtureFiles.table("\(fixture).csv")))
    }

    @Test func reportNeverContainsCellValues() throws {
        let csv = try fixtureFiles.text("identifiers.csv")
        let records = FixtureCSV.records(csv)
        let header = Set(records[0])
        let report = IdentifierGuard(allowedColumns: ["field_a", "comments"]).scan(try FixtureCSV.table(csv: csv))
        let described = String(describing: report) + "\n" + String(reflecting: report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        let reasons = IdentifierKind.allCases.map(\.reason).joined(separator: " ")
        // Every planted value long enough to be recognisable, and not a column name or reason wording itself.
        let planted = Set(records.dropFirst().flatMap { $0 }).filter {
            $0.count >= 4 && !header.contains($0) && !reasons.contains($0)
        }
        #expect(planted.count > 100)
        for value in planted {
            #expect(!described.contains(value), "report description leaks \(value)")
            #expect(!json.contains(value), "report JSON leaks \(value)")
        }
    }

    @Test func allowedColumnsAreRecordedAndDoNotMakeTheReportUnclean() throws {
        let table = try Table(columns: [
            Column(name: "email", categorical: ["a@example.org", "b@example.org"]),
            Column(name: "site", categorical: ["north", "east"]),
            Column(name: "notes", categorical: ["call 020 7946 0958", "fine"]),
        ])
        let strict = IdentifierGuard().scan(table)
        #expect(strict.flaggedColumns == ["email", "notes"])
        #expect(strict.allowed.isEmpty)

        let partly = IdentifierGuard(allowedColumns: ["email"]).scan(table)
        #expect(partly.flaggedColumns == ["notes"])
        #expect(partly.allowed == [IdentifierFinding(column: "email", kind: .emailAddress, cells: 2, matchedBy: .headerAndContent)])
        #expect(!partly.isClean)

        let guardAll = IdentifierGuard(allowedColumns: ["email", "notes", "nonexistent"])
        let all = guardAll.scan(table)
        #expect(all.isClean)
        #expect(all.allowed.map(\.column) == ["email", "notes"])
        #expect(guardAll.unknownAllowedColumns(in: table) == ["nonexistent"])
    }

    @Test func checkJSONHasTheContractKeys() throws {
        let table = try Table(columns: [Column(name: "contact", categorical: ["a@example.org", nil, "c@example.org"])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(IdentifierGuard().scan(table)), as: UTF8.self)
        #expect(json == #"{"allowed":[],"clean":false,"identifiers":[{"cells":2,"column":"contact","kind":"email_address","matched_by":"content","reason":"email addresses"}]}"#)
        let decoded = try JSONDecoder().decode(IdentifierReport.self, from: Data(json.utf8))
        #expect(decoded == IdentifierGuard().scan(table))
    }

    @Test func findingMessagesNameColumnAndReason() {
        #expect(IdentifierFinding(column: "contact", kind: .emailAddress, cells: 40, matchedBy: .content).message
            == "column 'contact': email addresses (40 cells matched)")
        #expect(IdentifierFinding(column: "dob", kind: .date, cells: 0, matchedBy: .header).message
            == "column 'dob': dates finer than a year (by its name)")
        #expect(IdentifierFinding(column: "age", kind: .ageOver89, cells: 1, matchedBy: .headerAndContent).message
            == "column 'age': ages over 89 (by its name; 1 cell matched)")
    }

    @Test func kindRawValuesAreSnakeCase() {
        for kind in IdentifierKind.allCases {
            #expect(kind.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(kind)")
            #expect(!kind.reason.isEmpty)
        }
        #expect(Set(IdentifierKind.allCases.map(\.rawValue)).count == IdentifierKind.allCases.count)
    }
}
