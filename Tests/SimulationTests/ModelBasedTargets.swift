import DataTable
import Models
@testable import Simulation

/// The correlational targets measured with alliance's own OLS (Models.Regression): r as
/// sign(slope)·√R² of a one-predictor fit, the ICC's baseline adjustment as OLS residuals, and
/// Baldwin's between/within slopes as a two-predictor fit. Cross-checked against ObservedTargets.
struct ModelBasedTargets {
    var allianceOutcomeR: Double
    var homeworkOutcomeR: Double
    var therapistShare: Double
    var betweenSlope: Double
    var withinSlope: Double
    var allianceDropoutLogitSlope: Double

    init(_ study: SimulatedStudy) throws {
        let t = study.clients
        let n = t.rowCount
        func column(_ name: String) throws -> NumericColumn {
            guard let c = t.column(named: name)?.numeric else { throw TableError.unknownColumn(name, suggestions: []) }
            return c
        }
        let items = try SimulatedColumns.waiItems.map(column)
        let pre = try column("phq_pre"), post = try column("phq_post"), dropout = try column("dropout")
        let therapist = t.column(named: "therapist")?.categorical?.codes ?? []
        let wai: [Double?] = (0..<n).map { r in
            items.contains { $0.missing[r] } ? nil : items.reduce(0) { $0 + $1.values[r] }
        }
        let completer = (0..<n).map { dropout.values[$0] == 0 }
        let improvement: [Double?] = (0..<n).map { r in
            completer[r] && !pre.missing[r] && !post.missing[r] ? pre.values[r] - post.values[r] : nil
        }
        // Therapist means of the WAI total over completers who have both WAI and improvement.
        var sums = [Int32: (Double, Double)]()
        for r in 0..<n { if let w = wai[r], improvement[r] != nil { sums[therapist[r], default: (0, 0)].0 += w; sums[therapist[r], default: (0, 0)].1 += 1 } }
        let between: [Double?] = (0..<n).map { r in
            guard wai[r] != nil, improvement[r] != nil, let s = sums[therapist[r]] else { return nil }
            return s.0 / s.1
        }
        let within: [Double?] = (0..<n).map { r in between[r].flatMap { b in wai[r].map { $0 - b } } }
        let completerPost: [Double?] = (0..<n).map { completer[$0] ? post[$0] : nil }
        let derived = try Table(columns: [
            Column(name: "wai_total", numeric: wai),
            Column(name: "improvement", numeric: improvement),
            Column(name: "homework", numeric: (0..<n).map { (try? column("homework"))?[$0] }),
            Column(name: "phq_pre", numeric: (0..<n).map { pre[$0] }),
            Column(name: "completer_post", numeric: completerPost),
            Column(name: "wai_between", numeric: between),
            Column(name: "wai_within", numeric: within),
            Column(name: "dropout", numeric: (0..<n).map { dropout[$0] }),
        ])
        func signedR(_ formula: String, _ term: String) throws -> Double {
            let fit = try Regression.ols(formula, data: derived)
            let slope = fit.coefficient(term)?.estimate ?? .nan
            return (slope < 0 ? -1 : 1) * (fit.fit.rSquared ?? .nan).squareRoot()
        }
        allianceOutcomeR = try signedR("improvement ~ wai_total", "wai_total")
        homeworkOutcomeR = try signedR("improvement ~ homework", "homework")
        let adjusted = try Regression.ols("completer_post ~ phq_pre", data: derived)
        therapistShare = anovaICC(adjusted.residuals, groups: adjusted.usedRows.map { Int(therapist[$0]) })
        let decomposition = try Regression.ols("improvement ~ wai_between + wai_within", data: derived)
        betweenSlope = decomposition.coefficient("wai_between")?.estimate ?? .nan
        withinSlope = decomposition.coefficient("wai_within")?.estimate ?? .nan
        let logit = try Regression.fit(.logit, formula: "dropout ~ wai_total", data: derived)
        allianceDropoutLogitSlope = logit.coefficient("wai_total")?.estimate ?? .nan
    }
}
