import Distributions
import Testing

/// Boundary behaviour, following R's conventions.
struct EdgeCaseTests {
    @Test func nanInGivesNaNOut() {
        let t = StudentT(degreesOfFreedom: 5)
        let f = FDistribution(numerator: 3, denominator: 7)
        let chiSquared = ChiSquared(degreesOfFreedom: 4)
        let values: [Double] = [
            Normal.cdf(.nan), Normal.ccdf(.nan), Normal.quantile(.nan), Normal.density(.nan),
            t.cdf(.nan), t.ccdf(.nan), t.quantile(.nan), t.density(.nan), t.twoSidedPValue(.nan),
            f.cdf(.nan), f.quantile(.nan), chiSquared.cdf(.nan), chiSquared.quantile(.nan),
            SpecialFunctions.logGamma(.nan), SpecialFunctions.digamma(.nan), SpecialFunctions.trigamma(.nan),
            SpecialFunctions.erf(.nan), SpecialFunctions.erfc(.nan),
            SpecialFunctions.regularizedIncompleteBeta(.nan, a: 1, b: 2),
            SpecialFunctions.regularizedGammaP(2, .nan),
            StudentT(degreesOfFreedom: .nan).cdf(1), ChiSquared(degreesOfFreedom: -1).cdf(1),
            Binomial(trials: 10, probability: .nan).pmf(3), Binomial(trials: 10, probability: 1.5).cdf(3),
            Poisson(mean: -1).pmf(0), Poisson(mean: .nan).cdf(2),
        ]
        for (index, value) in values.enumerated() {
            #expect(value.isNaN, "value #\(index) = \(value)")
        }
    }

    @Test func infiniteArguments() {
        let t = StudentT(degreesOfFreedom: 2.5)
        #expect(Normal.cdf(-.infinity) == 0 && Normal.cdf(.infinity) == 1)
        #expect(Normal.ccdf(.infinity) == 0 && Normal.density(.infinity) == 0)
        #expect(t.cdf(-.infinity) == 0 && t.cdf(.infinity) == 1 && t.twoSidedPValue(.infinity) == 0)
        #expect(ChiSquared(degreesOfFreedom: 3).cdf(.infinity) == 1)
        #expect(FDistribution(numerator: 2, denominator: 9).ccdf(.infinity) == 0)
        #expect(SpecialFunctions.erfc(.infinity) == 0 && SpecialFunctions.erf(-.infinity) == -1)
        #expect(SpecialFunctions.logGamma(.infinity) == .infinity && SpecialFunctions.logGamma(-3) == .infinity)
    }

    /// Huge finite arguments: tails underflow to exactly 0 rather than turning into NaN via x² = ∞.
    @Test func hugeFiniteArguments() {
        #expect(SpecialFunctions.erfc(1e200) == 0 && SpecialFunctions.erf(1e200) == 1)
        #expect(SpecialFunctions.erfc(-1e200) == 2 && SpecialFunctions.erf(-1e200) == -1)
        #expect(Normal.ccdf(1e200) == 0 && Normal.cdf(-1e200) == 0 && Normal.cdf(1e200) == 1)
        #expect(Normal.density(1e200) == 0 && Normal.density(-40) == 0)
        #expect(StudentT(degreesOfFreedom: 3).cdf(-1e300) == 0 && StudentT(degreesOfFreedom: 3).ccdf(-1e300) == 1)
        #expect(ChiSquared(degreesOfFreedom: 4).ccdf(1e300) == 0 && ChiSquared(degreesOfFreedom: 4).cdf(1e300) == 1)
        #expect(FDistribution(numerator: 3, denominator: 8).ccdf(1e300) == 0)
        #expect(Poisson(mean: 3).ccdf(Int.max - 1) == 0 && Binomial(trials: 10, probability: 0.5).cdf(Int.max) == 1)
    }

    @Test func quantilesAtZeroAndOne() {
        let t = StudentT(degreesOfFreedom: 7)
        let f = FDistribution(numerator: 4, denominator: 12)
        let chiSquared = ChiSquared(degreesOfFreedom: 2)
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity)
        #expect(t.quantile(0) == -.infinity && t.quantile(1) == .infinity && t.upperQuantile(0) == .infinity)
        #expect(f.quantile(0) == 0 && f.quantile(1) == .infinity)
        #expect(chiSquared.quantile(0) == 0 && chiSquared.quantile(1) == .infinity)
        #expect(Normal.quantile(-0.1).isNaN && t.quantile(1.1).isNaN)
    }

    /// ν = ∞ is the normal distribution: checked against R's pnorm/qnorm values, 1e-13 relative.
    @Test func infiniteDegreesOfFreedomIsNormal() {
        let t = StudentT(degreesOfFreedom: .infinity)
        let count = checkRows(Fixtures.distributions, tolerance: 1e-13, [
            "pnorm_lower": { t.cdf($0[0]) },
            "pnorm_upper": { t.ccdf($0[0]) },
            "dnorm": { t.density($0[0]) },
            "qnorm_lower": { t.quantile($0[0]) },
            "qnorm_upper": { t.upperQuantile($0[0]) },
        ])
        #expect(count == 126)
    }

    /// Degrees of freedom beyond 10²⁰ take their limits, checked against R's pchisq values (1e-11: the
    /// argument x/k or k/x is rounded once, and tail probabilities amplify that by up to ~100).
    @Test func limitingDegreesOfFreedom() {
        let t = StudentT(degreesOfFreedom: 1e25)
        #expect(t.cdf(-5) == Normal.cdf(-5) && t.quantile(1e-10) == Normal.quantile(1e-10))
        let count = checkRows(Fixtures.distributions, tolerance: 1e-11, [
            "pchisq_lower": { FDistribution(numerator: $0[1], denominator: 1e25).cdf($0[0] / $0[1]) },
            "pchisq_upper": { FDistribution(numerator: 1e25, denominator: $0[1]).cdf($0[1] / $0[0]) },
        ])
        #expect(count == 496)
        let pointMass = FDistribution(numerator: .infinity, denominator: 1e30)
        #expect(pointMass.cdf(0.999) == 0 && pointMass.cdf(1) == 1 && pointMass.quantile(0.3) == 1)
    }

    /// Shapes beyond `SpecialFunctions.largestShape` give NaN, not an unconverged number.
    @Test func shapesBeyondTheSupportedRange() {
        let tooLarge = SpecialFunctions.largestShape * 10
        #expect(SpecialFunctions.regularizedGammaP(tooLarge, tooLarge).isNaN)
        #expect(SpecialFunctions.regularizedIncompleteBeta(0.5, a: tooLarge, b: tooLarge).isNaN)
        #expect(ChiSquared(degreesOfFreedom: 4 * tooLarge).quantile(0.5).isNaN)
        // A huge shape next to a small one is fine (the t distribution with ν = 10¹⁵).
        #expect(!StudentT(degreesOfFreedom: 1e15).cdf(-3).isNaN)
    }

    @Test func degenerateDiscreteCases() {
        #expect(Binomial(trials: 0, probability: 0.3).pmf(0) == 1)
        #expect(Binomial(trials: 5, probability: 0).pmf(0) == 1 && Binomial(trials: 5, probability: 1).pmf(5) == 1)
        #expect(Binomial(trials: 5, probability: 0.4).pmf(6) == 0 && Binomial(trials: 5, probability: 0.4).cdf(5) == 1)
        #expect(Poisson(mean: 0).pmf(0) == 1 && Poisson(mean: 0).cdf(0) == 1 && Poisson(mean: 2).cdf(-1) == 0)
    }
}
