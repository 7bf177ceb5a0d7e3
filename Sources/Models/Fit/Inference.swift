import Distributions
import Foundation
import LinearAlgebra

/// Coefficient tables from estimates and a covariance matrix: t tests on `dfResidual` degrees of
/// freedom (OLS, and robust OLS as lmtest::coeftest), or z tests when `dfResidual` is nil (GLMs); or t tests
/// on per-coefficient degrees of freedom `df` (one per kept column), as clubSandwich's coef_test and conf_int.
enum Inference {
    static func coefficientTable(names: [String], kept: [Int], estimates: [Double], vcov: Matrix,
                                 level: Double, dfResidual: Int?, df: [Double]? = nil) -> [Coefficient] {
        if let df {
            var table = names.map { Coefficient.aliased($0) }
            for (k, j) in kept.enumerated() {
                let b = estimates[k]
                let se = vcov[k, k].squareRoot()
                let t = StudentT(degreesOfFreedom: df[k])
                let critical = t.quantile((1 + level) / 2)
                table[j] = Coefficient(term: names[j], estimate: b, stdError: se, statistic: b / se,
                                       pValue: t.twoSidedPValue(b / se), confLow: b - critical * se,
                                       confHigh: b + critical * se, aliased: false, df: df[k])
            }
            return table
        }
        let critical: Double
        if let df = dfResidual {
            critical = StudentT(degreesOfFreedom: Double(df)).quantile((1 + level) / 2)
        } else {
            critical = Normal.quantile((1 + level) / 2)
        }
        var table = names.map { Coefficient.aliased($0) }
        for (k, j) in kept.enumerated() {
            let b = estimates[k]
            let se = vcov[k, k].squareRoot()
            let stat = b / se
            let p: Double
            if let df = dfResidual {
                p = StudentT(degreesOfFreedom: Double(df)).twoSidedPValue(stat)
            } else {
                p = 2 * Normal.ccdf(abs(stat))
            }
            table[j] = Coefficient(term: names[j], estimate: b, stdError: se, statistic: stat, pValue: p,
                                   confLow: b - critical * se, confHigh: b + critical * se, aliased: false)
        }
        return table
    }

    /// Rescales estimates, errors and limits by `factor[j]` (nil: not reported); statistics and p unchanged.
    static func rescaled(_ table: [Coefficient], factors: [Double?]) -> [Coefficient] {
        zip(table, factors).map { c, f in
            guard let f, !c.aliased else { return Coefficient.aliased(c.term) }
            return Coefficient(term: c.term, estimate: c.estimate.map { $0 * f }, stdError: c.stdError.map { $0 * f },
                               statistic: c.statistic, pValue: c.pValue,
                               confLow: c.confLow.map { $0 * f }, confHigh: c.confHigh.map { $0 * f }, aliased: false,
                               df: c.df)
        }
    }

    static func sampleSD(_ x: ArraySlice<Double>) -> Double {
        let n = Double(x.count)
        guard n > 1 else { return .nan }
        let mean = x.reduce(0, +) / n
        var ss = 0.0, c = 0.0
        for v in x { ss += (v - mean) * (v - mean); c += v - mean }
        return ((ss - c * c / n) / (n - 1)).squareRoot()
    }

    /// Standardization factors per design column: sd(x_j)·yFactor for numeric columns, yFactor for
    /// categorical-derived ones, nil for the intercept.
    static func standardizationFactors(design: DesignMatrix, yFactor: Double) -> [Double?] {
        (0..<design.columns).map { j in
            if design.columnNames[j] == "(Intercept)" { return nil }
            if design.columnIsCategorical[j] {
                // Indicator units for the categorical part, but per SD of each numeric variable beside it: wai:site[b]
                // is the slope of wai in site b against the reference, so it is per SD of wai as the main effect of wai
                // is (it was per unit of wai: β .011 beside the main effect's −.24; session 21).
                var scale = 1.0
                for part in design.columnParts[j] {
                    switch part {
                    case .numeric(let x), .transform(_, let x): scale *= sampleSD(x[...])
                    case .indicator: break
                    }
                }
                return scale * yFactor
            }
            return sampleSD(design.column(j)[...]) * yFactor
        }
    }
}
