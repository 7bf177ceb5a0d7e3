import Foundation

/// Tick positions at "nice" numbers (Heckbert 1990, with Wilkinson's 2.5 step): steps of
/// 1, 2, 2.5 or 5 × 10^k, all inside the given domain so that no tick label falls off the axis.
public enum NiceTicks {
    /// Ticks inside `[low, high]` with a nice step, as close to `target` ticks as the nice steps allow
    /// (at least two whenever the domain has positive width). Values are computed as integer × mantissa / 10^k
    /// so that `0.3` is the double nearest 0.3, not `3 × 0.1`.
    public static func linear(_ low: Double, _ high: Double, target: Int) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else {
            return low.isFinite && low == high ? [low] : []
        }
        let target = max(2, target)
        let span = high - low
        guard span.isFinite else { return [] }
        // A span so small that span / target underflows to 0 has no nice steps: fall back to the bounds
        // (log10(0) = -inf would trap when converted to Int).
        let rawExponent = Foundation.log10(span / Double(target)).rounded(.down)
        guard rawExponent.isFinite, abs(rawExponent) < 400 else { return [low, high] }
        let baseExponent = Int(rawExponent)
        var best: (ticks: [Double], score: Double)?
        for exponent in (baseExponent - 1)...(baseExponent + 2) {
            for mantissa in [1.0, 2.0, 2.5, 5.0] {
                let ticks = ticksForStep(mantissa: mantissa, exponent: exponent, low: low, high: high)
                guard ticks.count >= 2 else { continue }
                // Prefer the count nearest the target, too few worse than too many; 2.5 costs a little
                // (it needs one more decimal) and a bare two-tick axis costs more.
                let miss = Double(ticks.count - target)
                var score = miss < 0 ? -1.5 * miss : miss
                if mantissa == 2.5 { score += 0.5 }
                if ticks.count == 2 { score += 1 }
                if score < best?.score ?? .infinity {
                    best = (ticks, score)
                }
            }
        }
        return best?.ticks ?? [low, high]
    }

    private static func ticksForStep(mantissa: Double, exponent: Int, low: Double, high: Double) -> [Double] {
        // A step of mantissa × 10^exponent, written as (mantissa × 2) / (2 × 10^-exponent) when exponent < 0
        // so that the division rounds once.
        let scale = pow(10.0, Double(abs(exponent)))
        func value(_ index: Double) -> Double {
            exponent >= 0 ? index * mantissa * scale : (index * mantissa * 2) / (2 * scale)
        }
        let step = value(1)
        guard step > 0, step.isFinite else { return [] }
        // A relative slack so that a bound equal to a tick (0.35 / 0.05 = 6.999…) still counts.
        let first = (low / step - 1e-9).rounded(.up)
        let last = (high / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        var ticks: [Double] = []
        var index = first
        while index <= last {
            let tick = value(index)
            if tick >= low - step * 1e-9 && tick <= high + step * 1e-9 { ticks.append(tick == 0 ? 0 : tick) }
            index += 1
        }
        return ticks
    }

    /// Ticks for a base-10 logarithmic axis over positive `[low, high]`: powers of ten when the domain
    /// spans enough decades (every second or fifth power when there are too many), else 1-2-5 × 10^k,
    /// else nice linear ticks.
    public static func log10(_ low: Double, _ high: Double, target: Int) -> [Double] {
        guard low > 0, high > low, low.isFinite, high.isFinite else { return [] }
        let target = max(2, target)
        let lowLog = Foundation.log10(low).rounded(.down), highLog = Foundation.log10(high).rounded(.up)
        guard lowLog.isFinite, highLog.isFinite else { return [] }
        let lowExponent = Int(lowLog)
        let highExponent = Int(highLog)
        func ticks(_ mantissas: [Double], every stride: Int = 1) -> [Double] {
            var result: [Double] = []
            for exponent in lowExponent...highExponent where exponent % stride == 0 {
                for mantissa in mantissas {
                    let tick = decimalValue(mantissa, exponent)
                    if tick >= low * (1 - 1e-12) && tick <= high * (1 + 1e-12) { result.append(tick) }
                }
            }
            return result
        }
        let powers = ticks([1])
        if powers.count >= 3 {
            for stride in [1, 2, 5, 10, 20, 50, 100] {
                let thinned = ticks([1], every: stride)
                if thinned.count <= target + 1 && thinned.count >= 2 { return thinned }
            }
            return powers
        }
        let oneTwoFive = ticks([1, 2, 5])
        if oneTwoFive.count >= 2 && oneTwoFive.count <= target + 2 { return oneTwoFive }
        if oneTwoFive.count > target + 2 && powers.count >= 2 { return powers }
        return linear(low, high, target: target)
    }

    /// `mantissa × 10^exponent` rounded once.
    static func decimalValue(_ mantissa: Double, _ exponent: Int) -> Double {
        exponent >= 0 ? mantissa * pow(10, Double(exponent)) : mantissa / pow(10, Double(-exponent))
    }

    /// Labels for ticks. `uniform` (linear axes): one number of decimals for all, the fewest that show
    /// every tick exactly (`0.00 0.25 0.50`). Otherwise (log axes) each tick gets its own fewest
    /// decimals (`0.5 1 2`). ASCII minus; no negative zero.
    public static func labels(_ ticks: [Double], uniform: Bool = true) -> [String] {
        if uniform {
            var places = ticks.map { decimalsNeeded($0) }.max() ?? 0
            // Each tick alone can be close enough at fewer decimals (1700000000.5 shown as 1700000001 is within 1e-9
            // relative) while its neighbours then print the same: the step's own decimals keep them apart.
            if let step = zip(ticks.dropFirst(), ticks).map({ abs($0 - $1) }).filter({ $0 > 0 }).min() {
                // The step is a difference of large numbers (1000000.002 − 1000000.001 = 0.00099999993): within 1e-6.
                places = max(places, decimalsNeeded(step, tolerance: 1e-6))
            }
            return ticks.map { NumberFormat.fixed($0, places: places) }
        }
        return ticks.map { NumberFormat.fixed($0, places: decimalsNeeded($0)) }
    }

    /// The fewest decimals (up to 12) that show `value` to within `tolerance` relative.
    static func decimalsNeeded(_ value: Double, tolerance: Double = 1e-9) -> Int {
        for places in 0...12 {
            if let parsed = Double(NumberFormat.fixed(value, places: places)),
               abs(parsed - value) <= abs(value) * tolerance {
                return places
            }
        }
        return 12
    }
}
