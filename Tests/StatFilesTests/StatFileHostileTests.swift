import AllianceTestSupport
import DataTable
import Foundation
import StatFiles
import Testing

/// Damaged and adversarial files through ReadStat: every outcome is a table or a `StatFileError`, never a trap.
struct StatFileHostileTests {
    static func scratch(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = try TestScratch.directory("statfiles")
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every prefix of the fixtures at a 13-byte stride: a table (a cut after the last record) or a malformed-file error.
    @Test(arguments: ["labelled.sav", "labelled.zsav", "labelled.dta", "plain.xpt"])
    func everyTruncationIsAnErrorOrATable(file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: StatFileReaderTests.fixture(file))))
        let format = try #require(StatFileFormat(path: file))
        var refused = 0
        for length in stride(from: 0, to: bytes.count, by: 13) {
            let path = try Self.scratch(file, Array(bytes.prefix(length)))
            do {
                _ = try StatFileReader.read(contentsOf: path, format: format)
            } catch {
                if case .malformed = error.kind { refused += 1 } else { Issue.record("\(file)[..<\(length)]: \(error)") }
                #expect(error.description.contains(path))
            }
        }
        #expect(refused > bytes.count / 13 / 2, "most truncations of \(file) are refused")
    }

    /// Seeded byte flips anywhere in the file (the project's SplitMix64 constants, inline to stay dependency-free).
    @Test(arguments: ["labelled.sav", "labelled.zsav", "labelled.dta"])
    func corruptBytesNeverTrap(file: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: StatFileReaderTests.fixture(file))))
        let format = try #require(StatFileFormat(path: file))
        var generator = SplitMix(seed: 18)
        func next() -> UInt64 { generator.next() }
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<4 { bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next()) }
            let path = try Self.scratch(file, bytes)
            do { _ = try StatFileReader.read(contentsOf: path, format: format) } catch {
                #expect(error.description.contains(path))
            }
        }
    }

    @Test func aCSVNamedSavIsRefusedNamingTheFile() throws {
        let path = try Self.scratch("data.sav", Array("a,b\n1,2\n".utf8))
        #expect {
            try StatFileReader.read(contentsOf: path, format: .sav)
        } throws: { error in
            guard let e = error as? StatFileError, case .malformed = e.kind else { return false }
            return e.description.contains(path) && e.description.contains("SPSS .sav")
        }
    }

    /// A label set of 200,000 labels (written by alliance's writer) reads back in order, in bounded time.
    @Test func aHugeLabelTableReadsBack() throws {
        let n = 200_000
        let labels = (0..<n).map { ValueLabel(value: Double(n - 1 - $0), label: "level \(n - 1 - $0)") }
        let column = Column(name: "code", data: .numeric(NumericColumn([0, 5, Double(n - 1), nil])),
                            metadata: ColumnMetadata(label: "A code", valueLabels: labels))
        let bytes = try StatFileWriter.data(try Table(columns: [column]), format: .sav, file: "huge.sav")
        let path = try Self.scratch("huge.sav", bytes)
        let table = try StatFileReader.read(contentsOf: path, format: .sav)
        let c = try #require(table.column(named: "code")?.categorical)
        #expect(c.levels.count == n)
        #expect(c.levels.first == "level 0" && c.levels.last == "level \(n - 1)")
        #expect((0..<4).map { c[$0] } == ["level 0", "level 5", "level \(n - 1)", nil])
    }

    /// A labelled variable with no values, and one with non-integer and far-apart codes (the hashed path).
    @Test func labelledColumnsWithoutValuesOrWithWideCodes() throws {
        let empty = Column(name: "empty", data: .numeric(NumericColumn([nil, nil])),
                           metadata: ColumnMetadata(valueLabels: [ValueLabel(value: 2, label: "b"), ValueLabel(value: 1, label: "a")]))
        let wide = Column(name: "wide", data: .numeric(NumericColumn([1e9, 0.5])),
                          metadata: ColumnMetadata(valueLabels: [ValueLabel(value: 0.5, label: "half")]))
        let bytes = try StatFileWriter.data(try Table(columns: [empty, wide]), format: .sav, file: "e.sav")
        let table = try StatFileReader.read(contentsOf: try Self.scratch("e.sav", bytes), format: .sav)
        let e = try #require(table.column(named: "empty")?.categorical)
        #expect(e.levels == ["a", "b"] && e.codes == [-1, -1])
        let w = try #require(table.column(named: "wide")?.categorical)
        #expect(w.levels == ["half", "1000000000"] && w.codes == [1, 0])
        #expect(w.levelValues == [0.5, 1e9])
    }

    @Test func writerRefusesNamesTheFormatCannotHold() throws {
        let table = try Table(columns: [Column(name: "PHQ total score", numeric: [1, 2])])
        for format in [StatFileFormat.sav, .dta] {
            #expect(throws: StatFileError.self) { try StatFileWriter.data(table, format: format, file: "x") }
        }
        let fractional = Column(name: "x", data: .numeric(NumericColumn([1.5])),
                                metadata: ColumnMetadata(valueLabels: [ValueLabel(value: 1.5, label: "half")]))
        #expect(throws: StatFileError.self) { try StatFileWriter.data(try Table(columns: [fractional]), format: .dta, file: "x") }
        #expect(throws: StatFileError.self) { try StatFileWriter.data(table, format: .xpt, file: "x") }
    }
}
