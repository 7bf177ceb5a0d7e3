# Reference for omega on bfi's agreeableness items (psychTools::bfi, A1 reverse-keyed on its 1-6 range).
# Run once from this folder:  Rscript make_bfi_omega.R
# Writes bfi_agreeableness.csv (A1..A5 as in bfi, A1 NOT reversed, missing cells empty) and bfi_omega_reference.json.
# Two omega totals, both from the one-factor ML model on the listwise-complete rows:
#   omega_total          = (sum lambda)^2 / ((sum lambda)^2 + sum psi), model-implied total variance of the raw items
#                          (lavaan cfa, ML, std.lv = TRUE, covariance with divisor n), as alliance has always reported;
#   omega_total_observed = (Vt - sum u2) / Vt with Vt = sum of the observed correlation matrix and u2 the standardized
#                          uniquenesses: psych::omega's omega.tot, here with fm = "ml" (psych's default is minres,
#                          recorded as psych_omega_minres for the docs).
suppressPackageStartupMessages({ library(psych); library(psychTools); library(lavaan); library(jsonlite) })
items <- c("A1", "A2", "A3", "A4", "A5")
raw <- psychTools::bfi[, items]
write.csv(raw, "bfi_agreeableness.csv", row.names = FALSE, na = "")
keyed <- raw
keyed$A1 <- 7 - keyed$A1                      # reverse on the 1-6 range: min + max - x
d <- keyed[complete.cases(keyed), ]
fit <- lavaan::cfa(paste("f =~", paste(items, collapse = " + ")), data = d, std.lv = TRUE, estimator = "ML")
est <- lavaan::parameterEstimates(fit)
lambda <- est$est[est$op == "=~"]
psi <- est$est[est$op == "~~" & est$lhs == est$rhs & est$lhs != "f"]
S <- cov(d) * (nrow(d) - 1) / nrow(d)
u2 <- psi / diag(S)
R <- cor(d)
om_ml <- suppressWarnings(suppressMessages(psych::omega(d, nfactors = 1, fm = "ml", plot = FALSE)))
om_minres <- suppressWarnings(suppressMessages(psych::omega(d, nfactors = 1, plot = FALSE)))
a <- psych::alpha(d, warnings = FALSE)
num <- function(v) structure(sprintf("%.17g", v), class = "json")
ref <- list(
  source = "make_bfi_omega.R (psychTools::bfi A1-A5, A1 reversed as 7 - A1, complete cases)",
  psych_version = as.character(packageVersion("psych")),
  lavaan_version = as.character(packageVersion("lavaan")),
  n = nrow(d),
  dropped = nrow(raw) - nrow(d),
  alpha = num(a$total$raw_alpha),
  omega_total = num(sum(lambda)^2 / (sum(lambda)^2 + sum(psi))),
  omega_total_observed = num((sum(R) - sum(u2)) / sum(R)),
  psych_omega_ml = num(om_ml$omega.tot),
  psych_omega_minres = num(om_minres$omega.tot))
writeLines(toJSON(ref, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "bfi_omega_reference.json")
