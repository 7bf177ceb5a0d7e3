# Reference values for DistributionsTests (R's nmath: Cody pnorm, AS241 qnorm, TOMS 708 pbeta,
# Welinder pgamma, Loader dbinom/dpois). Run once from this folder:  Rscript make_distributions.R
# Output: distributions.csv with columns function,a1,a2,a3,value (17 significant digits; empty = unused).
rows <- list()
add <- function(fn, value, a1 = NA, a2 = NA, a3 = NA) {
  rows[[length(rows) + 1]] <<- data.frame(fn = fn, a1 = a1, a2 = a2, a3 = a3, value = value)
}
tailp <- c(1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-3, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975,
           0.999, 1 - 1e-5, 1 - 1e-10)

# Normal
xs <- c(-38, -37.5, -35, -30, -20, -10, -8, -5, -3, -2, -1.5, -1.4999, -1, -0.5, -1e-3, -1e-10, 0, 1e-10, 0.3,
        1, 1.7, 2.5, 4, 6, 9, 15, 25, 30, 37.5, 38)
for (x in xs) {
  add("pnorm_lower", pnorm(x), x); add("pnorm_upper", pnorm(x, lower.tail = FALSE), x)
  add("dnorm", dnorm(x), x)
}
for (p in tailp) {
  add("qnorm_lower", qnorm(p), p); add("qnorm_upper", qnorm(p, lower.tail = FALSE), p)
}

# Student t (R's pt approximates for df > 4e5, so use the exact beta identity there)
pt_exact <- function(t, df, lower) {
  if (df <= 4e5) return(pt(t, df, lower.tail = lower))
  tail <- 0.5 * pbeta(t^2 / (df + t^2), 0.5, df / 2, lower.tail = FALSE)
  if ((t <= 0) == lower) tail else 1 - tail
}
tdfs <- c(1, 2.5, 5, 30, 1e6)
ts <- c(-1e6, -300, -40, -12, -5, -2.5, -1, -0.2, -1e-8, 0, 0.7, 1.96, 3, 8, 25, 1e3, 1e5)
for (df in tdfs) for (t in ts) {
  add("pt_lower", pt_exact(t, df, TRUE), t, df); add("pt_upper", pt_exact(t, df, FALSE), t, df)
  add("pt_twosided", if (df <= 4e5) 2 * pt(-abs(t), df) else pbeta(t^2 / (df + t^2), 0.5, df / 2, lower.tail = FALSE), t, df)
  add("dt", dt(t, df), t, df)
}
# qt and qf references come from make_distributions_mpmath.py: R 4.2's qt and qbeta stop short in the far
# tails (qt(1e-300, 5) is 2e-9 off by R's own pt; qf(1e-20, 1, 1) returns 0).

# F
fdfs <- list(c(1, 1), c(2, 10), c(3, 97), c(10, 2.5), c(50, 400), c(0.7, 5))
for (d in fdfs) {
  for (p in tailp) {
    ql <- qf(p, d[1], d[2]); qu <- qf(p, d[1], d[2], lower.tail = FALSE)  # only as evaluation points
    for (f in c(ql, qu)) if (is.finite(f) && f > 0) {
      add("pf_lower", pf(f, d[1], d[2]), f, d[1], d[2]); add("pf_upper", pf(f, d[1], d[2], lower.tail = FALSE), f, d[1], d[2])
      add("df", df(f, d[1], d[2]), f, d[1], d[2])
    }
  }
}

# chi-squared
for (df in c(0.5, 1, 2, 3.5, 10, 100, 1000)) {
  for (p in tailp) {
    ql <- qchisq(p, df); qu <- qchisq(p, df, lower.tail = FALSE)
    add("qchisq_lower", ql, p, df); add("qchisq_upper", qu, p, df)
    for (x in c(ql, qu)) if (is.finite(x) && x > 0) {
      add("pchisq_lower", pchisq(x, df), x, df); add("pchisq_upper", pchisq(x, df, lower.tail = FALSE), x, df)
      add("dchisq", dchisq(x, df), x, df)
    }
  }
}

# incomplete beta, at points spread over each distribution's quantiles
for (ab in list(c(0.5, 0.5), c(1, 3), c(2.5, 0.3), c(10, 10), c(100, 3), c(0.2, 1e4), c(1e4, 2e4), c(5e5, 0.5))) {
  for (p in c(1e-200, 1e-30, 1e-8, 0.01, 0.3, 0.5, 0.8, 0.999, 1 - 1e-9)) {
    x <- qbeta(p, ab[1], ab[2])
    if (x > 0 && x < 1) {
      add("pbeta_lower", pbeta(x, ab[1], ab[2]), x, ab[1], ab[2])
      add("pbeta_upper", pbeta(x, ab[1], ab[2], lower.tail = FALSE), x, ab[1], ab[2])
    }
  }
}

# small first shape: the upper tail is small below the switch point of the continued fraction
for (a in c(1e-3, 0.01)) for (b in c(0.5, 5, 50)) for (x in c(1e-4, 0.01, 0.1, 0.3)) {
  add("pbeta_lower", pbeta(x, a, b), x, a, b); add("pbeta_upper", pbeta(x, a, b, lower.tail = FALSE), x, a, b)
}

# incomplete gamma
for (a in c(0.1, 0.5, 1, 3.7, 20, 500, 1e5)) {
  for (p in c(1e-250, 1e-30, 1e-8, 0.01, 0.3, 0.5, 0.8, 0.999, 1 - 1e-9)) {
    for (x in c(qgamma(p, a), qgamma(p, a, lower.tail = FALSE))) if (x > 0 && is.finite(x)) {
      add("pgamma_lower", pgamma(x, a), x, a); add("pgamma_upper", pgamma(x, a, lower.tail = FALSE), x, a)
    }
  }
}

# small shapes, where Q(a, x) for x < a + 1 must not be formed as 1 - P
for (a in c(1e-3, 0.01, 0.9)) for (x in c(1e-5, 0.01, 0.3, 1, 1.5, 1.85)) {
  add("pgamma_lower", pgamma(x, a), x, a); add("pgamma_upper", pgamma(x, a, lower.tail = FALSE), x, a)
}

# log-gamma, digamma, trigamma (away from the zeros of lgamma and digamma: see make_distributions_mpmath.py)
for (x in c(1e-300, 1e-8, 0.1, 0.5, 0.75, 2.7, 3, 3.5, 7.25, 9.99, 10, 10.5, 33.3, 171.5, 1e4, 1e10, 1e100, 1e300,
            -0.5, -1.5, -2.25, -10.3, -100.7)) {
  add("lgamma", lgamma(x), x)
}
for (x in c(1e-8, 0.1, 0.5, 0.9, 2.5, 3.3, 7.5, 9.99, 10, 12.5, 100, 1e5, 1e10, -0.3, -1.5, -4.2)) {
  add("digamma", digamma(x), x)
}
for (x in c(1e-8, 0.1, 0.5, 1, 1.46, 2.5, 7.5, 9.99, 10, 12.5, 100, 1e5, 1e10, -0.3, -1.5, -4.2)) {
  add("trigamma", trigamma(x), x)
}

# binomial and Poisson
for (np in list(c(1, 0.3), c(10, 0.5), c(100, 0.001), c(100, 0.9), c(1000, 0.37), c(1e5, 0.5))) {
  n <- np[1]; p <- np[2]
  ks <- unique(round(c(0, 1, 2, n * p - 3 * sqrt(n * p * (1 - p)), n * p, n * p + 5 * sqrt(n * p * (1 - p)), n - 1, n)))
  ks <- ks[ks >= 0 & ks <= n]
  for (k in ks) {
    add("dbinom", dbinom(k, n, p), k, n, p); add("dbinom_log", dbinom(k, n, p, log = TRUE), k, n, p)
    add("pbinom_lower", pbinom(k, n, p), k, n, p); add("pbinom_upper", pbinom(k, n, p, lower.tail = FALSE), k, n, p)
  }
}
for (lambda in c(1e-3, 0.5, 5, 100, 1e4)) {
  ks <- unique(round(c(0, 1, 2, lambda, lambda + 6 * sqrt(lambda) + 3, 10 * lambda + 20)))
  for (k in ks) {
    add("dpois", dpois(k, lambda), k, lambda); add("dpois_log", dpois(k, lambda, log = TRUE), k, lambda)
    add("ppois_lower", ppois(k, lambda), k, lambda); add("ppois_upper", ppois(k, lambda, lower.tail = FALSE), k, lambda)
  }
}

# large parameters near the centre (continued fractions and series need about 9*sqrt(shape) terms)
for (k in c(3e6, 3001000)) {
  add("pbinom_lower", pbinom(k, 1e7, 0.3), k, 1e7, 0.3); add("pbinom_upper", pbinom(k, 1e7, 0.3, lower.tail = FALSE), k, 1e7, 0.3)
}
for (k in c(1e7, 1e7 + 20000)) {
  add("ppois_lower", ppois(k, 1e7), k, 1e7); add("ppois_upper", ppois(k, 1e7, lower.tail = FALSE), k, 1e7)
}
add("pchisq_lower", pchisq(1.0001e8, 1e8), 1.0001e8, 1e8); add("pchisq_upper", pchisq(1.0001e8, 1e8, lower.tail = FALSE), 1.0001e8, 1e8)
add("qchisq_lower", qchisq(0.3, 1e8), 0.3, 1e8); add("qchisq_upper", qchisq(0.3, 1e8, lower.tail = FALSE), 0.3, 1e8)
add("pbeta_lower", pbeta(0.5001, 1e7, 1e7), 0.5001, 1e7, 1e7); add("pbeta_upper", pbeta(0.5001, 1e7, 1e7, lower.tail = FALSE), 0.5001, 1e7, 1e7)

out <- do.call(rbind, rows)
fmt <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
lines <- paste(out$fn, fmt(out$a1), fmt(out$a2), fmt(out$a3), fmt(out$value), sep = ",")
writeLines(c("function,a1,a2,a3,value", lines), "distributions.csv")
cat(length(lines), "rows\n")
