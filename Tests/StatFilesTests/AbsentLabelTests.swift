import DataTable
import Foundation
import StatFiles
import Testing

/// Value labels on codes no row holds (Fixtures/make_absent_labels.R): a continuous score whose only label is
/// -99 = "missing" was read as a factor of its 30 distinct scores, and a Cox model of it failed as "monotone" where R
/// (haven + coxph) fits the numbers (session 21). Such columns stay numeric and keep their labels; a column with a
/// label on any value present is a factor, as haven's as_factor.
@Suite("Value labels on absent codes")
struct AbsentLabelTests {
    @Test(arguments: [StatFileFormat.dta, .sav])
    func labelsOnAbsentCodesLeaveTheColumnNumeric(_ format: StatFileFormat) throws {
        let path = StatFileReaderTests.fixture(format == .dta ? "absent_labels.dta" : "absent_labels.sav")
        let table = try StatFileReader.read(contentsOf: path, format: format)
        let wai = try #require(table.column(named: "wai"))
        #expect(wai.numeric?.values == [3.6, 4.7, 5.2, 4.1, 2.9, 6.3, 5.5, 4.4])
        #expect(wai.metadata.valueLabels.map(\.label) == ["missing"])
        #expect(table.column(named: "refusals")?.numeric?.values == [0, 1, 0, 2, 0, 0, 3, 1])
        #expect(table.column(named: "item")?.categorical?.levels == ["low", "mid", "high"])
        #expect(table.column(named: "ends")?.categorical?.levels == ["never", "2", "3", "4", "always"])
    }
}
