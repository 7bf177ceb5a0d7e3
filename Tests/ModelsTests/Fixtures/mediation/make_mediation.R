# Reference values for mediation and moderation (PROCESS models 1, 4, 7, 14): every equation by lm, indirect
# effects and indices as products of lm coefficients, probes by quantile(type = 6), Johnson-Neyman roots from the
# quadratic in W. Run once from this folder: Rscript make_mediation.R  (writes the data CSVs and point_reference.json).
suppressMessages({ library(psych); library(psychTools) })
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
arr <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
str_arr <- function(x) paste0("[", paste0('"', x, '"', collapse = ", "), "]")
write_data <- function(d, file) {
  out <- d
  for (j in seq_along(out)) out[[j]] <- sprintf("%.17g", as.numeric(out[[j]]))
  write.csv(out, file, row.names = FALSE, quote = FALSE)
}

Tal_Or <- psych::Tal_Or; globalWarm <- psychTools::globalWarm
tal <- data.frame(lapply(Tal_Or[, c("cond", "pmi", "import", "reaction", "gender", "age")], as.numeric))
gw <- data.frame(lapply(globalWarm[, c("govact", "posemot", "negemot", "ideology", "age", "sex", "partyid")], as.numeric))
set.seed(16)
n <- 240; k <- 24
therapist <- rep(seq_len(k), each = n / k)
u <- rnorm(k, 0, 2)[therapist]
arm <- rbinom(n, 1, 0.5)
phq_pre <- round(rnorm(n, 15, 4), 2)
wai <- round(45 + 3 * arm + 0.15 * phq_pre + u + rnorm(n, 0, 5), 2)
phq_post <- round(16 - 0.2 * wai - 1 * arm + 0.5 * phq_pre + 0.01 * wai * phq_pre + rnorm(n, 0, 3), 2)
sim <- data.frame(therapist = therapist, arm = arm, phq_pre = phq_pre, wai = wai, phq_post = phq_post)
write_data(tal, "tal_or.csv"); write_data(gw, "global_warm.csv"); write_data(sim, "simulated.csv")

eq_json <- function(fit, level = 0.95) {
  s <- summary(fit); ct <- coef(s); ci <- confint(fit, level = level)
  paste0('{"terms": ', str_arr(rownames(ct)), ', "estimate": ', arr(ct[, 1]), ', "std_error": ', arr(ct[, 2]),
         ', "statistic": ', arr(ct[, 3]), ', "p_value": ', arr(ct[, 4]), ', "conf_low": ', arr(ci[, 1]),
         ', "conf_high": ', arr(ci[, 2]), ', "r_squared": ', num(s$r.squared), ', "sigma": ', num(s$sigma),
         ', "f_statistic": ', num(s$fstatistic[1]), ', "df_residual": ', num(fit$df.residual), '}')
}
rhs <- function(...) paste(c(...), collapse = " + ")

# PROCESS models 4/7/14 on data d; returns the JSON of the equations and the bootstrapped statistics' estimates.
mediation_case <- function(d, x, ms, y, covs = character(), w = NULL, path = NULL, probes = "percentiles") {
  d <- d[complete.cases(d[, c(x, ms, y, w, covs)]), ]
  probe <- NULL
  if (!is.null(w)) {
    wv <- d[[w]]
    probe <- if (probes == "percentiles") {
      if (length(unique(wv)) == 2) sort(unique(wv)) else unname(quantile(wv, c(.16, .5, .84), type = 6))
    } else c(mean(wv) - sd(wv), mean(wv), mean(wv) + sd(wv))
  }
  a_fits <- lapply(ms, function(m) {
    f <- if (!is.null(path) && path == "a") rhs(x, w, paste0(x, ":", w), covs) else rhs(x, covs)
    lm(as.formula(paste(m, "~", f)), data = d)
  })
  yf <- if (!is.null(path) && path == "b") rhs(x, ms, w, paste0(ms, ":", w), covs) else rhs(x, ms, covs)
  y_fit <- lm(as.formula(paste(y, "~", yf)), data = d)
  c_fit <- lm(as.formula(paste(y, "~", rhs(x, covs))), data = d)
  stats <- statistic(a_fits, y_fit, x, ms, w, path, probe)
  eqs <- c(lapply(a_fits, eq_json), list(eq_json(y_fit), eq_json(c_fit)))
  list(json = paste0('{"equations": [', paste(unlist(eqs), collapse = ", "), '], "statistics": ', arr(stats),
                     ', "probes": ', if (is.null(probe)) "[]" else arr(probe), ', "rows": ', nrow(d), '}'),
       probe = probe)
}
statistic <- function(a_fits, y_fit, x, ms, w, path, probe) {
  out <- c(); total <- 0
  for (j in seq_along(ms)) {
    a <- coef(a_fits[[j]]); b <- coef(y_fit)
    if (is.null(path)) { out <- c(out, a[[x]] * b[[ms[j]]]); total <- total + a[[x]] * b[[ms[j]]] }
    else if (path == "a") {
      a3 <- a[[paste0(x, ":", w)]]
      out <- c(out, a3 * b[[ms[j]]], (a[[x]] + a3 * probe) * b[[ms[j]]])
    } else {
      b3 <- b[[paste0(ms[j], ":", w)]]
      out <- c(out, a[[x]] * b3, a[[x]] * (b[[ms[j]]] + b3 * probe))
    }
  }
  if (is.null(path) && length(ms) > 1) out <- c(out, total)
  unname(out)
}

moderation_case <- function(d, x, w, y, covs = character(), probes = "percentiles", level = 0.95) {
  d <- d[complete.cases(d[, c(x, w, y, covs)]), ]
  fit <- lm(as.formula(paste(y, "~", rhs(x, w, paste0(x, ":", w), covs))), data = d)
  reduced <- lm(as.formula(paste(y, "~", rhs(x, w, covs))), data = d)
  wv <- d[[w]]
  probe <- if (probes == "percentiles") unname(quantile(wv, c(.16, .5, .84), type = 6)) else c(mean(wv) - sd(wv), mean(wv), mean(wv) + sd(wv))
  b <- coef(fit); V <- vcov(fit); int <- paste0(x, ":", w)
  est <- b[[x]] + b[[int]] * probe
  se <- sqrt(V[x, x] + 2 * probe * V[x, int] + probe^2 * V[int, int])
  tc <- qt((1 + level) / 2, fit$df.residual)
  qa <- b[[int]]^2 - tc^2 * V[int, int]; qb <- 2 * (b[[x]] * b[[int]] - tc^2 * V[x, int]); qc <- b[[x]]^2 - tc^2 * V[x, x]
  disc <- qb^2 - 4 * qa * qc
  roots <- if (disc > 0) sort(c((-qb - sqrt(disc)) / (2 * qa), (-qb + sqrt(disc)) / (2 * qa))) else numeric()
  bounds <- roots[roots >= min(wv) & roots <= max(wv)]
  paste0('{"equation": ', eq_json(fit, level), ', "probes": ', arr(probe), ', "effect": ', arr(est), ', "effect_se": ', arr(se),
         ', "effect_t": ', arr(est / se), ', "effect_p": ', arr(2 * pt(-abs(est / se), fit$df.residual)),
         ', "effect_low": ', arr(est - tc * se), ', "effect_high": ', arr(est + tc * se),
         ', "r_squared_change": ', num(summary(fit)$r.squared - summary(reduced)$r.squared),
         ', "f_change": ', num(anova(reduced, fit)$F[2]), ', "jn_roots": ', arr(roots), ', "jn_bounds": ', arr(bounds),
         ', "w_min": ', num(min(wv)), ', "w_max": ', num(max(wv)), '}')
}

cases <- c(
  talor_model4 = mediation_case(tal, "cond", "pmi", "reaction")$json,
  talor_parallel = mediation_case(tal, "cond", c("pmi", "import"), "reaction", covs = c("gender", "age"))$json,
  warm_model7 = mediation_case(gw, "ideology", "negemot", "govact", covs = "sex", w = "age", path = "a")$json,
  warm_model14 = mediation_case(gw, "ideology", "negemot", "govact", covs = "sex", w = "age", path = "b")$json,
  warm_model14_meansd = mediation_case(gw, "ideology", "negemot", "govact", covs = "sex", w = "age", path = "b", probes = "mean-sd")$json,
  sim_model4 = mediation_case(sim, "arm", "wai", "phq_post", covs = "phq_pre")$json,
  sim_model7_binary_w = mediation_case(sim, "phq_pre", "wai", "phq_post", w = "arm", path = "a")$json,
  sim_model14 = mediation_case(sim, "arm", "wai", "phq_post", w = "phq_pre", path = "b")$json,
  warm_model1 = moderation_case(gw, "negemot", "age", "govact", covs = c("posemot", "ideology", "sex")),
  warm_model1_meansd = moderation_case(gw, "negemot", "age", "govact", probes = "mean-sd", level = 0.90),
  sim_model1 = moderation_case(sim, "wai", "phq_pre", "phq_post", covs = "arm")
)
writeLines(paste0("{\n", paste0('"', names(cases), '": ', cases, collapse = ",\n"), "\n}"), "point_reference.json")
