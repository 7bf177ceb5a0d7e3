import Foundation
import Output
import ZIPFoundation

/// Why a Word document could not be assembled.
public enum WordDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case packaging(String)

    public var description: String {
        switch self {
        case .packaging(let reason): return "could not write the .docx package: \(reason)"
        }
    }
}

/// Result tables as a minimal Office Open XML word-processing document (.docx) that Word and LibreOffice open.
///
/// APA 7 table layout: the title in italics above the table, horizontal rules only (above and below the header
/// row and below the last row), text columns left-aligned and numeric columns right-aligned, and the notes as one
/// paragraph below beginning with an italic "Note.". Text is Times New Roman 12 pt, tables single-spaced.
/// Cells hold the same rounded text as the Markdown and HTML tables. The package has four parts
/// ([Content_Types].xml, _rels/.rels, word/document.xml, word/styles.xml), stored uncompressed with a fixed
/// modification time, so the same tables give the same bytes.
public enum WordDocument {
    /// The date every part is stamped with (ZIP entries carry a time; the current one would change the bytes).
    static let fixedDate = Date(timeIntervalSince1970: 946_728_000)  // 2000-01-01 12:00 UTC

    public static func make(tables: [ResultTable]) throws(WordDocumentError) -> [UInt8] {
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", packageRelationships),
            ("word/_rels/document.xml.rels", documentRelationships),
            ("word/styles.xml", styles),
            ("word/document.xml", documentXML(tables: tables)),
        ]
        do {
            let archive = try Archive(accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: fixedDate, compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let bytes = archive.data else { throw WordDocumentError.packaging("the in-memory archive is empty") }
            return Array(bytes)
        } catch let error as WordDocumentError {
            throw error
        } catch {
            throw .packaging("\(error)")
        }
    }

    /// The `word/document.xml` part: each table with its title and notes, in order.
    static func documentXML(tables: [ResultTable]) -> String {
        var body = ""
        for (index, table) in tables.enumerated() {
            if index > 0 { body += paragraph([run("")]) }
            if let title = table.title { body += paragraph([run(title, italic: true)], keepWithNext: true) }
            body += tableXML(table)
            if !table.notes.isEmpty {
                body += paragraph([run("Note.", italic: true), run(" " + table.notes.joined(separator: " "))])
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="\(wordNamespace)"><w:body>\(body)<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>\
            <w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>\
            </w:sectPr></w:body></w:document>
            """
    }

    static func tableXML(_ table: ResultTable) -> String {
        let rule = "w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\""
        var xml = "<w:tbl><w:tblPr><w:tblStyle w:val=\"APATable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/>"
            + "<w:tblBorders><w:top \(rule)/><w:bottom \(rule)/></w:tblBorders>"
            + "<w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>"
            + "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>"
        let texts = table.rows.indices.map { row in table.columns.indices.map { table.humanText(row: row, column: $0) } }
        let widths = columnWidths(headers: table.columns.map(\.header), rows: texts)
        xml += widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        let numeric = table.columns.map { $0.kind != .text }
        // The header row repeats on every page and carries the rule below it.
        xml += "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        for (column, header) in table.columns.map(\.header).enumerated() {
            xml += cell(header, width: widths[column], right: numeric[column], border: "<w:bottom \(rule)/>")
        }
        xml += "</w:tr>"
        for row in texts {
            xml += "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            for (column, text) in row.enumerated() {
                xml += cell(text, width: widths[column], right: numeric[column], border: nil)
            }
            xml += "</w:tr>"
        }
        return xml + "</w:tbl>"
    }

    /// Column widths in twips from the longest text in each column (about 0.55 em per character of 12-pt Times,
    /// plus the cell margins), scaled down to the text width of an A4 page with 1-inch margins when wider: Word
    /// and LibreOffice size "auto" columns differently, and LibreOffice wraps intervals it could have fitted.
    static func columnWidths(headers: [String], rows: [[String]]) -> [Int] {
        let textWidth = 11906 - 2 * 1440
        let natural = headers.indices.map { column in
            let longest = ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
            return Double(longest) * 132 + 2 * 85 + 60
        }
        let total = natural.reduce(0, +)
        let scale = total > Double(textWidth) ? Double(textWidth) / total : 1
        return natural.map { Int(($0 * scale).rounded()) }
    }

    private static func cell(_ text: String, width: Int, right: Bool, border: String?) -> String {
        let borders = border.map { "<w:tcBorders>\($0)</w:tcBorders>" } ?? ""
        let justification = right ? "<w:jc w:val=\"right\"/>" : ""
        return "<w:tc><w:tcPr><w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>\(borders)</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>\(justification)</w:pPr>"
            + run(text) + "</w:p></w:tc>"
    }

    private static func paragraph(_ runs: [String], keepWithNext: Bool = false) -> String {
        "<w:p>" + (keepWithNext ? "<w:pPr><w:keepNext/></w:pPr>" : "") + runs.joined() + "</w:p>"
    }

    private static func run(_ text: String, italic: Bool = false) -> String {
        let properties = italic ? "<w:rPr><w:i/></w:rPr>" : ""
        return "<w:r>\(properties)<w:t xml:space=\"preserve\">\(escape(text))</w:t></w:r>"
    }

    /// XML text: `& < >` escaped, and characters XML 1.0 forbids and bidirectional overrides dropped (a label can
    /// hold anything).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\r", "\t": out += " "
            default:
                let value = scalar.value
                if value >= 0x20 && value != 0xFFFE && value != 0xFFFF && !BidiControls.contains(scalar) {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static let wordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
        <Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
        </Relationships>
        """

    static let documentRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    /// Times New Roman 12 pt, double-spaced body text (APA manuscripts); single-spaced table text.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:styles xmlns:w="\(wordNamespace)">\
        <w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>\
        <w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US"/></w:rPr></w:rPrDefault>\
        <w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="480" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>\
        <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>\
        <w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>\
        <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>\
        <w:style w:type="table" w:default="1" w:styleId="APATable"><w:name w:val="APA Table"/>\
        <w:tblPr><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>\
        </w:styles>
        """
}
