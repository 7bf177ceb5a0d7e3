# Reference fixtures for generalized linear mixed models (issue 13): lme4's glmer, polished.
# Run once from this folder: Rscript make_glmm_fixtures.R  (writes the CSVs and glmm_reference.json).
# Each fit: glmer at tight control (bobyqa, rhoend 1e-12, maxfun 1e5, tolPwrss 1e-12), then Newton steps on glmer's own
# stage-2 deviance function (devFunOnly = TRUE, numDeriv grad/hessian) until the step is below 1e-10, so the numbers
# are the optimum of glmer's objective, not where its optimizer stopped. Numbers are written with sprintf("%.17g").
suppressPackageStartupMessages({ library(lme4); library(numDeriv) })
shared <- "../../../AllianceTestSupport/Fixtures/glmm"  # CSVs more than one test target reads

num <- function(x) if (length(x) == 1 && is.na(x)) "null" else sprintf("%.17g", x)
arr <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
str_ <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
strs <- function(s) paste0("[", paste(vapply(s, str_, ""), collapse = ", "), "]")

## Data
data(cbpp, package = "lme4")
write.csv(cbpp, file.path(shared, "cbpp.csv"), row.names = FALSE)  # kept once, shared with CommandsTests
data(grouseticks, package = "lme4")
write.csv(grouseticks[, c("INDEX", "TICKS", "BROOD", "HEIGHT", "YEAR", "LOCATION", "cHEIGHT")], "grouseticks.csv", row.names = FALSE)

set.seed(20261206)
K <- 80
nper <- sample(10:20, K, replace = TRUE)
tid <- rep(seq_len(K), nper)
n <- length(tid)
therapist <- sprintf("T%02d", tid)
wai <- round(pmin(7, pmax(1, rnorm(n, 5, 1))), 2)
wai_c <- round(wai - mean(wai), 6)
arm <- ifelse(runif(n) < 0.5, "f2f", "tele")
female <- rbinom(n, 1, 0.6)
u0 <- rnorm(K, 0, 0.8); u1 <- rnorm(K, 0, 0.9); v0 <- rnorm(K, 0, 0.3); v1 <- rnorm(K, 0, 0.1)
dropout <- rbinom(n, 1, plogis(-1 + 0.3 * (arm == "tele") + u0[tid] + (-0.6 + u1[tid]) * wai_c))
sessions <- rpois(n, exp(log(8) + 0.1 * (arm == "tele") + v0[tid] + (0.15 + v1[tid]) * wai_c))
offered <- rep(12L, n)
attended <- rbinom(n, offered, plogis(1 + 0.4 * wai_c + rnorm(K, 0, 0.5)[tid]))
exposure <- pmax(1L, sessions)
homework <- rpois(n, exposure * exp(-0.7 + 0.2 * wai_c + rnorm(K, 0, 0.4)[tid]))
dropout_null <- rbinom(n, 1, plogis(-0.5 - 0.3 * wai_c))
client <- sprintf("C%04d", seq_len(n))
sim <- data.frame(client, therapist, wai, wai_c, arm, female, dropout, sessions, offered, attended, exposure, homework, dropout_null)
sim$wai_c[c(7, 101, 333, 512)] <- NA
write.csv(sim, "glmm_clients.csv", row.names = FALSE, na = "")

## Fits
read <- function(file) {
  if (!file.exists(file)) file <- file.path(shared, file)  # data sets shared with CommandsTests
  d <- read.csv(file, stringsAsFactors = FALSE)
  for (g in c("herd", "period", "BROOD", "LOCATION", "YEAR", "therapist", "arm")) if (g %in% names(d)) d[[g]] <- factor(as.character(d[[g]]), levels = sort(unique(as.character(d[[g]]))))
  d
}

polish <- function(devfun, par, lower) {
  val <- devfun(par)
  steps <- 0; last <- NA
  for (k in 1:10) {
    free <- which(!(is.finite(lower) & par <= lower))
    f <- function(x) { p <- par; p[free] <- x; devfun(p) }
    g <- grad(f, par[free]); H <- hessian(f, par[free])
    step <- solve(H, g)
    s <- 1; ok <- FALSE
    while (s > 1e-4) {
      trial <- par; trial[free] <- par[free] - s * step
      if (all(trial >= lower)) { v <- devfun(trial); if (v <= val + 1e-13 * abs(val)) { ok <- TRUE; break } }
      s <- s / 2
    }
    if (!ok) break
    par <- trial; val <- v; steps <- steps + 1
    last <- max(abs(s * step))
    if (last < 1e-10) break
  }
  list(par = par, value = devfun(par), steps = steps, last = last)
}

saturated <- function(y, m, family) {
  if (family == "binomial") sum(dbinom(round(y * m), m, y, log = TRUE)) else sum(dpois(y, y, log = TRUE))
}

fit_one <- function(name, file, formula, r_formula, family, nagq = 1L) {
  d <- read(file)
  fam <- if (family == "binomial") binomial() else poisson()
  ctrl <- glmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12), tolPwrss = 1e-12)
  fit <- glmer(as.formula(r_formula), data = d, family = fam, nAGQ = nagq, control = ctrl)
  devfun1 <- update(fit, devFunOnly = TRUE)
  # glmer's deviance takes log|L|² from the factor of the last PIRLS pass, whose weights are those of the modes one
  # step before the final ones; a second pwrssUpdate from the converged modes (one pass) evaluates the Laplace/AGQ
  # deviance at the modes themselves. This removes ~1e-6 of PIRLS-tolerance noise from the objective (and its Hessian).
  devfun <- function(pars) {
    devfun1(pars)
    rho <- environment(devfun1)
    lme4:::glmerPwrssUpdate(rho$pp, rho$resp, tol = rho$tolPwrss, GQmat = rho$GQmat, compDev = TRUE, grpFac = rho$fac,
                       maxit = rho$maxit, verbose = 0L)
  }
  th <- getME(fit, "theta"); be <- fixef(fit)
  nth <- length(th)
  lower <- c(getME(fit, "lower"), rep(-Inf, length(be)))
  start <- c(th, be)
  p <- polish(devfun, start, lower)
  par <- p$par
  H <- hessian(devfun, par)
  V <- 2 * solve(H)
  beta <- par[-seq_len(nth)]; theta <- par[seq_len(nth)]
  se <- sqrt(diag(V)[-seq_len(nth)])
  devfun(par)
  rho <- environment(devfun1)
  b <- rho$pp$b(1)
  Lt <- rho$pp$Lambdat
  condvar <- diag(as.matrix(crossprod(Lt, solve(rho$pp$L(), Lt, system = "A"))))
  # Variance components from Λ at the polished θ: lme4's VarCorr layout.
  fit_theta <- fit; fit_theta@theta <- theta
  vc <- VarCorr(fit_theta)
  comps <- c()
  for (g in names(vc)) {
    m <- vc[[g]]; nm <- colnames(m)
    for (i in seq_along(nm)) comps <- c(comps, sprintf("{\"group\": %s, \"term\": %s, \"variance\": %s}", str_(sub("\\.[0-9]+$", "", g)), str_(nm[i]), num(m[i, i])))
    if (length(nm) > 1) for (j in 1:(length(nm) - 1)) for (i in (j + 1):length(nm)) if (m[i, j] != 0)
      comps <- c(comps, sprintf("{\"group\": %s, \"terms\": %s, \"correlation\": %s}", str_(g), strs(c(nm[j], nm[i])), num(m[i, j] / sqrt(m[i, i] * m[j, j]))))
  }
  y <- rho$resp$y; m <- rho$resp$weights
  sat <- saturated(y, m, family)
  loglik <- if (nagq > 1) -(p$value - 2 * sat) / 2 else -p$value / 2
  mu <- rho$resp$mu
  pearson <- sum(m * (y - mu)^2 / (if (family == "binomial") mu * (1 - mu) else mu))
  cat(sprintf("%-22s dev %.12f (glmer %.12f, %d Newton steps, last %.2g) theta %s\n", name, p$value, devfun1(start), p$steps, p$last, paste(signif(theta, 6), collapse = " ")))
  sprintf(paste0("{\"name\": %s, \"data\": %s, \"formula\": %s, \"r_formula\": %s, \"family\": %s, \"nagq\": %d, \"n\": %d,\n",
                 "  \"theta\": %s, \"beta_names\": %s, \"beta\": %s, \"std_error\": %s, \"deviance\": %s, \"deviance_glmer\": %s,\n",
                 "  \"log_likelihood\": %s, \"log_likelihood_glmer\": %s, \"saturated_log_likelihood\": %s, \"newton_steps\": %d,\n",
                 "  \"random_effects\": [%s],\n  \"ranef\": %s, \"ranef_cond_var\": %s, \"pearson_chisq\": %s}"),
          str_(name), str_(file), str_(formula), str_(r_formula), str_(family), nagq, nrow(model.frame(fit)),
          arr(theta), strs(names(be)), arr(beta), arr(se), num(p$value), num(devfun1(par)),
          num(loglik), num(as.numeric(logLik(fit))), num(sat), p$steps,
          paste(comps, collapse = ", "), arr(as.numeric(b)), arr(condvar), num(pearson))
}

fits <- list(
  fit_one("cbpp_laplace", "cbpp.csv", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 1L),
  fit_one("cbpp_agq10", "cbpp.csv", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", 10L),
  fit_one("grouse_location", "grouseticks.csv", "TICKS ~ factor(YEAR) + cHEIGHT + (1 | LOCATION)", "TICKS ~ YEAR + cHEIGHT + (1 | LOCATION)", "poisson", 1L),
  fit_one("grouse_brood_agq5", "grouseticks.csv", "TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD)", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD)", "poisson", 5L),
  fit_one("sim_ri_logit", "glmm_clients.csv", "dropout ~ wai_c + (1 | therapist)", "dropout ~ wai_c + (1 | therapist)", "binomial", 1L),
  fit_one("sim_ri_logit_cov", "glmm_clients.csv", "dropout ~ wai_c + arm + female + (1 | therapist)", "dropout ~ wai_c + arm + female + (1 | therapist)", "binomial", 1L),
  fit_one("sim_slope_logit", "glmm_clients.csv", "dropout ~ wai_c + (wai_c | therapist)", "dropout ~ wai_c + (wai_c | therapist)", "binomial", 1L),
  fit_one("sim_uncorr_logit", "glmm_clients.csv", "dropout ~ wai_c + (wai_c || therapist)", "dropout ~ wai_c + (wai_c || therapist)", "binomial", 1L),
  fit_one("sim_ri_logit_agq7", "glmm_clients.csv", "dropout ~ wai_c + (1 | therapist)", "dropout ~ wai_c + (1 | therapist)", "binomial", 7L),
  fit_one("sim_ri_poisson", "glmm_clients.csv", "sessions ~ wai_c + arm + (1 | therapist)", "sessions ~ wai_c + arm + (1 | therapist)", "poisson", 1L),
  fit_one("sim_slope_poisson", "glmm_clients.csv", "sessions ~ wai_c + (wai_c | therapist)", "sessions ~ wai_c + (wai_c | therapist)", "poisson", 1L),
  fit_one("sim_trials", "glmm_clients.csv", "cbind(attended, offered - attended) ~ wai_c + (1 | therapist)", "cbind(attended, offered - attended) ~ wai_c + (1 | therapist)", "binomial", 1L),
  fit_one("sim_offset_poisson", "glmm_clients.csv", "homework ~ wai_c + offset(log(exposure)) + (1 | therapist)", "homework ~ wai_c + offset(log(exposure)) + (1 | therapist)", "poisson", 1L),
  fit_one("sim_poisson_agq5", "glmm_clients.csv", "sessions ~ wai_c + (1 | therapist)", "sessions ~ wai_c + (1 | therapist)", "poisson", 5L),
  fit_one("sim_null_logit", "glmm_clients.csv", "dropout_null ~ wai_c + (1 | therapist)", "dropout_null ~ wai_c + (1 | therapist)", "binomial", 1L)
)
writeLines(c(sprintf("{\"r_version\": %s, \"lme4\": %s,", str_(paste(R.version$major, R.version$minor, sep = ".")), str_(as.character(packageVersion("lme4")))),
             " \"fits\": [", paste(unlist(fits), collapse = ",\n"), "]}"), "glmm_reference.json")
