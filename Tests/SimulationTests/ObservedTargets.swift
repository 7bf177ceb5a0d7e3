import DataTable
@testable import Simulation

// Direct computation of the observed target quantities from a simulated client table.
// (The project's OLS and correlation code has not landed on main yet; when it does, the recovery
// test should use it. These are textbook formulas: Pearson r, one-way ANOVA ICC(1), pooled-SD d.)

struct ObservedTargets {
    var allianceOutcomeR: Double
    var homeworkOutcomeR: Double
    var therapistShare: Double
    var dropoutRate: Double
    var allianceDropoutD: Double
    /// OLS slopes of improvement on the therapist-mean WAI total and the client's deviation
    /// from it (completers), Baldwin et al.'s decomposition.
    var betweenSlope: Double
    var withinSlope: Double
    var completersWithAlliance: Int
    var completers: Int
    var allianceSample: Int

    init(_ study: SimulatedStudy) {
        let t = study.clients
        func numbers(_ name: String) -> [Double?] {
            guard let c = t.column(named: name)?.numeric else { return [] }
            return (0..<c.count).map { c[$0] }
        }
        let therapist = t.column(named: "therapist")?.categorical?.codes.map(Int.init) ?? []
        let waiItems = SimulatedColumns.waiItems.map(numbers)
        let wai: [Double?] = (0..<t.rowCount).map { row in
            var total = 0.0
            for item in waiItems { guard let v = item[row] else { return nil }; total += v }
            return total
        }
        let pre = numbers("phq_pre"), post = numbers("phq_post")
        let dropout = numbers("dropout").map { $0 == 1 }
        let homework = numbers("homework")
        let improvement: [Double?] = zip(pre, post).map { a, b in
            guard let a, let b else { return nil }
            return a - b
        }
        let completer = dropout.map { !$0 }
        let rows = Array(0..<t.rowCount)
        completers = completer.filter { $0 }.count

        func pairs(_ x: [Double?], _ y: [Double?], where keep: (Int) -> Bool) -> ([Double], [Double]) {
            var xs = [Double](), ys = [Double]()
            for r in rows where keep(r) {
                if let a = x[r], let b = y[r] { xs.append(a); ys.append(b) }
            }
            return (xs, ys)
        }
        let (wa, im) = pairs(wai, improvement) { completer[$0] }
        completersWithAlliance = wa.count
        allianceOutcomeR = pearson(wa, im)
        let (hw, im2) = pairs(homework, improvement) { completer[$0] }
        homeworkOutcomeR = pearson(hw, im2)
        dropoutRate = Double(dropout.filter { $0 }.count) / Double(t.rowCount)

        // d: WAI total, completers minus dropouts, pooled SD with n − 1 weights.
        let stay = rows.compactMap { completer[$0] ? wai[$0] : nil }
        let leave = rows.compactMap { !completer[$0] ? wai[$0] : nil }
        allianceSample = stay.count + leave.count
        let pooled = (((Double(stay.count) - 1) * variance(stay) + (Double(leave.count) - 1) * variance(leave))
            / Double(stay.count + leave.count - 2)).squareRoot()
        allianceDropoutD = (mean(stay) - mean(leave)) / pooled

        // ICC(1) by therapist of the completers' post score adjusted for the pre score.
        var pp = [Double](), qq = [Double](), groups = [Int]()
        for r in rows where completer[r] {
            if let a = pre[r], let b = post[r] { pp.append(a); qq.append(b); groups.append(therapist[r]) }
        }
        let (intercept, slope) = simpleRegression(x: pp, y: qq)
        let residuals = zip(pp, qq).map { $1 - intercept - slope * $0 }
        therapistShare = anovaICC(residuals, groups: groups)

        // Between/within decomposition among completers with an alliance score.
        var sums = [Int: (Double, Int)]()
        var keep = [Int]()
        for r in rows where completer[r] && wai[r] != nil && improvement[r] != nil {
            keep.append(r)
            let s = sums[therapist[r], default: (0, 0)]
            sums[therapist[r]] = (s.0 + wai[r]!, s.1 + 1)
        }
        let between = keep.map { sums[therapist[$0]]!.0 / Double(sums[therapist[$0]]!.1) }
        let within = zip(keep, between).map { wai[$0.0]! - $0.1 }
        let y = keep.map { improvement[$0]! }
        (betweenSlope, withinSlope) = twoPredictorSlopes(x1: between, x2: within, y: y)
    }
}

func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

func variance(_ x: [Double]) -> Double {
    let m = mean(x)
    return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
}

func pearson(_ x: [Double], _ y: [Double]) -> Double {
    let mx = mean(x), my = mean(y)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my)
    }
    return sxy / (sxx * syy).squareRoot()
}

func simpleRegression(x: [Double], y: [Double]) -> (intercept: Double, slope: Double) {
    let mx = mean(x), my = mean(y)
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    let slope = sxy / sxx
    return (my - slope * mx, slope)
}

/// OLS slopes of y on two predictors (with intercept), from centred cross-products.
func twoPredictorSlopes(x1: [Double], x2: [Double], y: [Double]) -> (Double, Double) {
    let m1 = mean(x1), m2 = mean(x2), my = mean(y)
    var s11 = 0.0, s22 = 0.0, s12 = 0.0, s1y = 0.0, s2y = 0.0
    for i in y.indices {
        let a = x1[i] - m1, b = x2[i] - m2, c = y[i] - my
        s11 += a * a; s22 += b * b; s12 += a * b; s1y += a * c; s2y += b * c
    }
    let det = s11 * s22 - s12 * s12
    return ((s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det)
}

/// One-way random-effects ICC(1) from ANOVA mean squares, with the unbalanced-design n₀.
func anovaICC(_ y: [Double], groups: [Int]) -> Double {
    var sum = [Int: Double](), count = [Int: Int]()
    for (v, g) in zip(y, groups) { sum[g, default: 0] += v; count[g, default: 0] += 1 }
    let n = Double(y.count), k = Double(sum.count), grand = mean(y)
    var ssb = 0.0, ssw = 0.0
    for (v, g) in zip(y, groups) {
        let m = sum[g]! / Double(count[g]!)
        ssw += (v - m) * (v - m)
    }
    for (g, s) in sum {
        let m = s / Double(count[g]!)
        ssb += Double(count[g]!) * (m - grand) * (m - grand)
    }
    let msb = ssb / (k - 1), msw = ssw / (n - k)
    let n0 = (n - count.values.reduce(0.0) { $0 + Double($1 * $1) } / n) / (k - 1)
    return (msb - msw) / (msb + (n0 - 1) * msw)
}
