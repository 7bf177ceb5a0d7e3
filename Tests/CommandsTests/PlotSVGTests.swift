import AllianceTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Commands

/// Helpers shared by the plot tests, and the checks every plot type must pass: the SVG parses as XML, carries its
/// accessibility elements, and renders with rsvg-convert when that is installed.
enum PlotTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let clinic = repositoryRoot.appendingPathComponent("Datasets/clinic.csv").path

    /// The bundled data as rows of text fields (it has no quoted fields), keyed by header.
    static func clinicColumns() throws -> [String: [String]] {
        let text = try String(contentsOfFile: clinic, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columns: [String: [String]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (name, field) in zip(header, fields) { columns[name, default: []].append(field) }
        }
        return columns
    }

    /// Rows of an R fixture CSV written with `format(digits = 17)` (fields padded with spaces).
    static func fixtureRows(_ name: String) throws -> [[String: Double]] {
        let text = try fixtureFiles.text("plots/\(name)")
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.dropFirst().map { line in
            var row: [String: Double] = [:]
            for (key, field) in zip(header, line.split(separator: ",")) {
                row[key] = Double(field.trimmingCharacters(in: .whitespaces))
            }
            return row
        }
    }

    /// Element names and classes seen while parsing an SVG, with the shapes inside each class of group.
    final class SVGInventory: NSObject, XMLParserDelegate {
        var classStack: [String?] = []
        /// Shapes (circle, rect, path) drawn inside a `<g>` whose class contains the key.
        var shapesInClass: [String: Int] = [:]
        /// Shapes inside a `mark-point` group within the clipped `marks` group: the data points, not legend glyphs.
        var dataPoints = 0
        var elementCount: [String: Int] = [:]
        var texts: [String] = []
        private var inText = false
        private var currentText = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elementCount[name, default: 0] += 1
            if ["circle", "rect", "path"].contains(name) {
                var seen: Set<String> = []
                for case let classes? in classStack {
                    for c in classes.split(separator: " ") { seen.insert(String(c)) }
                }
                for c in seen { shapesInClass[c, default: 0] += 1 }
                if seen.contains("marks") && seen.contains("mark-point") { dataPoints += 1 }
            }
            classStack.append(name == "g" ? attributes["class"] : nil)
            if name == "text" { inText = true; currentText = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { currentText += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            classStack.removeLast()
            if name == "text" { inText = false; texts.append(currentText) }
        }
    }

    /// Parses `svg` with XMLParser; records an issue and returns nil when it is not well-formed.
    static func inventory(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> SVGInventory? {
        let parser = XMLParser(data: Data(svg.utf8))
        let inventory = SVGInventory()
        parser.delegate = inventory
        guard parser.parse() else {
            Issue.record("SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "unknown error")", sourceLocation: sourceLocation)
            return nil
        }
        return inventory
    }

    /// Renders the SVG file to PNG with rsvg-convert; true when it is not installed (nothing to check).
    static func renders(_ svgPath: String) throws -> Bool {
        guard let outcome = try RsvgConvert.render(svg: svgPath, png: svgPath + ".png") else { return true }
        return outcome.status == 0 && !outcome.png.isEmpty
    }

    static func read(_ directory: String, _ name: String) throws -> String {
        try String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)
    }
}

@Suite struct PlotSVGTests {
    /// One command per plot type this helper added; each SVG must be well-formed, accessible and renderable.
    static let commands: [(args: [String], files: [String])] = [
        (["plot", "scatter", PlotTestSupport.clinic, "--x", "phq_pre", "--y", "phq_post", "--fit", "ols", "--by", "site",
          "--out", "scatter.svg"], ["scatter.svg"]),
        (["plot", "histogram", PlotTestSupport.clinic, "--x", "phq_pre", "--out", "histogram.svg"], ["histogram.svg"]),
        (["plot", "histogram", PlotTestSupport.clinic, "--x", "age", "--by", "gender", "--out", "histogram-by.svg"],
         ["histogram-by.svg"]),
        (["fit", "ols", PlotTestSupport.clinic, "--formula", "phq_post ~ phq_pre + site", "--plot", "ols.svg"],
         ["ols.svg", "ols-residuals.svg", "ols-qq.svg"]),
        (["fit", "logit", PlotTestSupport.clinic, "--formula", "dropout ~ phq_pre + age", "--plot", "logit.svg"],
         ["logit.svg", "logit-binned.svg"]),
        (["fit", "poisson", PlotTestSupport.clinic, "--formula", "sessions_attended ~ phq_pre", "--plot", "counts.svg"],
         ["counts.svg", "counts-observed.svg"]),
    ]

    @Test(arguments: commands.indices)
    func everySVGParsesAndRenders(_ index: Int) throws {
        let (args, files) = Self.commands[index]
        let directory = try temporaryDirectory("plot-svg")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try runCommand(args, outputDirectory: directory)
        #expect(run.error == nil)
        #expect(run.report?.figures.count == files.count)
        for file in files {
            let svg = try PlotTestSupport.read(directory, file)
            guard let inventory = PlotTestSupport.inventory(svg) else { continue }
            #expect(inventory.elementCount["title"] == 1, "\(file)")
            #expect(inventory.elementCount["desc"] == 1, "\(file)")
            #expect(svg.contains("role=\"img\"") && svg.contains("viewBox="), "\(file)")
            #expect(try PlotTestSupport.renders((directory as NSString).appendingPathComponent(file)), "\(file) does not render")
        }
    }
}
