import DataTable
import Foundation
import LinearAlgebra
import Testing
@testable import Models

@Test func zzBenchScratch() throws {
    guard ProcessInfo.processInfo.environment["ALLIANCE_BENCH"] != nil else { return }
    let n = 1_000_000
    var state: UInt64 = 42
    func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
    var cols: [Column] = []
    var xs: [[Double]] = []
    for j in 0..<12 { let x = (0..<n).map { _ in next() * 10 + Double(j) }; xs.append(x); cols.append(Column(name: "x\(j)", numeric: x)) }
    let y = (0..<n).map { i in xs[0][i] * 0.3 - xs[1][i] * 0.2 + next() * 5 }
    let yb = (0..<n).map { i in next() < 1 / (1 + exp(-(xs[0][i] - 5) * 0.3)) ? 1.0 : 0.0 }
    cols.append(Column(name: "y", numeric: y)); cols.append(Column(name: "yb", numeric: yb))
    let t = try Table(columns: cols)
    let rhs = (0..<12).map { "x\($0)" }.joined(separator: " + ")
    func time(_ label: String, _ body: () throws -> Void) rethrows { let s = Date(); try body(); print("BENCH", label, Date().timeIntervalSince(s)) }
    var frame: ModelFrame? = nil
    try time("frame") { frame = try ModelFrame(formula: Formula("y ~ " + rhs), table: t) }
    var design: DesignMatrix? = nil
    time("design") { design = DesignMatrix(frame: frame!) }
    let d = design!
    try time("leastsquares") { _ = try LeastSquares(x: d.values, rows: n, columns: d.columns, y: y) }
    try time("qr only") { _ = try QRDecomposition(Matrix(rows: n, columns: d.columns, columnMajor: d.values), pivoting: false) }
    try time("ols total") { _ = try Regression.ols("y ~ " + rhs, data: t) }
    try time("logit total") { _ = try Regression.fit(.logit, formula: "yb ~ " + rhs, data: t) }
}
