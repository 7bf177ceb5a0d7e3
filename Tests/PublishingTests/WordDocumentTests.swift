import AllianceTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Output
import Testing
import ZIPFoundation
@testable import Publishing

/// The .docx writer: a valid Office Open XML package whose text is the tables' human text.
@Suite struct WordDocumentTests {
    static let table = ResultTable(
        title: "Table 2 <Models> & more",
        columns: [TableColumn("Term"), TableColumn("B", kind: .decimal(2)), TableColumn("95% CI", kind: .interval(2)),
                  TableColumn("p", kind: .pValue)],
        rows: [["(Intercept)", .number(14.1712), .interval(12.2071, 16.13), .number(1.4e-39)],
               ["wai_total", .number(-0.2049), .interval(-0.25, -0.16), .number(0.0312)],
               ["site[north]", .number(nil), .interval(nil, nil), .number(nil)]],
        notes: ["CI = confidence interval.", "Robust (HC3) standard errors."])

    /// Each part's text by path.
    static func parts(_ bytes: [UInt8]) throws -> [String: String] {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        var parts: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            parts[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return parts
    }

    @Test func packageHasThePartsWordNeeds() throws {
        let parts = try Self.parts(try WordDocument.make(tables: [Self.table]))
        #expect(Set(parts.keys) == ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                                    "word/styles.xml", "word/document.xml"])
        #expect(parts["[Content_Types].xml"]?.contains("wordprocessingml.document.main+xml") == true)
        #expect(parts["_rels/.rels"]?.contains("Target=\"word/document.xml\"") == true)
    }

    @Test func documentHoldsTheHumanTextEscaped() throws {
        let document = try #require(try Self.parts(try WordDocument.make(tables: [Self.table]))["word/document.xml"])
        for text in ["Table 2 &lt;Models&gt; &amp; more", "14.17", "[12.21, 16.13]", "&lt; .001", "-0.20", ".031", "\u{2014}",
                     "Note.", " CI = confidence interval. Robust (HC3) standard errors."] {
            #expect(document.contains(">\(text)<"), "\(text)")
        }
        // APA rules: above and below the table, and under the header row only.
        #expect(document.components(separatedBy: "<w:tcBorders>").count - 1 == Self.table.columns.count)
        // Numeric columns right-aligned, the term column not.
        #expect(document.components(separatedBy: "<w:jc w:val=\"right\"/>").count - 1 == 3 * (Self.table.rows.count + 1))
        // Well-formed XML.
        #expect(throws: Never.self) { _ = try XMLDocument(xmlString: document) }
    }

    @Test func sameTablesGiveTheSameBytes() throws {
        #expect(try WordDocument.make(tables: [Self.table]) == (try WordDocument.make(tables: [Self.table])))
    }

    @Test func controlCharactersNeverBreakTheXML() throws {
        let hostile = ResultTable(title: "a\u{1}b\nc", columns: [TableColumn("x\u{FFFE}y")], rows: [["\"q\" 'r' \u{0}"]])
        let document = try #require(try Self.parts(try WordDocument.make(tables: [hostile]))["word/document.xml"])
        #expect(throws: Never.self) { _ = try XMLDocument(xmlString: document) }
        #expect(document.contains(">ab c<"))
    }

    /// A right-to-left override in a label showed the text after it reversed in Word.
    @Test func bidiControlsAreDropped() throws {
        let hostile = ResultTable(title: "t\u{202E}1.0", columns: [TableColumn("x\u{2067}y")], rows: [["a\u{202E}b"]])
        let document = try #require(try Self.parts(try WordDocument.make(tables: [hostile]))["word/document.xml"])
        #expect(!document.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x2067 })
        #expect(document.contains(">ab<") && document.contains(">xy<"), "\(document)")
    }

    @Test func columnWidthsFitThePage() {
        let widths = WordDocument.columnWidths(headers: ["Term", "B"], rows: [[String(repeating: "x", count: 400), "1.00"]])
        #expect(widths.reduce(0, +) <= 11906 - 2 * 1440)
        #expect(widths[0] > widths[1])
    }

    @Test func libreOfficeReadsTheTable() throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-word-\(UUID().uuidString).docx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try WordDocument.make(tables: [Self.table, Self.table])).write(to: URL(fileURLWithPath: path))
        guard let text = try ExternalTools.libreOfficeText(of: path) else { return }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        for cell in ["Table 2 <Models> & more", "Term", "95% CI", "(Intercept)", "14.17", "[12.21, 16.13]", "< .001",
                     "wai_total", "-0.20", "[-0.25, -0.16]", ".031", "site[north]", "\u{2014}"] {
            #expect(lines.contains { $0.hasSuffix(cell) }, "\(cell) in \(lines)")
        }
        #expect(lines.filter { $0.hasPrefix("Note. CI = confidence interval.") }.count == 2)
    }
}
