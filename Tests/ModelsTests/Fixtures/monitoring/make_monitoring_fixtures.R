# Reference values for Sources/Models/Monitoring (Tests/ModelsTests/MonitoringReferenceTests.swift).
# Run once from this folder: Rscript make_monitoring_fixtures.R
# 1. Expected treatment response (Finch, Lambert & Schaalje 2001): lme4 fit of
#    score ~ intake * log_session + (log_session | client) on sessions after intake, REML, polished with tight
#    nloptwrap tolerances (as Fixtures/lmm); expected curve and one-sided tolerance boundary
#    expected + z_c * sqrt(v0 + 2 t c01 + t^2 v1 + sigma^2), t = log(session), z_c = qnorm(coverage).
# 2. Funnel limits (Spiegelhalter 2005): r_p = qbinom(p, n, theta), alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)),
#    limit = (r_p - alpha) / n, truncated to [0, 1].
suppressPackageStartupMessages(library(lme4))
set.seed(20261206)

clients <- 60
rows <- list()
for (i in seq_len(clients)) {
  n <- sample(3:10, 1)
  intake <- round(rnorm(1, 16, 4))
  u0 <- rnorm(1, 0, 2); u1 <- rnorm(1, 0, 1)
  s <- seq_len(n)
  score <- round(intake + u0 + (-3 - 0.1 * (intake - 16) + u1) * log(s) + rnorm(n, 0, 2), 1)
  score[1] <- intake
  rows[[i]] <- data.frame(client = sprintf("k%02d", i), session = s, score = score)
}
panel <- do.call(rbind, rows)
write.csv(panel, "etr_sessions.csv", row.names = FALSE, quote = FALSE)

fit_rows <- do.call(rbind, lapply(split(panel, panel$client), function(d) {
  d <- d[order(d$session), ]
  data.frame(client = d$client[-1], score = d$score[-1], intake = d$score[1], log_session = log(d$session[-1]))
}))
tight <- lmerControl(optimizer = "nloptwrap", optCtrl = list(ftol_abs = 1e-12, xtol_abs = 1e-12, xtol_rel = 0, maxeval = 1e5))
fit <- lmer(score ~ intake * log_session + (log_session | client), data = fit_rows, REML = TRUE, control = tight)
beta <- fixef(fit)
vc <- as.data.frame(VarCorr(fit))
G <- VarCorr(fit)$client
v0 <- G[1, 1]; v1 <- G[2, 2]; c01 <- G[1, 2]; s2 <- sigma(fit)^2

num <- function(x) sprintf("%.17g", x)
grid <- expand.grid(intake = c(8, 16, 24), session = c(2, 3, 5, 8, 12), coverage = c(0.8, 0.9))
grid$t <- log(grid$session)
grid$expected <- beta[1] + beta[2] * grid$intake + (beta[3] + beta[4] * grid$intake) * grid$t
grid$sd <- sqrt(v0 + 2 * grid$t * c01 + grid$t^2 * v1 + s2)
grid$upper <- grid$expected + qnorm(grid$coverage) * grid$sd
grid$lower <- grid$expected - qnorm(grid$coverage) * grid$sd

lines <- c("{",
  '  "etr": {',
  paste0('    "coefficients": [', paste(num(unname(beta)), collapse = ", "), "],"),
  paste0('    "intercept_variance": ', num(v0), ","),
  paste0('    "slope_variance": ', num(v1), ","),
  paste0('    "covariance": ', num(c01), ","),
  paste0('    "residual_variance": ', num(s2), ","),
  paste0('    "clients": ', length(unique(fit_rows$client)), ","),
  paste0('    "sessions": ', nrow(fit_rows), ","),
  '    "grid": [')
g <- sprintf('      {"intake": %s, "session": %s, "coverage": %s, "expected": %s, "upper": %s, "lower": %s}',
             num(grid$intake), num(grid$session), num(grid$coverage), num(grid$expected), num(grid$upper), num(grid$lower))
lines <- c(lines, paste0(g, c(rep(",", length(g) - 1), "")), "    ]", "  },")

limit <- function(p, n, theta) {
  r <- qbinom(p, n, theta)
  Fr <- pbinom(r, n, theta); Fr1 <- pbinom(r - 1, n, theta)
  alpha <- ifelse(Fr > Fr1, (Fr - p) / (Fr - Fr1), 0)
  pmin(1, pmax(0, (r - alpha) / n))
}
fun <- expand.grid(n = c(1, 2, 3, 5, 7, 10, 11, 15, 20, 31, 50, 77, 100, 250, 1000, 5000), target = c(0.05, 0.4151898734177215, 0.73))
fun$lower95 <- limit(0.025, fun$n, fun$target); fun$upper95 <- limit(0.975, fun$n, fun$target)
fun$lower998 <- limit(0.001, fun$n, fun$target); fun$upper998 <- limit(0.999, fun$n, fun$target)
f <- sprintf('    {"n": %d, "target": %s, "lower95": %s, "upper95": %s, "lower998": %s, "upper998": %s}',
             as.integer(fun$n), num(fun$target), num(fun$lower95), num(fun$upper95), num(fun$lower998), num(fun$upper998))
lines <- c(lines, '  "funnel": [', paste0(f, c(rep(",", length(f) - 1), "")), "  ]", "}")
writeLines(lines, "monitoring_reference.json")
