/// log and exp built only from +, −, ×, ÷ and exact scaling by powers of two. IEEE 754 rounds those
/// correctly on every platform, so the random samplers that use these (rather than the platform's libm,
/// which differs between glibc and Apple) produce identical bits everywhere. Accuracy is about 1 ulp.
enum DeterministicMath {
    /// ln 2 split so that k·ln2High is exact for |k| < 2¹¹ (the fdlibm constants).
    static let ln2High = 6.931_471_803_691_238_164_90e-01
    static let ln2Low = 1.908_214_929_270_587_700_02e-10

    /// Natural logarithm for x > 0 (0 → −∞, negative or NaN → NaN, +∞ → +∞).
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return .infinity }
        // x = m·2^e with m in [√½, √2): exact decomposition.
        var m = x.significand
        var e = Double(x.exponent)
        if m > 1.414_213_562_373_095_1 {
            m *= 0.5
            e += 1
        }
        // log m = 2 atanh(s), s = (m−1)/(m+1), |s| ≤ 0.172: 12 terms of the odd series reach 1e-19.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var series = 0.0
        var k = 25.0
        while k >= 3 {
            series = series * s2 + 1 / k
            k -= 2
        }
        let logM = 2 * s + 2 * s * s2 * series
        return e * ln2High + (logM + e * ln2Low)
    }

    /// e^x (overflow → +∞, underflow → 0, NaN → NaN).
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.782_712_893_384 { return .infinity }
        if x < -745.2 { return 0 }
        // x = k·ln2 + r with |r| ≤ ln2/2; e^r by its Taylor series (18 terms reach 1e-23).
        let k = (x / 0.693_147_180_559_945_309_4).rounded()
        let r = (x - k * ln2High) - k * ln2Low
        var sum = 1.0
        var n = 18.0
        while n >= 1 {
            sum = 1 + sum * r / n
            n -= 1
        }
        return scaleByPowerOfTwo(sum, Int(k))
    }

    /// value·2^k in two steps when k is near the exponent limits: exact unless the result is subnormal,
    /// which is then rounded once.
    private static func scaleByPowerOfTwo(_ value: Double, _ k: Int) -> Double {
        let first = max(-1000, min(1000, k))
        let scaled = Double(sign: .plus, exponent: first, significand: value)
        if first == k { return scaled }
        return scaled * Double(sign: .plus, exponent: k - first, significand: 1)
    }

    /// log(k!) for k ≥ 0: a sum of logs below 16, Stirling's series (error < 1e-14) from 16 on.
    static func logFactorial(_ k: Int) -> Double {
        if k < 16 {
            var sum = 0.0
            var i = 2
            while i <= k {
                sum += log(Double(i))
                i += 1
            }
            return sum
        }
        let n = Double(k) + 1
        let inverse = 1 / n
        let inverseSquare = inverse * inverse
        let correction = inverse * (1.0 / 12 - inverseSquare * (1.0 / 360 - inverseSquare * (1.0 / 1260 - inverseSquare / 1680)))
        return (n - 0.5) * log(n) - n + 0.918_938_533_204_672_741_78 + correction
    }
}
