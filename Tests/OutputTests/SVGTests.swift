import AllianceTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Output

/// One parsed SVG element: name, attributes, text content and the `class` values of its ancestors.
struct SVGElement {
    var name: String
    var attributes: [String: String]
    var text: String
    var ancestorClasses: [String]
    var ancestorNames: [String]

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// Parses SVG text with XMLParser; `nil` when it is not well-formed XML.
final class SVGDocument: NSObject, XMLParserDelegate {
    private(set) var elements: [SVGElement] = []
    private var stack: [Int] = []
    private var classStack: [String] = []
    private var nameStack: [String] = []

    static func parse(_ text: String) -> SVGDocument? {
        let document = SVGDocument()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = document
        return parser.parse() ? document : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(SVGElement(name: elementName, attributes: attributeDict, text: "", ancestorClasses: classStack,
                                   ancestorNames: nameStack))
        stack.append(elements.count - 1)
        classStack.append(attributeDict["class"] ?? "")
        nameStack.append(elementName)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = stack.last { elements[index].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
        classStack.removeLast()
        nameStack.removeLast()
    }

    /// The panel rectangle (the clip path's rect).
    var panel: SVGElement? { elements.first { $0.name == "rect" && $0.ancestorNames.contains("clipPath") } }

    func elements(named name: String, inside className: String) -> [SVGElement] {
        elements.filter { $0.name == name && $0.ancestorClasses.contains { $0.split(separator: " ").contains(Substring(className)) } }
    }
}

@Suite struct SVGTests {
    @Test(arguments: SamplePlots.all.map(\.name))
    func everySamplePlotIsWellFormedAccessibleSVG(name: String) throws {
        let plot = try #require(SamplePlots.all.first { $0.name == name }).plot
        let svg = plot.svg()
        let document = try #require(SVGDocument.parse(svg), "not well-formed XML")
        let root = try #require(document.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["viewBox"] == "0 0 \(Int(plot.width)) \(Int(plot.height))")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["font-family"] == "system-ui, -apple-system, \"Segoe UI\", Helvetica, Arial, sans-serif")
        #expect(document.elements.first { $0.name == "title" }?.text == plot.title ?? "Plot")
        #expect(document.elements.first { $0.name == "desc" }?.text == plot.description)
        #expect(document.elements.contains { $0.name == "clipPath" && $0.attributes["id"] == "plot-panel" })
        #expect(svg == plot.svg(), "rendering must be deterministic")
    }

    @Test(arguments: SamplePlots.all.map(\.name))
    func tickLabelsStayOnTheCanvasAndTicksOnTheAxis(name: String) throws {
        let plot = try #require(SamplePlots.all.first { $0.name == name }).plot
        let document = try #require(SVGDocument.parse(plot.svg()))
        let panel = try #require(document.panel)
        let left = try #require(panel.number("x")), top = try #require(panel.number("y"))
        let right = left + (try #require(panel.number("width")))
        let bottom = top + (try #require(panel.number("height")))
        let xAxis = document.elements(named: "line", inside: "axis-x").filter { $0.attributes["class"] == nil }
        let yAxis = document.elements(named: "line", inside: "axis-y").filter { $0.attributes["class"] == nil }
        #expect(!xAxis.isEmpty && !yAxis.isEmpty)
        for tick in xAxis { #expect((left - 0.01)...(right + 0.01) ~= (tick.number("x1") ?? -1), "x tick off the axis") }
        for tick in yAxis { #expect((top - 0.01)...(bottom + 0.01) ~= (tick.number("y1") ?? -1), "y tick off the axis") }
        // Unrotated labels, estimated at 0.6 em per character, fit on the canvas.
        for label in document.elements(named: "text", inside: "axis") where label.attributes["transform"] == nil {
            let x = try #require(label.number("x"))
            let width = Double(label.text.count) * 0.6 * 11
            switch label.attributes["text-anchor"] {
            case "end": #expect(x - width >= 0, "\(label.text) clipped on the left")
            case "middle": #expect(x - width / 2 >= 0 && x + width / 2 <= plot.width, "\(label.text) clipped")
            default: #expect(x + width <= plot.width)
            }
        }
        // The legend sits right of the panel.
        for text in document.elements(named: "text", inside: "legend") {
            #expect((text.number("x") ?? 0) > right)
        }
    }

    @Test func labelsAreEscapedAndNonASCIISurvives() throws {
        let svg = SamplePlots.forest().svg()
        #expect(svg.contains(">Ünïcødé &amp; &lt;escaped&gt;</text>"))
        let document = try #require(SVGDocument.parse(svg))
        #expect(document.elements(named: "text", inside: "axis-y").contains { $0.text == "Ünïcødé & <escaped>" })
    }

    @Test func groupsGetDistinctShapesAndDashesNotJustColours() {
        let styles = (0..<4).map(MarkStyle.group)
        #expect(Set(styles.map(\.color)).count == 4)
        #expect(Set(styles.map(\.shape)).count == 4)
        #expect(Set(styles.map(\.dash)).count == 4)
        #expect(Color.okabeIto.map(\.hex) == ["#E69F00", "#56B4E9", "#009E73", "#F5C710", "#0072B2", "#D55E00", "#CC79A7", "#999999"])
    }

    @Test func heatmapTextContrastsWithItsCell() {
        let palette = DivergingPalette()
        #expect(palette.color(for: 1).hex == "#2166AC")
        #expect(palette.color(for: -1).hex == "#B2182B")
        #expect(palette.color(for: 0).hex == "#F7F7F7")
        #expect(palette.color(for: 1).contrastingText == .white)
        #expect(palette.color(for: 0.1).contrastingText == .black)
        for value in stride(from: -1.0, through: 1.0, by: 0.05) {
            let cell = palette.color(for: value)
            #expect(Color.contrastRatio(cell, cell.contrastingText) >= 4.5, "value \(value)")
        }
    }

    @Test func referenceLinesAreClippedToThePanel() throws {
        let plot = Plot(description: "abline", x: .linear(limits: 0...10), y: .linear(limits: 0...10),
                        layers: [Layer(.reference(.abline(intercept: -20, slope: 5)))])
        let document = try #require(SVGDocument.parse(plot.svg()))
        let line = try #require(document.elements.first { $0.attributes["class"] == "reference-line" })
        let clip = try #require(document.panel)
        let numbers = (line.attributes["d"] ?? "").split { "ML ".contains($0) }.compactMap { Double($0) }
        #expect(numbers.count == 4)
        let (x0, y0) = (try #require(clip.number("x")), try #require(clip.number("y")))
        let (x1, y1) = (x0 + (try #require(clip.number("width"))), y0 + (try #require(clip.number("height"))))
        // y = -20 + 5x crosses the panel from (4, 0) to (6, 10).
        let expectedStartX = x0 + (x1 - x0) * 0.4
        #expect(abs(numbers[0] - expectedStartX) < 0.01 && abs(numbers[1] - y1) < 0.01)
        #expect(abs(numbers[2] - (x0 + (x1 - x0) * 0.6)) < 0.01 && abs(numbers[3] - y0) < 0.01)
    }

    @Test func nonFiniteAndNonPositiveLogValuesAreSkippedNotTrapped() throws {
        let plot = Plot(description: "gaps", x: .log10(), y: .linear(),
                        layers: [Layer(.points(x: [0, -1, 1, .nan, 10], y: [1, 2, 3, 4, .infinity])),
                                 Layer(.line(x: [1, 2, .nan, 4, 5], y: [1, 2, 3, 4, 5]))])
        let document = try #require(SVGDocument.parse(plot.svg()))
        #expect(document.elements(named: "circle", inside: "mark-point").count == 1)
        let path = try #require(document.elements.first { $0.attributes["class"] == "mark-line" })
        #expect((path.attributes["d"] ?? "").filter { $0 == "M" }.count == 2)
        let empty = Plot(description: "nothing", layers: [])
        #expect(SVGDocument.parse(empty.svg()) != nil)
    }

    @Test(.enabled(if: RsvgConvert.path != nil, "rsvg-convert is not on PATH (apt install librsvg2-bin); render check skipped"),
          arguments: SamplePlots.all.map(\.name))
    func rendersWithRsvgConvert(name: String) throws {
        let plot = try #require(SamplePlots.all.first { $0.name == name }).plot
        let directory = ProcessInfo.processInfo.environment["ALLIANCE_PLOT_DIR"] ?? NSTemporaryDirectory()
        let svgPath = directory + "/alliance-\(name).svg"
        let pngPath = directory + "/alliance-\(name).png"
        try FileOutput.writeAtomically(plot.svg(), to: svgPath, refusing: [])
        let outcome = try #require(try RsvgConvert.render(svg: svgPath, png: pngPath))
        #expect(outcome.status == 0, "rsvg-convert failed: \(outcome.message)")
        #expect(outcome.isPNG)
        if ProcessInfo.processInfo.environment["ALLIANCE_PLOT_DIR"] == nil {
            try? FileManager.default.removeItem(atPath: svgPath)
            try? FileManager.default.removeItem(atPath: pngPath)
        }
    }
}

/// Golden files pin the exact bytes of three small plots. After an intended change, regenerate with
/// `ALLIANCE_UPDATE_GOLDEN=1 swift test --filter OutputTests.GoldenSVGTests`, look at the new files, commit.
@Suite struct GoldenSVGTests {
    @Test(arguments: ["scatter", "forest", "heatmap"])
    func matchesGoldenFile(name: String) throws {
        let plot = try #require(SamplePlots.all.first { $0.name == name }).plot
        let svg = plot.svg()
        if ProcessInfo.processInfo.environment["ALLIANCE_UPDATE_GOLDEN"] == "1" {
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            try svg.write(to: fixtures.appendingPathComponent("\(name).svg"), atomically: true, encoding: .utf8)
        }
        // A missing file: generate it with ALLIANCE_UPDATE_GOLDEN=1.
        let golden = try fixtureFiles.text("\(name).svg")
        #expect(svg == golden)
    }
}

@Suite struct PlotRobustnessTests {
    @Test func absurdSizesAndExtremeValuesStillGiveValidSVG() throws {
        let huge = Plot(description: "extremes", x: .linear(), y: .log10(),
                        layers: [Layer(.points(x: [-1e308, 1e308], y: [1e-300, 1e300]), label: String(repeating: "long ", count: 40))])
        for plot in [huge, Plot(description: "nan size", layers: [], width: .nan, height: -5),
                     Plot(title: String(repeating: "Title ", count: 30), description: "narrow", layers: [], width: 10, height: 10)] {
            let document = try #require(SVGDocument.parse(plot.svg()))
            let panel = try #require(document.panel)
            #expect((panel.number("width") ?? -1) > 0 && (panel.number("height") ?? -1) > 0)
        }
    }
}
