import AllianceTestSupport
import Foundation
import Testing
import ZIPFoundation
@testable import Commands
@testable import Publishing

/// Paper-ready output through the CLI: figures by extension (SVG, PDF, PNG) with companions named from the stem,
/// Word tables for every table-writing command, unknown extensions refused, `table` side by side, scatter jitter.
@Suite struct PaperOutputCommandTests {
    static let clinic = PlotTestSupport.clinic

    static func bytes(_ directory: String, _ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name)).map(Array.init)
    }

    /// The text of `word/document.xml` in a .docx.
    static func documentXML(_ bytes: [UInt8]) throws -> String {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        let entry = try #require(archive["word/document.xml"])
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func fitPlotAsPDFNamesDiagnosticsFromTheStem() throws {
        let dir = try temporaryDirectory("paper-pdf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try runCommand(["fit", "ols", Self.clinic, "--formula", "phq_post ~ phq_pre + site", "--plot", "coef.pdf"],
                                 outputDirectory: dir)
        #expect(run.error == nil)
        #expect(run.report?.figures.map { ($0 as NSString).lastPathComponent } == ["coef.pdf", "coef-residuals.pdf", "coef-qq.pdf"])
        for name in ["coef.pdf", "coef-residuals.pdf", "coef-qq.pdf"] {
            let pdf = try #require(Self.bytes(dir, name))
            #expect(pdf.starts(with: Array("%PDF-".utf8)), "\(name)")
            guard let ink = try ExternalTools.pdfInkFraction(of: (dir as NSString).appendingPathComponent(name)) else { continue }
            #expect(ink > 0.002 && ink < 0.5, "\(name): ink fraction \(ink)")
        }
        // The title is in words, not the command's shorthand.
        let text = String(decoding: try #require(Self.bytes(dir, "coef.pdf")), as: UTF8.self)
        #expect(text.contains("/Title (Linear regression of phq_post)"))
    }

    @Test func fitPlotAsPNGAtTheRequestedResolution() throws {
        let dir = try temporaryDirectory("paper-png")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A dotted directory name: the extension is the file name's, not the directory's.
        try FileManager.default.createDirectory(atPath: (dir as NSString).appendingPathComponent("figs.v2"), withIntermediateDirectories: true)
        let again = try runCommand(["fit", "logit", Self.clinic, "--formula", "dropout ~ phq_pre", "--exponentiate",
                                    "--plot", "figs.v2/odds.png", "--dpi", "150"], outputDirectory: dir)
        #expect(again.error == nil)
        let png = try #require(Self.bytes(dir, "figs.v2/odds.png"))
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(width == 1000)  // the 640-px coefficient plot at 150 dpi
        #expect(Self.bytes(dir, "figs.v2/odds-binned.png") != nil)
    }

    @Test(arguments: [
        ["fit", "ols", clinic, "--formula", "phq_post ~ phq_pre", "--plot", "coef.jpg"],
        ["fit", "ols", clinic, "--formula", "phq_post ~ phq_pre", "--plot", "coef"],
        ["fit", "ols", clinic, "--formula", "phq_post ~ phq_pre", "--plot", "coef.png", "--dpi", "5"],
        ["correlate", clinic, "--vars", "phq_pre,phq_post", "--plot", "heat.eps"],
        ["plot", "histogram", clinic, "--x", "phq_pre", "--out", "h.gif"],
        ["fit", "ols", clinic, "--formula", "phq_post ~ phq_pre", "--out", "table.xyz"],
        ["describe", clinic, "--out", "table.pdf"],
        ["describe", clinic, "--format", "docx"],
        ["table"],
    ])
    func badOutputNamesAreUsageErrors(arguments: [String]) throws {
        let dir = try temporaryDirectory("paper-usage")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try runCommand(arguments, outputDirectory: dir)
        #expect(run.error?.kind == .usage, "\(arguments)")
        // Nothing was written.
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir)).isEmpty)
    }

    @Test func docxForAnyTableCommandByExtensionOrFormat() throws {
        let dir = try temporaryDirectory("paper-docx")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try runCommand(["describe", Self.clinic, "--out", "describe.docx"], outputDirectory: dir).error == nil)
        #expect(try runCommand(["correlate", Self.clinic, "--vars", "phq_pre,phq_post", "--format", "docx", "--out", "r.word"],
                               outputDirectory: dir).error == nil)
        let describe = try Self.documentXML(try #require(Self.bytes(dir, "describe.docx")))
        #expect(describe.contains(">phq_pre<"))
        let correlate = try Self.documentXML(try #require(Self.bytes(dir, "r.word")))
        #expect(correlate.contains(">phq_post<"))
    }

    @Test func tableSideBySideAsWordReadByLibreOffice() throws {
        let dir = try temporaryDirectory("paper-table")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, formula) in [("m1", "phq_post ~ phq_pre"), ("m2", "phq_post ~ phq_pre + site")] {
            let run = try runCommand(["fit", "ols", Self.clinic, "--formula", formula, "--format", "json", "--out", name + ".json"],
                                     inputDirectory: dir, outputDirectory: dir)
            #expect(run.error == nil)
        }
        let bad = try runCommand(["table", "m1.json", "m2.json", "--names", "Only one"], inputDirectory: dir, outputDirectory: dir)
        #expect(bad.error?.kind == .usage)
        let notJSON = try runCommand(["table", Self.clinic], inputDirectory: dir, outputDirectory: dir)
        #expect(notJSON.error?.kind == .data)

        let run = try runCommand(["table", "m1.json", "m2.json", "--names", "Baseline, Site", "--stars", "--label", "phq_pre=PHQ-9 at intake",
                                  "--out", "table2.docx"], inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        let table = try #require(run.report?.tables.first)
        #expect(table.columns.map(\.header) == ["", "Baseline", "Site"])
        let docx = (dir as NSString).appendingPathComponent("table2.docx")
        let xml = try Self.documentXML(try #require(Self.bytes(dir, "table2.docx")))
        #expect(xml.contains(">PHQ-9 at intake<") && xml.contains(">Baseline<"))
        guard let text = try ExternalTools.libreOfficeText(of: docx) else { return }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        for row in table.rows.indices {
            for column in table.columns.indices where !table.humanText(row: row, column: column).isEmpty {
                let cell = table.humanText(row: row, column: column)
                #expect(lines.contains(cell), "\(cell)")
            }
        }
        #expect(lines.contains { $0.hasPrefix("Note. Estimates with standard errors in parentheses.") })
    }

    @Test func latexTableUsesMathMinusAndAlignsDecimals() throws {
        let dir = try temporaryDirectory("paper-latex")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try runCommand(["fit", "logit", Self.clinic, "--formula", "dropout ~ phq_pre + site", "--format", "json", "--out", "m.json"],
                           inputDirectory: dir, outputDirectory: dir)
        let run = try runCommand(["table", "m.json", "--format", "latex"], inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        #expect(run.stdout.contains("$-$"))
        #expect(run.stdout.contains("\\phantom{"))
        #expect(!run.stdout.contains(" -0."))
    }

    @Test func scatterJitterIsSeededAndRecorded() throws {
        let dir = try temporaryDirectory("paper-jitter")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func svg(_ extra: [String], _ name: String) throws -> String {
            let run = try runCommand(["plot", "scatter", Self.clinic, "--x", "phq_pre", "--y", "phq_post", "--out", name] + extra,
                                     outputDirectory: dir)
            #expect(run.error == nil)
            return String(decoding: try #require(Self.bytes(dir, name)), as: UTF8.self)
        }
        let plain = try svg([], "plain.svg")
        let a = try svg(["--jitter", "0.3", "--seed", "7"], "a.svg")
        let b = try svg(["--jitter", "0.3", "--seed", "7"], "b.svg")
        let c = try svg(["--jitter", "0.3", "--seed", "8"], "c.svg")
        #expect(a == b)
        #expect(a != c && a != plain)
        #expect(a.contains("Points jittered by up to ±0.3 on both axes (seed 7)"))
        let run = try runCommand(["plot", "scatter", Self.clinic, "--x", "phq_pre", "--y", "phq_post", "--out", "d.svg",
                                  "--jitter", "0.3", "--format", "json"], outputDirectory: dir)
        #expect(run.report?.json["jitter"]?["seed"] == .string("1"))
        #expect(try runCommand(["plot", "scatter", Self.clinic, "--x", "phq_pre", "--y", "phq_post", "--out", "e.svg",
                                "--seed", "3"], outputDirectory: dir).error?.kind == .usage)
        #expect(try runCommand(["plot", "scatter", Self.clinic, "--x", "phq_pre", "--y", "phq_post", "--out", "e.svg",
                                "--jitter=-1"], outputDirectory: dir).error?.kind == .usage)
    }
}
