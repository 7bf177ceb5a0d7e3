# Kenward-Roger reference values (issue 12 item 3) for `fit lmm --df kenward-roger`: lmerTest's
# summary(ddf = "Kenward-Roger"), i.e. pbkrtest's vcovAdj (adjusted covariance) and Lb_ddf (df of each
# single-coefficient contrast), on REML fits polished to the optimum.
# Run once from this folder:  Rscript make_kr_fixtures.R     (well under a minute)
# Writes the data CSVs (lme4's sleepstudy, Penicillin, Pastes as-is; four simulated alliance sets, set.seed) and
# kr_reference.json. Every fit uses the CSV as read back. Doubles are written with sprintf("%.17g").
# The polishing (tight BOBYQA, then Newton steps on lme4's own REML criterion) is the one in ../lmm/make_lmm_fixtures.R.
suppressPackageStartupMessages({
  library(lme4); library(lmerTest, include.only = "as_lmerModLmerTest"); library(pbkrtest)
  library(numDeriv); library(jsonlite)
})
options(warn = 1)

read_back <- function(file, factors) {
  d <- read.csv(file, stringsAsFactors = FALSE, na.strings = "")
  for (f in factors) d[[f]] <- factor(as.character(d[[f]]))
  d
}
write_data <- function(d, file) write.csv(d, file, row.names = FALSE, quote = FALSE, na = "")

write_data(sleepstudy, "sleepstudy.csv")
write_data(Penicillin, "penicillin.csv")
write_data(Pastes, "pastes.csv")

# Clients in therapists, very unbalanced (1 to 25 clients), therapist-level and client-level predictors, missing
# outcomes: the Kenward-Roger adjustment is far from zero here.
set.seed(20261212)
n_ther <- 24
sizes <- c(1, 2, 2, 3, sample(3:25, n_ther - 4, replace = TRUE))
therapist <- rep(sprintf("T%02d", seq_len(n_ther)), sizes)
n <- length(therapist)
ther_wai <- setNames(rnorm(n_ther, 0, 4), sprintf("T%02d", seq_len(n_ther)))
wai <- round(60 + ther_wai[therapist] + rnorm(n, 0, 8), 1)
phq_pre <- round(rnorm(n, 16, 4))
tele <- rbinom(n, 1, 0.4)
u <- setNames(rnorm(n_ther, 0, 1.2), names(ther_wai))
phq_post <- round(9 + 0.5 * (phq_pre - 16) - 0.1 * (wai - 60) + 0.8 * tele + u[therapist] + rnorm(n, 0, 3.5), 1)
phq_post[sample(n, 6)] <- NA
write_data(data.frame(therapist, wai = unname(wai), phq_pre, tele, phq_post = unname(phq_post)), "kr_clients.csv")

# Sessions: clients in therapists, 2 to 8 sessions (dropout), correlated client intercept and slope, therapist
# intercept, a session-by-arm interaction.
set.seed(20261213)
n_ther <- 12; per <- 5
cl_ther <- rep(sprintf("T%02d", seq_len(n_ther)), each = per)
n_cl <- length(cl_ther)
cl_tele <- rbinom(n_cl, 1, 0.5)
b <- matrix(rnorm(2 * n_cl), n_cl) %*% chol(matrix(c(6, -0.6, -0.6, 0.3), 2))
u_t <- setNames(rnorm(n_ther, 0, 1.3), sprintf("T%02d", seq_len(n_ther)))
n_sess <- sample(2:8, n_cl, replace = TRUE)
rows <- rep(seq_len(n_cl), n_sess)
session <- unlist(lapply(n_sess, function(k) 0:(k - 1)))
phq <- round(18 + b[rows, 1] + u_t[cl_ther[rows]] + (-0.8 + b[rows, 2] - 0.3 * cl_tele[rows]) * session +
               rnorm(length(rows), 0, 1.8), 1)
write_data(data.frame(client = sprintf("C%03d", rows), therapist = cl_ther[rows], tele = cl_tele[rows], session,
                      phq = unname(phq)), "kr_sessions.csv")

# Clients rated by raters crossed with therapists, unbalanced with empty cells.
set.seed(20261214)
n <- 150
therapist <- sample(sprintf("T%02d", 1:15), n, replace = TRUE, prob = rep(c(3, 2, 1), 5))
rater <- sample(sprintf("R%d", 1:6), n, replace = TRUE)
wai <- round(rnorm(n, 60, 9), 1)
u_t <- setNames(rnorm(15, 0, 1.5), sprintf("T%02d", 1:15))
u_r <- setNames(rnorm(6, 0, 1), sprintf("R%d", 1:6))
phq_post <- round(10 - 0.12 * (wai - 60) + u_t[therapist] + u_r[rater] + rnorm(n, 0, 3), 1)
write_data(data.frame(therapist, rater, wai, phq_post = unname(phq_post)), "kr_crossed.csv")

# No therapist effect: the first seed from 20261215 at which the REML fit is singular (therapist variance 0, where
# pbkrtest still adjusts for the residual variance being estimated).
for (seed in 20261215 + 0:99) {
  set.seed(seed)
  th <- rep(sprintf("T%02d", 1:20), times = sample(3:12, 20, replace = TRUE))
  w <- round(rnorm(length(th), 60, 9), 1)
  null <- data.frame(therapist = th, wai = w, phq_post = round(10 - 0.1 * (w - 60) + rnorm(length(th), 0, 4), 1))
  write_data(null, "kr_singular.csv")
  if (isSingular(lmer(phq_post ~ wai + (1 | therapist), read_back("kr_singular.csv", "therapist")))) break
}

sets <- list(
  sleepstudy.csv = read_back("sleepstudy.csv", "Subject"),
  penicillin.csv = read_back("penicillin.csv", c("plate", "sample")),
  pastes.csv = read_back("pastes.csv", c("batch", "cask", "sample")),
  kr_clients.csv = read_back("kr_clients.csv", "therapist"),
  kr_sessions.csv = read_back("kr_sessions.csv", c("client", "therapist")),
  kr_crossed.csv = read_back("kr_crossed.csv", c("therapist", "rater")),
  kr_singular.csv = read_back("kr_singular.csv", "therapist"))

# ------------------------------------------------------------------------------ polishing (as ../lmm)
tight_opts <- list(ftol_abs = 1e-12, xtol_abs = 1e-12, xtol_rel = 0, maxeval = 1e5)
tight <- lmerControl(optimizer = "nloptwrap", optCtrl = tight_opts)
at_theta <- function(fn, par, lower, upper, control, ...) list(par = par, fval = fn(par), conv = 0, message = "polished")
fixed_ctl <- lmerControl(optimizer = at_theta, calc.derivs = FALSE, check.conv.singular = "ignore")
lmer_call <- function(formula, data, control, start = NULL) {
  args <- list(formula = as.formula(formula), data = data, REML = TRUE, control = control)
  if (!is.null(start)) args$start <- list(theta = start)
  do.call("lmer", args)
}
polish <- function(devfun, theta, lower) {
  free <- !(lower == 0 & theta == 0)
  f <- devfun(theta)
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
    theta <- accepted$theta; f <- accepted$f; gr <- accepted$gr
  }
  # A diagonal entry within 1e-6 of its bound goes to the bound when the criterion there is no worse (as ../lmm).
  near <- lower == 0 & theta < 1e-6 & theta != 0
  if (any(near)) {
    t0 <- theta; t0[near] <- 0
    if (devfun(t0) <= f + 8 * .Machine$double.eps * abs(f)) theta <- t0
  }
  list(theta = theta, objective = devfun(theta), gmax = max(abs(gr$g)))
}
fit_polished <- function(formula, data) {
  bob <- lmer_call(formula, data, tight)
  p <- polish(update(bob, devFunOnly = TRUE), getME(bob, "theta"), getME(bob, "lower"))
  fit <- lmer_call(formula, data, fixed_ctl, start = p$theta)
  stopifnot(identical(unname(getME(fit, "theta")), unname(p$theta)))
  list(fit = fit, polish = p)
}

# ------------------------------------------------------------------------------ JSON
arr <- function(x) structure(list(v = x), class = "jarr")
js <- function(x) {
  if (inherits(x, "jarr")) return(paste0("[", paste(vapply(as.list(x$v), js, ""), collapse = ","), "]"))
  if (is.list(x)) {
    if (is.null(names(x))) return(paste0("[", paste(vapply(x, js, ""), collapse = ","), "]"))
    return(paste0("{", paste0(vapply(names(x), function(k) as.character(toJSON(k, auto_unbox = TRUE)), ""), ":",
                              vapply(x, js, ""), collapse = ","), "}"))
  }
  stopifnot(length(x) == 1, !is.na(x))
  if (is.character(x)) return(as.character(toJSON(x, auto_unbox = TRUE)))
  if (is.logical(x)) return(if (x) "true" else "false")
  stopifnot(is.finite(x))
  sprintf("%.17g", x)
}

# ------------------------------------------------------------------------------ fits
fits <- list()
add_fit <- function(name, data_file, formula, contrast = NULL) {
  pf <- fit_polished(formula, sets[[data_file]])
  fit <- pf$fit
  lt <- as_lmerModLmerTest(fit)
  kr <- summary(lt, ddf = "Kenward-Roger")$coefficients
  adj <- as.matrix(vcovAdj(fit))
  coefs <- lapply(seq_len(nrow(kr)), function(i)
    list(term = rownames(kr)[i], estimate = kr[i, "Estimate"], std_error = sqrt(vcov(fit)[i, i]),
         kr_std_error = kr[i, "Std. Error"], kr_df = kr[i, "df"], kr_statistic = kr[i, "t value"],
         kr_p_value = kr[i, "Pr(>|t|)"]))
  entry <- list(name = name, data = data_file, formula = formula, n = nobs(fit),
                theta = arr(unname(getME(fit, "theta"))), sigma = sigma(fit), objective = pf$polish$objective,
                gradient_max = pf$polish$gmax, coefficients = coefs,
                vcov_adjusted = arr(as.vector(adj)), vcov = arr(as.vector(as.matrix(vcov(fit)))))
  if (!is.null(contrast)) {
    # lmerTest's contest1D for a general contrast (adjusted variance and Lb_ddf).
    ct <- contest1D(lt, contrast, ddf = "Kenward-Roger")
    entry$contrast <- list(l = arr(contrast), estimate = ct$Estimate, kr_std_error = ct[["Std. Error"]],
                           kr_df = ct$df)
  }
  fits[[length(fits) + 1]] <<- entry
  cat(sprintf("%-20s n %4d  REML %.17g  |g| %.2g  df %s\n", name, nobs(fit), pf$polish$objective, pf$polish$gmax,
              paste(sprintf("%.6g", kr[, "df"]), collapse = " ")))
}
contest1D <- lmerTest::contest1D

add_fit("sleepstudy", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)")
add_fit("sleepstudy_uncorr", "sleepstudy.csv", "Reaction ~ Days + (Days || Subject)")
add_fit("penicillin", "penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)")
add_fit("pastes", "pastes.csv", "strength ~ 1 + (1 | batch/cask)")
add_fit("clients", "kr_clients.csv", "phq_post ~ wai + phq_pre + tele + (1 | therapist)", contrast = c(0, 1, -1, 0.5))
add_fit("sessions", "kr_sessions.csv", "phq ~ session * tele + (session | client) + (1 | therapist)")
add_fit("sessions_uncorr", "kr_sessions.csv", "phq ~ session * tele + (session || client)")
add_fit("crossed", "kr_crossed.csv", "phq_post ~ wai + (1 | therapist) + (1 | rater)")
add_fit("singular", "kr_singular.csv", "phq_post ~ wai + (1 | therapist)")

out <- list(r_version = paste(R.version$major, R.version$minor, sep = "."),
            lme4 = as.character(packageVersion("lme4")), lmerTest = as.character(packageVersion("lmerTest")),
            pbkrtest = as.character(packageVersion("pbkrtest")), fits = fits)
writeLines(prettify(js(out), indent = 1), "kr_reference.json")
