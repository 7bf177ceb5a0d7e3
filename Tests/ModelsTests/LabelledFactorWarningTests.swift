import DataTable
import Testing
@testable import Models

/// A value-labelled SPSS/Stata variable read as its labels (a 1–7 item with only its ends labelled, `Never`/`Always`)
/// enters a model as a factor; the warning pointed at decimal commas and --na, which do not apply to such a file.
@Suite struct LabelledFactorWarningTests {
    @Test func labelledVariableWarningNamesCodes() throws {
        let levels = ["Never", "2", "3", "4", "5", "6", "Always"]
        let codes = (0..<28).map { Int32($0 % 7) }
        var metadata = ColumnMetadata()
        metadata.valueLabels = [ValueLabel(value: 1, label: "Never"), ValueLabel(value: 7, label: "Always")]
        let item = Column(name: "item", data: .categorical(CategoricalColumn(levels: levels, codes: codes)), metadata: metadata)
        let y = Column(name: "y", numeric: (0..<28).map { Double($0 % 7) * 0.7 + Double($0 % 3) })
        let table = try Table(columns: [item, y])
        let frame = try ModelFrame(formula: try Formula("y ~ item"), table: table)
        let warning = try #require(frame.warnings.first { $0.contains("'item'") })
        #expect(warning.contains("has value labels in the file") && warning.contains("pass --codes"), "\(warning)")
        #expect(!warning.contains("decimal commas") && !warning.contains("--na"), "\(warning)")
    }
}
