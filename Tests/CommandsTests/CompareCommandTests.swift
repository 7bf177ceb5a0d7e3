import AllianceTestSupport
import Foundation
import Output
import Testing
@testable import Commands

/// `alliance compare` end to end: fits saved with `fit … --format json --out`, then compared, against R's anova()
/// (Fixtures/compare/compare_reference.json, written by make_compare_fixtures.R).
///
/// Tolerances: log-likelihoods, AIC, BIC and deviances within 1e-9 relative (both sides at the optimum: lme4 with
/// ftol_abs = xtol_abs = 1e-12, alliance at its default, which converges as tightly; OLS and GLM fits to rounding);
/// the statistic, a difference of two optima, within 1e-6 absolute; p-values within 1e-6 relative; anova.lm's F for OLS
/// fits within 1e-9 relative.
@Suite("compare command")
struct CompareCommandTests {
    static func dataPath(_ file: String) throws -> String {
        file == "models_data.csv" ? try FixtureFiles.shared.path(file) : try fixtureFiles.path("compare/\(file)")
    }

    /// Fits `formula` and saves its JSON as `dir/name.json`.
    @discardableResult
    static func save(_ model: String, _ formula: String, data: String, reml: Bool = true, name: String, in dir: String,
                     extra: [String] = []) throws -> String {
        let path = (dir as NSString).appendingPathComponent("\(name).json")
        var arguments = ["fit", model, data, "--formula", formula]
        if data.hasSuffix("models_data.csv") { arguments += ["--allow-column", "client"] }
        if model == "lmm" && !reml { arguments.append("--ml") }
        let run = try runCommand(arguments + extra + ["--format", "json", "--out", path])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        return path
    }

    static func compare(_ files: [String], _ extra: [String] = []) throws -> CapturedRun {
        try runCommand(["compare"] + files + extra + ["--format", "json"])
    }

    static func reference() throws -> [[String: Any]] {
        let doc = try parseJSON(try fixtureFiles.text("compare/compare_reference.json"))
        return try #require(doc["comparisons"] as? [[String: Any]])
    }

    static func number(_ value: Any?) throws -> Double {
        try #require((value as? String).flatMap(Double.init))
    }

    @Test func matchesAnova() throws {
        let comparisons = try Self.reference()
        #expect(comparisons.count == 10)
        for comparison in comparisons {
            let name = try #require(comparison["name"] as? String)
            let dir = try temporaryDirectory("compare-\(name)")
            let fits = try #require(comparison["fits"] as? [[String: Any]])
            var files: [String] = []
            for fit in fits {
                let model = try #require(fit["model"] as? String)
                let fitName = try #require(fit["name"] as? String)
                files.append(try Self.save(model, try #require(fit["formula"] as? String),
                                           data: try Self.dataPath(try #require(fit["data"] as? String)),
                                           reml: fit["reml"] as? Bool ?? false, name: fitName, in: dir))
            }
            let refitML = try #require(comparison["refit_ml"] as? Bool)
            // All REML and not refitted: anova(refit = FALSE), which is --reml.
            let byREML = !refitML && fits.allSatisfy { $0["reml"] as? Bool == true }
            let run = try Self.compare(files, byREML ? ["--reml"] : [])
            #expect(run.error == nil, "\(name): \(run.error?.message ?? "")")
            let doc = try JSONValue(parsing: run.stdout)
            #expect(doc["refit_ml"] == .bool(refitML), "\(name)")
            let rows = try #require(doc["models"]?.arrayValue)
            let expected = try #require(comparison["models"] as? [[String: Any]])
            let tests = try #require(comparison["tests"] as? [[String: Any]])
            #expect(rows.count == expected.count, "\(name)")
            for (i, (row, want)) in zip(rows, expected).enumerated() {
                let fitName = try #require(want["fit"] as? String)
                #expect(row["file"]?.stringValue?.hasSuffix("/\(fitName).json") == true, "\(name) row \(i): \(row["file"]?.stringValue ?? "")")
                #expect(row["npar"]?.intValue == want["npar"] as? Int, "\(name) row \(i) npar")
                for key in ["aic", "bic", "log_likelihood", "deviance"] {
                    expectClose(row[key]?.doubleValue, try Self.number(want[key]), relative: 1e-9, "\(name) row \(i) \(key)")
                }
                if i == 0 {
                    #expect(row["statistic"] == .null && row["p_value"] == .null, "\(name)")
                    continue
                }
                let test = tests[i - 1]
                expectClose(row["statistic"]?.doubleValue, try Self.number(test["statistic"]), absolute: 1e-6, "\(name) row \(i) statistic")
                #expect(row["df"]?.intValue == test["df"] as? Int, "\(name) row \(i) df")
                expectClose(row["p_value"]?.doubleValue, try Self.number(test["p_value"]), relative: 1e-6, "\(name) row \(i) p")
                if let mixture = test["p_value_mixture"] {
                    expectClose(row["p_value_mixture"]?.doubleValue, try Self.number(mixture), relative: 1e-6, "\(name) mixture p")
                }
                // OLS fits: anova.lm's F test beside the likelihood-ratio one (session 21: only the χ² was given, labelled
                // as anova's); absent for every other comparison.
                if let f = test["f_statistic"] {
                    expectClose(row["f_statistic"]?.doubleValue, try Self.number(f), relative: 1e-9, "\(name) row \(i) F")
                    expectClose(row["f_p_value"]?.doubleValue, try Self.number(test["f_p_value"]), relative: 1e-6, "\(name) row \(i) p (F)")
                } else {
                    #expect(row["f_statistic"] == nil, "\(name) row \(i)")
                }
            }
            if let last = tests.last {
                expectClose(doc["p_value"]?.doubleValue, try Self.number(last["p_value"]), relative: 1e-6, "\(name) top-level p")
            }
        }
    }

    @Test func recordsTheCallThatRefitsTheFit() throws {
        let dir = try temporaryDirectory("compare-call")
        let data = try Self.dataPath("alliance_clients.csv")
        let file = try Self.save("lmm", "phq_post ~ wai + arm + (1 | therapist)", data: data, name: "fit", in: dir,
                                 extra: ["--ref", "arm=tele", "--na", "-99", "--df", "residual"])
        let doc = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        let call = try #require(doc["call"]?.arrayValue).compactMap { $0.stringValue }
        #expect(call == ["fit", "lmm", data, "--na", "-99", "--formula",
                         "phq_post ~ wai + arm + (1 | therapist)", "--ref", "arm=tele"])
    }

    @Test func refusesComparisonsThatAreNotNested() throws {
        let dir = try temporaryDirectory("compare-refusals")
        let clients = try Self.dataPath("alliance_clients.csv")
        let models = try Self.dataPath("models_data.csv")
        let small = try Self.save("lmm", "phq_post ~ wai + (1 | therapist)", data: clients, reml: false, name: "small", in: dir)
        let other = try Self.save("lmm", "phq_post ~ wai + arm + (1 | therapist)", data: clients, reml: false, name: "other", in: dir)
        let same = try Self.save("lmm", "phq_post ~ wai + phq_pre + (1 | therapist)", data: clients, reml: false, name: "same", in: dir)
        let site = try Self.save("lmm", "phq_post ~ wai + (1 | site)", data: clients, reml: false, name: "site", in: dir)
        let slope = try Self.save("lmm", "phq_post ~ wai + (wai | site)", data: clients, reml: false, name: "slope", in: dir)
        let outcome = try Self.save("lmm", "phq_pre ~ wai + arm + (1 | therapist)", data: clients, reml: false, name: "outcome", in: dir)
        let large = try Self.save("lmm", "phq_post ~ wai + phq_pre + (1 | therapist)", data: clients, name: "large", in: dir)
        let larger = try Self.save("lmm", "phq_post ~ wai + phq_pre + arm + (1 | therapist)", data: clients, name: "larger", in: dir)
        let ols = try Self.save("ols", "phq_post ~ wai_total", data: models, name: "ols", in: dir)
        let logit = try Self.save("logit", "dropout ~ phq_pre", data: models, name: "logit", in: dir)
        let logitRows = try Self.save("logit", "dropout ~ phq_pre + modality", data: models, name: "logit-rows", in: dir)
        let poisson = try Self.save("poisson", "sessions ~ phq_pre + modality", data: models, name: "poisson", in: dir)
        var cases: [([String], [String], String)] = [
            ([other, same], [], "are not nested: the fixed effects arm[tele] of"),
            ([small, site], [], "are not nested: the random effects (Intercept) | therapist"),
            ([small, outcome], [], "different outcomes"),
            ([large, larger], ["--reml"], "drop --reml"),
            ([small, large], ["--reml"], "--reml compares REML fits"),
            ([ols, large], [], "different data"),
            ([logit, logitRows], [], "used different rows"),
            ([logitRows, poisson], [], "different kinds of model"),
            ([small], [], "two or more"),
        ]
        let notJSON = (dir as NSString).appendingPathComponent("notes.json")
        try "not json".write(toFile: notJSON, atomically: true, encoding: .utf8)
        let correlate = (dir as NSString).appendingPathComponent("correlate.json")
        try #"{"method": "pearson", "pairs": []}"#.write(toFile: correlate, atomically: true, encoding: .utf8)
        cases += [([notJSON, small], [], "not a JSON fit result"), ([correlate, small], [], "not a saved fit compare can use: no \"model\""),
                  ([small, small], [], "same number of parameters")]
        // A REML fit whose call was edited to another formula: the refit would be another model.
        let edited = (dir as NSString).appendingPathComponent("edited.json")
        let text = try String(contentsOfFile: larger, encoding: .utf8)
        try text.replacingOccurrences(of: "\"phq_post ~ wai + phq_pre + arm + (1 | therapist)\"\n  ],",
                                      with: "\"phq_post ~ wai + phq_pre + arm + (1 | site)\"\n  ],")
            .write(toFile: edited, atomically: true, encoding: .utf8)
        cases.append(([small, edited], [], "does not give the fit it describes"))
        for (files, extra, message) in cases {
            let run = try Self.compare(files, extra)
            let error = try #require(run.error, "\(files) should be refused")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.exitCode == (files.count < 2 ? 64 : 65))
        }
        // (1 | site) is part of (wai | site): nested, so it runs (given in either order).
        #expect(try Self.compare([slope, site]).error == nil)
    }

    /// One file read two ways is two data sets: with `--na wai:-99` the smaller fit drops the two -99 rows, the larger
    /// keeps them as values but drops two rows with phq_pre missing; 10 rows each, different rows. Was χ² on 10 rows, exit 0.
    @Test func refusesFitsOfOneFileReadWithOtherMissingCodes() throws {
        let dir = try temporaryDirectory("compare-reading")
        let file = (dir as NSString).appendingPathComponent("coded.csv")
        try """
            phq_post,wai,phq_pre,arm
            12,40,15,0
            9,-99,14,1
            14,35,,0
            7,50,11,1
            11,44,13,1
            15,-99,18,0
            8,47,,1
            13,38,16,0
            10,45,12,0
            16,33,19,1
            9,49,12,1
            12,41,14,0
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let coded = try Self.save("ols", "phq_post ~ wai", data: file, name: "coded", in: dir, extra: ["--na", "wai:-99"])
        let plain = try Self.save("ols", "phq_post ~ wai + phq_pre", data: file, name: "plain", in: dir)
        let run = try Self.compare([coded, plain])
        let error = try #require(run.error, "fits of one file read with other missing codes must be refused")
        #expect(error.exitCode == 65)
        #expect(error.message.contains("read \(file) differently (missing in wai: \"-99\" vs the defaults)"), "\(error.message)")
        // The same reading options in both (written in another order) compare.
        let both = try Self.save("ols", "phq_post ~ wai + arm", data: file, name: "both", in: dir, extra: ["--na", "wai:-99"])
        let again = try Self.save("ols", "phq_post ~ wai", data: file, name: "again", in: dir,
                                  extra: ["--na", "phq_post:77", "--na", "wai:-99"])
        #expect(try Self.compare([coded, both]).error == nil)
        let differentCodes = try #require(try Self.compare([again, both]).error)
        #expect(differentCodes.message.contains("missing in phq_post: \"77\"; missing in wai: \"-99\" vs missing in wai: \"-99\""),
                "\(differentCodes.message)")
    }

    @Test func refusesToRefitWhenTheDataChangedOrIsGone() throws {
        let dir = try temporaryDirectory("compare-data")
        let copy = (dir as NSString).appendingPathComponent("clients.csv")
        try FileManager.default.copyItem(atPath: try Self.dataPath("alliance_clients.csv"), toPath: copy)
        let a = try Self.save("lmm", "phq_post ~ wai + (1 | therapist)", data: copy, name: "a", in: dir)
        let b = try Self.save("lmm", "phq_post ~ wai + phq_pre + (1 | therapist)", data: copy, name: "b", in: dir)
        #expect(try Self.compare([a, b]).error == nil)
        // By REML (same fixed effects only) nothing is refitted, so the data is not needed; here the fixed effects differ.
        var text = try String(contentsOfFile: copy, encoding: .utf8)
        text = text.replacingOccurrences(of: ",6\n", with: ",7\n")
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        let changed = try #require(try Self.compare([a, b]).error)
        #expect(changed.message.contains("has changed since"), "\(changed.message)")
        #expect(changed.exitCode == 65)
        try FileManager.default.removeItem(atPath: copy)
        let gone = try #require(try Self.compare([a, b]).error)
        #expect(gone.message.contains("is not there"), "\(gone.message)")
        #expect(gone.exitCode == 66)
    }

    @Test func findsTheDataBesideTheFitWhenRunElsewhere() throws {
        let dir = try temporaryDirectory("compare-relative")
        try FileManager.default.copyItem(atPath: try Self.dataPath("sleepstudy.csv"),
                                         toPath: (dir as NSString).appendingPathComponent("sleep.csv"))
        // Fitted from `dir` with a relative data path, compared from elsewhere: the data is found beside the JSON.
        for (name, formula) in [("u", "Reaction ~ Days + (Days || Subject)"), ("c", "Reaction ~ Days + (Days | Subject)")] {
            let run = try runCommand(["fit", "lmm", "sleep.csv", "--formula", formula, "--format", "json", "--out", "\(name).json"],
                                     inputDirectory: dir, outputDirectory: dir)
            #expect(run.error == nil)
        }
        let run = try Self.compare([(dir as NSString).appendingPathComponent("u.json"), (dir as NSString).appendingPathComponent("c.json")])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try JSONValue(parsing: run.stdout)
        #expect(doc["refit_ml"] == .bool(true))
        // The same ML refit as the fixture's sleepstudy_reml_refit.
        let reference = try #require(try Self.reference().first { $0["name"] as? String == "sleepstudy_reml_refit" })
        let tests = try #require(reference["tests"] as? [[String: Any]])
        expectClose(doc["statistic"]?.doubleValue, try Self.number(tests[0]["statistic"]), absolute: 1e-6, "statistic")
    }
}
