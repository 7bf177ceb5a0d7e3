import AllianceTestSupport
import Foundation
import Testing
@testable import Commands
import DataTable

@Suite struct PlotHistogramTests {
    @Test func countsSumToTheValuesBinned() throws {
        let directory = try temporaryDirectory("histogram-sum")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let columns = try PlotTestSupport.clinicColumns()
        for (column, extra) in [("phq_pre", [String]()), ("phq_post", ["--bins", "7"]), ("homework", ["--binwidth", "0.05"]),
                                ("age", ["--by", "gender"]), ("phq_post", ["--by", "therapist", "--min-cell", "25"])] {
            let present = try #require(columns[column]).filter { !$0.isEmpty }.count
            let run = try runCommand(["plot", "histogram", PlotTestSupport.clinic, "--x", column, "--out", "h.svg", "--format", "json"] + extra,
                                     outputDirectory: directory)
            let json = try parseJSON(run.stdout)
            let data = try #require(json["data"] as? [String: Any])
            #expect(data["used"] as? Int == present)
            let edges = try #require(json["edges"] as? [Double])
            let groups = json["groups"] as? [[String: Any]] ?? []
            let pooled = groups.filter { $0["suppressed"] as? Bool == true }.count
            if pooled == 0 {
                let counts = try #require(json["counts"] as? [Int])
                #expect(counts.reduce(0, +) == present, "\(column) \(extra)")
                #expect(edges.count == counts.count + 1)
            } else {
                // The bins' totals would give the pooled group's counts by subtraction (session 20).
                #expect(json["counts"] is NSNull, "\(column) \(extra)")
            }
            if !groups.isEmpty {
                let shown = groups.compactMap { $0["counts"] as? [Int] }.flatMap { $0 }.reduce(0, +)
                #expect(pooled == 1 ? shown < present : shown == present)
            }
            _ = try #require(PlotTestSupport.inventory(try PlotTestSupport.read(directory, "h.svg")))
        }
    }

    /// Whole-number data: R's Freedman–Diaconis width for phq_pre is 1.6 (Fixtures/plots/phq_pre_fd_width.txt),
    /// rounded up to 2 with edges at half-integers.
    @Test func wholeNumberWidthRoundsUp() throws {
        let text = try fixtureFiles.text("plots/phq_pre_fd_width.txt")
        let rWidth = try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        let values = try #require(try PlotTestSupport.clinicColumns()["phq_pre"]).compactMap(Double.init)
        let bins = try HistogramBins(values)
        #expect(bins.rule == .freedmanDiaconis)
        #expect(bins.width == rWidth.rounded(.up))
        #expect(bins.edges.first == values.min()! - 0.5)
        #expect(bins.edges.allSatisfy { $0 != $0.rounded() })
        #expect(bins.counts(values).reduce(0, +) == values.count)
    }

    /// Non-integer data: width, edges and counts in [a, b) bins against R's hist(right = FALSE) on the same edges
    /// (Fixtures/plots/homework_fd_bins.csv); width to 1e-12 relative, counts exact.
    @Test func freedmanDiaconisMatchesR() throws {
        let reference = try PlotTestSupport.fixtureRows("homework_fd_bins.csv")
        let values = try #require(try PlotTestSupport.clinicColumns()["homework"]).compactMap(Double.init)
        let bins = try HistogramBins(values)
        let width = try #require(reference.first?["width"])
        expectClose(bins.width, width, relative: 1e-12)
        #expect(bins.count == reference.count)
        let counts = bins.counts(values)
        for (k, row) in reference.enumerated() where k < bins.count {
            expectClose(bins.edges[k], row["from"]!, absolute: 1e-12)
            #expect(counts[k] == Int(row["count"]!), "bin \(k)")
        }
    }

    /// Values a plot cannot show are refused with a data error, never a trap.
    @Test func hostileValuesAreRefused() throws {
        let directory = try temporaryDirectory("histogram-hostile")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, csv) in [("huge", "x,y\n1e308,1\n-1e308,2\n"), ("subnormal", "x,y\n0,1\n5e-324,2\n1e-323,3\n")] {
            try csv.write(toFile: (directory as NSString).appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
            for kind in ["histogram", "scatter"] {
                let args = ["plot", kind, "\(name).csv", "--x", "x"] + (kind == "scatter" ? ["--y", "y"] : []) + ["--out", "p.svg"]
                let run = try runCommand(args, inputDirectory: directory, outputDirectory: directory)
                if name == "huge" && kind == "scatter" {
                    #expect(run.error == nil)  // a scatter can show a wide range; only the bins overflow
                } else {
                    #expect(run.error?.kind == .data, "\(kind) \(name)")
                }
            }
        }
    }

    @Test func errorsHaveTheRightKind() throws {
        func kind(_ args: [String]) throws -> CLIError.Kind? {
            let directory = try temporaryDirectory("histogram-errors")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            do { return try runCommand(["plot", "histogram"] + args, outputDirectory: directory).error?.kind } catch let e as CLIError { return e.kind }
        }
        let data = PlotTestSupport.clinic
        #expect(try kind([data, "--x", "nope", "--out", "h.svg"]) == .usage)
        #expect(try kind([data, "--x", "gender", "--out", "h.svg"]) == .data)
        #expect(try kind([data, "--x", "age", "--bins", "5", "--binwidth", "2", "--out", "h.svg"]) == .usage)
        #expect(try kind([data, "--x", "age", "--bins", "0", "--out", "h.svg"]) == .usage)
        #expect(try kind([data, "--x", "age", "--binwidth=-1", "--out", "h.svg"]) == .usage)
        #expect(try kind([data, "--x", "age", "--binwidth", "0.00001", "--out", "h.svg"]) == .usage)
        #expect(try kind([data, "--x", "age", "--out", "h.eps"]) == .usage)   // .svg, .pdf and .png only
    }
}
