import Distributions
import Testing

/// Every function against R 4.2.2 (Fixtures/make_distributions.R), relative error ≤ 1e-12 unless stated.
struct ReferenceValueTests {
    let rows = Fixtures.distributions

    @Test func normal() {
        let count = checkRows(rows, tolerance: 1e-13, [
            "pnorm_lower": { Normal.cdf($0[0]) },
            "pnorm_upper": { Normal.ccdf($0[0]) },
            "dnorm": { Normal.density($0[0]) },
            "qnorm_lower": { Normal.quantile($0[0]) },
            "qnorm_upper": { Normal.upperQuantile($0[0]) },
        ])
        #expect(count == 126)
    }

    @Test func studentT() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "pt_lower": { StudentT(degreesOfFreedom: $0[1]).cdf($0[0]) },
            "pt_upper": { StudentT(degreesOfFreedom: $0[1]).ccdf($0[0]) },
            "pt_twosided": { StudentT(degreesOfFreedom: $0[1]).twoSidedPValue($0[0]) },
            "dt": { StudentT(degreesOfFreedom: $0[1]).density($0[0]) },
        ])
        #expect(count == 340)
    }

    @Test func fDistribution() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "pf_lower": { FDistribution(numerator: $0[1], denominator: $0[2]).cdf($0[0]) },
            "pf_upper": { FDistribution(numerator: $0[1], denominator: $0[2]).ccdf($0[0]) },
            "df": { FDistribution(numerator: $0[1], denominator: $0[2]).density($0[0]) },
        ])
        #expect(count == 564)
    }

    @Test func chiSquared() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "pchisq_lower": { ChiSquared(degreesOfFreedom: $0[1]).cdf($0[0]) },
            "pchisq_upper": { ChiSquared(degreesOfFreedom: $0[1]).ccdf($0[0]) },
            "dchisq": { ChiSquared(degreesOfFreedom: $0[1]).density($0[0]) },
            "qchisq_lower": { ChiSquared(degreesOfFreedom: $0[1]).quantile($0[0]) },
            "qchisq_upper": { ChiSquared(degreesOfFreedom: $0[1]).upperQuantile($0[0]) },
        ])
        #expect(count == 997)
    }

    @Test func incompleteBetaAndGamma() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "pbeta_lower": { SpecialFunctions.regularizedIncompleteBeta($0[0], a: $0[1], b: $0[2]) },
            "pbeta_upper": { SpecialFunctions.regularizedIncompleteBetaComplement($0[0], a: $0[1], b: $0[2]) },
            "pgamma_lower": { SpecialFunctions.regularizedGammaP($0[1], $0[0]) },
            "pgamma_upper": { SpecialFunctions.regularizedGammaQ($0[1], $0[0]) },
        ])
        #expect(count == 468)
    }

    @Test func gammaFamily() {
        let count = checkRows(rows, tolerance: 1e-13, [
            "lgamma": { SpecialFunctions.logGamma($0[0]) },
            "digamma": { SpecialFunctions.digamma($0[0]) },
            "trigamma": { SpecialFunctions.trigamma($0[0]) },
        ])
        #expect(count == 55)
    }

    @Test func discrete() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "dbinom": { Binomial(trials: Int($0[1]), probability: $0[2]).pmf(Int($0[0])) },
            "dbinom_log": { Binomial(trials: Int($0[1]), probability: $0[2]).logPMF(Int($0[0])) },
            "pbinom_lower": { Binomial(trials: Int($0[1]), probability: $0[2]).cdf(Int($0[0])) },
            "pbinom_upper": { Binomial(trials: Int($0[1]), probability: $0[2]).ccdf(Int($0[0])) },
            "dpois": { Poisson(mean: $0[1]).pmf(Int($0[0])) },
            "dpois_log": { Poisson(mean: $0[1]).logPMF(Int($0[0])) },
            "ppois_lower": { Poisson(mean: $0[1]).cdf(Int($0[0])) },
            "ppois_upper": { Poisson(mean: $0[1]).ccdf(Int($0[0])) },
        ])
        #expect(count == 264)
    }
}

/// Cases where R itself is not accurate to 1e-12, against mpmath at 50 digits
/// (Fixtures/make_distributions_mpmath.py): far-tail t and F quantiles, t with ν = 10⁶,
/// log-gamma and digamma next to their zeros, erf and erfc.
struct HighPrecisionReferenceTests {
    let rows = Fixtures.mpmath

    @Test func quantilesOfTAndF() {
        let count = checkRows(rows, tolerance: 1e-12, [
            "qt_lower": { StudentT(degreesOfFreedom: $0[1]).quantile($0[0]) },
            "qt_upper": { StudentT(degreesOfFreedom: $0[1]).upperQuantile($0[0]) },
            "qf_lower": { FDistribution(numerator: $0[1], denominator: $0[2]).quantile($0[0]) },
            "qf_upper": { FDistribution(numerator: $0[1], denominator: $0[2]).upperQuantile($0[0]) },
            "pt_lower": { StudentT(degreesOfFreedom: $0[1]).cdf($0[0]) },
        ])
        #expect(count == 406)
    }

    @Test func zerosOfLogGammaAndDigammaAndErrorFunction() {
        let count = checkRows(rows, tolerance: 1e-13, [
            "lgamma": { SpecialFunctions.logGamma($0[0]) },
            "digamma": { SpecialFunctions.digamma($0[0]) },
            "erf": { SpecialFunctions.erf($0[0]) },
            "erfc": { SpecialFunctions.erfc($0[0]) },
        ])
        #expect(count == 42)
    }
}
