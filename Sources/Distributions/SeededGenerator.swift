/// The project's only source of randomness: xoshiro256** 1.0 (Blackman & Vigna 2018) seeded through
/// SplitMix64 from one UInt64, exactly as the published reference code. Identical output on every platform:
/// the samplers use only integer arithmetic, IEEE +, −, ×, ÷, √ (correctly rounded everywhere) and
/// `DeterministicMath.log/exp`, which are built from those operations rather than taken from libm.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Advances the generator by 2¹²⁸ draws (the reference code's `jump()`): 2¹²⁸ non-overlapping
    /// subsequences of 2¹²⁸ draws each, for parallel work. Costs 256 draws' worth of work.
    public mutating func jump() {
        apply(jumpPolynomial: (0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C, 0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C))
    }

    /// Advances the generator by 2¹⁹² draws (the reference code's `long_jump()`): 2⁶⁴ starting points, from
    /// each of which `jump()` gives 2⁶⁴ streams — e.g. one long jump per analysis, jumps within it.
    public mutating func longJump() {
        apply(jumpPolynomial: (0x76E1_5D3E_FEFD_CBBF, 0xC500_4E44_1C52_2FB3, 0x7771_0069_854E_E241, 0x3910_9BB0_2ACB_E635))
    }

    /// The reference code's jump: the state after the jump is the XOR of the states visited at the set
    /// bits of the jump polynomial (the characteristic polynomial's power, reduced), bits in order.
    private mutating func apply(jumpPolynomial words: (UInt64, UInt64, UInt64, UInt64)) {
        var jumped: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for word in [words.0, words.1, words.2, words.3] {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    jumped.0 ^= state.0
                    jumped.1 ^= state.1
                    jumped.2 ^= state.2
                    jumped.3 ^= state.3
                }
                _ = next()
            }
        }
        state = jumped
    }

    /// Uniform on (0, 1): k·2⁻⁵³ for a 53-bit k, redrawn in the (2⁻⁵³-probability) case k = 0.
    public mutating func nextUniform() -> Double {
        while true {
            let k = next() >> 11
            if k != 0 { return Double(k) * 0x1p-53 }
        }
    }

    /// Standard normal by Marsaglia's polar method with the deterministic logarithm. The second variate of
    /// each accepted pair is discarded, so a draw never depends on which calls came before it beyond the
    /// generator state.
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s < 1, s > 0 {
                return u * (-2 * DeterministicMath.log(s) / s).squareRoot()
            }
        }
    }

    /// Gamma(shape, scale 1) by Marsaglia & Tsang (2000); for shape < 1, Gamma(shape+1)·U^{1/shape}.
    /// A shape that is not positive and finite gives NaN.
    public mutating func nextGamma(shape: Double) -> Double {
        if !(shape > 0) || shape.isInfinite { return .nan }
        if shape < 1 {
            let boosted = nextGamma(shape: shape + 1)
            return boosted * DeterministicMath.exp(DeterministicMath.log(nextUniform()) / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = nextNormal()
            let base = 1 + c * x
            if base <= 0 { continue }
            let v = base * base * base
            let u = nextUniform()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if DeterministicMath.log(u) < 0.5 * x2 + d * (1 - v + DeterministicMath.log(v)) { return d * v }
        }
    }

    /// Poisson(mean): multiplication method below 10, Hörmann's PTRS transformed rejection (1993) from 10
    /// to 2⁵²; above that (where counts are no longer exact doubles) the normal approximation, rounded.
    /// A mean that is negative, NaN or infinite gives 0 (validate parameters before sampling).
    public mutating func nextPoisson(mean: Double) -> Int {
        if !(mean > 0) || mean.isInfinite { return 0 }
        if mean > 0x1p52 {
            let draw = (mean + mean.squareRoot() * nextNormal()).rounded()
            return draw >= 0x1p63 ? Int.max : Int(draw)
        }
        if mean < 10 {
            let limit = DeterministicMath.exp(-mean)
            var count = 0
            var product = nextUniform()
            while product > limit {
                count += 1
                product *= nextUniform()
            }
            return count
        }
        let rootMean = mean.squareRoot()
        let logMean = DeterministicMath.log(mean)
        let b = 0.931 + 2.53 * rootMean
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let acceptanceBound = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = nextUniform() - 0.5
            let v = nextUniform()
            let us = 0.5 - abs(u)
            let candidate = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07, v <= acceptanceBound { return Int(candidate) }
            if candidate < 0 || (us < 0.013 && v > us) { continue }
            let k = Int(candidate)
            let logLeft = DeterministicMath.log(v) + DeterministicMath.log(inverseAlpha)
                - DeterministicMath.log(a / (us * us) + b)
            if logLeft <= -mean + candidate * logMean - DeterministicMath.logFactorial(k) { return k }
        }
    }

    /// true with probability p (p ≤ 0 never, p ≥ 1 always).
    public mutating func nextBernoulli(_ p: Double) -> Bool {
        nextUniform() < p
    }

    /// Uniform on 0..<bound without modulo bias (Lemire 2019, multiply and reject). bound ≤ 0 gives 0.
    public mutating func nextInt(below bound: Int) -> Int {
        if bound <= 0 { return 0 }
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }
}
