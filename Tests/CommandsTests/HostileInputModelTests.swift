import DataTable
import Foundation
import Models
import Testing

/// Hostile formulas and degenerate model data. `alliance fit` is not on main yet, so these cases drive the
/// Models library directly (Regression.fit, the one path the command will call); every `ModelError` is a
/// data error (exit 65) at the command line. docs/hostile-input.md lists each case.
@Suite("Hostile input: models")
struct HostileInputModelTests {
    enum Expected: Sendable {
        /// Fitted; a warning contains the text (nil: no warning needed), and these terms are aliased (no estimate).
        case fitted(warning: String?, aliased: [String])
        /// A `ModelError` whose description contains every string.
        case refused([String])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let model: ModelKind
        let formula: String
        let file: String
        let expected: Expected

        init(_ model: ModelKind, _ formula: String, _ expected: Expected, file: String = "models.csv") {
            self.model = model
            self.formula = formula
            self.file = file
            self.expected = expected
        }

        var testDescription: String { "\(model.rawValue) \(formula.prefix(60))" }
    }

    static let corpus: [Case] = [
        // Degenerate data
        Case(.ols, "y ~ x1 + x2", .fitted(warning: "aliased", aliased: ["x2"])),
        Case(.ols, "constant_y ~ x1", .fitted(warning: "essentially perfect fit", aliased: [])),
        Case(.logit, "sep_y ~ x1", .refused(["separation", "x1"])),
        Case(.logit, "y ~ x1", .refused(["must be binary"])),
        Case(.poisson, "count ~ x1", .refused(["non-negative whole-number count", "data row 1"])),
        Case(.ols, "y ~ empty", .refused(["none of the 30 rows has values for all of y, empty"])),
        Case(.ols, "y ~ one_site", .refused(["single level", "'north'"])),
        Case(.ols, "y ~ factor(client)", .refused(["30 parameters but only 30 complete rows"])),
        Case(.ols, "y ~ x1", .refused(["none of the 0 rows"]), file: "header_only_models.csv"),
        // Text in numeric roles, impossible transformations
        Case(.ols, "note ~ x1", .refused(["outcome 'note' is categorical"])),
        Case(.ols, "y ~ log(note)", .refused(["'log(note)' needs a numeric column but 'note' is categorical"])),
        Case(.ols, "y ~ log(x1)", .refused(["'log(x1)' cannot be computed at data row 1", "log needs positive values"])),
        Case(.ols, "y ~ I(z * 1e308 * 10)", .refused(["cannot be computed at data row", "not finite"])),
        Case(.ols, "y ~ I(x1 / (z - z))", .refused(["not finite (division by zero"])),
        // Unknown columns and functions
        Case(.ols, "y ~ x3 + z", .refused(["no column named 'x3'", "did you mean", "'x1'", "^~"])),
        Case(.ols, "y ~ foo(x1)", .refused(["unknown function 'foo()'", "^~~"])),
        Case(.ols, "Surv(y, x1) ~ z", .refused(["not supported yet"])),
        Case(.ols, "y ~ x1 + (1 | site)", .refused(["random-effects terms", "not supported yet"])),
        Case(.ols, "y ~ x1/z", .refused(["nesting with '/' is not supported"])),
        // Malformed formulas
        Case(.ols, "", .refused(["the formula is empty"])),
        Case(.ols, "   ", .refused(["the formula is empty"])),
        Case(.ols, "y ~", .refused(["expected predictors after '~'"])),
        Case(.ols, "y ~ x1 +", .refused(["the formula ends where a term was expected", "(at character 9)"])),
        Case(.ols, "y x1", .refused(["expected '~' after the outcome"])),
        Case(.ols, "~ x1", .refused(["needs an outcome"])),
        Case(.ols, "y ~ x1 ~ z", .refused(["only one '~'"])),
        Case(.ols, "y ~ (x1 + z", .refused(["expected ')'"])),
        Case(.ols, "y ~ x1)", .refused(["unmatched ')'"])),
        Case(.ols, "y ~ `x1", .refused(["unterminated backtick"])),
        Case(.ols, "y ~ ``", .refused(["empty backtick"])),
        Case(.ols, "y ~ x1 $ z", .refused(["unexpected character '$'"])),
        Case(.ols, "y ~ 1.2.3", .refused(["malformed number"])),
        Case(.ols, "y ~ 2", .refused(["must be 1 (intercept) or 0"])),
        Case(.ols, "y ~ x1^z", .refused(["positive whole number"])),
        Case(.ols, "y ~ x1^99999999999999999999", .refused(["positive whole number"])),
        Case(.ols, "y ~ I(x1", .refused(["')' to close I("])),
        // Formulas that expand or nest without bound
        Case(.ols, "y ~ (x1 + z + site)^2147483647", .fitted(warning: nil, aliased: [])),
        Case(.ols, "y ~ (a + b + c + d + e + f + g + h + i + j + k + l)^12", .refused(["expands to more than 2000 terms"])),
        Case(.ols, "y ~ a*b*c*d*e*f*g*h*i*j*k*l", .refused(["expands to more than 2000 terms"])),
        Case(.ols, "y ~ " + String(repeating: "(", count: 100_000) + "x1" + String(repeating: ")", count: 100_000),
             .refused(["nested more than 64 levels"])),
        Case(.ols, "y ~ I(" + String(repeating: "-", count: 100_000) + "x1)", .refused(["nested more than 64 levels"])),
        Case(.ols, "y ~ " + String(repeating: "log(", count: 10_000) + "z" + String(repeating: ")", count: 10_000),
             .refused(["nested more than 64 levels"])),
        Case(.ols, "y ~ I(x1" + String(repeating: "^x1", count: 10_000) + ")", .refused(["nested more than 64 levels"])),
        Case(.ols, "y ~ I(" + Array(repeating: "x1", count: 5_000).joined(separator: " + ") + ")",
             .refused(["more than 1000 arithmetic operators"])),
        Case(.ols, "y ~ " + (1...3_000).map { "v\($0)" }.joined(separator: " + "), .refused(["expands to more than 2000 terms"])),
        Case(.ols, "y ~ " + Array(repeating: "x1", count: 30_000).joined(separator: " + "), .fitted(warning: nil, aliased: [])),
    ]

    static func table(_ file: String) throws -> Table {
        try CSVReader.read(contentsOf: try Hostile.corpusDirectory() + "/" + file)
    }

    @Test("model case", arguments: corpus)
    func modelCase(_ c: Case) throws {
        let data = try Self.table(c.file)
        let start = Hostile.threadCPUSeconds()
        let result: Result<RegressionResult, ModelError>
        do throws(ModelError) {
            result = .success(try Regression.fit(c.model, formula: c.formula, data: data))
        } catch {
            result = .failure(error)
        }
        let seconds = Hostile.threadCPUSeconds() - start
        #expect(seconds < 5, "\(c.testDescription) took \(seconds) s")
        switch (c.expected, result) {
        case (.fitted(let warning, let aliased), .success(let fit)):
            if let warning {
                #expect(fit.warnings.contains { $0.contains(warning) }, "warnings: \(fit.warnings)")
            }
            for term in aliased {
                let coefficient = try #require(fit.coefficient(term), "no coefficient \(term)")
                #expect(coefficient.estimate == nil, "\(term) should be aliased")
            }
            #expect(fit.coefficients.allSatisfy { $0.estimate.map(\.isFinite) ?? true })
        case (.refused(let parts), .failure(let error)):
            for part in parts {
                #expect(error.description.contains(part), "'\(part)' not in: \(error.description.prefix(400))")
            }
        case (.fitted, .failure(let error)):
            Issue.record("expected a fit, got: \(error.description.prefix(400))")
        case (.refused, .success(let fit)):
            Issue.record("expected an error, got a fit with \(fit.coefficients.count) coefficients")
        }
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
