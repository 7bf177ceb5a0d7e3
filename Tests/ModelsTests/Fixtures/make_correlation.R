# Reference values for ModelsTests/Correlation*: cor.test (pearson; spearman and kendall with exact = FALSE),
# partial correlations via lm residuals, p.adjust. Run once from this folder:  Rscript make_correlation.R
# Writes the synthetic data set (correlation_alliance.csv, into the shared Tests/AllianceTestSupport/Fixtures) and the results (correlation_reference.csv).
set.seed(20240611)
n <- 300
therapist <- sample(1:20, n, replace = TRUE)
therapist_effect <- rnorm(20, 0, 0.4)[therapist]
latent_alliance <- rnorm(n) + therapist_effect
# WAI-SR: 12 items scored 1..5, so the total is an integer in 12..60 with many ties.
items <- sapply(1:12, function(i) pmin(5, pmax(1, round(3.6 + 0.8 * latent_alliance + rnorm(n, 0, 0.8)))))
wai_total <- rowSums(items)
srs_total <- pmin(40, pmax(0, round(32 + 3 * latent_alliance + rnorm(n, 0, 3))))
phq9_pre <- pmin(27, pmax(0, round(rnorm(n, 15, 4.5))))
phq9_post <- pmin(27, pmax(0, round(0.6 * phq9_pre - 1.5 * latent_alliance + rnorm(n, 2, 4))))
age <- round(runif(n, 18, 70))
sessions <- pmax(1, rpois(n, exp(1.8 + 0.2 * latent_alliance)))
# Some missing values, to exercise pairwise versus listwise deletion.
srs_total[sample(n, 12)] <- NA
phq9_post[sample(n, 25)] <- NA
sessions[sample(n, 6)] <- NA
data <- data.frame(wai_total, srs_total, phq9_pre, phq9_post, age, sessions)
write.csv(data, "../../AllianceTestSupport/Fixtures/correlation_alliance.csv", row.names = FALSE, na = "NA")

rows <- list()
add <- function(kind, method, x, y, controls, conf, n, estimate, statistic, p, lo, hi, padj = NA, missing = "") {
  rows[[length(rows) + 1]] <<- data.frame(kind, method, x, y, controls, conf, missing, n, estimate, statistic, p, lo, hi, padj)
}
# Fisher-z intervals; Spearman and Kendall use the Bonett & Wright (2000) variances.
fisher_ci <- function(r, variance, conf) {
  z <- atanh(r); h <- qnorm((1 + conf) / 2) * sqrt(variance)
  c(tanh(z - h), tanh(z + h))
}
zero_order <- function(xn, yn, method, conf) {
  ok <- complete.cases(data[[xn]], data[[yn]])
  x <- data[[xn]][ok]; y <- data[[yn]][ok]; m <- length(x)
  test <- cor.test(x, y, method = method, exact = if (method == "pearson") NULL else FALSE, conf.level = conf)
  r <- unname(test$estimate)
  ci <- switch(method,
    pearson = test$conf.int,
    spearman = fisher_ci(r, (1 + r^2 / 2) / (m - 3), conf),
    kendall = fisher_ci(r, 0.437 / (m - 4), conf))
  add("pair", method, xn, yn, "", conf, m, r, unname(test$statistic), test$p.value, ci[1], ci[2])
}
pairs <- list(c("wai_total", "phq9_post"), c("wai_total", "srs_total"), c("srs_total", "sessions"),
              c("age", "phq9_pre"), c("phq9_pre", "phq9_post"))
for (pr in pairs) for (method in c("pearson", "spearman", "kendall")) zero_order(pr[1], pr[2], method, 0.95)
zero_order("wai_total", "phq9_post", "pearson", 0.9)
zero_order("wai_total", "sessions", "kendall", 0.99)

# Partial correlations: residualize both variables on the controls (with intercept); Spearman ranks all
# variables first. Tests use df = n - 2 - k and a Fisher-z interval with variance 1/(n - 3 - k)
# (Pearson) or (1 + r^2/2)/(n - 3 - k) (Spearman, Bonett & Wright with the residual degrees of freedom).
partial <- function(xn, yn, cn, method, conf) {
  d <- data[complete.cases(data[c(xn, yn, cn)]), c(xn, yn, cn)]
  if (method == "spearman") d[] <- lapply(d, rank)
  ex <- resid(lm(reformulate(cn, xn), data = d)); ey <- resid(lm(reformulate(cn, yn), data = d))
  r <- cor(ex, ey); m <- nrow(d); k <- length(cn); df <- m - 2 - k
  t <- r * sqrt(df / (1 - r^2)); p <- 2 * pt(-abs(t), df)
  ci <- fisher_ci(r, if (method == "spearman") (1 + r^2 / 2) / (m - 3 - k) else 1 / (m - 3 - k), conf)
  add("partial", method, xn, yn, paste(cn, collapse = "+"), conf, m, r, t, p, ci[1], ci[2])
}
for (method in c("pearson", "spearman")) {
  partial("wai_total", "phq9_post", "phq9_pre", method, 0.95)
  partial("wai_total", "phq9_post", c("phq9_pre", "age"), method, 0.95)
  partial("srs_total", "sessions", c("wai_total", "phq9_pre", "age"), method, 0.95)
}

# Correlation matrices over all six variables, Holm-adjusted, pairwise and listwise deletion.
vars <- names(data)
for (missing in c("pairwise", "listwise")) for (method in c("pearson", "spearman", "kendall")) {
  base <- if (missing == "listwise") data[complete.cases(data), ] else data
  res <- list()
  for (i in 1:(length(vars) - 1)) for (j in (i + 1):length(vars)) {
    ok <- complete.cases(base[[vars[i]]], base[[vars[j]]])
    test <- cor.test(base[[vars[i]]][ok], base[[vars[j]]][ok], method = method,
                     exact = if (method == "pearson") NULL else FALSE)
    res[[length(res) + 1]] <- list(i = vars[i], j = vars[j], n = sum(ok), r = unname(test$estimate),
                                   s = unname(test$statistic), p = test$p.value)
  }
  padj <- p.adjust(sapply(res, `[[`, "p"), method = "holm")
  for (k in seq_along(res)) with(res[[k]], add("matrix", method, i, j, "", 0.95, n, r, s, p, NA, NA, padj[k], missing))
}

# Partial-correlation matrices controlling for phq9_pre and age, BH-adjusted.
pvars <- c("wai_total", "srs_total", "phq9_post", "sessions"); controls <- c("phq9_pre", "age")
for (missing in c("pairwise", "listwise")) for (method in c("pearson", "spearman")) {
  res <- list()
  for (i in 1:(length(pvars) - 1)) for (j in (i + 1):length(pvars)) {
    cols <- if (missing == "listwise") c(pvars, controls) else c(pvars[i], pvars[j], controls)
    d <- data[complete.cases(data[cols]), c(pvars[i], pvars[j], controls)]
    if (method == "spearman") d[] <- lapply(d, rank)
    ex <- resid(lm(reformulate(controls, pvars[i]), data = d)); ey <- resid(lm(reformulate(controls, pvars[j]), data = d))
    r <- cor(ex, ey); m <- nrow(d); df <- m - 2 - length(controls); t <- r * sqrt(df / (1 - r^2))
    res[[length(res) + 1]] <- list(i = pvars[i], j = pvars[j], n = m, r = r, t = t, p = 2 * pt(-abs(t), df))
  }
  padj <- p.adjust(sapply(res, `[[`, "p"), method = "BH")
  for (k in seq_along(res)) with(res[[k]], add("pmatrix", method, i, j, paste(controls, collapse = "+"), 0.95, n, r, t, p, NA, NA, padj[k], missing))
}

# p.adjust on a vector with ties, an exact 1, a tiny value and an NA.
pv <- c(0.01, 0.02, 0.02, 0.5, 1, 3e-8, NA, 0.04, 0.049, 0.2)
for (method in c("none", "holm", "bonferroni", "BH")) {
  adj <- p.adjust(pv, method = method)
  for (k in seq_along(pv)) add("padjust", tolower(method), as.character(k), "", "", NA, NA, NA, NA, pv[k], NA, NA, adj[k])
}

out <- do.call(rbind, rows)
num <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
lines <- paste(out$kind, out$method, out$x, out$y, out$controls, num(out$conf), out$missing, num(out$n),
               num(out$estimate), num(out$statistic), num(out$p), num(out$lo), num(out$hi), num(out$padj), sep = ",")
writeLines(c("kind,method,x,y,controls,conf,missing,n,estimate,statistic,p,lo,hi,padj", lines), "correlation_reference.csv")
cat(length(lines), "rows\n")
