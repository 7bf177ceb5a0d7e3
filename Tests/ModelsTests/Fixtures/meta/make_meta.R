# Meta-analysis references (issue 15), as metafor 3.8 computes them, at tight control:
#   escalc (ZCOR, SMD with the exact Hedges correction, OR/RR with metafor's default add = 1/2 to = "only0"),
#   rma.uni (REML, DL, PM, ML, HE, SJ, FE; test = "knha"; mods), confint.rma.uni (Q-profile), predict.rma,
#   regtest (model = "rma" and model = "lm"), trimfill (L0), weights.rma.uni, rma.mv(random = ~ 1 | study/es).
# Run once from this folder:  Rscript make_meta.R
# Writes the data sets (meta_*.csv) and meta_reference.json. Doubles are 17-significant-digit strings.
# metafor's default threshold (1e-5) leaves tau^2 accurate only to ~1e-6 and uniroot's default tol is eps^0.25,
# so every fit runs with threshold 1e-12 and uniroot tol 1e-13; rma.mv's optimiser stops a few 1e-8 short of
# the REML optimum, so its variance components are polished here by Newton steps on metafor's own REML
# likelihood (checked: the gradient vanishes and the log-likelihood does not fall) and the model refitted with
# them fixed.
suppressPackageStartupMessages({ library(metafor); library(metadat); library(jsonlite) })
stopifnot(packageVersion("metafor") >= "3.8")
num <- function(x) ifelse(is.na(x), NA, sprintf("%.17g", x))
ctl <- list(threshold = 1e-12, tol = 1e-13, maxiter = 10000)
fixtures <- list()

write_data <- function(d, file) {
  write.csv(d, file, row.names = FALSE, quote = FALSE, na = "")
  read.csv(file, stringsAsFactors = FALSE, na.strings = "")
}

describe <- function(res, es) {
  ci <- if (res$method != "FE") confint(res, control = list(tol = 1e-13))$random else NULL
  pr <- predict(res)
  out <- list(
    k = res$k, estimate_terms = I(rownames(res$beta)), estimate = I(num(c(res$beta))), std_error = I(num(res$se)),
    statistic = I(num(res$zval)), p_value = I(num(res$pval)), conf_low = I(num(res$ci.lb)), conf_high = I(num(res$ci.ub)),
    df = if (res$test == "knha") num(res$ddf) else NA,
    tau2 = num(res$tau2), i2 = num(res$I2), h2 = num(res$H2), q = num(res$QE), q_df = res$k - res$p, q_p_value = num(res$QEp),
    tau2_conf_low = if (is.null(ci)) NA else num(ci["tau^2", "ci.lb"]),
    tau2_conf_high = if (is.null(ci)) NA else num(ci["tau^2", "ci.ub"]),
    weights = I(num(weights(res))), yi = I(num(c(es$yi))), vi = I(num(es$vi)))
  if (res$p == 1) {
    out$pred_low <- num(pr$pi.lb[1]); out$pred_high <- num(pr$pi.ub[1])
  } else {
    out$qm <- num(res$QM); out$qm_df <- I(res$QMdf[!is.na(res$QMdf)]); out$qm_p_value <- num(res$QMp)
    out$r2 <- if (is.null(res$R2)) NA else num(res$R2)
  }
  out
}

small_study <- function(res) {
  eg <- regtest(res)
  el <- regtest(res, model = "lm")
  tf <- trimfill(res, control = ctl)
  list(egger_rma_statistic = num(eg$zval), egger_rma_df = if (is.na(eg$dfs)) NA else num(eg$dfs), egger_rma_p = num(eg$pval),
       egger_lm_statistic = num(el$zval), egger_lm_df = num(el$dfs), egger_lm_p = num(el$pval),
       trimfill_k0 = tf$k0, trimfill_side = tf$side, trimfill_estimate = num(c(tf$beta)),
       trimfill_conf_low = num(tf$ci.lb), trimfill_conf_high = num(tf$ci.ub), trimfill_tau2 = num(tf$tau2))
}

add <- function(name, data_file, measure, columns, es, method, knha = FALSE, mods = NULL, small = FALSE, data = NULL) {
  args <- list(yi = es$yi, vi = es$vi, method = method, test = if (knha) "knha" else "z", control = ctl)
  if (!is.null(mods)) { args$mods <- as.formula(paste("~", mods)); args$data <- data }
  res <- do.call(rma, args)
  f <- c(list(name = name, data = data_file, measure = measure, columns = columns, method = method, knha = knha,
              mods = if (is.null(mods)) NA else mods), describe(res, es))
  if (small) f <- c(f, small_study(res))
  fixtures[[length(fixtures) + 1]] <<- f
}

# 1. Correlations: dat.molloy2014 (conscientiousness and medication adherence), every estimator.
molloy <- write_data(dat.molloy2014[, c("authors", "year", "ni", "ri", "quality")], "meta_molloy2014.csv")
es <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = molloy)
for (m in c("REML", "DL", "PM", "ML", "HE", "SJ", "FE"))
  add(paste0("molloy2014_", tolower(m)), "meta_molloy2014.csv", "cor", list(r = "ri", n = "ni"), es, m, small = m %in% c("REML", "DL", "FE"))
add("molloy2014_reml_knha", "meta_molloy2014.csv", "cor", list(r = "ri", n = "ni"), es, "REML", knha = TRUE, small = TRUE)
add("molloy2014_reml_quality", "meta_molloy2014.csv", "cor", list(r = "ri", n = "ni"), es, "REML", mods = "quality", data = molloy)

# 2. dat.mcdaniel1994 (interview validity): 160 correlations; a moderator missing for 15 studies.
mcd <- write_data(dat.mcdaniel1994, "meta_mcdaniel1994.csv")
es <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = mcd)
add("mcdaniel1994_reml", "meta_mcdaniel1994.csv", "cor", list(r = "ri", n = "ni"), es, "REML", small = TRUE)
keep <- !is.na(mcd$struct)
es_s <- es[keep, ]
add("mcdaniel1994_reml_struct", "meta_mcdaniel1994.csv", "cor", list(r = "ri", n = "ni"), es_s, "REML", mods = "struct + type", data = mcd[keep, ])

# 3. dat.bcg: risk ratios; latitude as moderator, with and without Knapp-Hartung.
bcg <- write_data(dat.bcg, "meta_bcg.csv")
es <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
abcd <- list(ai = "tpos", bi = "tneg", ci = "cpos", di = "cneg")
add("bcg_rr_reml", "meta_bcg.csv", "rr", abcd, es, "REML", small = TRUE)
add("bcg_rr_reml_ablat", "meta_bcg.csv", "rr", abcd, es, "REML", mods = "ablat", data = bcg)
add("bcg_rr_reml_ablat_knha", "meta_bcg.csv", "rr", abcd, es, "REML", knha = TRUE, mods = "ablat + alloc", data = bcg)
es <- escalc(measure = "OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
add("bcg_or_dl", "meta_bcg.csv", "or", abcd, es, "DL")

# 4. Standardized mean differences: dat.normand1999 (length of stay), Hedges' g.
normand <- write_data(dat.normand1999, "meta_normand1999.csv")
es <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = normand)
smd <- list(m1 = "m1i", sd1 = "sd1i", n1 = "n1i", m2 = "m2i", sd2 = "sd2i", n2 = "n2i")
add("normand1999_smd_reml", "meta_normand1999.csv", "smd", smd, es, "REML", small = TRUE)
add("normand1999_smd_pm_knha", "meta_normand1999.csv", "smd", smd, es, "PM", knha = TRUE)

# 5. Simulated sets.
set.seed(20261206)
# (a) generic yi with vi, k = 24, moderate heterogeneity: every estimator, with and without Knapp-Hartung.
k <- 24
sim_a <- data.frame(study = sprintf("S%02d", 1:k), vi = round(runif(k, 0.005, 0.08), 5))
sim_a$yi <- round(0.3 + rnorm(k, 0, 0.15) + rnorm(k, 0, sqrt(sim_a$vi)), 4)
sim_a$dose <- round(runif(k, 4, 24))
sim_a$setting <- sample(c("inpatient", "outpatient", "online"), k, replace = TRUE)
sim_a <- write_data(sim_a, "meta_sim_generic.csv")
for (m in c("REML", "DL", "PM", "ML", "HE", "SJ", "FE")) {
  add(paste0("sim_generic_", tolower(m)), "meta_sim_generic.csv", "generic", list(yi = "yi", vi = "vi"), sim_a, m)
  add(paste0("sim_generic_", tolower(m), "_knha"), "meta_sim_generic.csv", "generic", list(yi = "yi", vi = "vi"), sim_a, m, knha = TRUE)
}
# (b) the same with moderators (a number and a three-level factor), REML, ML, DL, with and without KH.
for (m in c("REML", "ML", "DL")) for (kh in c(FALSE, TRUE))
  add(paste0("sim_generic_mods_", tolower(m), if (kh) "_knha" else ""), "meta_sim_generic.csv", "generic",
      list(yi = "yi", vi = "vi"), sim_a, m, knha = kh, mods = "dose + setting", data = sim_a)
# (c) homogeneous set given as standard errors (tau^2 = 0 at the REML boundary), small-study checks.
k <- 12
sim_b <- data.frame(study = sprintf("H%02d", 1:k), sei = round(runif(k, 0.08, 0.3), 4))
sim_b$yi <- round(0.2 + rnorm(k, 0, sim_b$sei * 0.6), 4)
sim_b <- write_data(sim_b, "meta_sim_homogeneous.csv")
es <- data.frame(yi = sim_b$yi, vi = sim_b$sei^2)
for (m in c("REML", "DL", "PM", "SJ"))
  add(paste0("sim_homogeneous_", tolower(m)), "meta_sim_homogeneous.csv", "generic", list(yi = "yi", sei = "sei"), es, m, small = m == "REML")
# (d) funnel asymmetry: small studies with larger effects (trim-and-fill fills on the left).
k <- 20
sim_c <- data.frame(study = sprintf("F%02d", 1:k), sei = round(runif(k, 0.05, 0.4), 4))
sim_c$yi <- round(0.15 + 1.2 * sim_c$sei + rnorm(k, 0, 0.05) + rnorm(k, 0, sim_c$sei * 0.5), 4)
sim_c <- write_data(sim_c, "meta_sim_asymmetric.csv")
es <- data.frame(yi = sim_c$yi, vi = sim_c$sei^2)
add("sim_asymmetric_reml", "meta_sim_asymmetric.csv", "generic", list(yi = "yi", sei = "sei"), es, "REML", small = TRUE)
add("sim_asymmetric_dl_knha", "meta_sim_asymmetric.csv", "generic", list(yi = "yi", sei = "sei"), es, "DL", knha = TRUE, small = TRUE)
# (e) odds ratios with zero cells (the 1/2 correction is added to every cell of those studies only).
k <- 10
n1 <- sample(20:80, k, replace = TRUE); n2 <- sample(20:80, k, replace = TRUE)
ai <- rbinom(k, n1, 0.08); ci <- rbinom(k, n2, 0.15)
ai[c(2, 5)] <- 0; ci[7] <- 0
sim_d <- write_data(data.frame(study = sprintf("Z%02d", 1:k), events_t = ai, none_t = n1 - ai, events_c = ci, none_c = n2 - ci),
                    "meta_sim_zero_cells.csv")
abcd_d <- list(ai = "events_t", bi = "none_t", ci = "events_c", di = "none_c")
es <- escalc(measure = "OR", ai = events_t, bi = none_t, ci = events_c, di = none_c, data = sim_d)
add("sim_zero_cells_or_reml", "meta_sim_zero_cells.csv", "or", abcd_d, es, "REML")
es <- escalc(measure = "RR", ai = events_t, bi = none_t, ci = events_c, di = none_c, data = sim_d)
add("sim_zero_cells_rr_ml", "meta_sim_zero_cells.csv", "rr", abcd_d, es, "ML")

# 6. Three-level models: rma.mv(yi, vi, random = ~ 1 | study/es), REML, polished.
reml_mv <- function(yi, vi, X, study, s2) {
  Z <- outer(study, study, "==") * 1
  for (it in 1:50) {
    V <- Z * s2[1] + diag(vi + s2[2])
    W <- solve(V)
    P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
    D <- list(Z, diag(length(yi)))
    Py <- P %*% yi
    g <- sapply(D, function(Dj) -0.5 * sum(diag(P %*% Dj)) + 0.5 * c(t(Py) %*% Dj %*% Py))
    H <- matrix(0, 2, 2)
    for (a in 1:2) for (b in 1:2)
      H[a, b] <- 0.5 * sum(diag(P %*% D[[a]] %*% P %*% D[[b]])) - c(t(Py) %*% D[[a]] %*% P %*% D[[b]] %*% Py)
    step <- solve(-H, g)
    s2 <- pmax(0, s2 + step)
    if (max(abs(step)) < 1e-15) break
  }
  list(s2 = s2, gradient = g)
}
add_mv <- function(name, data_file, d, measure, columns, study_col, es_col) {
  study <- d[[study_col]]
  res0 <- rma.mv(d$yi, d$vi, random = as.formula(paste("~ 1 |", study_col, "/", es_col)), data = d, method = "REML",
                 control = list(rel.tol = 1e-10, iter.max = 10000, eval.max = 10000))
  pol <- reml_mv(d$yi, d$vi, cbind(rep(1, nrow(d))), study, res0$sigma2)
  stopifnot(max(abs(pol$gradient)) < 1e-8)
  res <- rma.mv(d$yi, d$vi, random = as.formula(paste("~ 1 |", study_col, "/", es_col)), data = d, method = "REML",
                sigma2 = pol$s2)
  stopifnot(logLik(res) >= logLik(res0) - 1e-12)
  pr <- predict(res)
  # I^2 of a multilevel model as metafor's FAQ: total sigma^2 over itself plus the typical sampling variance (k - p)/tr(P).
  W <- diag(1 / d$vi); X <- cbind(rep(1, nrow(d)))
  P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
  i2 <- 100 * sum(res$sigma2) / (sum(res$sigma2) + (res$k - res$p) / sum(diag(P)))
  fixtures[[length(fixtures) + 1]] <<- list(
    name = name, data = data_file, measure = measure, columns = columns, method = "REML", knha = FALSE, mods = NA,
    cluster = study_col, k = res$k, estimate_terms = I("intrcpt"), estimate = I(num(c(res$beta))), std_error = I(num(res$se)),
    statistic = I(num(res$zval)), p_value = I(num(res$pval)), conf_low = I(num(res$ci.lb)), conf_high = I(num(res$ci.ub)),
    sigma2 = I(num(res$sigma2)), sigma2_unpolished = I(num(res0$sigma2)), q = num(res$QE), q_df = res$k - 1, q_p_value = num(res$QEp),
    pred_low = num(pr$pi.lb), pred_high = num(pr$pi.ub), log_likelihood = num(c(logLik(res))), clusters = length(unique(study)),
    weights = I(num(weights(res))), i2 = num(i2))
}
# (f) real data: dat.konstantopoulos2011 (schools within districts).
konst <- dat.konstantopoulos2011[, c("district", "school", "study", "year", "yi", "vi")]
konst <- write_data(konst, "meta_konstantopoulos2011.csv")
add_mv("konstantopoulos2011_three_level", "meta_konstantopoulos2011.csv", konst, "generic", list(yi = "yi", vi = "vi"), "district", "study")
# (g) simulated: 40 studies with 1-6 correlations each, calibrated to Flueckiger et al. (2018): r = .278.
set.seed(20261207)
ns <- 40
sizes <- sample(1:6, ns, replace = TRUE)
study <- rep(sprintf("A%02d", 1:ns), sizes)
u <- rnorm(ns, 0, 0.08)[as.integer(factor(study))]
ni <- sample(30:300, length(study), replace = TRUE)
zi <- atanh(0.278) + u + rnorm(length(study), 0, 0.05) + rnorm(length(study), 0, 1 / sqrt(ni - 3))
sim_e <- data.frame(study = study, es = seq_along(study), ni = ni, ri = round(tanh(zi), 3))
sim_e <- write_data(sim_e, "meta_sim_three_level.csv")
e <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = sim_e)
add_mv("sim_three_level_cor", "meta_sim_three_level.csv", e, "cor", list(r = "ri", n = "ni"), "study", "es")
# (h) simulated without a between-study effect (its REML estimate is small but not zero).
set.seed(20261208)
study <- rep(sprintf("B%02d", 1:15), sample(2:4, 15, replace = TRUE))
vi <- round(runif(length(study), 0.01, 0.05), 4)
sim_f <- data.frame(study = study, es = seq_along(study), vi = vi, yi = round(0.4 + rnorm(length(study), 0, 0.12) + rnorm(length(study), 0, sqrt(vi)), 4))
sim_f <- write_data(sim_f, "meta_sim_three_level_small_between.csv")
add_mv("sim_three_level_small_between", "meta_sim_three_level_small_between.csv", sim_f, "generic", list(yi = "yi", vi = "vi"), "study", "es")

writeLines(toJSON(fixtures, auto_unbox = TRUE, pretty = TRUE, na = "null", digits = NA), "meta_reference.json")
cat("wrote", length(fixtures), "fixtures\n")
