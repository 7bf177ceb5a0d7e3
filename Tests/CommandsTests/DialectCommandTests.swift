import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// Issue 18, items 2–3, end to end: a European CSV (write.csv2: ';', decimal comma, row names, BOM, CRLF) and a file
/// with -99/999 missing codes, both from Datasets/clinic.csv, give R's numbers through `fit ols` (lm, 1e-10 relative)
/// and `describe` (mean, sd, min, max, 1e-12). Fixtures and reference: Fixtures/dialects/make_dialects.R.
@Suite("CSV dialects and missing codes")
struct DialectCommandTests {
    static func reference(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: try fixtureFiles.path("dialects/dialects_reference.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(all[name] as? [String: Any])
    }

    static func close(_ a: Any?, _ b: Double, _ tolerance: Double) -> Bool {
        guard let x = (a as? NSNumber)?.doubleValue else { return false }
        return abs(x - b) <= tolerance * max(abs(b), 1e-300)
    }

    static func numbers(_ value: Any?) -> [Double] {
        (value as? [String] ?? []).compactMap(Double.init)
    }

    /// `fit ols` on the file matches R's lm on the correctly read data.
    func checkFit(_ arguments: [String], reference name: String) throws -> CapturedRun {
        let run = try runCommand(["fit", "ols"] + arguments + ["--formula", "phq_post ~ wai_mean + phq_pre + site",
                                                               "--format", "json"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try parseJSON(run.stdout)
        let expected = try Self.reference(name)
        let data = try #require(doc["data"] as? [String: Any])
        #expect(data["rows"] as? Int == expected["rows"] as? Int)
        #expect(data["used"] as? Int == expected["used"] as? Int)
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String ?? "" }
            == ["(Intercept)", "wai_mean", "phq_pre", "site[north]", "site[south]"])
        for (c, (b, se)) in zip(coefficients, zip(Self.numbers(expected["estimate"]), Self.numbers(expected["std_error"]))) {
            #expect(Self.close(c["estimate"], b, 1e-10), "\(c["term"] ?? "") estimate")
            #expect(Self.close(c["std_error"], se, 1e-10), "\(c["term"] ?? "") std_error")
        }
        return run
    }

    /// `describe` gives R's n, missing, mean, sd, min and max for the numeric columns.
    func checkDescribe(_ arguments: [String], reference name: String) throws -> CapturedRun {
        let run = try runCommand(["describe"] + arguments + ["--format", "json"])
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let doc = try parseJSON(run.stdout)
        let columns = try #require(doc["columns"] as? [[String: Any]])
        let expected = try #require(try Self.reference(name)["describe"] as? [[String: Any]])
        for r in expected {
            let name = try #require(r["name"] as? String)
            let c = try #require(columns.first { $0["name"] as? String == name }, "column \(name)")
            #expect(c["type"] as? String == "numeric", "\(name)")
            #expect(c["n"] as? Int == r["n"] as? Int, "\(name) n")
            #expect(c["missing"] as? Int == r["missing"] as? Int, "\(name) missing")
            for key in ["mean", "sd", "min", "max"] {
                let value = try #require(Double(r[key] as? String ?? ""))
                #expect(Self.close(c[key], value, 1e-12), "\(name) \(key)")
            }
        }
        return run
    }

    @Test func europeanCSVIsDetectedAndGivesRsNumbers() throws {
        let file = try fixtureFiles.path("dialects/european.csv")
        let fit = try checkFit([file], reference: "european")
        #expect(fit.stderr.contains("note: \(file): read as the European CSV dialect: ';' between fields and ',' as the decimal mark"))
        #expect(fit.stderr.contains("(R's write.csv row names): dropped"))
        _ = try checkDescribe([file], reference: "european")
        // Declared instead of detected: the same numbers, and no dialect note.
        let declared = try checkFit([file, "--delimiter", ";", "--decimal", ","], reference: "european")
        #expect(!declared.stderr.contains("European CSV dialect"))
    }

    @Test func europeanCSVForcedToDecimalPointWarnsAboutTheFactor() throws {
        // Declaring the wrong decimal mark makes wai_mean text (the user's choice); fit then says so loudly.
        let run = try runCommand(["fit", "ols", try fixtureFiles.path("dialects/european.csv"), "--delimiter", ";",
                                  "--decimal", ".", "--formula", "phq_post ~ wai_mean + phq_pre + site"])
        #expect(run.error == nil)
        #expect(run.stderr.contains("warning: 'wai_mean' is a text column with 39 levels"))
        #expect(run.stderr.contains("have a decimal comma"))
    }

    /// A number column with a few distinct values and one text code ('missing', 'n/a') is a text column, so the model
    /// used it as a factor; the warning that says so was given only above 20 levels, so a 7-level PHQ band with one
    /// 'missing' entered fit ols, fit lmm and GLMMs as six indicator columns with no word (exit 0). A text column whose
    /// other levels read as numbers is now warned at any level count; a text column of words is not.
    @Test func fewLevelTextColumnOfNumbersIsWarned() throws {
        var csv = "therapist,band,site,y,dropout\n"
        for i in 0..<120 {
            let band = i == 7 ? "missing" : String(1 + i % 6)
            csv += "T\(i % 12),\(band),\(["north", "south", "east"][i % 3]),\(Double(i % 9) + sin(Double(i))),\(i % 3 == 0 ? 1 : 0)\n"
        }
        let dir = try temporaryDirectory("few-level-numbers")
        let file = (dir as NSString).appendingPathComponent("bands.csv")
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        for arguments in [["ols", file, "--formula", "y ~ band + site"],
                          ["lmm", file, "--formula", "y ~ band + site + (1 | therapist)", "--no-profile"]] {
            let run = try runCommand(["fit"] + arguments)
            #expect(run.error == nil, "\(String(describing: run.error))")
            #expect(run.stderr.contains("warning: 'band' is a text column with 7 levels"), "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.contains("6 of its values read as numbers"), "\(run.stderr)")
            #expect(!run.stderr.contains("'site'"), "\(run.stderr)")
        }
        let declared = try runCommand(["fit", "ols", file, "--formula", "y ~ factor(band) + site"])
        #expect(!declared.stderr.contains("text column"), "\(declared.stderr)")
        let missing = try runCommand(["fit", "ols", file, "--formula", "y ~ band + site", "--na", "missing"])
        #expect(!missing.stderr.contains("text column"), "\(missing.stderr)")
    }

    @Test func missingCodesGiveRsNumbers() throws {
        let file = try fixtureFiles.path("dialects/missing_codes.csv")
        // -99 is written -99, -99.0 and -9.9e1; blank cells stay missing because --na adds to the defaults.
        _ = try checkFit([file, "--na", "-99,999"], reference: "missing_codes")
        _ = try checkFit([file, "--na=-99", "--na", "999"], reference: "missing_codes")
        _ = try checkFit([file, "--na", "-99, 999"], reference: "missing_codes")
        _ = try checkFit([file, "--na", "phq_post:-99", "--na", "wai_mean:999"], reference: "missing_codes")
        _ = try checkDescribe([file, "--na", "-99,999"], reference: "missing_codes")
        // --na-only replaces the defaults: blank wai_mean cells are then text, so the column is not numeric.
        let only = try runCommand(["describe", file, "--na-only", "-99,999", "--format", "json"])
        let columns = try #require(try parseJSON(only.stdout)["columns"] as? [[String: Any]])
        #expect(columns.first { $0["name"] as? String == "wai_mean" }?["type"] as? String == "categorical")
    }

    @Test func describeWarnsAboutUndeclaredMissingCodes() throws {
        let file = try fixtureFiles.path("dialects/missing_codes.csv")
        let run = try runCommand(["describe", file])
        #expect(run.stderr.contains("column 'phq_post' holds -99 in 61 rows, far outside its other values"))
        #expect(run.stderr.contains("column 'wai_mean' holds 999 in 53 rows"))
        #expect(run.stderr.contains("--na 999"))
        let declared = try runCommand(["describe", file, "--na", "-99,999"])
        #expect(!declared.stderr.contains("missing-value code"))
    }

    @Test func levelsSetTheOrderAndTheReference() throws {
        let file = try fixtureFiles.path("dialects/missing_codes.csv")
        let run = try runCommand(["fit", "ols", file, "--na", "-99,999", "--levels", "site=south,north,east",
                                  "--formula", "phq_post ~ wai_mean + phq_pre + site", "--format", "json"])
        let coefficients = try #require(try parseJSON(run.stdout)["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String ?? "" }
            == ["(Intercept)", "wai_mean", "phq_pre", "site[north]", "site[east]"])
        // With south as reference, site[north] = b(north) - b(south) of the east-reference fit.
        let expected = Self.numbers(try Self.reference("missing_codes")["estimate"])
        #expect(Self.close(coefficients[3]["estimate"], expected[3] - expected[4], 1e-9))
        #expect(Self.close(coefficients[4]["estimate"], -expected[4], 1e-9))
        // --ref still chooses the reference; the other levels keep the --levels order.
        let ref = try runCommand(["fit", "ols", file, "--na", "-99,999", "--levels", "site=south,north,east",
                                  "--ref", "site=east", "--formula", "phq_post ~ wai_mean + site", "--format", "json"])
        let terms = try #require(try parseJSON(ref.stdout)["coefficients"] as? [[String: Any]]).map { $0["term"] as? String ?? "" }
        #expect(terms == ["(Intercept)", "wai_mean", "site[south]", "site[north]"])
    }

    @Test func naTokensParse() {
        let (tokens, perColumn) = DataInput.missingTokenOptions(na: ["-99, 999", "wai_1:-99,998", "x: refused"], naOnly: nil)
        #expect(tokens == ["", "NA", "NaN", ".", "-99", "999"])
        #expect(perColumn == ["wai_1": ["-99", "998"], "x": ["refused"]])
        let only = DataInput.missingTokenOptions(na: ["-1"], naOnly: "NA,")
        #expect(only.tokens == ["NA", "", "-1"])
        #expect(only.perColumn.isEmpty)
    }
}
