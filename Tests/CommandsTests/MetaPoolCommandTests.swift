import AllianceTestSupport
import Foundation
import Models
import Testing
@testable import Commands

/// `alliance meta` and `alliance pool` end to end. Meta numbers are metafor 3.8's (Tests/ModelsTests/Fixtures/meta/
/// make_meta.R, tight control; 1e-8). Pooled OLS is checked against `fit` on the concatenated rows at 1e-10 relative.
@Suite("meta and pool commands")
struct MetaPoolCommandTests {
    func meta(_ arguments: [String], outputDirectory: String? = nil) throws -> CapturedRun {
        try runCommand(["meta"] + arguments, inputDirectory: try fixtureFiles.directory().appendingPathComponent("meta").path,
                       outputDirectory: outputDirectory)
    }

    @Test("meta --measure cor: the JSON contract with metafor's numbers, back-transformed to r, forest and funnel SVGs")
    func correlationJSON() throws {
        let dir = try temporaryDirectory("meta")
        let run = try meta(["meta_molloy2014.csv", "--measure", "cor", "--r", "ri", "--n", "ni", "--study", "authors", "--egger",
                            "--trimfill", "--forest", "forest.svg", "--funnel", "funnel.svg", "--format", "json"], outputDirectory: dir)
        #expect(run.error == nil)
        let doc = try parseJSON(run.stdout)
        #expect(doc["model"] as? String == "random")
        #expect(doc["method"] as? String == "REML")
        #expect(doc["k"] as? Int == 16)
        expectClose(jsonNumber(doc["estimate"]), 0.14991714851750004, .relative(1e-8), "estimate")
        expectClose(jsonNumber(doc["tau2"]), 0.0081095608243039255, .relative(1e-8), "tau2")
        expectClose(jsonNumber(doc["q"]), 38.15951542, .absolute(1e-8), "Q")
        #expect(doc["q_df"] as? Int == 15)
        for key in ["i2", "h2", "tau2_conf_low", "tau2_conf_high", "pred_low", "pred_high", "conf_low", "conf_high", "std_error"] {
            #expect(jsonNumber(doc[key]) != nil, "\(key)")
        }
        let transformed = try #require(doc["transformed"] as? [String: Any])
        expectClose(jsonNumber(transformed["estimate"]), tanh(0.14991714851750004), .relative(1e-8), "r")
        expectClose(jsonNumber(transformed["pred_low"]), tanh(try #require(jsonNumber(doc["pred_low"]))), .relative(1e-12), "pred r")
        let egger = try #require(doc["egger"] as? [[String: Any]])
        #expect(egger.map { $0["form"] as? String } == ["rma", "lm"])
        #expect(egger[1]["df"] as? Int == 14)
        let fill = try #require(doc["trimfill"] as? [String: Any])
        #expect(fill["k0"] as? Int == 2)
        #expect(fill["side"] as? String == "left")
        let studies = try #require(doc["studies"] as? [[String: Any]])
        #expect(studies.count == 16)
        let weights = studies.compactMap { jsonNumber($0["weight"]) }
        #expect(abs(weights.reduce(0, +) - 100) < 1e-9)
        for file in ["forest.svg", "funnel.svg"] {
            let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent(file), encoding: .utf8)
            #expect(svg.contains("role=\"img\""))
            #expect(svg.contains("<desc"))
            #expect(svg.contains("<title"))
        }
        let forest = try String(contentsOfFile: (dir as NSString).appendingPathComponent("forest.svg"), encoding: .utf8)
        #expect(forest.contains("Random-effects model"))
        #expect(forest.contains("prediction interval"))
    }

    @Test("meta --cluster: three-level variance components")
    func threeLevel() throws {
        let run = try meta(["meta_sim_three_level.csv", "--measure", "cor", "--r", "ri", "--n", "ni", "--cluster", "study", "--format", "json"])
        #expect(run.error == nil)
        let doc = try parseJSON(run.stdout)
        #expect(doc["model"] as? String == "three-level")
        let components = try #require(doc["variance_components"] as? [[String: Any]])
        #expect(components.map { $0["level"] as? String } == ["study", "within"])
        expectClose(jsonNumber(components[0]["tau2"]), 0.0079041328600439418, .relative(1e-8), "sigma2 study")
        expectClose(jsonNumber(components[1]["tau2"]), 0.0027832747497286382, .relative(1e-8), "sigma2 within")
        expectClose(jsonNumber(doc["estimate"]), 0.296972202578282, .relative(1e-8), "estimate")
        #expect(doc["clusters"] as? Int == 40)
    }

    @Test("meta refuses bad input: a missing option (64), an impossible correlation named by line (65)")
    func refusals() throws {
        let usage = try meta(["meta_molloy2014.csv", "--measure", "cor", "--r", "ri"])
        #expect(usage.error?.exitCode == 64)
        #expect(usage.error?.message.contains("--n COL") == true)
        let wrongOption = try meta(["meta_molloy2014.csv", "--measure", "cor", "--r", "ri", "--n", "ni", "--vi", "ni"])
        #expect(wrongOption.error?.exitCode == 64)
        let dir = try temporaryDirectory("meta-bad")
        let bad = "study,r,n\nA,0.2,50\nB,1.2,40\nC,0.3,60\n"
        try bad.write(toFile: (dir as NSString).appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let data = try runCommand(["meta", "bad.csv", "--measure", "cor", "--r", "r", "--n", "n", "--study", "study"], inputDirectory: dir)
        #expect(data.error?.exitCode == 65)
        #expect(data.error?.message.contains("line 3 (B)") == true)
    }

    /// The missing-code scan covered the effect-size columns only: a -99 publication year in a --mods moderator entered
    /// the meta-regression as the year -99 (exit 0, no word), and a -99 --cluster code made a bogus lab.
    @Test("meta: a -99 in a --mods moderator or the --cluster column is warned, naming --na -99")
    func moderatorMissingCode() throws {
        let dir = try temporaryDirectory("meta-mods-code")
        var csv = "study,r,n,year,lab\n"
        for i in 0..<12 {
            csv += "S\(i),\(0.1 + 0.03 * Double(i % 7)),\(40 + 13 * i),\(i == 2 ? "-99" : String(2000 + i)),\(i == 5 ? "-99" : String(1 + i / 3))\n"
        }
        try csv.write(toFile: (dir as NSString).appendingPathComponent("mods.csv"), atomically: true, encoding: .utf8)
        let base = ["meta", "mods.csv", "--measure", "cor", "--r", "r", "--n", "n", "--study", "study"]
        let mods = try runCommand(base + ["--mods", "year"], inputDirectory: dir)
        #expect(mods.error == nil, "\(String(describing: mods.error))")
        #expect(mods.stderr.contains("column 'year' holds -99 in 1 row") && mods.stderr.contains("--na -99"), "\(mods.stderr)")
        let cluster = try runCommand(base + ["--cluster", "lab"], inputDirectory: dir)
        #expect(cluster.error == nil, "\(String(describing: cluster.error))")
        #expect(cluster.stderr.contains("column 'lab' holds -99 in 1 row"), "\(cluster.stderr)")
    }

    /// Splits the shared fit fixture by site into three files.
    func siteFiles(_ dir: String) throws -> [String] {
        let text = try FixtureFiles.shared.text("models_data.csv")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        var files: [String] = []
        for site in ["east", "north", "south"] {
            let rows = lines.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[2] == Substring(site) }
            let name = "site-\(site).csv"
            try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: (dir as NSString).appendingPathComponent(name),
                                                                               atomically: true, encoding: .utf8)
            files.append(name)
        }
        try text.write(toFile: (dir as NSString).appendingPathComponent("all.csv"), atomically: true, encoding: .utf8)
        return files
    }

    @Test("pool of OLS site summaries equals the fit of the concatenated rows (1e-10)")
    func pooledOLSIsExact() throws {
        let dir = try temporaryDirectory("pool")
        let formula = "phq_post ~ wai_total + phq_pre + modality + wai_total:phq_pre"
        var summaries: [String] = []
        for file in try siteFiles(dir) {
            let summary = file.replacingOccurrences(of: ".csv", with: ".json")
            let run = try runCommand(["fit", "ols", file, "--formula", formula, "--allow-column", "client", "--export-summary", summary],
                                     inputDirectory: dir, outputDirectory: dir)
            #expect(run.error == nil, "\(String(describing: run.error))")
            summaries.append(summary)
        }
        let exported = try String(contentsOfFile: (dir as NSString).appendingPathComponent(summaries[0]), encoding: .utf8)
        #expect(exported.contains("no row of data"))
        #expect(!exported.contains("C0001"))
        let pooled = try runCommand(["pool"] + summaries + ["--format", "json"], inputDirectory: dir)
        #expect(pooled.error == nil)
        let whole = try runCommand(["fit", "ols", "all.csv", "--formula", formula, "--allow-column", "client", "--format", "json"],
                                   inputDirectory: dir)
        let a = try parseJSON(pooled.stdout), b = try parseJSON(whole.stdout)
        #expect(a["model"] as? String == "ols")
        #expect(a["sites"] as? Int == 3)
        let ca = try #require(a["coefficients"] as? [[String: Any]]), cb = try #require(b["coefficients"] as? [[String: Any]])
        #expect(ca.map { $0["term"] as? String } == cb.map { $0["term"] as? String })
        for (x, y) in zip(ca, cb) {
            for key in ["estimate", "std_error", "statistic", "conf_low", "conf_high"] {
                expectClose(jsonNumber(x[key]), try #require(jsonNumber(y[key])), .relative(1e-10), "\(x["term"] ?? "") \(key)")
            }
            expectClose(jsonNumber(x["p_value"]), try #require(jsonNumber(y["p_value"])), .relative(1e-8), "\(x["term"] ?? "") p")
        }
        let fa = try #require(a["fit"] as? [String: Any]), fb = try #require(b["fit"] as? [String: Any])
        for key in ["r_squared", "adj_r_squared", "sigma", "f_statistic", "log_likelihood", "aic", "bic"] {
            expectClose(jsonNumber(fa[key]), try #require(jsonNumber(fb[key])), .relative(1e-10), key)
        }
        #expect(fa["df_residual"] as? Int == fb["df_residual"] as? Int)
    }

    @Test("pool refuses summaries of different fits, and export refuses small cells")
    func poolRefusals() throws {
        let dir = try temporaryDirectory("pool-bad")
        let files = try siteFiles(dir)
        _ = try runCommand(["fit", "ols", files[0], "--formula", "phq_post ~ wai_total", "--allow-column", "client", "--export-summary", "a.json"],
                           inputDirectory: dir, outputDirectory: dir)
        _ = try runCommand(["fit", "ols", files[1], "--formula", "phq_post ~ phq_pre", "--allow-column", "client", "--export-summary", "b.json"],
                           inputDirectory: dir, outputDirectory: dir)
        let mismatch = try runCommand(["pool", "a.json", "b.json"], inputDirectory: dir)
        #expect(mismatch.error?.exitCode == 65)
        #expect(mismatch.error?.message.contains("b.json") == true)
        #expect(mismatch.error?.message.contains("terms") == true)
        // 12 rows: n passes the rule of 11 but the modality levels do not.
        let text = try String(contentsOfFile: (dir as NSString).appendingPathComponent(files[0]), encoding: .utf8)
        let small = text.split(separator: "\n").prefix(13).joined(separator: "\n") + "\n"
        try small.write(toFile: (dir as NSString).appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        let refused = try runCommand(["fit", "ols", "small.csv", "--formula", "phq_post ~ wai_total + modality", "--allow-column", "client",
                                      "--export-summary", "small.json"], inputDirectory: dir, outputDirectory: dir)
        #expect(refused.error?.exitCode == 65)
        #expect(refused.error?.message.contains("small-cell") == true)
        #expect(refused.error?.message.contains("modality") == true)
        #expect(!FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("small.json")))
    }

    /// Fits `fit` (the model kind and its options) at every site with --export-summary SITE.json; returns the
    /// summary files and each site's estimates and variances (squared standard errors) as `fit` printed them.
    func exportSites(_ dir: String, _ fit: [String]) throws -> (summaries: [String], estimates: [[Double]], variances: [[Double]]) {
        var summaries: [String] = []
        var estimates: [[Double]] = [], variances: [[Double]] = []
        for file in try siteFiles(dir) {
            let summary = file.replacingOccurrences(of: ".csv", with: ".json")
            let run = try runCommand(["fit", fit[0], file] + fit.dropFirst() + ["--allow-column", "client", "--export-summary", summary,
                                                                                   "--format", "json"],
                                     inputDirectory: dir, outputDirectory: dir)
            #expect(run.error == nil, "\(String(describing: run.error))")
            let doc = try parseJSON(run.stdout)
            let c = try #require(doc["coefficients"] as? [[String: Any]])
            estimates.append(c.compactMap { jsonNumber($0["estimate"]) })
            variances.append(c.compactMap { jsonNumber($0["std_error"]) }.map { $0 * $0 })
            summaries.append(summary)
        }
        return (summaries, estimates, variances)
    }

    @Test("pool of logit summaries: two-stage REML per coefficient, with between-site heterogeneity")
    func twoStage() throws {
        let dir = try temporaryDirectory("pool-logit")
        let (summaries, estimates, variances) = try exportSites(dir, ["logit", "--formula", "dropout ~ wai_total"])
        let pooled = try runCommand(["pool"] + summaries + ["--format", "json"], inputDirectory: dir)
        #expect(pooled.error == nil)
        let doc = try parseJSON(pooled.stdout)
        #expect(doc["model"] as? String == "logit")
        let c = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(c.count == 2)
        // Each coefficient is rma.uni's REML estimate over the sites' estimates and variances as `fit` printed them
        // (the estimator itself is checked against metafor in ModelsTests); this checks the export and the parsing.
        for j in 0..<2 {
            let direct = try MetaAnalysis.fit(EffectSizes(measure: .generic, yi: estimates.map { $0[j] }, vi: variances.map { $0[j] }))
            expectClose(jsonNumber(c[j]["estimate"]), direct.pooled.estimate, .relative(1e-12), "estimate \(j)")
            expectClose(jsonNumber(c[j]["std_error"]), direct.pooled.stdError, .relative(1e-12), "se \(j)")
            expectClose(jsonNumber(c[j]["tau2"]), direct.tau2 ?? -1, .relativeOrAbsolute(1e-12), "tau2 \(j)")
            #expect(jsonNumber(c[j]["i2"]) != nil)
        }
    }

    @Test("pool of lmm summaries: the fixed effects pooled in two stages")
    func twoStageMixed() throws {
        let dir = try temporaryDirectory("pool-lmm")
        let (summaries, estimates, variances) = try exportSites(
            dir, ["lmm", "--formula", "phq_post ~ wai_total + phq_pre + (1 | therapist)", "--no-profile"])
        let exported = try String(contentsOfFile: (dir as NSString).appendingPathComponent(summaries[0]), encoding: .utf8)
        #expect(exported.contains("\"model\": \"lmm\""))
        let pooled = try runCommand(["pool"] + summaries + ["--format", "json"], inputDirectory: dir)
        #expect(pooled.error == nil)
        let doc = try parseJSON(pooled.stdout)
        #expect(doc["model"] as? String == "lmm")
        let c = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(c.map { $0["term"] as? String } == ["(Intercept)", "wai_total", "phq_pre"])
        for j in 0..<3 {
            let direct = try MetaAnalysis.fit(EffectSizes(measure: .generic, yi: estimates.map { $0[j] }, vi: variances.map { $0[j] }))
            expectClose(jsonNumber(c[j]["estimate"]), direct.pooled.estimate, .relative(1e-10), "estimate \(j)")
            expectClose(jsonNumber(c[j]["std_error"]), direct.pooled.stdError, .relative(1e-10), "se \(j)")
        }
    }
}
