# Reference values for MeasuresTests reliability tests. Run once from this folder:
#   Rscript make_reliability.R
# Writes wai_items.csv (synthetic WAI-SR-like items, 1-5, a few NAs) and reliability_reference.json.
# psych::alpha is run on the listwise-complete rows (alliance uses listwise deletion; psych's default
# is pairwise, so passing complete cases makes the two definitions coincide).
# lavaan: one-factor CFA, ML, std.lv = TRUE, sample covariance with divisor n (lavaan's default
# likelihood = "normal"); omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi).
suppressPackageStartupMessages({ library(psych); library(lavaan); library(jsonlite) })
set.seed(20240611)
n <- 300
k <- 12
g <- rnorm(n)                                   # general alliance factor
sub <- matrix(rnorm(n * 3), n, 3)               # task, bond, goal specific factors
scale_of <- c(1, 1, 2, 3, 2, 3, 2, 3, 2, 1, 3, 1) # task 1,2,10,12; bond 3,5,7,9; goal 4,6,8,11
load_g <- c(0.75, 0.70, 0.65, 0.80, 0.60, 0.72, 0.55, 0.78, 0.62, 0.68, 0.74, 0.66)
x <- sapply(seq_len(k), function(j) {
  latent <- load_g[j] * g + 0.35 * sub[, scale_of[j]] + rnorm(n, sd = 0.6)
  cut(latent, breaks = c(-Inf, -1.2, -0.4, 0.4, 1.2, Inf), labels = FALSE)
})
colnames(x) <- paste0("wai_", seq_len(k))
x[cbind(c(7, 19, 44, 101, 150, 222, 223, 280), c(3, 12, 5, 1, 9, 9, 2, 7))] <- NA
write.csv(x, "wai_items.csv", row.names = FALSE, na = "")

complete <- na.omit(as.data.frame(x))
# Full precision (17 significant digits): jsonlite caps numbers at 15, so numbers are pre-formatted
# and passed through verbatim.
num <- function(v) structure(sprintf("%.17g", v), class = "json")
vec <- function(v) structure(paste0("[", paste(sprintf("%.17g", v), collapse = ", "), "]"), class = "json")
one_scale <- function(d) {
  a <- psych::alpha(d, warnings = FALSE)
  nobs <- nrow(d); p <- ncol(d)
  ci <- c(1 - (1 - a$total$raw_alpha) * qf(0.975, nobs - 1, (nobs - 1) * (p - 1)),
          1 - (1 - a$total$raw_alpha) * qf(0.025, nobs - 1, (nobs - 1) * (p - 1)))
  model <- paste("f =~", paste(colnames(d), collapse = " + "))
  fit <- lavaan::cfa(model, data = d, std.lv = TRUE, estimator = "ML")
  est <- lavaan::parameterEstimates(fit)
  lambda <- est$est[est$op == "=~"]
  psi <- est$est[est$op == "~~" & est$lhs == est$rhs & est$lhs != "f"]
  list(n = nobs, items = p,
       raw_alpha = num(a$total$raw_alpha), std_alpha = num(a$total$std.alpha),
       feldt_low = num(ci[1]), feldt_high = num(ci[2]),
       r_drop = vec(unname(a$item.stats$r.drop)), alpha_drop = vec(unname(a$alpha.drop$raw_alpha)),
       loadings = vec(lambda), residual_variances = vec(psi),
       omega = num(sum(lambda)^2 / (sum(lambda)^2 + sum(psi))),
       lavaan_converged = lavInspect(fit, "converged"))
}
ref <- list(
  source = "make_reliability.R (psych 2.x alpha on complete cases; lavaan cfa ML std.lv=TRUE)",
  psych_version = as.character(packageVersion("psych")),
  lavaan_version = as.character(packageVersion("lavaan")),
  total = one_scale(complete),
  # Subscales use rows complete on their own items (listwise per scale).
  task = one_scale(na.omit(as.data.frame(x)[, paste0("wai_", c(1, 2, 10, 12))])),
  f_quantiles = list(
    list(p = 0.975, df1 = 291, df2 = 3201, q = num(qf(0.975, 291, 3201))),
    list(p = 0.025, df1 = 291, df2 = 3201, q = num(qf(0.025, 291, 3201))),
    list(p = 0.95, df1 = 3, df2 = 7, q = num(qf(0.95, 3, 7))),
    list(p = 0.01, df1 = 1, df2 = 1, q = num(qf(0.01, 1, 1))),
    list(p = 0.5, df1 = 10, df2 = 40, q = num(qf(0.5, 10, 40))),
    list(p = 0.999, df1 = 20, df2 = 5, q = num(qf(0.999, 20, 5)))))
writeLines(toJSON(ref, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "reliability_reference.json")
