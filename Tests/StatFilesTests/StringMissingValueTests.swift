import DataTable
import Foundation
import StatFiles
import Testing

/// SPSS string user-missing values (`answer`: DK and RF declared missing, Fixtures/make_string_missing.R): read as
/// missing cells that remember their code, and written back to a .sav as the declared code under the declaration, as
/// numeric codes are (9 stays 9). Before, they were written as empty strings with no declaration: SPSS and haven
/// then read a blank answer, a valid value, where the input said "Don't know".
@Suite("SPSS string user-missing values")
struct StringMissingValueTests {
    static func fixture() throws -> Table {
        let path = StatFileReaderTests.fixture("string_missing.sav")
        return try StatFileReader.read(contentsOf: path, format: .sav)
    }

    @Test("the reader keeps the declared texts and the code each missing cell held")
    func readerKeepsDeclaredTexts() throws {
        let answer = try #require(try Self.fixture().column(named: "answer"))
        #expect((0..<8).map { answer.categorical?[$0] } == ["yes", "no", nil, "yes", nil, "no", "yes", nil])
        #expect(answer.metadata.declaredMissingTexts == ["DK", "RF"])
        #expect(answer.metadata.declaredMissingTextCodes == [2: "DK", 4: "RF"])
        #expect(answer.metadata.declaredMissingCount == 2)
        #expect(Set(answer.metadata.textValueLabels.map { "\($0.value)=\($0.label)" }) == ["RF=Refused", "DK=Don't know"])
    }

    @Test("a .sav written from it declares DK and RF and holds them in their cells; a .dta has them empty")
    func writerWritesTheDeclaredCodesBack() throws {
        let table = try Self.fixture()
        for format in [StatFileFormat.sav, .zsav] {
            let bytes = try StatFileWriter.data(table, format: format, file: "x")
            #expect(StatFileWriter.caveats(table, format: format).isEmpty)
            let path = NSTemporaryDirectory() + "string-missing-\(UUID().uuidString).\(format == .sav ? "sav" : "zsav")"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let back = try #require(try StatFileReader.read(contentsOf: path, format: format).column(named: "answer"))
            #expect(back.metadata.declaredMissingTexts == ["DK", "RF"], "\(format)")
            #expect(back.metadata.declaredMissingTextCodes == [2: "DK", 4: "RF"], "\(format)")
            #expect(back.categorical?.levels == ["no", "yes"], "\(format)")
            #expect(back.metadata.textValueLabels == table.column(named: "answer")?.metadata.textValueLabels, "\(format)")
        }
        let dta = try StatFileWriter.data(table, format: .dta, file: "x")
        let path = NSTemporaryDirectory() + "string-missing-\(UUID().uuidString).dta"
        try Data(dta).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try #require(try StatFileReader.read(contentsOf: path, format: .dta).column(named: "answer"))
        #expect((0..<8).map { back.categorical?[$0] } == ["yes", "no", nil, "yes", nil, "no", "yes", nil])
    }

    /// SPSS keeps a string's missing values in 8-byte slots (longer ones in an extension record ReadStat does not
    /// write: haven declares "not recorded" as "not reco"). Such a code is written as its text, and a caveat says it is
    /// no longer declared, rather than an empty string or a truncated declaration.
    @Test("a declared text longer than 8 bytes is written as its text, with a caveat naming the column")
    func longDeclaredTextIsKeptAsTextWithACaveat() throws {
        let metadata = ColumnMetadata(declaredMissingCount: 1, declaredMissingTexts: ["not recorded", "DK"],
                                      declaredMissingTextCodes: [1: "not recorded", 2: "DK"])
        let column = Column(name: "reason", data: .categorical(CategoricalColumn(["moved", nil, nil, "cost"])), metadata: metadata)
        let table = try Table(columns: [column])
        let caveats = StatFileWriter.caveats(table, format: .sav)
        #expect(caveats.count == 1 && caveats[0].contains("column 'reason'") && caveats[0].contains("1 cell"), "\(caveats)")
        #expect(!caveats.joined().contains("not recorded"), "\(caveats)")
        let path = NSTemporaryDirectory() + "long-missing-\(UUID().uuidString).sav"
        try Data(try StatFileWriter.data(table, format: .sav, file: "x")).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try #require(try StatFileReader.read(contentsOf: path, format: .sav).column(named: "reason"))
        #expect((0..<4).map { back.categorical?[$0] } == ["moved", "not recorded", nil, "cost"])
        #expect(back.metadata.declaredMissingTexts == ["DK"])
        #expect(StatFileWriter.caveats(table, format: .dta).isEmpty)
    }
}
