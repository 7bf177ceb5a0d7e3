# Reference fixtures for GLMMs with several grouping factors (nested and crossed): lme4's glmer, polished.
# Run once from this folder: Rscript make_glmm_multi_fixtures.R  (writes glmm_sessions.csv and glmm_multi_reference.json).
# As make_glmm_fixtures.R: glmer at tight control (bobyqa, rhoend 1e-12, maxfun 1e5, tolPwrss 1e-12), then Newton steps
# on glmer's own stage-2 deviance function (devFunOnly = TRUE, numDeriv grad/hessian, one more glmerPwrssUpdate pass so
# log|L|² is taken at the modes) until the step is below 1e-10. Numbers are written with sprintf("%.17g").
suppressPackageStartupMessages({ library(lme4); library(numDeriv) })
shared <- "../../../AllianceTestSupport/Fixtures/glmm"  # CSVs more than one test target reads

num <- function(x) if (length(x) == 1 && is.na(x)) "null" else sprintf("%.17g", x)
arr <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
str_ <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
strs <- function(s) paste0("[", paste(vapply(s, str_, ""), collapse = ", "), "]")

## Data: sessions of clients nested in therapists, each session rated by one of 12 raters (crossed with clients).
set.seed(20261207)
K <- 50
nclient <- sample(4:8, K, replace = TRUE)
ctid <- rep(seq_len(K), nclient)
C <- length(ctid)
nsess <- sample(4:8, C, replace = TRUE)
cid <- rep(seq_len(C), nsess)
tid <- ctid[cid]
n <- length(cid)
therapist <- sprintf("T%02d", tid)
client <- sprintf("C%04d", cid)
rid <- sample(1:12, n, replace = TRUE)
rater <- sprintf("R%02d", rid)
session <- unlist(lapply(nsess, seq_len))
wai <- round(pmin(7, pmax(1, rnorm(n, 5, 1) + rnorm(C, 0, 0.5)[cid])), 2)
wai_c <- round(wai - mean(wai), 6)
t0 <- rnorm(K, 0, 0.6); c0 <- rnorm(C, 0, 0.8)
dropped <- rbinom(n, 1, plogis(-1.5 - 0.5 * wai_c + t0[tid] + c0[cid]))
cc <- rnorm(C, 0, 0.7); r0 <- rnorm(12, 0, 0.5)
rated_low <- rbinom(n, 1, plogis(-0.5 + 0.4 * wai_c + cc[cid] + r0[rid]))
v0 <- rnorm(K, 0, 0.4); v1 <- rnorm(K, 0, 0.15); w0 <- rnorm(C, 0, 0.3)
homework <- rpois(n, exp(0.5 + 0.2 * wai_c + v0[tid] + v1[tid] * wai_c + w0[cid]))
sim <- data.frame(therapist, client, session, rater, wai, wai_c, dropped, rated_low, homework)
sim$wai_c[c(5, 250, 777)] <- NA
# Kept once, in the fixtures shared with CommandsTests (Tests/AllianceTestSupport/Fixtures/glmm).
write.csv(sim, file.path(shared, "glmm_sessions.csv"), row.names = FALSE, na = "")

## Fits
read <- function(file) {
  if (!file.exists(file)) file <- file.path(shared, file)  # data sets shared with CommandsTests
  d <- read.csv(file, stringsAsFactors = FALSE)
  for (g in c("YEAR", "BROOD", "LOCATION", "INDEX", "therapist", "client", "rater"))
    if (g %in% names(d)) d[[g]] <- factor(as.character(d[[g]]), levels = sort(unique(as.character(d[[g]]))))
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

fit_one <- function(name, file, formula, r_formula, family) {
  d <- read(file)
  fam <- if (family == "binomial") binomial() else poisson()
  ctrl <- glmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12), tolPwrss = 1e-12)
  fit <- glmer(as.formula(r_formula), data = d, family = fam, nAGQ = 1L, control = ctrl)
  devfun1 <- update(fit, devFunOnly = TRUE)
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
  b <- as.numeric(rho$pp$b(1))
  Lt <- rho$pp$Lambdat
  condvar <- diag(as.matrix(crossprod(Lt, solve(rho$pp$L(), Lt, system = "A"))))
  # The modes per factor, level and term: b is term by term (lme4's order), level-major within a term.
  gp <- getME(fit, "Gp"); cnms <- getME(fit, "cnms"); fl <- getME(fit, "flist")
  modes <- c()
  for (k in seq_along(cnms)) {
    g <- names(cnms)[k]; nc <- length(cnms[[k]]); lev <- levels(fl[[g]])
    seg <- (gp[k] + 1):gp[k + 1]
    for (j in seq_along(lev)) for (a in seq_len(nc)) {
      i <- seg[(j - 1) * nc + a]
      modes <- c(modes, sprintf("{\"group\": %s, \"level\": %s, \"term\": %s, \"estimate\": %s, \"cond_var\": %s}",
                                str_(g), str_(lev[j]), str_(cnms[[k]][a]), num(b[i]), num(condvar[i])))
    }
  }
  fit_theta <- fit; fit_theta@theta <- theta
  vc <- VarCorr(fit_theta)
  comps <- c()
  for (g in names(vc)) {
    m <- vc[[g]]; nm <- colnames(m)
    for (i in seq_along(nm)) comps <- c(comps, sprintf("{\"group\": %s, \"term\": %s, \"variance\": %s}", str_(sub("\\.[0-9]+$", "", g)), str_(nm[i]), num(m[i, i])))
    if (length(nm) > 1) for (j in 1:(length(nm) - 1)) for (i in (j + 1):length(nm)) if (m[i, j] != 0)
      comps <- c(comps, sprintf("{\"group\": %s, \"terms\": %s, \"correlation\": %s}", str_(g), strs(c(nm[j], nm[i])), num(m[i, j] / sqrt(m[i, i] * m[j, j]))))
  }
  y <- rho$resp$y; m <- rho$resp$weights; mu <- rho$resp$mu
  pearson <- sum(m * (y - mu)^2 / (if (family == "binomial") mu * (1 - mu) else mu))
  cat(sprintf("%-22s dev %.12f (glmer %.12f, %d Newton steps, last %.2g) theta %s\n", name, p$value, devfun1(start), p$steps, p$last, paste(signif(theta, 6), collapse = " ")))
  sprintf(paste0("{\"name\": %s, \"data\": %s, \"formula\": %s, \"r_formula\": %s, \"family\": %s, \"n\": %d,\n",
                 "  \"theta\": %s, \"beta_names\": %s, \"beta\": %s, \"std_error\": %s, \"deviance\": %s, \"deviance_glmer\": %s,\n",
                 "  \"log_likelihood\": %s, \"log_likelihood_glmer\": %s, \"newton_steps\": %d, \"groups\": %s, \"levels\": %s,\n",
                 "  \"random_effects\": [%s],\n  \"modes\": [%s],\n  \"pearson_chisq\": %s}"),
          str_(name), str_(file), str_(formula), str_(r_formula), str_(family), nrow(model.frame(fit)),
          arr(theta), strs(names(be)), arr(beta), arr(se), num(p$value), num(devfun1(par)),
          num(-p$value / 2), num(as.numeric(logLik(fit))), p$steps, strs(names(cnms)), arr(vapply(names(cnms), function(g) nlevels(fl[[g]]), 0)),
          paste(comps, collapse = ", "), paste(modes, collapse = ",\n   "), num(pearson))
}

fits <- list(
  fit_one("grouse_nested", "grouseticks.csv", "TICKS ~ factor(YEAR) + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "poisson"),
  fit_one("grouse_three", "grouseticks.csv", "TICKS ~ factor(YEAR) + cHEIGHT + (1 | INDEX) + (1 | BROOD) + (1 | LOCATION)", "TICKS ~ YEAR + cHEIGHT + (1 | INDEX) + (1 | BROOD) + (1 | LOCATION)", "poisson"),
  fit_one("sim_nested_logit", "glmm_sessions.csv", "dropped ~ wai_c + (1 | therapist) + (1 | client)", "dropped ~ wai_c + (1 | therapist) + (1 | client)", "binomial"),
  fit_one("sim_crossed_logit", "glmm_sessions.csv", "rated_low ~ wai_c + (1 | client) + (1 | rater)", "rated_low ~ wai_c + (1 | client) + (1 | rater)", "binomial"),
  fit_one("sim_nested_poisson_slope", "glmm_sessions.csv", "homework ~ wai_c + (wai_c | therapist) + (1 | client)", "homework ~ wai_c + (wai_c | therapist) + (1 | client)", "poisson")
)
writeLines(c(sprintf("{\"r_version\": %s, \"lme4\": %s,", str_(paste(R.version$major, R.version$minor, sep = ".")), str_(as.character(packageVersion("lme4")))),
             " \"fits\": [", paste(unlist(fits), collapse = ",\n"), "]}"), "glmm_multi_reference.json")
