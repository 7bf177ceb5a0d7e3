import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance run --check`'s comparison of values: numbers to 1e-9 relative, everything else exactly.
@Suite struct NumericTextComparisonTests {
    let tolerance = ReportComparison.relativeTolerance

    @Test func identicalJSONHasNoDifference() throws {
        let text = #"{ "model": "logit", "coefficients": [ { "term": "x", "estimate": 0.25, "p_value": null } ] }"#
        let outcome = try #require(NumericTextComparison.json(text, text, tolerance: tolerance))
        #expect(outcome.firstDifference == nil)
        #expect(outcome.largestRelativeDifference == 0)
    }

    @Test func numbersWithinTheToleranceAreEqual() throws {
        let a = #"{ "fit": { "deviance": 880.8026105438879, "iterations": 7 }, "p": [1e-40, 0.5] }"#
        let b = #"{ "fit": { "deviance": 880.8026105438873, "iterations": 7 }, "p": [1.0000000001e-40, 0.5] }"#
        let outcome = try #require(NumericTextComparison.json(a, b, tolerance: tolerance))
        #expect(outcome.firstDifference == nil)
        // 1e-40 vs 1.0000000001e-40 is the largest: 1e-10 relative.
        #expect(abs(outcome.largestRelativeDifference - 1e-10) < 1e-15)
    }

    @Test func aNumberOutsideTheToleranceIsNamedByItsPath() throws {
        let a = #"{ "coefficients": [ { "estimate": 1.5 }, { "term": "wai", "estimate": 0.2151 } ] }"#
        let b = #"{ "coefficients": [ { "estimate": 1.5 }, { "term": "wai", "estimate": 0.2153 } ] }"#
        let difference = try #require(NumericTextComparison.json(a, b, tolerance: tolerance)?.firstDifference)
        #expect(difference.description == "coefficients[1].estimate 0.2151 vs 0.2153")
        // 2e-9 relative is outside, 5e-10 inside.
        #expect(NumericTextComparison.json("[1]", "[1.000000002]", tolerance: tolerance)?.firstDifference?.location == "[0]")
        #expect(NumericTextComparison.json("[1]", "[1.0000000005]", tolerance: tolerance)?.firstDifference == nil)
        // Counts are numbers too: another iteration count is a difference.
        #expect(NumericTextComparison.json(#"{"fit":{"iterations":14}}"#, #"{"fit":{"iterations":17}}"#,
                                           tolerance: tolerance)?.firstDifference?.description == "fit.iterations 14 vs 17")
    }

    @Test func nonNumericChangesAreDifferences() throws {
        func first(_ a: String, _ b: String) -> String? {
            NumericTextComparison.json(a, b, tolerance: tolerance)?.firstDifference?.description
        }
        #expect(first(#"{"vcov": "classical"}"#, #"{"vcov": "hc3"}"#) == #"vcov "classical" vs "hc3""#)
        #expect(first(#"{"a": 1, "b": 2}"#, #"{"a": 1, "c": 2}"#) == #"(top level) key "b" vs key "c""#)
        #expect(first(#"{"se": null}"#, #"{"se": 0.5}"#) == "se null vs 0.5")
        #expect(first(#"{"warnings": []}"#, #"{"warnings": ["aliased"]}"#) == #"warnings the end of an array vs "aliased""#)
        #expect(first(#"{"x": [1, 2]}"#, #"{"x": [1, 2]} "#) == nil)
        #expect(NumericTextComparison.json(#"{"x": "#, #"{"x": 1}"#, tolerance: tolerance) == nil)
    }

    @Test func csvCellsCompareNumbersWithinToleranceAndTextExactly() {
        let a = "term,estimate,note\r\n\"a, b\",0.125,ok\r\nx,2,\"say \"\"hi\"\"\"\r\n"
        let near = "term,estimate,note\r\n\"a, b\",0.12500000000001,ok\r\nx,2,\"say \"\"hi\"\"\"\r\n"
        let outcome = NumericTextComparison.csv(a, near, tolerance: tolerance)
        #expect(outcome.firstDifference == nil)
        #expect(outcome.largestRelativeDifference > 0 && outcome.largestRelativeDifference < 1e-12)
        let far = a.replacingOccurrences(of: "0.125", with: "0.126")
        #expect(NumericTextComparison.csv(a, far, tolerance: tolerance).firstDifference?.description
                == "line 2, column estimate 0.125 vs 0.126")
        let text = a.replacingOccurrences(of: "ok", with: "OK")
        #expect(NumericTextComparison.csv(a, text, tolerance: tolerance).firstDifference?.description
                == "line 2, column note ok vs OK")
        #expect(NumericTextComparison.records(a, separator: UInt8(ascii: ","))[2] == ["x", "2", "say \"hi\""])
    }
}

/// Folder-level verdicts: identical, numerically equal, different.
@Suite struct ReportComparisonTests {
    /// An output folder: a report, a figure, one result JSON and a manifest recording `core` as the BLAS kernel.
    private func folder(_ label: String, estimate: String = "0.2151", reportLine: String = "b = 0.22 (SE 0.05).",
                        svgLabel: String = "0.22", core: String = "Prescott", inputHash: String = "aa11") throws -> String {
        let dir = try temporaryDirectory(label)
        let fm = FileManager.default
        for sub in ["results", "figures"] {
            try fm.createDirectory(atPath: (dir as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        func write(_ text: String, _ path: String) throws {
            try text.write(toFile: (dir as NSString).appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try write("# Report\n\n\(reportLine)\n", "report.md")
        try write("<svg><text>\(svgLabel)</text></svg>\n", "figures/fit.svg")
        try write("{\n  \"coefficients\": [\n    { \"estimate\": 1.5 },\n    { \"estimate\": \(estimate) }\n  ]\n}\n",
                  "results/001-line-5.json")
        let manifest = """
        { "alliance_version": "0.1.0", "git_commit": null, "swift_version": "6.3", "os": "Linux",
          "blas": { "config": "OpenBLAS 0.3.21 DYNAMIC_ARCH \(core)", "core": "\(core)", "threads": 1 },
          "notebook": { "file": "n.md", "bytes": 10, "sha256": "ff00" },
          "inputs": [ { "path": "../data.csv", "bytes": 3, "sha256": "\(inputHash)" } ],
          "blocks": [ { "line": 5, "command": "fit ols ../data.csv --formula \\"y ~ x\\" --plot figures/fit.svg",
                        "outputs": [ { "path": "figures/fit.svg" }, { "path": "results/001-line-5.json" } ], "error": null } ] }
        """
        try write(manifest, "manifest.json")
        return dir
    }

    @Test func identicalFolders() throws {
        let report = ReportComparison.check(expected: try folder("rc-a"), actual: try folder("rc-b"))
        #expect(report.verdict == .identical)
        #expect(report.lines.first?.hasPrefix("identical: every file in ") == true)
        #expect(report.lines.count == 1)
    }

    @Test func numbersWithinToleranceOnAnotherKernelAreNumericallyEqual() throws {
        let a = try folder("rc-a"), b = try folder("rc-b", estimate: "0.21510000000000004", core: "Sandybridge")
        let report = ReportComparison.check(expected: a, actual: b)
        #expect(report.verdict == .numericallyEqual)
        #expect(report.files.map(\.path) == ["results/001-line-5.json"])
        let text = report.lines.joined(separator: "\n")
        #expect(text.hasPrefix("numerically equal: the report and figures are byte-identical; 1 result file differs only"))
        #expect(text.contains("tolerance 1e-9"))
        #expect(text.contains("results/001-line-5.json (line 5: fit ols ../data.csv"))
        #expect(text.contains("BLAS kernel: Prescott vs Sandybridge"))
    }

    @Test func aNumberOutsideToleranceIsDifferentAndNamesCommandAndKey() throws {
        let report = ReportComparison.check(expected: try folder("rc-a"), actual: try folder("rc-b", estimate: "0.2153"))
        #expect(report.verdict == .different)
        #expect(report.lines.contains(
            #"  results/001-line-5.json (line 5: fit ols ../data.csv --formula "y ~ x" --plot figures/fit.svg): coefficients[1].estimate 0.2151 vs 0.2153"#))
        #expect(report.lines.contains("Both manifests record the same alliance, Swift, OS and BLAS (kernel and threads)."))
    }

    @Test func aDifferingReportLineIsDifferentEvenWhenTheNumbersAreClose() throws {
        let a = try folder("rc-a")
        let b = try folder("rc-b", estimate: "0.21510000000000004", reportLine: "b = 0.22 (SE 0.06).")
        let report = ReportComparison.check(expected: a, actual: b)
        #expect(report.verdict == .different)
        #expect(report.lines.contains(#"  report.md: line 3: "b = 0.22 (SE 0.05)." vs "b = 0.22 (SE 0.06).""#))
        // The JSON is still listed as numerically equal beside it.
        #expect(report.files.first { $0.path == "results/001-line-5.json" }?.firstDifference == nil)
    }

    @Test func aFigureIsHumanFacingAndMustMatchByteForByte() throws {
        let report = ReportComparison.check(expected: try folder("rc-a"), actual: try folder("rc-b", svgLabel: "0.2200000000001"))
        #expect(report.verdict == .different)
        #expect(report.files.first?.path == "figures/fit.svg")
        #expect(report.files.first?.firstDifference?.hasPrefix("line 1: ") == true)
    }

    @Test func changedInputsAndMissingFilesAreDifferent() throws {
        let a = try folder("rc-a"), b = try folder("rc-b", inputHash: "bb22")
        try FileManager.default.removeItem(atPath: (b as NSString).appendingPathComponent("figures/fit.svg"))
        let report = ReportComparison.check(expected: a, actual: b)
        #expect(report.verdict == .different)
        #expect(report.missing == ["figures/fit.svg"])
        #expect(report.inputs.count == 1 && report.inputs[0].hasPrefix("input ../data.csv: the data changed"))
    }

    @Test func longLinesAreCutAroundTheFirstDifference() {
        let prefix = String(repeating: "a", count: 200)
        let message = ReportComparison.firstDifferingLine(Data("x\n\(prefix)1 tail\n".utf8), Data("x\n\(prefix)2 tail\n".utf8))
        #expect(message == "line 2: \"…\(String(repeating: "a", count: 94))1 tail\" vs \"…\(String(repeating: "a", count: 94))2 tail\"")
        #expect(ReportComparison.scientific(5.8e-13) == "5.8e-13")
        #expect(ReportComparison.scientific(1e-9) == "1e-9")
    }
}

/// The notebook run in fresh processes under two OpenBLAS kernels (OpenBLAS reads OPENBLAS_CORETYPE when it loads,
/// so each kernel needs its own process): the report is byte-identical and `--check` says "numerically equal".
@Suite(.serialized) struct KernelReproducibilityTests {
    /// Prescott needs SSE3 and Sandybridge AVX: x86-64 with AVX runs both.
    static let kernelsAvailable: Bool = {
        #if arch(x86_64) && os(Linux)
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpu.contains(" avx")
        #else
        return false
        #endif
    }()

    private func alliance(_ arguments: [String], kernel: String) throws -> (status: Int32, output: String) {
        let path = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build) or set ALLIANCE_BINARY")
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = kernel
        let run = try AllianceExecutable.run(path, arguments, environment: environment)
        #expect(run.exited)
        return (run.status, run.stdout + run.stderr)
    }

    @Test(.enabled(if: kernelsAvailable))
    func reportIsIdenticalAndResultsNumericallyEqualAcrossKernels() throws {
        // The notebook reads ../models_data.csv: lay it out beside the shared data set.
        let folder = try temporaryDirectory("kernel-notebook")
        let notebookFolder = (folder as NSString).appendingPathComponent("notebook")
        try FileManager.default.createDirectory(atPath: notebookFolder, withIntermediateDirectories: true)
        let notebook = (notebookFolder as NSString).appendingPathComponent("kernels.md")
        try FileManager.default.copyItem(atPath: try fixtureFiles.path("notebook/kernels.md"), toPath: notebook)
        try FileManager.default.copyItem(atPath: try FixtureFiles.shared.path("models_data.csv"),
                                         toPath: (folder as NSString).appendingPathComponent("models_data.csv"))
        let a = try temporaryDirectory("kernel-prescott"), b = try temporaryDirectory("kernel-sandybridge")
        #expect(try alliance(["run", notebook, "--out", a], kernel: "Prescott").status == 0)
        #expect(try alliance(["run", notebook, "--out", b], kernel: "Sandybridge").status == 0)
        // The manifests record the kernel each process actually used.
        let coreA = (try parseJSON(String(contentsOfFile: (a as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))["blas"] as? [String: Any])?["core"] as? String
        let coreB = (try parseJSON(String(contentsOfFile: (b as NSString).appendingPathComponent("manifest.json"), encoding: .utf8))["blas"] as? [String: Any])?["core"] as? String
        #expect(coreA == "Prescott" && coreB == "Sandybridge")
        // Human-facing files byte for byte.
        for file in ReportComparison.files(in: a) where ["md", "html", "svg"].contains((file as NSString).pathExtension) {
            let x = FileManager.default.contents(atPath: (a as NSString).appendingPathComponent(file))
            let y = FileManager.default.contents(atPath: (b as NSString).appendingPathComponent(file))
            #expect(x != nil && x == y, "\(file) differs between kernels")
        }
        // The OLS results differ in their last digits between these two kernels (as in the demo notebook).
        let check = try alliance(["run", notebook, "--check", a], kernel: "Sandybridge")
        #expect(check.status == RunCommand.numericallyEqualStatus, "\(check.output)")
        #expect(check.output.hasPrefix("numerically equal: the report and figures are byte-identical"))
        #expect(check.output.contains("BLAS kernel: Prescott vs Sandybridge"))
        let same = try alliance(["run", notebook, "--check", a], kernel: "Prescott")
        #expect(same.status == 0 && same.output.hasPrefix("identical: "), "\(same.output)")
    }
}
