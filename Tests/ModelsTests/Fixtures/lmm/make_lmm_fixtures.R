# Reference fits for linear mixed models (issue 12): lme4 polished to its optimum, lmerTest (Satterthwaite),
# pbkrtest (Kenward-Roger through lmerTest), clubSandwich (CR2), lme4 profile intervals, anova() comparisons.
# Run once from this folder:  Rscript make_lmm_fixtures.R   (about 80 s of CPU; 6 minutes wall on 2 busy cores)
# Writes the data CSVs (lme4's sleepstudy, Dyestuff, Penicillin, Pastes as-is; simulated alliance sets with
# set.seed) and lmm_reference.json. Every fit uses the CSV as read back, never the in-memory simulation.
# Doubles are written with sprintf("%.17g") as JSON numbers. README.md describes the fields and tolerances.
suppressPackageStartupMessages({
  library(lme4); library(lmerTest, include.only = "as_lmerModLmerTest"); library(pbkrtest)
  library(clubSandwich); library(numDeriv); library(jsonlite)
})
options(warn = 1)

# ---------------------------------------------------------------------------------------------- data
read_back <- function(file, factors) {
  d <- read.csv(file, stringsAsFactors = TRUE, na.strings = "")
  # Grouping columns are factors even where the labels are digits (sleepstudy's Subject): levels sorted as text.
  for (f in factors) d[[f]] <- factor(as.character(d[[f]]))
  d
}
write_data <- function(d, file) write.csv(d, file, row.names = FALSE, quote = FALSE, na = "")

write_data(sleepstudy, "sleepstudy.csv")
write_data(Dyestuff, "dyestuff.csv")
write_data(Penicillin, "penicillin.csv")
write_data(Pastes, "pastes.csv")

# Clients (one row per client): 8 sites x 5 therapists (ids unique across sites), 8-22 clients each, 12 raters
# crossed with therapists; a therapist effect, a site effect, a rater effect; the therapist's mean alliance and the
# client's deviation from it predict outcome differently (Baldwin, Wampold & Imel 2007). Some cells missing.
set.seed(20261205)
n_ther <- 40
sizes <- sample(8:22, n_ther, replace = TRUE)
therapist <- rep(sprintf("T%02d", seq_len(n_ther)), sizes)
site_of <- setNames(sprintf("S%d", rep(1:8, each = 5)), sprintf("T%02d", seq_len(n_ther)))
n <- length(therapist)
raters <- sprintf("R%02d", 1:12)
rater <- sample(raters, n, replace = TRUE)
u_ther <- setNames(rnorm(n_ther, 0, 1.5), names(site_of))
u_site <- setNames(rnorm(8, 0, 1.0), sprintf("S%d", 1:8))
u_rater <- setNames(rnorm(12, 0, 1.0), raters)
wai_ther <- setNames(rnorm(n_ther, 0, 4), names(site_of))
arm <- sample(c("f2f", "tele"), n, replace = TRUE)
wai <- round(60 + wai_ther[therapist] + rnorm(n, 0, 8), 1)
phq_pre <- pmin(27, pmax(5, round(rnorm(n, 16, 4))))
phq_post <- 9 + 0.5 * (phq_pre - 16) - 0.25 * wai_ther[therapist] - 0.05 * (wai - 60 - wai_ther[therapist]) +
  0.8 * (arm == "tele") + u_ther[therapist] + u_site[site_of[therapist]] + u_rater[rater] + rnorm(n, 0, 4)
phq_post <- pmin(27, pmax(0, round(phq_post)))
phq_post[sample(n, round(0.04 * n))] <- NA
wai[sample(n, round(0.02 * n))] <- NA
clients <- data.frame(client = sprintf("C%04d", seq_len(n)), therapist, site = unname(site_of[therapist]),
                      rater, arm, wai = unname(wai), phq_pre, phq_post = unname(phq_post))
write_data(clients, "alliance_clients.csv")

# Sessions (long data): 25 therapists x 6 clients, sessions 0-7 with dropout (4-8 sessions), correlated random
# intercept and slope per client, a therapist intercept, a session-by-arm interaction, session-level alliance.
set.seed(20261206)
n_ther <- 25; per <- 6
cl_ther <- rep(sprintf("T%02d", seq_len(n_ther)), each = per)
n_cl <- length(cl_ther)
cl_id <- sprintf("C%03d", seq_len(n_cl))
cl_arm <- sample(c("f2f", "tele"), n_cl, replace = TRUE)
cl_site <- sprintf("S%d", (as.integer(substr(cl_ther, 2, 3)) - 1) %/% 5 + 1)
L <- chol(matrix(c(9, -0.4 * 3 * 0.5, -0.4 * 3 * 0.5, 0.25), 2))
b <- matrix(rnorm(2 * n_cl), n_cl) %*% L
u_t <- setNames(rnorm(n_ther, 0, 1.5), sprintf("T%02d", seq_len(n_ther)))
n_sess <- sample(4:8, n_cl, replace = TRUE)
rows <- rep(seq_len(n_cl), n_sess)
session <- unlist(lapply(n_sess, function(k) 0:(k - 1)))
wai_cl <- rnorm(n_cl, 0, 6)
s_wai <- round(55 + wai_cl[rows] + 0.8 * session + rnorm(length(rows), 0, 4), 1)
s_phq <- 18 + b[rows, 1] + u_t[cl_ther[rows]] + (-0.9 + b[rows, 2] - 0.3 * (cl_arm[rows] == "tele")) * session -
  0.08 * (s_wai - 55 - wai_cl[rows]) + rnorm(length(rows), 0, 2)
sessions <- data.frame(client = cl_id[rows], therapist = cl_ther[rows], site = cl_site[rows], arm = cl_arm[rows],
                       session, wai = s_wai, phq = pmin(27, pmax(0, round(unname(s_phq), 1))))
write_data(sessions, "alliance_sessions.csv")

# No therapist effect at all: the first seed from 20261207 at which lme4's REML fit is singular (isSingular).
for (seed in 20261207 + 0:99) {
  set.seed(seed)
  th <- rep(sprintf("T%02d", 1:30), each = 8)
  w <- round(rnorm(240, 60, 9), 1)
  null <- data.frame(client = sprintf("C%03d", 1:240), therapist = th, wai = w,
                     phq_post = round(10 - 0.1 * (w - 60) + rnorm(240, 0, 4), 1))
  write_data(null, "alliance_singular.csv")
  chk <- lmer(phq_post ~ wai + (1 | therapist), read_back("alliance_singular.csv", "therapist"))
  if (isSingular(chk)) break
}
singular_seed <- seed

sets <- list(
  sleepstudy.csv = read_back("sleepstudy.csv", "Subject"),
  dyestuff.csv = read_back("dyestuff.csv", "Batch"),
  penicillin.csv = read_back("penicillin.csv", c("plate", "sample")),
  pastes.csv = read_back("pastes.csv", c("batch", "cask", "sample")),
  alliance_clients.csv = read_back("alliance_clients.csv", c("client", "therapist", "site", "rater", "arm")),
  alliance_sessions.csv = read_back("alliance_sessions.csv", c("client", "therapist", "site", "arm")),
  alliance_singular.csv = read_back("alliance_singular.csv", c("client", "therapist")))

# between(wai, therapist) and within(wai, therapist) for R: the therapist mean of wai over the rows the model
# uses (complete on phq_post, wai, therapist), and wai minus it.
bw <- sets$alliance_clients.csv
used <- complete.cases(bw[, c("phq_post", "wai", "therapist")])
bw <- bw[used, ]
bw$wai_between <- ave(bw$wai, bw$therapist)
bw$wai_within <- bw$wai - bw$wai_between

# ---------------------------------------------------------------------------------------------- fitting
# nloptr's own default xtol_rel = 1e-4 would stop BOBYQA before the absolute tolerances do: it is set to 0.
tight_opts <- list(ftol_abs = 1e-12, xtol_abs = 1e-12, xtol_rel = 0, maxeval = 1e5)
tight <- lmerControl(optimizer = "nloptwrap", optCtrl = tight_opts)
# Rebuilds the merMod at a given theta without moving it: lme4 evaluates devfun(theta) once and builds the fit.
at_theta <- function(fn, par, lower, upper, control, ...) list(par = par, fval = fn(par), conv = 0, message = "polished")
fixed_ctl <- lmerControl(optimizer = at_theta, calc.derivs = FALSE, check.conv.singular = "ignore")

lmer_call <- function(formula, data, reml, control, start = NULL) {
  args <- list(formula = as.formula(formula), data = data, REML = reml, control = control)
  if (!is.null(start)) args$start <- list(theta = start)
  do.call("lmer", args)   # the data frame travels inside the call, so update() (lmerTest, anova) finds it
}

# Newton steps on lme4's own deviance function over the interior theta; theta at its bound (0 for diagonal
# entries) stays there. Derivatives by numDeriv (Richardson) with an absolute step of 1e-2 (the gradient agrees
# to 3 digits for steps 1e-3 to 3e-2). Near the optimum the objective is flat to rounding, so a step that leaves
# it unchanged within 8 ulps is also taken when it shrinks the gradient.
polish <- function(devfun, theta, lower) {
  near <- lower == 0 & theta < 1e-6
  if (any(near)) {
    t0 <- theta; t0[near] <- 0
    if (devfun(t0) <= devfun(theta) + 8 * .Machine$double.eps * abs(devfun(theta))) theta <- t0
  }
  free <- !(lower == 0 & theta == 0)
  f <- devfun(theta); steps <- 0L
  if (!any(free)) return(list(theta = theta, objective = f, gmax = 0, steps = 0L))
  gradient <- function(at) {
    fu <- function(u) { t <- at; t[free] <- at[free] + (u - 1); devfun(t) }
    list(g = grad(fu, rep(1, sum(free)), method.args = list(d = 1e-2, r = 4)),
         H = function() hessian(fu, rep(1, sum(free)), method.args = list(d = 1e-2, r = 4)))
  }
  gr <- gradient(theta)
  for (it in 1:30) {
    gmax <- max(abs(gr$g))
    if (gmax < 1e-9) break
    step <- tryCatch(-solve(gr$H(), gr$g), error = function(e) -gr$g)
    if (sum(step * gr$g) >= 0) step <- -gr$g
    accepted <- NULL
    for (k in 0:30) {
      cand <- theta; cand[free] <- theta[free] + step / 2^k
      if (any(cand < lower)) next
      fc <- devfun(cand)
      if (fc < f) { accepted <- list(theta = cand, f = fc, gr = gradient(cand)); break }
      if (fc <= f + 8 * .Machine$double.eps * abs(f)) {
        gc <- gradient(cand)
        if (max(abs(gc$g)) < gmax) { accepted <- list(theta = cand, f = fc, gr = gc); break }
      }
    }
    if (is.null(accepted)) break
    theta <- accepted$theta; f <- accepted$f; gr <- accepted$gr; steps <- steps + 1L
  }
  # A diagonal entry that Newton drove to within 1e-6 of its bound goes to the bound when the objective there is
  # no worse (lme4's deviance is even in a lone diagonal theta, so the gradient vanishes at 0 too).
  near <- lower == 0 & theta < 1e-6 & theta != 0
  if (any(near)) {
    t0 <- theta; t0[near] <- 0
    if (devfun(t0) <= f + 8 * .Machine$double.eps * abs(f)) theta <- t0
  }
  list(theta = theta, objective = devfun(theta), gmax = max(abs(gr$g)), steps = steps)
}

fit_polished <- function(formula, data, reml) {
  default <- lmer_call(formula, data, reml, lmerControl())
  bob <- lmer_call(formula, data, reml, tight)
  devfun <- update(bob, devFunOnly = TRUE)
  p <- polish(devfun, getME(bob, "theta"), getME(bob, "lower"))
  fit <- lmer_call(formula, data, reml, fixed_ctl, start = p$theta)
  crit <- if (reml) REMLcrit(fit) else deviance(fit)
  stopifnot(identical(unname(getME(fit, "theta")), unname(p$theta)), crit == p$objective)
  list(fit = fit, bobyqa = bob, default = default, polish = p,
       objective_default = if (reml) REMLcrit(default) else deviance(default),
       objective_bobyqa = if (reml) REMLcrit(bob) else deviance(bob))
}

# ---------------------------------------------------------------------------------------------- JSON
# JSON numbers with 17 significant digits; arr() marks an array even of length 1.
arr <- function(x) structure(list(v = x), class = "jarr")
js <- function(x) {
  if (inherits(x, "jarr")) return(paste0("[", paste(vapply(as.list(x$v), js, ""), collapse = ","), "]"))
  if (is.list(x)) {
    if (is.null(names(x))) return(paste0("[", paste(vapply(x, js, ""), collapse = ","), "]"))
    x <- x[!vapply(x, is.null, NA)]
    return(paste0("{", paste0(vapply(names(x), function(k) as.character(toJSON(k, auto_unbox = TRUE)), ""), ":",
                              vapply(x, js, ""), collapse = ","), "}"))
  }
  stopifnot(length(x) == 1, !is.na(x))
  if (is.character(x) || is.factor(x)) return(as.character(toJSON(as.character(x), auto_unbox = TRUE)))
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.integer(x)) return(as.character(x))
  stopifnot(is.finite(x))
  sprintf("%.17g", x)
}

# R coefficient names -> alliance names: factor columns as column[level], interactions joined by ':'.
term_name <- function(rname, data, renames = character()) {
  parts <- strsplit(rname, ":", fixed = TRUE)[[1]]
  parts <- vapply(parts, function(p) {
    if (p %in% names(renames)) return(renames[[p]])
    for (f in names(data)) if (is.factor(data[[f]]) && startsWith(p, f)) {
      lev <- substring(p, nchar(f) + 1)
      if (lev %in% levels(data[[f]])) return(sprintf("%s[%s]", f, lev))
    }
    p
  }, "")
  paste(parts, collapse = ":")
}

# lme4 names the second and later terms of (x || g) "g.1", "g.2", ...; alliance reports the grouping factor.
group_name <- function(grp, fit) {
  fl <- names(getME(fit, "flist"))
  ifelse(grp %in% fl, grp, sub("\\.[0-9]+$", "", grp))
}

# Selects at most `cap` rows of ranef per fit, levels evenly spaced through each factor's levels.
ranef_rows <- function(fit, cap = 60) {
  re <- as.data.frame(ranef(fit, condVar = TRUE))
  groups <- unique(as.character(re$grpvar))
  allow <- floor(cap / length(groups))
  out <- list()
  for (g in groups) {
    r <- re[re$grpvar == g, ]
    levs <- levels(droplevels(r$grp))
    nterm <- length(unique(r$term))
    m <- min(length(levs), max(1, floor(allow / nterm)))
    keep <- levs[unique(round(seq(1, length(levs), length.out = m)))]
    r <- r[r$grp %in% keep, ]
    for (i in seq_len(nrow(r)))
      out[[length(out) + 1]] <- list(group = group_name(as.character(r$grpvar[i]), fit), level = as.character(r$grp[i]),
                                     term = as.character(r$term[i]), estimate = r$condval[i], cond_sd = r$condsd[i])
  }
  out
}

random_effects <- function(fit) {
  vc <- as.data.frame(VarCorr(fit))
  out <- list()
  for (i in seq_len(nrow(vc))) {
    if (vc$grp[i] == "Residual") {
      out[[length(out) + 1]] <- list(group = "Residual", variance = vc$vcov[i], std_dev = vc$sdcor[i])
    } else if (is.na(vc$var2[i])) {
      out[[length(out) + 1]] <- list(group = group_name(vc$grp[i], fit), term = vc$var1[i],
                                     variance = vc$vcov[i], std_dev = vc$sdcor[i])
    } else {
      out[[length(out) + 1]] <- list(group = group_name(vc$grp[i], fit), terms = arr(c(vc$var1[i], vc$var2[i])),
                                     correlation = vc$sdcor[i])
    }
  }
  out
}

# ICC of random-intercept-only models: each group's variance over the sum of all variances and the residual.
icc <- function(fit) {
  vc <- as.data.frame(VarCorr(fit))
  if (any(!is.na(vc$var1) & vc$var1 != "(Intercept)")) return(NULL)
  total <- sum(vc$vcov)
  g <- vc[vc$grp != "Residual", ]
  lapply(seq_len(nrow(g)), function(i) list(group = group_name(g$grp[i], fit), estimate = g$vcov[i] / total))
}

# nloptwrap at the tight tolerances (profile.merMod copies only one control entry, so they are fixed here).
profile_optimizer <- function(par, fn, lower, upper, control = list(), ...)
  nloptwrap(par, fn, lower, upper, control = tight_opts)

# lme4's profile intervals (spline-interpolated). For a REML fit lme4 profiles the ML deviance (devfun2 calls
# refitML, with bobyqa at its default control); we profile the polished ML fit of the same model, which is that
# computation with the ML optimum converged. conf_low_exact / conf_high_exact solve the same profile exactly:
# lme4:::devfun2 (the ML deviance in sd/cor/sigma, fixed effects profiled out), the other parameters minimised
# by tight BOBYQA, uniroot for the crossing of qnorm(0.975)^2 near lme4's value.
profile_cache <- list()
profile_ci <- function(ml_name, ml_fit) {
  if (!is.null(profile_cache[[ml_name]])) return(profile_cache[[ml_name]])
  pr <- profile(ml_fit, which = "theta_", signames = FALSE, optimizer = profile_optimizer)
  ci <- confint(pr, level = 0.95)
  dd <- lme4:::devfun2(ml_fit, useSc = TRUE, signames = FALSE)
  base <- attr(dd, "basedev")
  np <- length(attr(dd, "optimum")) - length(fixef(ml_fit))
  par0 <- attr(dd, "optimum")[seq_len(np)]
  nms <- names(par0)
  lo <- ifelse(startsWith(nms, "cor_"), -1, 0); hi <- ifelse(startsWith(nms, "cor_"), 1, Inf)
  prof <- function(j, v) {
    others <- setdiff(seq_len(np), j)
    fn <- function(x) { p <- par0; p[j] <- v; p[others] <- x; dd(p) }
    nloptwrap(par0[others], fn, lo[others], hi[others], control = tight_opts)$fval - base
  }
  exact <- function(j, x) {
    w <- 0.05 * abs(x) + 1e-3
    ends <- pmin(pmax(c(x - w, x + w), lo[j] + 1e-9), hi[j] - 1e-9)
    uniroot(function(v) prof(j, v) - qnorm(0.975)^2, ends, tol = 1e-13)$root
  }
  rows <- lapply(rownames(ci), function(r) {
    j <- match(r, nms)
    stopifnot(!is.na(j))
    list(parameter = r, conf_low = ci[r, 1], conf_high = ci[r, 2],
         conf_low_exact = exact(j, ci[r, 1]), conf_high_exact = exact(j, ci[r, 2]))
  })
  rel <- unlist(lapply(rows, function(r) abs(c(r$conf_low - r$conf_low_exact, r$conf_high - r$conf_high_exact)) /
                                          abs(c(r$conf_low_exact, r$conf_high_exact))))
  cat(sprintf("profile %s: lme4's spline vs exact, largest relative difference %.2g\n", ml_name, max(rel)))
  profile_cache[[ml_name]] <<- rows
  rows
}

cr2 <- function(fit, cluster, data) {
  ct <- coef_test(fit, vcov = "CR2", cluster = getME(fit, "flist")[[cluster]], test = "Satterthwaite")
  lapply(seq_len(nrow(ct)), function(i)
    list(term = term_name(ct$Coef[i], data), std_error = ct$SE[i], df = ct$df_Satt[i]))
}

objective_points <- function(bob, theta, lower) {
  devfun <- update(bob, devFunOnly = TRUE)
  alt <- rep(c(0.1, -0.1), length.out = length(theta))
  pts <- list(pmax(lower, theta * 0.5 + 0.02), theta * 1.5 + 0.05, pmax(lower, theta + alt))
  lapply(pts, function(t) list(theta = arr(unname(t)), objective = devfun(t)))
}

fits <- list(); models <- list(); polish_log <- list()
add_fit <- function(name, data_file, formula, reml, r_formula = formula, r_data = sets[[data_file]],
                    renames = character(), profile_from = NULL, cr2_cluster = NULL) {
  t0 <- proc.time()[["elapsed"]]
  pf <- fit_polished(r_formula, r_data, reml)
  fit <- pf$fit
  lt <- as_lmerModLmerTest(fit)
  sat <- summary(lt)$coefficients
  kr <- if (reml) summary(lt, ddf = "Kenward-Roger")$coefficients else NULL
  coefs <- lapply(seq_len(nrow(sat)), function(i) {
    c(list(term = term_name(rownames(sat)[i], r_data, renames), estimate = sat[i, "Estimate"],
           std_error = sat[i, "Std. Error"], df = sat[i, "df"], statistic = sat[i, "t value"],
           p_value = sat[i, "Pr(>|t|)"]),
      if (reml) list(kr_df = kr[i, "df"], kr_std_error = kr[i, "Std. Error"], kr_p_value = kr[i, "Pr(>|t|)"]))
  })
  ll <- logLik(fit)
  th <- getME(fit, "theta")
  entry <- list(
    name = name, data = data_file, formula = formula, r_formula = r_formula, reml = reml, n = nobs(fit),
    theta = arr(unname(th)), theta_names = arr(names(th)),
    objective = pf$polish$objective, objective_default = pf$objective_default,
    objective_points = objective_points(pf$bobyqa, unname(th), getME(fit, "lower")),
    sigma = sigma(fit), log_likelihood = as.numeric(ll), aic = AIC(fit), bic = BIC(fit),
    npar = as.integer(attr(ll, "df")), singular = isSingular(fit),
    coefficients = coefs, random_effects = random_effects(fit), icc = icc(fit), ranef = ranef_rows(fit))
  if (!is.null(profile_from))
    entry$profile_ci <- profile_ci(profile_from, if (profile_from == name) fit else models[[profile_from]])
  if (!is.null(cr2_cluster)) { entry$cr2_cluster <- cr2_cluster; entry$cr2 <- cr2(fit, cr2_cluster, r_data) }
  fits[[length(fits) + 1]] <<- entry
  models[[name]] <<- fit
  polish_log[[name]] <<- data.frame(fit = name, default = pf$objective_default, bobyqa = pf$objective_bobyqa,
                                    polished = pf$polish$objective, newton_steps = pf$polish$steps,
                                    grad_max = pf$polish$gmax, seconds = proc.time()[["elapsed"]] - t0)
  cat(sprintf("%-24s obj %.17g  default-polished %.3g  bobyqa-polished %.3g  |g| %.2g  %.1fs\n", name,
              pf$polish$objective, pf$objective_default - pf$polish$objective,
              pf$objective_bobyqa - pf$polish$objective, pf$polish$gmax, proc.time()[["elapsed"]] - t0))
}

# lme4's data sets, each by ML and REML. ML fits first so the REML fits can take their profile from them.
add_fit("sleepstudy_ml", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", FALSE, profile_from = "sleepstudy_ml")
add_fit("sleepstudy_reml", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)", TRUE,
        profile_from = "sleepstudy_ml", cr2_cluster = "Subject")
add_fit("sleepstudy_uncorr_ml", "sleepstudy.csv", "Reaction ~ Days + (Days || Subject)", FALSE)
add_fit("sleepstudy_uncorr_reml", "sleepstudy.csv", "Reaction ~ Days + (Days || Subject)", TRUE)
add_fit("dyestuff_ml", "dyestuff.csv", "Yield ~ 1 + (1 | Batch)", FALSE, profile_from = "dyestuff_ml")
add_fit("dyestuff_reml", "dyestuff.csv", "Yield ~ 1 + (1 | Batch)", TRUE, profile_from = "dyestuff_ml")
add_fit("penicillin_ml", "penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)", FALSE)
add_fit("penicillin_reml", "penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)", TRUE,
        profile_from = "penicillin_ml")
add_fit("pastes_ml", "pastes.csv", "strength ~ 1 + (1 | batch/cask)", FALSE)
add_fit("pastes_reml", "pastes.csv", "strength ~ 1 + (1 | batch/cask)", TRUE)

if (Sys.getenv("LMM_STAGE") != "lme4") {
  cl <- "alliance_clients.csv"; se <- "alliance_sessions.csv"
  f_ri <- "phq_post ~ wai + phq_pre + arm + (1 | therapist)"
  add_fit("ri_ml", cl, f_ri, FALSE, profile_from = "ri_ml")
  add_fit("ri_reml", cl, f_ri, TRUE, profile_from = "ri_ml", cr2_cluster = "therapist")
  add_fit("ri_wai_ml", cl, "phq_post ~ wai + phq_pre + (1 | therapist)", FALSE)
  f_sl <- "phq ~ session * arm + (session | client)"
  add_fit("slope_ml", se, f_sl, FALSE)
  add_fit("slope_reml", se, f_sl, TRUE)
  f_su <- "phq ~ session * arm + (session || client)"
  add_fit("slope_uncorr_ml", se, f_su, FALSE)
  add_fit("slope_uncorr_reml", se, f_su, TRUE)
  f_ne <- "phq_post ~ wai + phq_pre + (1 | site/therapist)"
  add_fit("nested_ml", cl, f_ne, FALSE)
  add_fit("nested_reml", cl, f_ne, TRUE, cr2_cluster = "site")
  f_cr <- "phq_post ~ wai + phq_pre + (1 | therapist) + (1 | rater)"
  add_fit("crossed_ml", cl, f_cr, FALSE)
  add_fit("crossed_reml", cl, f_cr, TRUE)
  f_3l <- "phq ~ session + wai + (1 | therapist) + (session | client)"
  add_fit("three_level_ml", se, f_3l, FALSE)
  add_fit("three_level_reml", se, f_3l, TRUE, profile_from = "three_level_ml", cr2_cluster = "therapist")
  f_bw <- "phq_post ~ between(wai, therapist) + within(wai, therapist) + (1 | therapist)"
  r_bw <- "phq_post ~ wai_between + wai_within + (1 | therapist)"
  ren <- c(wai_between = "between(wai, therapist)", wai_within = "within(wai, therapist)")
  add_fit("between_within_ml", cl, f_bw, FALSE, r_formula = r_bw, r_data = bw, renames = ren)
  add_fit("between_within_reml", cl, f_bw, TRUE, r_formula = r_bw, r_data = bw, renames = ren)
  f_si <- "phq_post ~ wai + (1 | therapist)"
  add_fit("singular_ml", "alliance_singular.csv", f_si, FALSE)
  add_fit("singular_reml", "alliance_singular.csv", f_si, TRUE)
  f_ni <- "phq ~ session + (0 + session | client)"
  add_fit("no_intercept_ml", se, f_ni, FALSE)
  add_fit("no_intercept_reml", se, f_ni, TRUE)
}

# ---------------------------------------------------------------------------------------------- comparisons
# anova(a, b) on the polished ML fits; for a REML pair these are the ML refits anova(refit = TRUE) makes (lme4
# refits with its default control, so its own numbers stop short; the log prints the gap).
comparisons <- list()
compare <- function(a, b, ml_a = a, ml_b = b) {
  refit <- isREML(models[[a]])
  av <- anova(models[[ml_a]], models[[ml_b]], refit = FALSE)
  if (refit) {
    lit <- suppressMessages(anova(models[[a]], models[[b]], refit = TRUE))
    cat(sprintf("anova(%s, %s, refit = TRUE) as lme4 computes it: chisq %.17g vs polished %.17g\n", a, b,
                lit$Chisq[2], av$Chisq[2]))
  }
  nm <- c(a, b)[order(c(attr(logLik(models[[ml_a]]), "df"), attr(logLik(models[[ml_b]]), "df")))]
  comparisons[[length(comparisons) + 1]] <<- list(
    a = a, b = b, refit_ml = refit, statistic = av$Chisq[2], df = as.integer(av$Df[2]), p_value = av[["Pr(>Chisq)"]][2],
    models = lapply(1:2, function(i) list(name = nm[i], npar = as.integer(av$npar[i]), aic = av$AIC[i],
                                          bic = av$BIC[i], log_likelihood = av$logLik[i], deviance = av$deviance[i])))
}
compare("sleepstudy_uncorr_ml", "sleepstudy_ml")
if (Sys.getenv("LMM_STAGE") != "lme4") {
  compare("slope_uncorr_reml", "slope_reml", "slope_uncorr_ml", "slope_ml")
  compare("ri_wai_ml", "ri_ml")
  compare("ri_wai_ml", "nested_ml")
}

out <- list(r_version = paste(R.version$major, R.version$minor, sep = "."),
            lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
            pbkrtest = as.character(packageVersion("pbkrtest")),
            clubSandwich = as.character(packageVersion("clubSandwich")),
            singular_seed = singular_seed, fits = fits, comparisons = comparisons)
txt <- prettify(js(out), indent = 1)
writeLines(txt, "lmm_reference.json")
back <- fromJSON("lmm_reference.json", simplifyVector = FALSE)
stopifnot(identical(back$fits[[1]]$objective, fits[[1]]$objective), identical(back$fits[[1]]$sigma, fits[[1]]$sigma))
print(do.call(rbind, polish_log), digits = 17, row.names = FALSE)
cat(sprintf("R %s, lme4 %s: %d fits, %d comparisons\n", getRversion(), packageVersion("lme4"), length(fits),
            length(comparisons)))
