import Commands
import DataTable
import Foundation
import Models
import Testing

/// Hostile formulas and degenerate model data through `alliance fit`, in-process. Formula and column-name
/// mistakes are usage errors (64); data a model cannot be fitted to is 65; every message names the file.
/// A few library-level checks follow (fuzzer regressions, the up-front design size). docs/hostile-input.md
/// lists each case.
@Suite("Hostile input: models")
struct HostileInputModelTests {
    enum Expected: Sendable {
        /// Fitted; a warning (standard error) contains the text (nil: none needed), and these terms are
        /// aliased (estimate null in the JSON).
        case fitted(warning: String?, aliased: [String])
        /// Refused with this status; the message contains the file name and every string.
        case refused(CLIError.Kind, [String])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let model: String
        let formula: String
        let file: String
        let expected: Expected

        init(_ model: String, _ formula: String, _ expected: Expected, file: String = "models.csv") {
            self.model = model
            self.formula = formula
            self.file = file
            self.expected = expected
        }

        var testDescription: String { "fit \(model) --formula \"\(formula.prefix(60))\"" }
    }

    static let corpus: [Case] = [
        // Degenerate data
        Case("ols", "y ~ x1 + x2", .fitted(warning: "aliased", aliased: ["x2"])),
        Case("ols", "constant_y ~ x1", .fitted(warning: "essentially perfect fit", aliased: [])),
        Case("logit", "sep_y ~ x1", .refused(.data, ["separation", "x1"])),
        Case("logit", "y ~ x1", .refused(.data, ["must be binary"])),
        Case("poisson", "count ~ x1", .refused(.data, ["non-negative whole-number count", "data row 1"])),
        Case("negbin", "count ~ x1", .refused(.data, ["non-negative whole-number count", "data row 1"])),
        Case("ols", "y ~ empty", .refused(.data, ["none of the 30 rows has values for all of y, empty"])),
        Case("ols", "y ~ one_site", .refused(.data, ["single level", "'north'"])),
        Case("ols", "y ~ factor(client)", .refused(.data, ["30 parameters but only 30 complete rows"])),
        Case("ols", "y ~ x1", .refused(.data, ["none of the 0 rows"]), file: "header_only_models.csv"),
        // Text in numeric roles, impossible transformations
        Case("ols", "note ~ x1", .refused(.data, ["outcome 'note' is categorical"])),
        Case("ols", "y ~ log(note)", .refused(.data, ["'log(note)' needs a numeric column but 'note' is categorical"])),
        Case("ols", "y ~ log(x1)", .refused(.data, ["'log(x1)' cannot be computed at data row 1", "log needs positive values"])),
        Case("ols", "y ~ I(z * 1e308 * 10)", .refused(.data, ["cannot be computed at data row", "not finite"])),
        Case("ols", "y ~ I(x1 / (z - z))", .refused(.data, ["not finite (division by zero"])),
        // Unknown columns and functions
        Case("ols", "y ~ x3 + z", .refused(.usage, ["no column named 'x3'", "did you mean", "'x1'", "^~"])),
        Case("ols", "y ~ foo(x1)", .refused(.usage, ["foo() is not supported in formulas", "^~~"])),
        Case("ols", "Surv(y, x1) ~ z", .refused(.usage, ["needs `fit cox`", "^~~~~~~~~~~"])),
        Case("ols", "y ~ x1 + (1 | site)", .refused(.usage, ["random-effects terms need `fit lmm`", "--cluster site"])),
        Case("ols", "y ~ x1/z", .refused(.usage, ["nesting with '/' is not supported"])),
        // Malformed formulas
        Case("ols", "", .refused(.usage, ["the formula is empty"])),
        Case("ols", "   ", .refused(.usage, ["the formula is empty"])),
        Case("ols", "y ~", .refused(.usage, ["expected predictors after '~'"])),
        Case("ols", "y ~ x1 +", .refused(.usage, ["the formula ends where a term was expected", "(at character 9)"])),
        Case("ols", "y x1", .refused(.usage, ["expected '~' after the outcome"])),
        Case("ols", "~ x1", .refused(.usage, ["needs an outcome"])),
        Case("ols", "y ~ x1 ~ z", .refused(.usage, ["only one '~'"])),
        Case("ols", "y ~ (x1 + z", .refused(.usage, ["expected ')'"])),
        Case("ols", "y ~ x1)", .refused(.usage, ["unmatched ')'"])),
        Case("ols", "y ~ `x1", .refused(.usage, ["unterminated backtick"])),
        Case("ols", "y ~ ``", .refused(.usage, ["empty backtick"])),
        Case("ols", "y ~ x1 $ z", .refused(.usage, ["unexpected character '$'"])),
        Case("ols", "y ~ 1.2.3", .refused(.usage, ["malformed number"])),
        Case("ols", "y ~ 2", .refused(.usage, ["must be 1 (intercept) or 0"])),
        Case("ols", "y ~ x1^z", .refused(.usage, ["positive whole number"])),
        Case("ols", "y ~ x1^99999999999999999999", .refused(.usage, ["positive whole number"])),
        Case("ols", "y ~ I(x1", .refused(.usage, ["')' to close I("])),
        // Formulas that expand or nest without bound
        Case("ols", "y ~ (x1 + z + site)^2147483647", .fitted(warning: nil, aliased: [])),
        Case("ols", "y ~ (a + b + c + d + e + f + g + h + i + j + k + l)^12", .refused(.usage, ["expands to more than 2000 terms"])),
        Case("ols", "y ~ a*b*c*d*e*f*g*h*i*j*k*l", .refused(.usage, ["expands to more than 2000 terms"])),
        Case("ols", "y ~ " + String(repeating: "(", count: 100_000) + "x1" + String(repeating: ")", count: 100_000),
             .refused(.usage, ["nested more than 64 levels"])),
        Case("ols", "y ~ I(" + String(repeating: "-", count: 100_000) + "x1)", .refused(.usage, ["nested more than 64 levels"])),
        Case("ols", "y ~ " + String(repeating: "log(", count: 10_000) + "z" + String(repeating: ")", count: 10_000),
             .refused(.usage, ["nested more than 64 levels"])),
        Case("ols", "y ~ I(x1" + String(repeating: "^x1", count: 10_000) + ")", .refused(.usage, ["nested more than 64 levels"])),
        Case("ols", "y ~ I(" + Array(repeating: "x1", count: 5_000).joined(separator: " + ") + ")",
             .refused(.usage, ["more than 1000 arithmetic operators"])),
        Case("ols", "y ~ " + (1...3_000).map { "v\($0)" }.joined(separator: " + "), .refused(.usage, ["expands to more than 2000 terms"])),
        Case("ols", "y ~ " + Array(repeating: "x1", count: 30_000).joined(separator: " + "), .fitted(warning: nil, aliased: [])),
    ]

    @Test("fit case", arguments: corpus)
    func fitCase(_ c: Case) throws {
        let outcome = Hostile.run(["fit", c.model, c.file, "--formula", c.formula, "--format", "json"],
                                  in: try Hostile.corpusDirectory())
        #expect(outcome.seconds < 5, "\(c.testDescription) took \(outcome.seconds) s")
        switch c.expected {
        case .fitted(let warning, let aliased):
            #expect(outcome.status == 0, "\(c.testDescription): \(outcome.message.prefix(400))")
            guard outcome.status == 0 else { return }
            if let warning {
                #expect(outcome.message.contains("warning: ") && outcome.message.contains(warning), "stderr: \(outcome.message)")
            }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
            let coefficients = try #require(json["coefficients"] as? [[String: Any]])
            for term in aliased {
                let entry = try #require(coefficients.first { $0["term"] as? String == term }, "no coefficient \(term)")
                #expect(entry["estimate"] is NSNull, "\(term) should be aliased: \(entry)")
            }
            for entry in coefficients {
                if let e = entry["estimate"] as? Double { #expect(e.isFinite) }
            }
        case .refused(let kind, let parts):
            #expect(outcome.status == kind.rawValue, "\(c.testDescription): \(outcome.message.prefix(400))")
            for part in [c.file] + parts {
                #expect(outcome.message.contains(part), "'\(part)' not in: \(outcome.message.prefix(400))")
            }
        }
    }

    static func table(_ file: String) throws -> Table {
        try CSVReader.read(contentsOf: try Hostile.corpusDirectory() + "/" + file)
    }

    /// Found by Fuzz/formula: `(x+ z+ o)^344444` looped 344,444 times expanding the power before the parser
    /// reached the stray tokens after it. Powers are now capped at the number of variables.
    @Test("fuzzer regression: a huge formula power is expanded only as far as it can matter")
    func fuzzPowerHang() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Hostile.corpusDirectory() + "/fuzz_formula_power_hang.txt"))
        let text = String(decoding: bytes, as: UTF8.self)
        let start = Hostile.threadCPUSeconds()
        #expect(throws: FormulaError.self) { try Formula(text) }
        let capped = try Formula("y ~ (x + z + o)^344444")
        #expect(capped.terms.map(\.label) == ["x", "z", "o", "x:z", "x:o", "z:o", "x:z:o"])
        #expect(Hostile.threadCPUSeconds() - start < 1)
    }

    /// Found by Fuzz/formula: a chain of about twenty `*` and `:` products expands to thousands of terms;
    /// it took most of a second of CPU (more under the fuzzer) while each term comparison rebuilt a set
    /// of labels. Terms now keep that set, and expansion stops at 2,000 terms.
    @Test("fuzzer regression: a long product chain is refused or parsed quickly")
    func fuzzProductChain() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try Hostile.corpusDirectory() + "/fuzz_formula_product_chain.txt"))
        let text = String(decoding: bytes, as: UTF8.self)
        let start = Hostile.threadCPUSeconds()
        do {
            _ = try Formula(text)
        } catch {
            #expect(error.description.contains("more than 2000 terms"), "\(error)")
        }
        #expect(Hostile.threadCPUSeconds() - start < 1)
    }

    /// Interactions of many-level factors would need a design matrix of 40^6 columns; the fit refuses
    /// before allocating it.
    @Test("interaction of many-level factors is refused up front")
    func manyLevelInteraction() throws {
        let n = 40
        var columns = [Column(name: "y", numeric: (0..<n).map { Double($0 % 7) })]
        for k in 1...6 {
            columns.append(Column(name: "g\(k)", categorical: (0..<n).map { "L\(($0 * (k + 3)) % n)" }))
        }
        let data = try Table(columns: columns)
        let start = Hostile.threadCPUSeconds()
        #expect(throws: ModelError.self) {
            try Regression.fit(.ols, formula: "y ~ g1:g2:g3:g4:g5:g6", data: data)
        }
        do throws(ModelError) {
            _ = try Regression.fit(.logit, formula: "y ~ g1:g2:g3:g4:g5:g6", data: data)
        } catch {
            #expect(error.description.contains("parameters but only 40 complete rows"), "\(error)")
        }
        #expect(Hostile.threadCPUSeconds() - start < 5)
    }

    /// The up-front count agrees with the design matrix actually built, for main effects, contrasts
    /// and full indicator coding.
    @Test("design column count matches the built design", arguments: [
        "y ~ x1 + site", "y ~ site - 1", "y ~ x1:site", "y ~ site:x1 - 1", "y ~ site * note", "y ~ site:note",
        "y ~ (x1 + site + note)^3", "y ~ factor(count) * site - 1", "y ~ 1", "y ~ 0 + x1",
    ])
    func columnCountMatches(_ formula: String) throws {
        let frame = try ModelFrame(formula: try Formula(formula), table: try Self.table("models.csv"))
        let design = DesignMatrix(frame: frame)
        #expect(DesignMatrix.columnCount(frame: frame) == Double(design.columns))
    }
}
