/// Special functions and probability distributions (normal, t, F, χ², binomial, Poisson),
/// accurate in the tails. Pure Swift: no dependency on any other alliance module.
public enum Distributions {}
