import AllianceTestSupport
import Foundation
import Testing
@testable import Commands
import Models
import Privacy

@Suite struct PlotScatterTests {
    /// Rows of the bundled data with both values present (and the group value, when given).
    static func completeRows(_ x: String, _ y: String, by group: String? = nil) throws -> [Int] {
        let columns = try PlotTestSupport.clinicColumns()
        let xs = try #require(columns[x]), ys = try #require(columns[y])
        let gs = group.flatMap { columns[$0] }
        return xs.indices.filter { !xs[$0].isEmpty && !ys[$0].isEmpty && (gs?[$0].isEmpty == false || gs == nil) }
    }

    @Test func oneMarkPerCompleteRow() throws {
        let directory = try temporaryDirectory("scatter-count")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = try Self.completeRows("phq_pre", "phq_post").count
        let rRows = try #require(PlotTestSupport.fixtureRows("ols_band.csv").first?["n"])
        #expect(expected == Int(rRows))  // R: nrow of the complete cases, Fixtures/plots/ols_band.csv
        for extra in [[], ["--fit", "ols"], ["--by", "site", "--fit", "ols"], ["--by", "gender"]] {
            let run = try runCommand(["plot", "scatter", PlotTestSupport.clinic, "--x", "phq_pre", "--y", "phq_post",
                                      "--out", "s.svg"] + extra, outputDirectory: directory)
            let svg = try PlotTestSupport.read(directory, "s.svg")
            let inventory = try #require(PlotTestSupport.inventory(svg))
            #expect(inventory.dataPoints == expected, "\(extra)")
            #expect(svg.contains("\(expected) rows plotted, \(1000 - expected) dropped for missing values"), "\(extra)")
            #expect(run.stdout.contains("\(expected) rows plotted"))
        }
    }

    @Test func sameCommandSameBytes() throws {
        let directory = try temporaryDirectory("scatter-bytes")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = ["plot", "scatter", PlotTestSupport.clinic, "--x", "phq_pre", "--y", "phq_post", "--fit", "ols", "--by", "site"]
        _ = try runCommand(base + ["--out", "a.svg"], outputDirectory: directory)
        _ = try runCommand(base + ["--out", "b.svg"], outputDirectory: directory)
        let a = try PlotTestSupport.read(directory, "a.svg"), b = try PlotTestSupport.read(directory, "b.svg")
        #expect(!a.isEmpty && a == b)
    }

    /// predict(lm(phq_post ~ phq_pre), interval = "confidence") from Fixtures/plots/make_plots.R; relative tolerance 1e-9.
    @Test func olsBandMatchesR() throws {
        let columns = try PlotTestSupport.clinicColumns()
        let rows = try Self.completeRows("phq_pre", "phq_post")
        let x = try rows.map { try #require(Double(columns["phq_pre"]![$0])) }
        let y = try rows.map { try #require(Double(columns["phq_post"]![$0])) }
        let band95 = try OLSLineBand(x: x, y: y, level: 0.95, gridSize: 101)
        let band90 = try OLSLineBand(x: x, y: y, level: 0.90, gridSize: 101)
        let reference = try PlotTestSupport.fixtureRows("ols_band.csv")
        #expect(reference.count == 4)
        for row in reference {
            let x0 = try #require(row["x"])
            let p = try band95.prediction(at: x0), q = try band90.prediction(at: x0)
            expectClose(p.fit, row["fit"]!, .relativeOrAbsolute(1e-9), "fit at \(x0)")
            expectClose(p.low, row["lwr"]!, .relativeOrAbsolute(1e-9), "lower 95% at \(x0)")
            expectClose(p.high, row["upr"]!, .relativeOrAbsolute(1e-9), "upper 95% at \(x0)")
            expectClose(q.low, row["lwr90"]!, .relativeOrAbsolute(1e-9), "lower 90% at \(x0)")
            expectClose(q.high, row["upr90"]!, .relativeOrAbsolute(1e-9), "upper 90% at \(x0)")
        }
        // The drawn grid spans the data and carries the same values.
        #expect(band95.gridX.first == x.min() && band95.gridX.last == x.max())
        let mid = try band95.prediction(at: band95.gridX[50])
        #expect(band95.gridLow[50] == mid.low && band95.gridHigh[50] == mid.high)
    }

    /// Groups below --min-cell are drawn (every row keeps its mark) but pooled, unnamed and not fitted.
    @Test func smallGroupsArePooledNotNamed() throws {
        let directory = try temporaryDirectory("scatter-cells")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rows = try Self.completeRows("phq_pre", "phq_post", by: "therapist")
        let therapist = try #require(try PlotTestSupport.clinicColumns()["therapist"])
        var sizes: [String: Int] = [:]
        for row in rows { sizes[therapist[row], default: 0] += 1 }
        let minCell = 25
        let small = sizes.filter { $0.value < minCell }.map(\.key)
        let large = sizes.filter { $0.value >= minCell }.map(\.key)
        #expect(!small.isEmpty && !large.isEmpty)  // the threshold splits the therapists
        let run = try runCommand(["plot", "scatter", PlotTestSupport.clinic, "--x", "phq_pre", "--y", "phq_post", "--by", "therapist",
                                  "--fit", "ols", "--min-cell", "\(minCell)", "--out", "t.svg", "--format", "json"],
                                 outputDirectory: directory)
        let svg = try PlotTestSupport.read(directory, "t.svg")
        let inventory = try #require(PlotTestSupport.inventory(svg))
        #expect(inventory.dataPoints == rows.count)
        for name in small {
            #expect(!inventory.texts.contains { $0.contains(name) }, "\(name) is named in the plot")
            #expect(!svg.contains("\(name) ("), "\(name) is named in the description")
        }
        for name in large { #expect(inventory.texts.contains { $0.hasPrefix("\(name) (n = \(sizes[name]!))") }) }
        #expect(inventory.texts.contains { $0.hasPrefix(PooledGroups.pooledLabel) })
        let json = try parseJSON(run.stdout)
        #expect(json["figure"] as? String == "t.svg")  // as given, so results do not depend on the output directory
        let groups = try #require(json["groups"] as? [[String: Any]])
        #expect(groups.count == large.count + 1)
        let pooled = try #require(groups.last)
        #expect(pooled["suppressed"] as? Bool == true)
        #expect(pooled["fit"] is NSNull)
        #expect(groups.dropLast().allSatisfy { $0["fit"] is [String: Any] })
        #expect(run.stderr.contains("\(small.count) therapist group(s) with fewer than \(minCell) rows pooled"))
        #expect(run.stderr.contains("colours repeat") == (large.count > 8))
    }

    @Test func errorsHaveTheRightKind() throws {
        func kind(_ args: [String]) throws -> CLIError.Kind? {
            let directory = try temporaryDirectory("scatter-errors")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            do { return try runCommand(["plot", "scatter"] + args, outputDirectory: directory).error?.kind } catch let e as CLIError { return e.kind }
        }
        let data = PlotTestSupport.clinic
        #expect(try kind([data, "--x", "phq_pree", "--y", "phq_post", "--out", "s.svg"]) == .usage)
        #expect(try kind([data, "--x", "site", "--y", "phq_post", "--out", "s.svg"]) == .data)
        #expect(try kind([data, "--x", "phq_pre", "--y", "phq_post", "--by", "sitee", "--out", "s.svg"]) == .usage)
        #expect(try kind([data, "--x", "phq_pre", "--y", "phq_post", "--out", "s.jpg"]) == .usage)
        #expect(try kind([data, "--x", "phq_pre", "--y", "phq_post", "--fit", "loess", "--out", "s.svg"]) == .usage)
        #expect(try kind([data, "--x", "phq_pre", "--y", "phq_post", "--min-cell", "0", "--out", "s.svg"]) == .usage)
        #expect(try kind(["no-such.csv", "--x", "a", "--y", "b", "--out", "s.svg"]) == .noInput)
    }

    /// A constant x cannot carry a line: the plot is still drawn, with a warning instead of a fit.
    @Test func constantXWarnsInsteadOfFitting() throws {
        let directory = try temporaryDirectory("scatter-constant")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = "x,y\n1,2\n1,3\n1,5\n1,4\n"
        try csv.write(toFile: (directory as NSString).appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let run = try runCommand(["plot", "scatter", "c.csv", "--x", "x", "--y", "y", "--fit", "ols", "--out", "c.svg"],
                                 inputDirectory: directory, outputDirectory: directory)
        #expect(run.error == nil)
        #expect(run.stderr.contains("no OLS line"))
        let inventory = try #require(PlotTestSupport.inventory(try PlotTestSupport.read(directory, "c.svg")))
        #expect(inventory.dataPoints == 4)
        #expect(inventory.shapesInClass["ribbon", default: 0] == 0)
    }
}
