import Output
import Testing
@testable import Reporting

@Suite struct DataProvenanceTests {
    /// The §7 `data` object: used defaults to every row read; allowed identifier columns appear only when any were let through.
    @Test func dataObject() {
        let plain = DataProvenance(file: "clinic.csv", sha256: "ab", rows: 10)
        #expect(plain.json().compact() == #"{"file":"clinic.csv","sha256":"ab","rows":10,"used":10,"dropped":0}"#)
        let allowed = DataProvenance(file: "c.csv", sha256: "cd", rows: 5, allowedColumns: ["contact"])
        #expect(allowed.json(used: 3).compact()
            == #"{"file":"c.csv","sha256":"cd","rows":5,"used":3,"dropped":2,"allowed_identifier_columns":["contact"]}"#)
    }
}
