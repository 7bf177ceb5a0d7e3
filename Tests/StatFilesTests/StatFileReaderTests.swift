import DataTable
import Foundation
import StatFiles
import Testing

/// Every value, level (in code order), variable label and declared-missing count of the haven-written fixtures
/// (Fixtures/make_statfiles.R) read back exactly as haven reads them (`expected-<file>.json`). Exact: the
/// numbers are binary fractions or integers, written by R with %.17g.
struct StatFileReaderTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    struct Expected {
        let rows: Int
        let columns: [[String: Any]]
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("expected-\(name).json")))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Expected(rows: try #require(object["rows"] as? Int), columns: try #require(object["columns"] as? [[String: Any]]))
    }

    static func strings(_ any: Any?) -> [String?] {
        (any as? [Any] ?? []).map { $0 as? String }
    }

    @Test(arguments: ["labelled.sav", "labelled.zsav", "labelled.dta", "plain.xpt", "plain.sas7bdat", "dates.sav", "dates.dta",
                      "alliance-scored.sav", "alliance-scored.dta"])
    func readsWhatHavenReads(file: String) throws {
        let format = try #require(StatFileFormat(path: file))
        let table = try StatFileReader.read(contentsOf: Self.fixture(file), format: format)
        let expected = try Self.expected(file)
        #expect(table.rowCount == expected.rows)
        #expect(table.columnNames == expected.columns.map { $0["name"] as? String ?? "" })
        for spec in expected.columns {
            let name = spec["name"] as? String ?? ""
            let column = try #require(table.column(named: name))
            #expect(column.label == spec["label"] as? String, "label of \(name)")
            let values = Self.strings(spec["values"])
            if let levels = spec["levels"] {
                let c = try #require(column.categorical, "\(name) should be categorical")
                #expect(c.levels == Self.strings(levels).compactMap { $0 }, "levels of \(name) in code order")
                #expect((0..<table.rowCount).map { c[$0] } == values, "values of \(name)")
                #expect(column.metadata.declaredMissingCount == spec["declared_missing"] as? Int, "declared missing in \(name)")
                let codes = Self.strings(spec["codes"]).map { $0.flatMap(Double.init) }
                let numbers = try #require(column.numericValues)
                #expect((0..<table.rowCount).map { numbers[$0] } == codes, "codes of \(name)")
            } else if let numeric = column.numeric {
                #expect((0..<table.rowCount).map { numeric[$0] } == values.map { $0.flatMap(Double.init) }, "values of \(name)")
            } else {
                let c = try #require(column.categorical)
                #expect((0..<table.rowCount).map { c[$0] } == values, "values of \(name)")
            }
        }
    }

    @Test func codesKeepsTheNumbersAndTheLabels() throws {
        let table = try StatFileReader.read(contentsOf: Self.fixture("labelled.sav"), format: .sav,
                                            options: StatFileOptions(keepCodes: true))
        let phq = try #require(table.column(named: "phq_1"))
        let numeric = try #require(phq.numeric)
        #expect((0..<8).map { numeric[$0] } == [0, 1, 2, 3, nil, nil, 1, 0])
        #expect(phq.metadata.valueLabels.map(\.value) == [0, 1, 2, 3, 9])
        #expect(phq.metadata.valueLabels.last?.label == "Refused")
        #expect(phq.metadata.declaredMissing == [9...9])
        #expect(phq.metadata.declaredMissingCount == 1)
        let bond = try #require(table.column(named: "bond"))
        #expect(bond.metadata.declaredMissing == [-99 ... -90])
    }

    @Test func extensionsChooseTheFormat() {
        #expect(StatFileFormat(path: "a/b/Data.SAV") == .sav)
        #expect(StatFileFormat(path: "x.sas7bdat") == .sas7bdat)
        #expect(StatFileFormat(path: "x.csv") == nil)
        #expect(StatFileFormat(path: "dir.sav/file") == nil)
        #expect(StatFileFormat(path: "noextension") == nil)
    }
}
