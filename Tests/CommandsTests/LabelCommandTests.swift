import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Variable labels in every table and plot: from an SPSS file's variable labels, `--label` and `--labels FILE.csv`
/// (each over the one before), and a notebook's front matter. Tables and SVG text carry the labels; JSON keeps the
/// names and adds a coefficient's `label`.
@Suite struct LabelCommandTests {
    private static let labelledSav = StatFileCommandTests.statFixture("labelled.sav")

    private static func writeFile(_ text: String, named name: String, in dir: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The JSON with every `label` key removed from the coefficients: what the command wrote before labels existed.
    private static func withoutLabels(_ json: [String: Any]) -> NSDictionary {
        var copy = json
        copy["coefficients"] = (json["coefficients"] as? [[String: Any]])?.map { $0.filter { $0.key != "label" } }
        copy["data"] = nil
        return copy as NSDictionary
    }

    @Test func spssVariableLabelsNameTermsInEveryTableFormatAndThePlot() throws {
        let dir = try temporaryDirectory("labels-sav")
        let svg = (dir as NSString).appendingPathComponent("coef.svg")
        for (format, row, outcome) in [
            ("md", "| Bond with therapist: Strong ", "Outcome: WAI-SR total score (wai_total)."),
            ("html", ">Bond with therapist: Strong</td>", "Outcome: WAI-SR total score (wai_total)."),
            ("latex", "\nBond with therapist: Strong &", "Outcome: WAI-SR total score (wai\\_total)."),
            ("text", "\nBond with therapist: Strong ", "Outcome: WAI-SR total score (wai_total)."),
        ] {
            let run = try runCommand(["fit", "ols", Self.labelledSav, "--formula", "wai_total ~ bond", "--format", format,
                                      "--plot", svg])
            #expect(run.error == nil, "\(String(describing: run.error))")
            #expect(run.stdout.contains(row), "\(format): \(run.stdout)")
            #expect(run.stdout.contains(outcome), "\(format)")
            #expect(!run.stdout.contains("bond[Strong]"), "\(format)")
        }
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains(">Bond with therapist: Strong</text>") && text.contains(">Bond with therapist: 5</text>"))
        let json = try parseJSON(try runCommand(["fit", "ols", Self.labelledSav, "--formula", "wai_total ~ bond", "--format", "json"]).stdout)
        let coefficients = try #require(json["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String } == ["(Intercept)", "bond[Strong]", "bond[5]"])
        #expect(coefficients.map { $0["label"] as? String } == [nil, "Bond with therapist: Strong", "Bond with therapist: 5"])
        // --codes keeps the numbers, and the variable label still names the (now numeric) predictor.
        let codes = try runCommand(["fit", "ols", Self.labelledSav, "--codes", "--formula", "wai_total ~ bond", "--format", "md"])
        #expect(codes.stdout.contains("| Bond with therapist "))
    }

    /// `--label` over `--labels` over the file's own labels; the JSON without its label keys is the unlabelled JSON.
    @Test func labelOptionsOverrideTheLabelsFileWhichOverridesTheSPSSLabels() throws {
        let dir = try temporaryDirectory("labels-layers")
        let file = try Self.writeFile("variable,label\nbond,\"Bond, as rated\"\nwai_total,Alliance\n", named: "labels.csv", in: dir)
        let both = try runCommand(["fit", "ols", Self.labelledSav, "--formula", "wai_total ~ bond", "--labels", file,
                                   "--label", "wai_total=WAI-SR total", "--format", "md"])
        #expect(both.error == nil)
        #expect(both.stdout.contains("| Bond, as rated: Strong ") && both.stdout.contains("Outcome: WAI-SR total (wai_total)."))
        let labelled = try parseJSON(try runCommand(["fit", "ols", Self.labelledSav, "--formula", "wai_total ~ bond", "--labels", file,
                                                     "--format", "json"]).stdout)
        let plain = try parseJSON(try runCommand(["fit", "ols", Self.labelledSav, "--formula", "wai_total ~ bond", "--format", "json"]).stdout)
        #expect(Self.withoutLabels(labelled) == Self.withoutLabels(plain))
    }

    @Test func csvFitWithLabelsAndAnInteraction() throws {
        let dir = try temporaryDirectory("labels-csv")
        let data = try FixtureFiles.shared.path("models_data.csv")
        let file = try Self.writeFile("variable,label\nphq_pre,PHQ-9 at intake\nphq_post,PHQ-9 at end\n", named: "labels.csv", in: dir)
        let svg = (dir as NSString).appendingPathComponent("coef.svg")
        let arguments = ["fit", "ols", data, "--formula", "phq_post ~ wai_total * site", "--labels", file,
                         "--label", "wai_total=Alliance (WAI-SR)", "--label", "site = Site", "--plot", svg]
        let md = try runCommand(arguments + ["--format", "md"])
        #expect(md.error == nil, "\(String(describing: md.error))")
        for row in ["| Alliance (WAI-SR) ", "| Site: south ", "| Alliance (WAI-SR) × Site: south "] {
            #expect(md.stdout.contains(row), "\(row)\n\(md.stdout)")
        }
        #expect(md.stdout.contains("Outcome: PHQ-9 at end (phq_post)."))
        let latex = try runCommand(arguments + ["--format", "latex"]).stdout
        #expect(latex.contains("\nAlliance (WAI-SR) \\ensuremath{\\times} Site: south &"))
        let html = try runCommand(arguments + ["--format", "html"]).stdout
        #expect(html.contains(">Alliance (WAI-SR) × Site: south</td>"))
        let svgText = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(svgText.contains(">Alliance (WAI-SR) × Site: south</text>") && svgText.contains(">Site: south</text>"))
        #expect(!svgText.contains(">wai_total:site[south]</text>"))
        // JSON: the terms as before, with labels added.
        let json = try parseJSON(try runCommand(arguments + ["--format", "json"]).stdout)
        let plain = try parseJSON(try runCommand(["fit", "ols", data, "--formula", "phq_post ~ wai_total * site", "--format", "json"]).stdout)
        let terms = try #require(json["coefficients"] as? [[String: Any]])
        #expect(terms.map { $0["term"] as? String } == ["(Intercept)", "wai_total", "site[north]", "site[south]",
                                                        "wai_total:site[north]", "wai_total:site[south]"])
        #expect(terms.last?["label"] as? String == "Alliance (WAI-SR) × Site: south")
        #expect(Self.withoutLabels(json) == Self.withoutLabels(plain))
    }

    /// A long label widens the coefficient plot (the panel keeps its width) instead of squeezing the panel.
    @Test func longLabelsWidenTheCoefficientPlot() throws {
        let dir = try temporaryDirectory("labels-wide")
        let data = try FixtureFiles.shared.path("models_data.csv")
        func width(_ extra: [String]) throws -> Double? {
            let svg = (dir as NSString).appendingPathComponent("coef-\(extra.count).svg")
            _ = try runCommand(["fit", "ols", data, "--formula", "phq_post ~ wai_total", "--plot", svg] + extra)
            let text = try String(contentsOfFile: svg, encoding: .utf8)
            guard let range = text.range(of: "viewBox=\"0 0 ") else { return nil }
            return Double(text[range.upperBound...].prefix { $0 != " " })
        }
        #expect(try width([]) == 640)
        let long = "Working Alliance Inventory, short revised, total score at session three"
        let wide = try #require(try width(["--label", "wai_total=\(long)"]))
        #expect(wide >= 380 + 0.6 * 11 * Double(long.count))
    }

    @Test func badLabelSyntaxAndMalformedLabelsFilesAreClearErrors() throws {
        let data = try fixtureFiles.path("small.csv")
        let fit = ["fit", "ols", data, "--formula", "phq_post ~ wai_total"]
        for (spec, says) in [("wai_total", "--label takes name=label"), ("=Alliance", "has no name before '='"),
                             ("wai_total=", "has no label after '='")] {
            let run = try runCommand(fit + ["--label", spec])
            #expect(run.error?.kind == .usage, "\(spec)")
            #expect(run.error?.message.contains(says) == true, "\(spec): \(run.error?.message ?? "")")
        }
        let dir = try temporaryDirectory("labels-bad")
        let ragged = try Self.writeFile("variable,label\nwai_total,Alliance\nphq_pre,PHQ-9, intake\n", named: "ragged.csv", in: dir)
        let run = try runCommand(fit + ["--labels", ragged])
        #expect(run.error?.kind == .data)
        #expect(run.error?.message.contains("\(ragged) line 3: expected 2 fields") == true, "\(run.error?.message ?? "")")
        let headerless = try Self.writeFile("wai_total,Alliance\n", named: "headerless.csv", in: dir)
        #expect(try runCommand(fit + ["--labels", headerless]).error?.message.contains("line 1: the first line must be the header variable,label") == true)
        let missing = try runCommand(fit + ["--labels", (dir as NSString).appendingPathComponent("none.csv")])
        #expect(missing.error?.kind == .noInput)
        // A misspelt name is applied to nothing, and said so.
        let typo = try runCommand(fit + ["--label", "wai_totl=Alliance"])
        #expect(typo.error == nil && typo.stderr.contains("--label 'wai_totl' names no column") && typo.stderr.contains("'wai_total'"))
    }

    @Test func describeCorrelateAndPlotsUseTheLabels() throws {
        let data = try fixtureFiles.path("small.csv")
        let dir = try temporaryDirectory("labels-other")
        let labels = ["--label", "wai_total=Alliance (WAI-SR)", "--label", "phq_post=PHQ-9 at end", "--label", "site=Site"]
        let describe = try runCommand(["describe", data, "--format", "md", "--min-cell", "1"] + labels)
        #expect(describe.stdout.contains("| Alliance (WAI-SR) ") && describe.stdout.contains("| Site "))
        #expect(describe.stdout.contains("Variable labels"))
        let describeJSON = try parseJSON(try runCommand(["describe", data, "--format", "json", "--min-cell", "1"] + labels).stdout)
        let columns = try #require(describeJSON["columns"] as? [[String: Any]])
        let wai = try #require(columns.first { $0["name"] as? String == "wai_total" })
        #expect(wai["label"] as? String == "Alliance (WAI-SR)")
        #expect(columns.first { $0["name"] as? String == "phq_pre" }?["label"] == nil)
        let grouped = try runCommand(["describe", data, "--by", "site", "--min-cell", "1", "--format", "md"] + labels)
        #expect(grouped.stdout.contains("Numeric columns by Site") && grouped.stdout.contains("| Alliance (WAI-SR) "))

        let heatmap = (dir as NSString).appendingPathComponent("heat.svg")
        let correlate = try runCommand(["correlate", data, "--vars", "wai_total,phq_pre,phq_post", "--plot", heatmap,
                                        "--format", "md"] + labels)
        #expect(correlate.stdout.contains("| Alliance (WAI-SR) | phq_pre ") && correlate.stdout.contains("3. PHQ-9 at end"))
        #expect(try String(contentsOfFile: heatmap, encoding: .utf8).contains(">Alliance (WAI-SR)</text>"))
        let pairs = try #require(try parseJSON(try runCommand(["correlate", data, "--vars", "wai_total,phq_pre", "--format", "json"] + labels).stdout)["pairs"] as? [[String: Any]])
        #expect(pairs.first?["x"] as? String == "wai_total")

        let scatter = (dir as NSString).appendingPathComponent("scatter.svg")
        _ = try runCommand(["plot", "scatter", data, "--x", "wai_total", "--y", "phq_post", "--out", scatter] + labels)
        let scatterText = try String(contentsOfFile: scatter, encoding: .utf8)
        #expect(scatterText.contains(">PHQ-9 at end against Alliance (WAI-SR)</text>") && scatterText.contains(">Alliance (WAI-SR)</text>"))
        let histogram = (dir as NSString).appendingPathComponent("histogram.svg")
        let run = try runCommand(["plot", "histogram", data, "--x", "wai_total", "--out", histogram, "--format", "md"] + labels)
        #expect(run.stdout.contains("Histogram of Alliance (WAI-SR)"))
        #expect(try String(contentsOfFile: histogram, encoding: .utf8).contains(">Distribution of Alliance (WAI-SR)</text>"))
    }

    @Test func changeAndReliabilityUseTheLabels() throws {
        let dir = try temporaryDirectory("labels-measures")
        let svg = (dir as NSString).appendingPathComponent("change.svg")
        let change = try runCommand(["change", try fixtureFiles.path("measures/jacobson_truax_1991_table2.csv"),
                                     "--pre", "das_pre", "--post", "das_post", "--sd", "11.8", "--reliability", "0.84",
                                     "--label", "das_pre=DAS before", "--label", "das_post=DAS after", "--plot", svg, "--format", "md"])
        #expect(change.error == nil)
        #expect(change.stdout.contains("Reliable change: DAS before to DAS after"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains(">DAS before (pre)</text>"))
        let items = try fixtureFiles.path("measures/items.csv")
        let reliability = try runCommand(["reliability", items, "--items", "phq_1,phq_2,phq_3",
                                          "--label", "phq_1=Little interest or pleasure", "--format", "md"])
        #expect(reliability.error == nil, "\(String(describing: reliability.error))")
        #expect(reliability.stdout.contains("| Little interest or pleasure "))
        // score: a label for a column the command adds is no misspelling.
        let score = try runCommand(["score", items, "--instrument", "phq-9", "--prefix", "phq_",
                                    "--label", "phq_9_total=PHQ-9 total", "--format", "md"])
        #expect(score.error == nil && score.stdout.contains("| PHQ-9 total ") && !score.stderr.contains("names no column"))
    }

    /// Front matter sets labels for every command of the run; a command's --label wins; a labels file named there
    /// is an input of the run (in the manifest).
    @Test func notebookFrontMatterSetsLabelsForTheRun() throws {
        let dir = try temporaryDirectory("labels-notebook")
        let data = try FixtureFiles.shared.path("models_data.csv")
        _ = try Self.writeFile(try String(contentsOfFile: data, encoding: .utf8), named: "small.csv", in: dir)
        _ = try Self.writeFile("variable,label\nphq_post,PHQ-9 at end\n", named: "labels.csv", in: dir)
        let notebook = try Self.writeFile("""
            ---
            labels:
              wai_total: Alliance (WAI-SR)   # the total score
              "site": 'Clinic site'
            ---

            # Labels

            ```alliance
            fit ols small.csv --formula "phq_post ~ wai_total + site"
            fit ols small.csv --formula "phq_post ~ wai_total" --label "wai_total=WAI-SR"
            ```
            """, named: "nb.md", in: dir)
        let out = (dir as NSString).appendingPathComponent("out")
        let outcome = try NotebookRunner(notebookPath: notebook, outputDirectory: out, keepGoing: false).run()
        #expect(outcome.failures.isEmpty)
        let report = try String(contentsOfFile: (out as NSString).appendingPathComponent("nb.md"), encoding: .utf8)
        #expect(report.hasPrefix("---\nlabels:\n"))
        #expect(report.contains("| Alliance (WAI-SR) ") && report.contains("| Clinic site: south ") && report.contains("| WAI-SR "))
        let html = try String(contentsOfFile: (out as NSString).appendingPathComponent("nb.html"), encoding: .utf8)
        #expect(html.contains(">Clinic site: south</td>") && !html.contains("labels:"))

        let fromFile = try Self.writeFile("---\nlabels: labels.csv\n---\n\n```alliance\nfit ols small.csv --formula \"phq_post ~ wai_total\"\n```\n",
                                          named: "file.md", in: dir)
        let out2 = (dir as NSString).appendingPathComponent("out2")
        _ = try NotebookRunner(notebookPath: fromFile, outputDirectory: out2, keepGoing: false).run()
        #expect(try String(contentsOfFile: (out2 as NSString).appendingPathComponent("file.md"), encoding: .utf8)
            .contains("Outcome: PHQ-9 at end (phq_post)."))
        let manifest = try String(contentsOfFile: (out2 as NSString).appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("labels.csv"))
    }

    @Test func frontMatterMistakesNameTheirLine() throws {
        func failure(_ lines: [String]) -> NotebookFrontMatter.Failure? {
            let numbered = lines.enumerated().map { (number: $0.offset + 2, text: Substring($0.element)) }
            do { _ = try NotebookFrontMatter(lines: numbered); return nil } catch { return error }
        }
        #expect(failure(["title: Report"])?.line == 2)
        #expect(failure(["title: Report"])?.message.contains("alliance reads only 'labels:'") == true)
        #expect(failure(["lables:", "  x: X"])?.line == 2)
        #expect(failure(["labels:", "  x: X", "  x: Again"])?.message.contains("first on line 3") == true)
        #expect(failure(["labels:", "  x:"])?.line == 3)
        #expect(failure(["labels:", "  x X"])?.line == 3)
        #expect(failure(["labels:"])?.message.contains("lists no labels") == true)
        #expect(failure(["labels:", "  x: \"open"])?.message.contains("not closed") == true)
        #expect(failure(["  x: X"])?.line == 2)
        let parsed = try NotebookFrontMatter(lines: [(1, "labels:"), (2, "  \"site[north]:x\": 'It''s north' # note"),
                                                     (3, "  y: Item #3"), (4, "  w: \"Item #3\""), (5, "  z: a: b")])
        // As YAML: ' #' starts a comment in an unquoted label.
        #expect(parsed.labels == .entries(["site[north]:x": "It's north", "y": "Item", "w": "Item #3", "z": "a: b"]))
        #expect(try NotebookFrontMatter(lines: [(2, "labels: \"my labels.csv\"")]).labels == .file("my labels.csv"))
        // A notebook whose front matter is refused stops before any command, naming notebook and line.
        let dir = try temporaryDirectory("labels-front-bad")
        let notebook = try Self.writeFile("---\ntitle: x\n---\n# T\n", named: "bad.md", in: dir)
        #expect(throws: CLIError.self) {
            _ = try NotebookRunner(notebookPath: notebook, outputDirectory: (dir as NSString).appendingPathComponent("o"), keepGoing: false).run()
        }
    }
}
