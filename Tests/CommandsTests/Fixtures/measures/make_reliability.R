# Reference values for MeasuresReliabilityCommandTests: psych::alpha (raw and standardized alpha,
# item-rest r = r.drop, alpha if dropped), Feldt's interval (psych::alpha.ci) and omega total from a
# one-factor ML model in lavaan, on the listwise-complete rows of items.csv.
# Run from this directory: Rscript make_reliability.R  (writes reliability_reference.json)
suppressPackageStartupMessages({ library(psych); library(lavaan); library(jsonlite) })

d <- read.csv("items.csv")

scale_reference <- function(cols) {
  x <- na.omit(d[, cols])
  a <- psych::alpha(x, warnings = FALSE)
  ci <- psych::alpha.ci(a$total$raw_alpha, n.obs = nrow(x), n.var = length(cols), p.val = 0.05, digits = 17)
  model <- paste("f =~", paste(cols, collapse = " + "))
  fit <- lavaan::cfa(model, data = x, std.lv = TRUE, estimator = "ML")
  est <- lavaan::parameterEstimates(fit)
  lambda <- est$est[est$op == "=~"]
  theta <- est$est[est$op == "~~" & est$lhs == est$rhs & est$lhs %in% cols]
  list(
    n = nrow(x),
    alpha = a$total$raw_alpha,
    std_alpha = a$total$std.alpha,
    alpha_conf_low = ci$lower.ci[[1]],
    alpha_conf_high = ci$upper.ci[[1]],
    # A negative residual variance (Heywood case) makes lavaan's omega incomparable with a bounded fit.
    heywood = any(theta < 0),
    omega_total = sum(lambda)^2 / (sum(lambda)^2 + sum(theta)),
    item_rest_r = unname(a$item.stats$r.drop),
    alpha_if_dropped = unname(a$alpha.drop$raw_alpha)
  )
}

wai <- paste0("wai_", 1:12)
reference <- list(
  phq = scale_reference(paste0("phq_", 1:9)),
  wai = scale_reference(wai),
  wai_task = scale_reference(wai[c(1, 2, 10, 12)]),
  wai_bond = scale_reference(wai[c(3, 5, 7, 9)]),
  wai_goal = scale_reference(wai[c(4, 6, 8, 11)])
)
writeLines(toJSON(reference, digits = NA, auto_unbox = TRUE, pretty = TRUE), "reliability_reference.json")
