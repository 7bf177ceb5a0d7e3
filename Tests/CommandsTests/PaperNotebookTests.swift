import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Notebooks-md/paper.md produces a manuscript's Table 1 and Table 2 as Word documents (and LaTeX) and Figures 1–2 as
/// PDF from the bundled data; each file is opened as a reader would: Word files through LibreOffice (when installed)
/// and by unzipping, PDF pages rendered with pdftoppm (when installed) and checked to carry ink.
@Suite(.serialized) struct PaperNotebookTests {
    static let notebook = BundledNotebookTests.repository.appendingPathComponent("Notebooks-md/paper.md").path

    @Test func producesTablesAndFiguresAReaderCanOpen() throws {
        let out = try temporaryDirectory("paper-notebook")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try NotebookRunner(notebookPath: Self.notebook, outputDirectory: out, keepGoing: false).run()
        #expect(run.failures.isEmpty, "\(run.failures.map { "line \($0.line): \($0.message)" })")
        func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

        for docx in ["table1.docx", "table2.docx"] {
            let bytes = try #require(FileManager.default.contents(atPath: path(docx)))
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "\(docx) is a ZIP package")
        }
        if let table1 = try ExternalTools.libreOfficeText(of: path("table1.docx")) {
            // Labels from the notebook's front matter, the APA note, and the descriptives of the kept columns.
            for text in ["Numeric columns", "Alliance (WAI-SR)", "PHQ-9 at intake", "Sessions attended", "Site", "north", "Note."] {
                #expect(table1.contains(text), "table1.docx lacks \(text)")
            }
        }
        if let table2 = try ExternalTools.libreOfficeText(of: path("table2.docx")) {
            let lines = table2.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            for cell in ["Baseline", "Alliance", "Therapists", "Intercept", "Alliance (WAI-SR)", "Site: north", "ICC: therapist",
                         "Groups: therapist", "R²", "AIC"] {
                #expect(lines.contains(cell), "table2.docx lacks the cell \(cell)")
            }
            #expect(lines.contains { $0.hasPrefix("Note. Estimates with standard errors in parentheses.") })
        }
        let latex = try String(contentsOfFile: path("table2.tex"), encoding: .utf8)
        #expect(latex.contains("\\begin{tabular}") && latex.contains("$-$"))

        for pdf in ["figure1.pdf", "figure2.pdf"] {
            let bytes = try #require(FileManager.default.contents(atPath: path(pdf)))
            #expect(bytes.starts(with: Array("%PDF-".utf8)), "\(pdf)")
            guard let ink = try ExternalTools.pdfInkFraction(of: path(pdf)) else { continue }
            #expect(ink > 0.002 && ink < 0.5, "\(pdf): ink fraction \(ink)")
        }
    }
}
