# Reference fits for the formula functions (within, between, lag, offset, poly). Run once from this folder:
#   Rscript make_formula.R
# Writes formula_data.csv into the shared fixtures (Tests/AllianceTestSupport/Fixtures) (synthetic session-level alliance data, set.seed(20261205), rows in shuffled order) and
# formula_reference.json (doubles as 17-significant-digit strings). The fits use the CSV as read back.
# Each group function is computed here the way alliance defines it, then an ordinary lm/glm/glm.nb is fitted:
#   within(x, g)  = x - ave(x, g) and between(x, g) = ave(x, g), on the complete cases over every model variable;
#   lag(x, g, o)  = dplyr: arrange(o) (stable), group_by(g), lag(x), on the data before listwise deletion;
#   poly(x, k)    = stats::poly on the complete cases.
suppressPackageStartupMessages({ library(dplyr); library(MASS); library(sandwich); library(lmtest) })
set.seed(20261205)

n_clients <- 70
therapists <- sprintf("T%02d", 1:9)
client_therapist <- sample(therapists, n_clients, replace = TRUE)
client_clinic <- c(101, 102, 103)[match(client_therapist, therapists) %% 3 + 1]
sessions_per_client <- sample(3:9, n_clients, replace = TRUE)
rows <- do.call(rbind, lapply(1:n_clients, function(i) {
  k <- sessions_per_client[i]
  s <- 1:k
  # A few ties in the session order within a client (two rows recorded at the same session number).
  if (runif(1) < 0.2) s[k] <- s[k - 1]
  data.frame(client = sprintf("C%03d", i), therapist = client_therapist[i], clinic = client_clinic[i],
             session = s, stringsAsFactors = FALSE)
}))
n <- nrow(rows)
th_eff <- setNames(rnorm(length(therapists), 0, 4), therapists)
rows$site <- c("east", "north", "south")[match(rows$therapist, therapists) %% 3 + 1]
rows$wai <- round(50 + th_eff[rows$therapist] + 1.2 * rows$session + rnorm(n, 0, 6), 1)
rows$phq <- round(18 - 0.15 * rows$wai - 0.4 * rows$session + rnorm(n, 0, 3), 2)
rows$phq_pre <- round(rnorm(n, 16, 4), 1)
rows$offered <- sample(4:16, n, replace = TRUE)
rows$attended <- rpois(n, rows$offered * plogis(-0.2 + 0.03 * (rows$wai - 55)))
rows$homework <- rnbinom(n, mu = rows$offered * exp(-1 + 0.02 * (rows$wai - 55)), size = 3)
rows$dropout <- rbinom(n, 1, plogis(-1 - 0.05 * (rows$wai - 55)))
rows$x <- round(runif(n, -2, 3), 3)
# Missing values, including in the middle of clients' session sequences, in the offset and in the outcome.
rows$wai[sample(n, 14)] <- NA
rows$phq[sample(n, 8)] <- NA
rows$offered[sample(n, 5)] <- NA
rows$therapist[sample(n, 3)] <- NA
rows$clinic[sample(n, 3)] <- NA
rows <- rows[sample(n), ]  # shuffled: the lag must sort by session within client, not trust row order
write.csv(rows, "../../AllianceTestSupport/Fixtures/formula_data.csv", row.names = FALSE, na = "", quote = FALSE)
d <- read.csv("../../AllianceTestSupport/Fixtures/formula_data.csv", stringsAsFactors = FALSE, na.strings = "")

ctl <- glm.control(epsilon = 1e-15, maxit = 100)
fmt <- function(x) if (is.null(x)) "null" else paste0("[", paste0('"', sprintf("%.17g", x), '"', collapse = ", "), "]")
fixtures <- character()
add <- function(name, model, formula, terms, m, V, offset = NULL, vcov_label = "classical", extra = list()) {
  se <- sqrt(diag(V))
  stats <- list(nobs = nobs(m), log_likelihood = as.numeric(logLik(m)), aic = AIC(m))
  if (inherits(m, "glm")) {
    stats$deviance <- m$deviance; stats$null_deviance <- m$null.deviance
  } else {
    s <- summary(m)
    stats$r_squared <- s$r.squared; stats$adj_r_squared <- s$adj.r.squared; stats$sigma <- s$sigma
    stats$f_statistic <- unname(s$fstatistic[1])
    if (!is.null(m$offset)) {
      # R >= 4.3's summary.lm takes the model sum of squares from the fitted values minus the offset
      # (`f <- f - z$offset`); R 4.2 used the fitted values with the offset in them. Computed here as R >= 4.3 does.
      f <- fitted(m) - m$offset; rss <- sum(residuals(m)^2); mss <- sum((f - mean(f))^2)
      p <- m$rank; rdf <- m$df.residual; n <- length(f)
      stats$r_squared <- mss / (mss + rss)
      stats$adj_r_squared <- 1 - (1 - stats$r_squared) * ((n - 1) / rdf)
      stats$f_statistic <- (mss / (p - 1)) / (rss / rdf)
    }
  }
  if (!is.null(m$theta)) { stats$theta <- m$theta; stats$theta_std_error <- m$SE.theta }
  parts <- c(sprintf('"name": "%s"', name), sprintf('"model": "%s"', model), sprintf('"formula": "%s"', formula),
             sprintf('"vcov": "%s"', vcov_label),
             if (!is.null(offset)) sprintf('"offset": "%s"', offset),
             sprintf('"terms": [%s]', paste0('"', terms, '"', collapse = ", ")),
             sprintf('"estimate": %s', fmt(unname(coef(m)))), sprintf('"std_error": %s', fmt(unname(se))),
             sprintf('"fitted": %s', fmt(unname(fitted(m)))),
             sprintf('"stats": {%s}', paste(sprintf('"%s": %s', names(stats),
                                                     sapply(stats, function(v) sub("^\\[(.*)\\]$", "\\1", fmt(v)))),
                                            collapse = ", ")),
             if (length(extra)) sprintf('"columns": {%s}', paste(sprintf('"%s": %s', names(extra), sapply(extra, fmt)),
                                                                   collapse = ", ")))
  fixtures <<- c(fixtures, paste0("  {", paste(parts, collapse = ", "), "}"))
}
cc <- function(vars) d[complete.cases(d[vars]), ]

# within/between by a text group (therapist), OLS classical and cluster-robust by therapist.
w <- cc(c("phq", "wai", "therapist", "phq_pre"))
w$wai_w <- w$wai - ave(w$wai, w$therapist); w$wai_b <- ave(w$wai, w$therapist)
m <- lm(phq ~ wai_w + wai_b + phq_pre, data = w)
terms_wb <- c("(Intercept)", "within(wai, therapist)", "between(wai, therapist)", "phq_pre")
add("ols_within_between", "ols", "phq ~ within(wai, therapist) + between(wai, therapist) + phq_pre", terms_wb, m, vcov(m))
add("ols_within_between_cluster", "ols", "phq ~ within(wai, therapist) + between(wai, therapist) + phq_pre", terms_wb, m,
    vcovCL(m, cluster = ~therapist, type = "HC1"), vcov_label = "cluster:therapist")
add("ols_within_between_hc3", "ols", "phq ~ within(wai, therapist) + between(wai, therapist) + phq_pre", terms_wb, m,
    vcovHC(m, type = "HC3"), vcov_label = "hc3")

# A numeric group (clinic) and an interaction with a factor.
w <- cc(c("phq", "wai", "clinic", "site"))
w$wai_w <- w$wai - ave(w$wai, w$clinic)
m <- lm(phq ~ wai_w * site, data = w)
add("ols_within_numeric_group", "ols", "phq ~ within(wai, clinic) * site",
    c("(Intercept)", "within(wai, clinic)", "site[north]", "site[south]",
      "within(wai, clinic):site[north]", "within(wai, clinic):site[south]"), m, vcov(m))

# Logit with within/between by client.
w <- cc(c("dropout", "wai", "client"))
w$wai_w <- w$wai - ave(w$wai, w$client); w$wai_b <- ave(w$wai, w$client)
m <- glm(dropout ~ wai_w + wai_b, family = binomial, data = w, control = ctl)
add("logit_within_between", "logit", "dropout ~ within(wai, client) + between(wai, client)",
    c("(Intercept)", "within(wai, client)", "between(wai, client)"), m, vcov(m))

# lag by client in session order (stable for ties), before listwise deletion.
lagged <- d %>% mutate(.row = row_number()) %>% arrange(session) %>% group_by(client) %>%
  mutate(wai_lag = lag(wai), phq_lag = lag(phq)) %>% ungroup() %>% arrange(.row)
m <- lm(phq ~ wai_lag + wai, data = lagged)
add("ols_lag", "ols", "phq ~ lag(wai, client, session) + wai", c("(Intercept)", "lag(wai, client, session)", "wai"), m, vcov(m))
m <- lm(phq ~ phq_lag + wai_lag, data = lagged)
add("ols_lag_outcome_cluster", "ols", "phq ~ lag(phq, client, session) + lag(wai, client, session)",
    c("(Intercept)", "lag(phq, client, session)", "lag(wai, client, session)"), m,
    vcovCL(m, cluster = ~client, type = "HC1"), vcov_label = "cluster:client")
m <- glm(attended ~ wai_lag + offset(log(offered)), family = poisson, data = lagged, control = ctl)
add("poisson_lag_offset", "poisson", "attended ~ lag(wai, client, session) + offset(log(offered))",
    c("(Intercept)", "lag(wai, client, session)"), m, vcov(m))

# Offsets.
m <- glm(attended ~ wai + site + offset(log(offered)), family = poisson, data = d, control = ctl)
add("poisson_offset", "poisson", "attended ~ wai + site + offset(log(offered))",
    c("(Intercept)", "wai", "site[north]", "site[south]"), m, vcov(m))
add("poisson_offset_option", "poisson", "attended ~ wai + site", c("(Intercept)", "wai", "site[north]", "site[south]"),
    m, vcov(m), offset = "log(offered)")
add("poisson_offset_hc0", "poisson", "attended ~ wai + site + offset(log(offered))",
    c("(Intercept)", "wai", "site[north]", "site[south]"), m, vcovHC(m, type = "HC0"), vcov_label = "hc0")
m <- glm(attended ~ wai + offset(log(offered)) - 1, family = poisson, data = d, control = ctl)
add("poisson_offset_no_intercept", "poisson", "attended ~ wai + offset(log(offered)) - 1", c("wai"), m, vcov(m))
m <- glm.nb(homework ~ wai + site + offset(log(offered)), data = d, control = ctl)
add("negbin_offset", "negbin", "homework ~ wai + site + offset(log(offered))",
    c("(Intercept)", "wai", "site[north]", "site[south]"), m, vcov(m))
m <- glm(dropout ~ wai + offset(0.01 * phq_pre), family = binomial, data = d, control = ctl)
add("logit_offset", "logit", "dropout ~ wai + offset(0.01 * phq_pre)", c("(Intercept)", "wai"), m, vcov(m))
m <- lm(phq ~ wai + site + offset(0.5 * phq_pre), data = d)
add("ols_offset", "ols", "phq ~ wai + site + offset(0.5 * phq_pre)",
    c("(Intercept)", "wai", "site[north]", "site[south]"), m, vcov(m))
m <- lm(phq ~ wai + offset(0.5 * phq_pre) + offset(-0.1 * x), data = d)
add("ols_two_offsets", "ols", "phq ~ wai + offset(0.5 * phq_pre) + offset(-0.1 * x)", c("(Intercept)", "wai"), m, vcov(m))

# Orthogonal polynomials on the rows used.
w <- cc(c("phq", "wai"))
m <- lm(phq ~ poly(wai, 2), data = w)
P <- poly(w$wai, 2)
add("ols_poly", "ols", "phq ~ poly(wai, 2)", c("(Intercept)", "poly(wai, 2)1", "poly(wai, 2)2"), m, vcov(m),
    extra = list(poly1 = P[, 1], poly2 = P[, 2]))
w <- cc(c("phq", "x", "site"))
m <- lm(phq ~ poly(x, 3) + site, data = w)
add("ols_poly3_site", "ols", "phq ~ poly(x, 3) + site",
    c("(Intercept)", "poly(x, 3)1", "poly(x, 3)2", "poly(x, 3)3", "site[north]", "site[south]"), m, vcov(m))
w <- cc(c("phq", "wai"))
m <- lm(phq ~ poly(wai, 2, raw = TRUE), data = w)
add("ols_poly_raw", "ols", "phq ~ poly(wai, 2, raw = TRUE)",
    c("(Intercept)", "poly(wai, 2, raw = TRUE)1", "poly(wai, 2, raw = TRUE)2"), m, vcov(m))
w <- cc(c("dropout", "x"))
m <- glm(dropout ~ poly(x, 2), family = binomial, data = w, control = ctl)
add("logit_poly", "logit", "dropout ~ poly(x, 2)", c("(Intercept)", "poly(x, 2)1", "poly(x, 2)2"), m, vcov(m))

writeLines(c("[", paste(fixtures, collapse = ",\n"), "]"), "formula_reference.json")
