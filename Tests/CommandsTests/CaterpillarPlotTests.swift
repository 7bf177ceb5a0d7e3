import AllianceTestSupport
import DataTable
import Foundation
import Privacy
import Testing
@testable import Commands

/// `fit lmm --plot F.svg` writes F-ranef.svg: the conditional modes sorted with ±1.96 conditional-SD intervals,
/// levels under the small-cell count never labelled. The plotted values are those of `--ranef` (which the lmm
/// fixture tests check against lme4's ranef(condVar = TRUE)); here the test is what is drawn and named.
@Suite("caterpillar plot")
struct CaterpillarPlotTests {
    /// The level labels on the y axis, top to bottom.
    static func yLabels(_ svg: String) throws -> [String] {
        let start = try #require(svg.range(of: "<g class=\"axis axis-y\""))
        let end = try #require(svg.range(of: "</g>", range: start.upperBound..<svg.endIndex))
        let axis = svg[start.upperBound..<end.lowerBound]
        var labelled: [(y: Double, label: String)] = []
        // Tick labels only (the axis title is a rotated `axis-title` text).
        for piece in axis.components(separatedBy: "<text ").dropFirst() where !piece.hasPrefix("class=\"axis-title\"") {
            guard let yStart = piece.range(of: " y=\""), let yEnd = piece.range(of: "\"", range: yStart.upperBound..<piece.endIndex),
                  let y = Double(piece[yStart.upperBound..<yEnd.lowerBound]), let open = piece.range(of: ">"),
                  let close = piece.range(of: "</text>") else { continue }
            labelled.append((y, String(piece[open.upperBound..<close.lowerBound])))
        }
        return labelled.sorted { $0.y < $1.y }.map(\.label)
    }

    @Test func therapistsUnderTheSmallCellCountAreNotLabelled() throws {
        let dir = try temporaryDirectory("caterpillar")
        let plot = (dir as NSString).appendingPathComponent("therapists.svg")
        let ranef = (dir as NSString).appendingPathComponent("ranef.csv")
        let run = try runCommand(["fit", "lmm", try fixtureFiles.path("compare/alliance_clients.csv"), "--formula",
                                  "phq_post ~ wai + phq_pre + (1 | therapist)", "--plot", plot, "--ranef", ranef])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("therapists-ranef.svg"), encoding: .utf8)
        #expect(svg.contains("<title id=\"lmm-ranef-title\">Random effects: intercept by therapist</title>"))
        #expect(svg.contains("role=\"img\""))

        let modes = try CSVReader.read(contentsOf: ranef)
        let levels = try #require(modes.column(named: "level")?.categorical)
        let estimates = try #require(modes.column(named: "estimate")?.numeric)
        let rows = try #require(modes.column(named: "rows")?.numeric)
        let entries = (0..<modes.rowCount).map { i in
            (level: levels.levels[Int(levels.codes[i])], estimate: estimates[i] ?? .nan, rows: Int(rows[i] ?? 0))
        }
        #expect(entries.count == 40)
        let minimum = SmallCellSuppressor.defaultMinimum
        let small = entries.filter { $0.rows < minimum }
        let large = entries.filter { $0.rows >= minimum }
        #expect(!small.isEmpty && !large.isEmpty, "the fixture has therapists on both sides of the rule")
        // Labelled therapists, top to bottom, are the large ones in descending order of their mode.
        let expected = entries.sorted { ($0.estimate, $0.level) > ($1.estimate, $1.level) }.filter { $0.rows >= minimum }.map(\.level)
        let labels = try Self.yLabels(svg).filter { !$0.isEmpty }
        #expect(labels == expected)
        for s in small { #expect(!svg.contains(">\(s.level)<"), "\(s.level) has \(s.rows) rows and must not be named") }
        #expect(svg.contains("\(small.count) of 40 levels have fewer than \(minimum) rows"))
        // One point and one interval per therapist.
        #expect(svg.components(separatedBy: "<circle").count - 1 == 40)
        if let outcome = try RsvgConvert.render(svg: (dir as NSString).appendingPathComponent("therapists-ranef.svg"),
                                                png: (dir as NSString).appendingPathComponent("therapists-ranef.png")) {
            #expect(outcome.status == 0 && outcome.isPNG, "\(outcome.message)")
        }
    }

    @Test func oneFilePerGroupAndEffect() throws {
        let dir = try temporaryDirectory("caterpillar-slopes")
        let plot = (dir as NSString).appendingPathComponent("sleep.svg")
        let run = try runCommand(["fit", "lmm", try fixtureFiles.path("compare/sleepstudy.csv"), "--formula",
                                  "Reaction ~ Days + (Days | Subject)", "--plot", plot])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["sleep-ranef-Subject-Days.svg", "sleep-ranef-Subject.svg", "sleep.svg"])
        // Every subject has 10 rows, fewer than the small-cell count: no subject is named.
        for file in ["sleep-ranef-Subject.svg", "sleep-ranef-Subject-Days.svg"] {
            let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent(file), encoding: .utf8)
            #expect(try Self.yLabels(svg).allSatisfy(\.isEmpty), "\(file)")
            #expect(svg.contains("18 of 18 levels have fewer than \(SmallCellSuppressor.defaultMinimum) rows"))
            #expect(svg.components(separatedBy: "<circle").count - 1 == 18)
        }
    }
}
