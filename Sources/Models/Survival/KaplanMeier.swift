import Distributions
import Foundation

/// The transformation on which survfit builds pointwise confidence intervals (`conf.type`).
public enum SurvivalConfidenceType: String, Sendable, CaseIterable {
    case log
    case logLog = "log-log"
    case plain
}

/// One Kaplan–Meier curve, as `survfit(Surv(time, event) ~ 1)`: a row per distinct time (events and censorings),
/// Greenwood's variance, pointwise intervals and the median with its interval.
public struct KaplanMeierCurve: Sendable {
    public let group: String
    public let n: Int
    public let events: Int
    /// Distinct times, ascending.
    public let time: [Double]
    public let nRisk: [Int]
    public let nEvent: [Int]
    public let nCensor: [Int]
    public let survival: [Double]
    /// Greenwood standard error of log S (survfit's `std.err`); +∞ once S reaches 0.
    public let logStandardError: [Double]
    public let confLow: [Double?]
    public let confHigh: [Double?]
    public let confidenceType: SurvivalConfidenceType
    public let level: Double
    public let median: Double?
    public let medianLow: Double?
    public let medianHigh: Double?

    /// The standard error of S itself (as `summary.survfit`): S · se(log S); nil where S = 0.
    public func standardError(at index: Int) -> Double? {
        let s = survival[index] * logStandardError[index]
        return s.isFinite ? s : nil
    }

    /// The curve at time t as `summary(fit, times = t, extend = TRUE)`: S, its SE and limits at the last time ≤ t
    /// (1, 0, 1, 1 before the first), and the number at risk just before t (0 after the last time).
    public func point(at t: Double) -> KaplanMeierPoint {
        // index1: number of times ≤ t; index2: first time ≥ t.
        var index1 = 0
        while index1 < time.count && time[index1] <= t { index1 += 1 }
        var index2 = 0
        while index2 < time.count && time[index2] < t { index2 += 1 }
        let atRisk = index2 < time.count ? nRisk[index2] : 0
        guard index1 > 0 else {
            return KaplanMeierPoint(time: t, nRisk: atRisk, survival: 1, standardError: 0, confLow: 1, confHigh: 1)
        }
        let i = index1 - 1
        return KaplanMeierPoint(time: t, nRisk: atRisk, survival: survival[i], standardError: standardError(at: i),
                                confLow: confLow[i], confHigh: confHigh[i])
    }

    /// The group's last follow-up time (its last event or censoring); nil for an empty curve. `point(at:)` after it
    /// carries the last estimate with no one at risk, which R's default (`extend = FALSE`) leaves out: reports say so.
    public var lastFollowUp: Double? { time.last }

    /// Rows at the event times only, as `summary(fit)` prints them.
    public var eventRows: [Int] { nEvent.indices.filter { nEvent[$0] > 0 } }
}

/// The curve at one requested time (`--at`).
public struct KaplanMeierPoint: Sendable, Equatable {
    public let time: Double
    public let nRisk: Int
    public let survival: Double
    public let standardError: Double?
    public let confLow: Double?
    public let confHigh: Double?
}

public enum KaplanMeier {
    /// The product-limit estimate on right-censored data (survfitKM with unit weights, Greenwood variance).
    public static func curve(group: String, time: [Double], event: [Bool], confidenceType: SurvivalConfidenceType = .log,
                             level: Double = 0.95) -> KaplanMeierCurve {
        let order = time.indices.sorted { time[$0] < time[$1] }
        var times: [Double] = [], nRisk: [Int] = [], nEvent: [Int] = [], nCensor: [Int] = []
        var k = 0
        while k < order.count {
            let t = time[order[k]]
            var d = 0, c = 0
            var j = k
            while j < order.count && time[order[j]] == t {
                if event[order[j]] { d += 1 } else { c += 1 }
                j += 1
            }
            times.append(t); nRisk.append(order.count - k); nEvent.append(d); nCensor.append(c)
            k = j
        }
        var survival = [Double](repeating: 1, count: times.count)
        var logSE = [Double](repeating: 0, count: times.count)
        var s = 1.0, greenwood = 0.0
        for i in times.indices {
            let n = Double(nRisk[i]), d = Double(nEvent[i])
            if d > 0 {
                s *= (n - d) / n
                greenwood += d / (n * (n - d))   // +∞ when everyone at risk has the event, as survfitkm.c
            }
            survival[i] = s
            logSE[i] = greenwood.squareRoot()
        }
        let z = Normal.quantile(1 - (1 - level) / 2)
        var low: [Double?] = [], high: [Double?] = []
        for i in times.indices {
            let (l, h) = confidenceLimits(survival[i], logSE: logSE[i], type: confidenceType, z: z)
            low.append(l); high.append(h)
        }
        let firstX = 0.0
        let x = [firstX] + times
        let median = quantile(x: x, y: [0] + survival.map { 1 - $0 }, p: 0.5)
        let medianLow = quantile(x: x, y: [0] + low.map { $0.map { 1 - $0 } }, p: 0.5)
        let medianHigh = quantile(x: x, y: [0] + high.map { $0.map { 1 - $0 } }, p: 0.5)
        return KaplanMeierCurve(group: group, n: time.count, events: event.reduce(0) { $0 + ($1 ? 1 : 0) }, time: times,
                                nRisk: nRisk, nEvent: nEvent, nCensor: nCensor, survival: survival, logStandardError: logSE,
                                confLow: low, confHigh: high, confidenceType: confidenceType, level: level,
                                median: median, medianLow: medianLow, medianHigh: medianHigh)
    }

    /// survfit_confint: limits from S and se(log S); S itself where se = 0; nil where the transform is undefined.
    static func confidenceLimits(_ p: Double, logSE se: Double, type: SurvivalConfidenceType,
                                 z: Double) -> (Double?, Double?) {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        switch type {
        case .plain:
            let half = se * p * z
            guard !half.isNaN else { return (nil, nil) }   // 0 · ∞ once S = 0
            return (finite(max(p - half, 0)), finite(min(p + half, 1)))
        case .log:
            if se == 0 { return (p, p) }
            guard p > 0 else { return (nil, nil) }
            return (finite(exp(log(p) - z * se)), finite(min(exp(log(p) + z * se), 1)))
        case .logLog:
            if se == 0 { return (p, p) }
            guard p > 0 && p < 1 else { return (nil, nil) }
            let half = z * se / log(p)
            return (finite(exp(-exp(log(-log(p)) - half))), finite(exp(-exp(log(-log(p)) + half))))
        }
    }

    /// quantile.survfit's `findq`: where a horizontal line at p meets the step curve y = 1 − S over x, the
    /// midpoint of a flat that sits at p (within √ε, R's tolerance), and nil when the curve never reaches p.
    static func quantile(x: [Double], y: [Double?], p: Double) -> Double? {
        let tol = Double.ulpOfOne.squareRoot()
        let present = y.compactMap { $0 }
        guard let top = present.max(), top >= p, let xmax = x.last else { return nil }
        // Drop repeated y values (censorings), keeping the first, as `duplicated()` (missing values repeat too).
        var xs: [Double] = [], ys: [Double?] = []
        var seen = Set<UInt64>()
        var seenMissing = false
        for (xi, yi) in zip(x, y) {
            if let v = yi {
                guard seen.insert(v.bitPattern).inserted else { continue }
            } else {
                guard !seenMissing else { continue }
                seenMissing = true
            }
            xs.append(xi); ys.append(yi)
        }
        // approx(y ± tol, 1:n, p, "constant", f = 1): the index of the smallest shifted y at or above p.
        func index(_ shift: Double) -> Int? {
            var best: Int? = nil
            for (i, v) in ys.enumerated() {
                guard let v, v + shift >= p else { continue }
                if let b = best, let bv = ys[b], bv <= v { continue }
                best = i
            }
            if let b = best, let bv = ys[b] {
                // approx returns NA below the smallest value (rule = 1).
                let minimum = ys.compactMap { $0 }.min() ?? bv
                if p < minimum + shift { return nil }
            }
            return best
        }
        let i1 = index(tol), i2 = index(-tol)
        if let last = ys.last, let lastY = last, abs(p - lastY) < tol, let i1 {
            return (xs[i1] + xmax) / 2
        }
        guard let i1, let i2 else { return nil }
        return (xs[i1] + xs[i2]) / 2
    }
}
