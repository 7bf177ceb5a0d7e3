import AllianceTestSupport
import Foundation
import Models
import Output
import Testing
@testable import Commands

@Suite struct PlotFitDiagnosticsTests {
    static func fitted(_ kind: ModelKind, _ formula: String) throws -> (RegressionResult, LoadedData) {
        let data = try DataInput(file: PlotTestSupport.clinic).load(in: RunContext(standardError: { _ in }))
        return (try Regression.fit(kind, formula: formula, data: data.table, options: RegressionOptions(diagnostics: true)), data)
    }

    /// rstandard() and hatvalues() of lm(phq_post ~ phq_pre + site) from Fixtures/plots/make_plots.R; absolute
    /// tolerance 1e-9 (standardized residuals are of order 1, hat values of order 1e-3).
    @Test func standardizedResidualsMatchR() throws {
        let (result, _) = try Self.fitted(.ols, "phq_post ~ phq_pre + site")
        let reference = try PlotTestSupport.fixtureRows("ols_rstandard.csv")
        #expect(reference.count == result.residuals.count)
        #expect(reference.map { Int($0["row"]!) } == result.usedRows)
        let hat = try #require(result.hatValues)
        let standardized = try #require(result.standardizedResiduals)
        for (k, row) in reference.enumerated() {
            expectClose(hat[k], row["hat"]!, absolute: 1e-9, "hat, row \(k)")
            expectClose(standardized[k], row["rstandard"]!, absolute: 1e-9, "rstandard, row \(k)")
        }
        // The Q–Q points: sorted standardized residuals against qqnorm's x, both sorted (ties pair either way).
        let points = NormalQuantilePoints(standardized)
        let rSample = reference.map { $0["rstandard"]! }.sorted()
        let rTheoretical = reference.map { $0["theoretical"]! }.sorted()
        #expect(points.undefined == 0)
        expectClose(points.sample, rSample, .absolute(1e-9))
        expectClose(points.theoretical, rTheoretical, .absolute(1e-12))
    }

    /// The rows a cluster column drops must drop from the rebuilt design too, or leverages would misalign.
    @Test func leveragesFollowTheFittedRows() throws {
        let data = try DataInput(file: PlotTestSupport.clinic).load(in: RunContext(standardError: { _ in }))
        let options = RegressionOptions(covariance: .cluster(column: "therapist"), diagnostics: true)
        let result = try Regression.fit(.ols, formula: "phq_post ~ phq_pre", data: data.table, options: options)
        let hat = try #require(result.hatValues)
        #expect(hat.count == result.residuals.count)
        // Σ h = rank (the trace of the hat matrix); tolerance 1e-9.
        expectClose(hat.reduce(0, +), 2, absolute: 1e-9)
    }

    @Test func plottingPositionsAreRsPpoints() {
        // ppoints(5) = (1:5 - 3/8) / (5 + 1/4); ppoints(20) = (1:20 - 1/2) / 20.
        #expect(NormalQuantilePoints.plottingPositions(5) == (1...5).map { (Double($0) - 0.375) / 5.25 })
        #expect(NormalQuantilePoints.plottingPositions(20) == (1...20).map { (Double($0) - 0.5) / 20 })
        #expect(NormalQuantilePoints.plottingPositions(0).isEmpty)
    }

    /// A hand computation: 6 rows in 3 equal-count bins ordered by fitted probability.
    @Test func binnedResidualsByHand() {
        let fitted = [0.9, 0.1, 0.5, 0.2, 0.6, 0.8]
        let residuals = [0.1, -0.1, 0.5, 0.8, -0.6, 0.2]
        let b = BinnedResiduals(fitted: fitted, residuals: residuals, bins: 3)
        #expect(b.counts == [2, 2, 2])
        // Bins: {0.1, 0.2}, {0.5, 0.6}, {0.8, 0.9}.
        let tolerance = 1e-15
        expectClose(b.meanFitted, [0.15, 0.55, 0.85], .absolute(tolerance))
        expectClose(b.meanResidual, [0.35, -0.05, 0.15], .absolute(tolerance))
        let se = [(0.1 * 0.9 + 0.2 * 0.8).squareRoot() / 2, (0.5 * 0.5 + 0.6 * 0.4).squareRoot() / 2,
                  (0.8 * 0.2 + 0.9 * 0.1).squareRoot() / 2]
        expectClose(b.standardError, se, .absolute(tolerance))
        #expect(BinnedResiduals.binCount(1000) == 31)
        #expect(BinnedResiduals.binCount(50) == 10)
        #expect(BinnedResiduals.binCount(7) == 3)
    }

    @Test func fitPlotWritesTheDiagnosticsBesideIt() throws {
        let directory = try temporaryDirectory("fit-diagnostics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent("figures"),
                                                withIntermediateDirectories: true)
        let ols = try runCommand(["fit", "ols", PlotTestSupport.clinic, "--formula", "phq_post ~ phq_pre + site",
                                  "--plot", "figures/ols.svg"], outputDirectory: directory)
        #expect(ols.report?.figures.map { ($0 as NSString).lastPathComponent } == ["ols.svg", "ols-residuals.svg", "ols-qq.svg"])
        let used = try PlotTestSupport.fixtureRows("ols_rstandard.csv").count  // R's rows for phq_post ~ phq_pre + site
        for file in ["figures/ols-residuals.svg", "figures/ols-qq.svg"] {
            let inventory = try #require(PlotTestSupport.inventory(try PlotTestSupport.read(directory, file)))
            #expect(inventory.dataPoints == used, "\(file)")
        }
        let logit = try runCommand(["fit", "logit", PlotTestSupport.clinic, "--formula", "dropout ~ phq_pre + age",
                                    "--plot", "logit.svg"], outputDirectory: directory)
        #expect(logit.report?.figures.count == 2)
        let binned = try #require(PlotTestSupport.inventory(try PlotTestSupport.read(directory, "logit-binned.svg")))
        let logitRows = try #require(logit.report?.json.usedRows)
        #expect(binned.dataPoints == Int(Double(logitRows).squareRoot()))  // ⌊√n⌋ bins
        let counts = try runCommand(["fit", "negbin", PlotTestSupport.clinic, "--formula", "sessions_attended ~ phq_pre",
                                     "--plot", "nb.svg"], outputDirectory: directory)
        #expect(counts.report?.figures.count == 2)
        let observed = try #require(PlotTestSupport.inventory(try PlotTestSupport.read(directory, "nb-observed.svg")))
        #expect(observed.dataPoints == counts.report?.json.usedRows)
    }
}

extension JSONValue {
    /// `data.used` of a command's JSON: the rows a model used.
    var usedRows: Int? {
        guard case .object(let fields) = self, case .object(let data)? = fields.first(where: { $0.0 == "data" })?.1,
              case .integer(let used)? = data.first(where: { $0.0 == "used" })?.1 else { return nil }
        return used
    }
}
