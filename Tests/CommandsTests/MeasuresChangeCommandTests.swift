import AllianceTestSupport
@testable import Commands
import Reporting
import DataTable
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Measures
import Output
import Testing

/// `alliance change` on Fixtures/measures/change.csv: eleven hand-designed referrals (one without a post
/// score). Every expected count below is worked out by hand from the rows; see the comments.
///
///  row  phq_pre  phq_post  change   gad_pre  gad_post  sessions
///   1      20        8      −12       12        5         6
///   2      15        9       −6        9        8         4
///   3      22       14       −8       15       10         8
///   4      12       11       −1        6        6         3
///   5       8       16       +8        5        4         5
///   6      10        5       −5        7        3         2
///   7       9        2       −7        4        2         1
///   8      18       18        0       10       15         6
///   9      14        –        –        9        6         5
///  10      11       17       +6        8        3         7
///  11      13      7.4     −5.6        8        7         –
@Suite struct MeasuresChangeCommandTests {
    func counts(_ json: JSONValue) -> [Int?] {
        ["recovered", "improved", "unchanged", "deteriorated"].map { json["counts"]?[$0]?.int }
    }

    /// PHQ-9's published criterion (6 points) and cut-off (10), lower better: reliable rows are 1, 2, 3, 5, 7, 10;
    /// rows 1 and 2 cross from ≥ 10 to < 10 (recovered), 3 stays ≥ 10 and 7 starts below 10 (improved),
    /// 5 and 10 rise (deteriorated); 4, 6, 8, 11 change by less than 6.
    @Test func phqPublishedCriterion() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--instrument", "phq-9", "--format", "json"])
        let json = run.report.json
        #expect(json.keys == ["method", "n", "s_diff", "reliable_change", "cutoff", "counts", "data", "instrument",
                              "pre", "post", "direction", "out", "plot", "warnings"])
        #expect(json["method"]?.string == "published-criterion")
        #expect(json["n"]?.int == 10)
        #expect(json["data"]?["dropped"]?.int == 1)
        #expect(json["reliable_change"]?.double == 6)
        #expect(json["s_diff"]?.double == 6 / 1.96)
        #expect(json["cutoff"]?.double == 10)
        #expect(counts(json) == [2, 2, 4, 2])
        #expect(json["direction"]?.string == "lower-better")
        // Same result as the Measures library's key rule, which the command reuses when nothing is overridden.
        let table = try CSVReader.read(contentsOf: data)
        let library = try reliableChange(pre: try #require(optionalValues(of: table.requireColumn("phq_pre"))),
                                         post: try #require(optionalValues(of: table.requireColumn("phq_post"))),
                                         key: ScoringKey.builtin("phq-9"))
        #expect(json["s_diff"]?.double == library.sDiff)
        #expect(counts(json) == [library.counts.recovered, library.counts.improved, library.counts.unchanged,
                                 library.counts.deteriorated])
        #expect(run.stderr.contains("1 row(s) lack a pre or post score"))
        _ = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        try expectRendersInEveryFormat(run.report)
    }

    /// Jacobson–Truax with SD 5 and r = .84: S_diff = √2 · 5 · √.16 = 2√2, reliable change 1.96 · 2√2 ≈ 5.544.
    /// Row 11 (−5.6, from 13 to 7.4) is now reliable and recovered; row 6 (−5) still is not.
    @Test func jacobsonTruaxFromSDAndReliability() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5",
                                            "--reliability", "0.84", "--cutoff", "10", "--out", "rows.csv"])
        let json = run.report.json
        #expect(json["method"]?.string == "jacobson-truax")
        // Tolerance 1e-15 relative: one rounding in 1 − .84 and in each product.
        #expect(relativeError(try #require(json["s_diff"]?.double), 2 * 2.0.squareRoot()) < 1e-15)
        #expect(relativeError(try #require(json["reliable_change"]?.double), 1.96 * 2 * 2.0.squareRoot()) < 1e-15)
        #expect(counts(json) == [3, 2, 3, 2])
        #expect(json["sd"]?.double == 5)
        #expect(json["reliability"]?.double == 0.84)
        #expect(run.stdout.contains("Jacobson–Truax"))
        #expect(run.stdout.contains("Recovered"))

        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("rows.csv"))
        #expect(header == ["phq_pre", "phq_post", "gad_pre", "gad_post", "sessions_attended", "rci", "change_category"])
        #expect(rows.map { $0[6] } == ["recovered", "recovered", "improved", "unchanged", "deteriorated", "unchanged",
                                       "improved", "unchanged", "", "deteriorated", "recovered"])
        // rci = change / S_diff: row 1 is −12 / (2√2) = −3√2; row 9 has no post score.
        #expect(relativeError(try #require(Double(rows[0][5])), -3 * 2.0.squareRoot()) < 1e-15)
        #expect(rows[8][5] == "")
        #expect(rows[10][1] == "7.4")
    }

    /// Higher is better with cut-off 10 (clinical side below 10): falls are deterioration (rows 1, 2, 3, 7, 11),
    /// row 5 rises from 8 to 16 (recovered), row 10 from 11 to 17 (improved, it started above the cut-off).
    @Test func higherBetterFlipsTheCategories() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5", "--reliability",
                                            "0.84", "--cutoff", "10", "--direction", "higher-better"])
        #expect(counts(run.report.json) == [1, 1, 3, 5])
        #expect(run.report.json["direction"]?.string == "higher-better")
    }

    /// The instrument's criterion with the user's cut-off 15: row 3 (22 → 14) now crosses it and recovers.
    @Test func cutoffOverridesTheInstrument() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--instrument", "phq-9",
                                            "--cutoff", "15"])
        #expect(run.report.json["method"]?.string == "published-criterion")
        #expect(run.report.json["cutoff"]?.double == 15)
        #expect(counts(run.report.json) == [3, 1, 4, 2])
    }

    @Test func withoutCutoffNobodyRecovers() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5", "--reliability", "0.84"])
        #expect(run.report.json["cutoff"] == .null)
        #expect(counts(run.report.json) == [0, 5, 3, 2])
        #expect(run.stderr.contains("no clinical cut-off"))
    }

    /// Axis titles name the column and its role, without repeating a column that is itself called pre or post.
    @Test func axisTitlesDoNotRepeatTheRole() {
        #expect(ChangePlot.axisTitle("phq_pre", role: "pre") == "phq_pre (pre)")
        #expect(ChangePlot.axisTitle("pre", role: "pre") == "pre")
        #expect(ChangePlot.axisTitle("POST", role: "post") == "POST")
    }

    @Test func plotIsAccessibleWellFormedSVG() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5",
                                            "--reliability", "0.84", "--cutoff", "10", "--plot", "change.svg"])
        let path = run.outputDirectory.appendingPathComponent("change.svg")
        #expect(run.report.figures == [path.path])
        #expect(run.report.json["plot"]?.string == "change.svg")  // as given, not the machine path
        let svg = try String(contentsOf: path, encoding: .utf8)
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains(">Jacobson-Truax plot of 10 clients"))
        #expect(svg.contains(">phq_pre (pre)<") && svg.contains(">phq_post (post)<"))
        #expect(svg.contains("3 recovered, 2 improved, 3 unchanged, 2 deteriorated"))
        for label in ["Recovered (n = 3)", "Improved (n = 2)", "Unchanged (n = 3)", "Deteriorated (n = 2)",
                      "No change", "Cut-off (10)"] {
            #expect(svg.contains(label), "legend lacks \(label)")
        }
        // Four categories, four colours and four shapes (colour is never the only cue).
        for colour in ["#009E73", "#0072B2", "#666666", "#D55E00"] { #expect(svg.contains(colour)) }
        // Deterministic bytes.
        let again = try MeasuresFixtures.run(ChangeCommand.self,
                                             [data, "--pre", "phq_pre", "--post", "phq_post", "--sd", "5",
                                              "--reliability", "0.84", "--cutoff", "10", "--plot", "change.svg"])
        #expect(try String(contentsOf: again.outputDirectory.appendingPathComponent("change.svg"), encoding: .utf8) == svg)
        try renderWithRsvgIfAvailable(path)
    }

    /// Clients sharing a (pre, post) pair are one point whose area grows with their number; the legend
    /// still counts clients, not points.
    @Test func plotStacksIdenticalPairs() throws {
        let folder = try MeasuresFixtures.scratchDirectory()
        let csv = folder.appendingPathComponent("pairs.csv")
        try "pre,post\n20,8\n20,8\n20,8\n12,11\n".write(to: csv, atomically: true, encoding: .utf8)
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [csv.path, "--pre", "pre", "--post", "post", "--instrument", "phq-9",
                                            "--plot", "pairs.svg"])
        let svg = try String(contentsOf: run.outputDirectory.appendingPathComponent("pairs.svg"), encoding: .utf8)
        #expect(svg.contains("Recovered (n = 3)"))
        #expect(svg.contains("Unchanged (n = 1)"))
        #expect(svg.contains("Point area is proportional to the number of clients with the same pair of scores (at most 3)."))
        #expect(svg.contains("area ∝ n"))
        // One mark per pair: the recovered group draws a single circle, at the largest radius.
        let circles = svg.components(separatedBy: "<circle").count - 1
        #expect(circles == 2)  // the recovered point and the legend swatch
        #expect(svg.contains("r=\"6.5\""))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
    }

    /// rsvg-convert, when installed, must turn the SVG into a PNG without complaint.
    func renderWithRsvgIfAvailable(_ svg: URL) throws {
        let png = svg.deletingPathExtension().appendingPathExtension("png")
        guard let outcome = try RsvgConvert.render(svg: svg.path, png: png.path) else { return }
        #expect(outcome.status == 0, "rsvg-convert: \(outcome.message)")
        #expect(outcome.message.isEmpty)
        #expect(outcome.isPNG)
    }

    /// Finished treatment (≥ 2 sessions, paired scores): rows 1–6, 8, 10 (row 7 had 1 session, row 11 none
    /// recorded, row 9 lacks a PHQ-9). At caseness at the start: all but row 5 (7 of 8). Recovered: rows 1 and
    /// 6 (row 2 ends with GAD-7 = 8, still caseness). Reliable improvement: rows 1, 2, 3, 6 (row 10's PHQ-9
    /// rises by 6, which vetoes its GAD-7 fall). Deterioration: rows 5, 8 (GAD-7 +5), 10. Reliable recovery: 1, 6.
    @Test func talkingTherapiesMetrics() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--nhs-talking-therapies", "--phq-pre", "phq_pre", "--phq-post", "phq_post",
                                            "--gad-pre", "gad_pre", "--gad-post", "gad_post",
                                            "--sessions", "sessions_attended", "--out", "tt.csv"])
        let json = run.report.json
        #expect(json["method"]?.string == "nhs-talking-therapies")
        #expect(json["referrals"]?.int == 11)
        #expect(json["incomplete_scores"]?.int == 1)
        #expect(json["not_finished"]?.int == 2)
        #expect(json["finished_treatment"]?.int == 8)
        let metrics = try #require(json["metrics"]?.array)
        let expected: [(String, Int, Int)] = [("caseness_at_start", 7, 8), ("recovery", 2, 7), ("reliable_improvement", 4, 8),
                                              ("reliable_deterioration", 3, 8), ("reliable_recovery", 2, 7)]
        #expect(metrics.count == expected.count)
        for (m, (name, numerator, denominator)) in zip(metrics, expected) {
            #expect(m["metric"]?.string == name)
            #expect(m["numerator"]?.int == numerator)
            #expect(m["denominator"]?.int == denominator)
            #expect(m["rate"]?.double == Double(numerator) / Double(denominator))
        }
        #expect(run.stdout.contains("Reliable recovery"))
        #expect(run.stdout.contains("28.6"))  // 2 / 7 as a percentage

        let (header, rows) = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("tt.csv"))
        #expect(Array(header.suffix(7)) == ["tt_excluded", "tt_caseness_start", "tt_caseness_end", "tt_recovered",
                                            "tt_reliable_improvement", "tt_reliable_deterioration", "tt_reliable_recovery"])
        #expect(Array(rows[0].suffix(7)) == ["", "1", "0", "1", "1", "0", "1"])
        #expect(Array(rows[4].suffix(7)) == ["", "0", "1", "", "0", "1", ""])
        #expect(Array(rows[6].suffix(7)) == ["not_finished", "", "", "", "", "", ""])
        #expect(Array(rows[8].suffix(7)) == ["incomplete_scores", "", "", "", "", "", ""])
        try expectRendersInEveryFormat(run.report)
    }

    @Test func talkingTherapiesWithoutSessionsWarns() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let run = try MeasuresFixtures.run(ChangeCommand.self,
                                           [data, "--nhs-talking-therapies", "--phq-pre", "phq_pre", "--phq-post", "phq_post",
                                            "--gad-pre", "gad_pre", "--gad-post", "gad_post"])
        #expect(run.report.json["not_finished"]?.int == 0)
        #expect(run.report.json["finished_treatment"]?.int == 10)
        #expect(run.stderr.contains("no sessions column"))
    }

    @Test func errors() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let items = try MeasuresFixtures.path("items.csv")
        let pair = ["--pre", "phq_pre", "--post", "phq_post"]
        let cases: [([String], CLIError.Kind)] = [
            ([data] + pair, .usage),                                                 // no criterion
            ([data, "--pre", "phq_pre", "--instrument", "phq-9"], .usage),          // no --post
            ([data] + pair + ["--sd", "5"], .usage),                                 // sd without reliability
            ([data] + pair + ["--sd", "5", "--reliability", "1.2"], .usage),
            ([data] + pair + ["--sd=-5", "--reliability", "0.8"], .usage),
            ([data, "--pre", "phq_pree", "--post", "phq_post", "--instrument", "phq-9"], .usage),
            ([data] + pair + ["--instrument", "wai-sr"], .usage),                    // no criterion, no norms
            ([data] + pair + ["--instrument", "phq-9", "--direction", "up"], .usage),
            ([data] + pair + ["--instrument", "phq-9", "--out", "rows.txt"], .usage),
            ([data] + pair + ["--instrument", "phq-9", "--plot", "plot.jpg"], .usage),
            ([data] + pair + ["--instrument", "phq-9", "--phq-pre", "phq_pre"], .usage),
            ([data, "--nhs-talking-therapies", "--phq-pre", "phq_pre"], .usage),
            ([data, "--nhs-talking-therapies"] + pair, .usage),
            ([items, "--pre", "site", "--post", "phq_1", "--instrument", "phq-9"], .data),   // text column
            ([data] + pair + ["--instrument", "phq-9", "--out", data], .cannotCreate),        // never overwrite input
        ]
        for (arguments, kind) in cases {
            let error = MeasuresFixtures.failure(ChangeCommand.self, arguments)
            #expect(error?.kind == kind, "\(arguments.dropFirst())")
        }
    }

    @Test func existingChangeColumnsAreNotOverwritten() throws {
        let data = try MeasuresFixtures.path("change.csv")
        let first = try MeasuresFixtures.run(ChangeCommand.self,
                                             [data, "--pre", "phq_pre", "--post", "phq_post", "--instrument", "phq-9",
                                              "--out", "rows.csv"])
        let rows = first.outputDirectory.appendingPathComponent("rows.csv").path
        let error = MeasuresFixtures.failure(ChangeCommand.self,
                                             [rows, "--pre", "phq_pre", "--post", "phq_post", "--instrument", "phq-9",
                                              "--out", "again.csv"])
        #expect(error?.kind == .data)
        #expect(error?.message.contains("'rci'") == true)
    }
}
