# Exact profile-likelihood intervals of variance components and ICCs (issue 12 items 3-4), for
# ProfileIntervalTests.swift. Run once from this folder:  Rscript make_profile_fixtures.R   (a few minutes)
#
# lme4's confint(method = "profile") interpolates a spline through the profile; here the same profile is solved
# exactly instead: lme4's own devfun2 (the ML deviance in the sd/cor/sigma parameterisation, fixed effects
# profiled; for a REML fit lme4 refits by ML first, so the ML fit is profiled here too), each point minimised over
# the other parameters by BOBYQA at ftol_abs = xtol_abs = 1e-12 (started also at other correlations: see zeta), and each end found by uniroot(tol = 1e-11) on
# zeta(x) = sign(x - x_hat) sqrt(dev(x) - dev_min) -/+ qnorm(0.975). Ends that do not cross are lme4's bounds
# (0 for an SD, -1/1 for a correlation). The ICC of a one-factor random-intercept model is the profile of
# theta = sd/sigma in the fit's own criterion (REML or ML), mapped by theta^2 / (1 + theta^2); and a bootMer
# percentile interval of the ICC on Dyestuff (REML) for the Monte Carlo sanity check, with the order-statistic
# standard error of each end. Doubles are written with sprintf("%.17g") as strings.
suppressPackageStartupMessages({ library(lme4); library(jsonlite); library(boot) })
options(warn = 1)

read_back <- function(file, factors) {
  d <- read.csv(file, stringsAsFactors = TRUE)
  for (f in factors) d[[f]] <- factor(as.character(d[[f]]))
  d
}
sets <- list(
  dyestuff.csv = read_back("dyestuff.csv", "Batch"),
  sleepstudy.csv = read_back("sleepstudy.csv", "Subject"),
  penicillin.csv = read_back("penicillin.csv", c("plate", "sample")),
  pastes.csv = read_back("pastes.csv", c("batch", "cask", "sample")),
  profile_basin.csv = read_back("profile_basin.csv", "therapist")
)
num <- function(x) sprintf("%.17g", x)
tight <- list(xtol_abs = 1e-12, ftol_abs = 1e-12, xtol_rel = 0, ftol_rel = 0, maxeval = 1e5)
ctrl <- lmerControl(optimizer = "nloptwrap", optCtrl = tight, calc.derivs = FALSE)
minimise <- function(par, fn, lower, upper) nloptwrap(par, fn, lower, upper, control = tight)
z <- qnorm(0.975)

# devfun2's names, "sd_Days|Subject", "cor_Days.(Intercept)|Subject", "sigma", as group and terms (an
# uncorrelated term's second group carries a ".1" suffix in lme4, dropped here).
parse_name <- function(n) {
  if (n == "sigma") return(list(group = "Residual", terms = character()))
  kind <- sub("_.*", "", n)
  rest <- sub("^[a-z]+_", "", n)
  group <- sub("\\.[0-9]+$", "", sub(".*\\|", "", rest))
  terms <- sub("\\|.*", "", rest)
  terms <- if (kind == "cor") strsplit(terms, ".", fixed = TRUE)[[1]] else terms
  list(group = group, terms = I(terms))
}

# Exact ends of the profile of every sd/cor/sigma parameter of an ML fit.
exact_profile <- function(fm) {
  stopifnot(!isREML(fm))
  dd <- lme4:::devfun2(fm, useSc = TRUE, signames = FALSE)
  np <- length(getME(fm, "theta")) + 1L
  opt <- attr(dd, "optimum")[seq_len(np)]
  sig <- opt[np]
  lower <- c(pmax(fm@lower, -1), sig * 1e-6)
  upper <- c(ifelse(fm@lower == 0, Inf, 1), Inf)
  f <- function(p) { v <- dd(p); if (is.finite(v)) v else 1e300 }
  # Polish the base: the minimum over all parameters from lme4's optimum.
  all <- minimise(opt, f, lower, upper)
  base <- min(all$fval, attr(dd, "basedev"))
  ends <- function(w) {
    pw <- opt[[w]]
    is_cor <- lower[w] == -1
    start <- opt[-w]
    # The other correlations (free here) are also started at -0.9, 0 and 0.9 at every point and the lowest deviance
    # kept: along a profile the inner optimum can move to another basin (profile_basin: a correlation of -.26 at the
    # estimate, near +1 at a small intercept SD), which a search continued from the previous point never leaves.
    free_cor <- which(lower[-w] == -1)
    zeta <- function(x) {
      g <- function(y) { p <- numeric(np); p[w] <- x; p[-w] <- y; f(p) }
      r <- minimise(start, g, lower[-w], upper[-w])
      for (c0 in if (length(free_cor)) c(-0.9, 0, 0.9) else numeric()) {
        s0 <- r$par; s0[free_cor] <- c0
        r2 <- minimise(s0, g, lower[-w], upper[-w])
        if (r2$fval < r$fval - 1e-9 * max(1, abs(r$fval))) r <- r2
      }
      if (r$fval - base < -1e-8) stop("profile found a lower deviance for ", names(opt)[w])
      start <<- r$par
      sign(x - pw) * sqrt(max(r$fval - base, 0))
    }
    one <- function(side) {
      start <<- opt[-w]
      g <- function(x) zeta(x) - side * z
      if (is_cor || (side < 0 && w < np)) {
        bound <- if (is_cor) side else 0
        gb <- g(bound)
        if (side * gb <= 0) return(bound)
        start <<- opt[-w]
        return(uniroot(g, sort(c(pw, bound)), tol = 1e-11, maxiter = 500)$root)
      }
      x0 <- pw; x1 <- if (pw > 0) pw else 0.1 * sig
      repeat {
        x1 <- if (side > 0) x1 * 1.5 else x1 / 1.5
        if (side * g(x1) > 0) break
        x0 <- x1
      }
      start <<- opt[-w]
      uniroot(g, sort(c(x0, x1)), tol = 1e-11, maxiter = 500)$root
    }
    c(list(parameter = names(opt)[w]), parse_name(names(opt)[w]),
      list(estimate = num(pw), conf_low = num(one(-1)), conf_high = num(one(1))))
  }
  list(deviance = num(base), parameters = lapply(seq_len(np), ends))
}

# Exact profile interval of theta (one random intercept) in the fit's criterion, mapped to the ICC.
icc_profile <- function(formula, data, reml) {
  dev <- lmer(formula, data, REML = reml, devFunOnly = TRUE)
  fit <- lmer(formula, data, REML = reml, control = ctrl)
  th0 <- getME(fit, "theta")
  o <- optimize(dev, c(0, 3 * th0 + 1), tol = 1e-13)
  th <- o$minimum; base <- min(o$objective, dev(th0))
  g <- function(t, side) sign(t - th) * sqrt(max(dev(t) - base, 0)) - side * z
  low <- if (g(0, -1) >= 0) 0 else uniroot(g, c(0, th), side = -1, tol = 1e-13)$root
  hi <- th * 1.5
  while (g(hi, 1) < 0) hi <- hi * 1.5
  high <- uniroot(g, c(th, hi), side = 1, tol = 1e-13)$root
  icc <- function(t) t^2 / (1 + t^2)
  list(theta = num(th), criterion = num(base), theta_low = num(low), theta_high = num(high),
       estimate = num(icc(th)), conf_low = num(icc(low)), conf_high = num(icc(high)))
}

profiles <- list()
add_profile <- function(name, file, formula) {
  fm <- lmer(as.formula(formula), sets[[file]], REML = FALSE, control = ctrl)
  entry <- exact_profile(fm)
  profiles[[name]] <<- c(list(data = file, formula = formula), entry)
  cat(name, "done\n")
}
add_profile("dyestuff", "dyestuff.csv", "Yield ~ 1 + (1 | Batch)")
add_profile("sleepstudy", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)")
add_profile("sleepstudy_uncorrelated", "sleepstudy.csv", "Reaction ~ Days + (Days || Subject)")
add_profile("penicillin", "penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)")
add_profile("pastes", "pastes.csv", "strength ~ 1 + (1 | batch/cask)")
# Simulated sessions (9 therapists, one with a single row; session 20): along the intercept SD's profile the inner
# optimum moves from a correlation of -.33 to near +1, which a search continued from the previous point missed.
add_profile("profile_basin", "profile_basin.csv", "y ~ session + wai + (session | therapist)")

iccs <- list(
  dyestuff_reml = c(list(data = "dyestuff.csv", formula = "Yield ~ 1 + (1 | Batch)", reml = TRUE),
                    icc_profile(Yield ~ 1 + (1 | Batch), sets$dyestuff.csv, TRUE)),
  dyestuff_ml = c(list(data = "dyestuff.csv", formula = "Yield ~ 1 + (1 | Batch)", reml = FALSE),
                  icc_profile(Yield ~ 1 + (1 | Batch), sets$dyestuff.csv, FALSE)),
  sleepstudy_ri_reml = c(list(data = "sleepstudy.csv", formula = "Reaction ~ Days + (1 | Subject)", reml = TRUE),
                         icc_profile(Reaction ~ Days + (1 | Subject), sets$sleepstudy.csv, TRUE))
)

# bootMer percentile interval of the Dyestuff (REML) ICC, as confint(bootMer) computes it (boot.ci type "perc").
fit <- lmer(Yield ~ 1 + (1 | Batch), sets$dyestuff.csv, REML = TRUE, control = ctrl)
icc_of <- function(m) { v <- as.data.frame(VarCorr(m))$vcov; v[1] / sum(v) }
set.seed(20261205)
nsim <- 2000
bb <- bootMer(fit, icc_of, nsim = nsim)
ci <- boot.ci(bb, conf = 0.95, type = "perc")$percent[4:5]
# Monte Carlo standard error of each percentile end: half the width of the order-statistic 95% interval / 1.96.
t <- sort(bb$t[is.finite(bb$t)])
R <- length(t)
mc_se <- sapply(c(0.025, 0.975), function(p) {
  m <- ceiling(1.96 * sqrt(R * p * (1 - p)))
  k <- round((R + 1) * p)
  (t[min(R, k + m)] - t[max(1, k - m)]) / (2 * 1.96)
})
boot_entry <- list(data = "dyestuff.csv", formula = "Yield ~ 1 + (1 | Batch)", reml = TRUE, resamples = nsim,
                   estimate = num(icc_of(fit)), conf_low = num(ci[1]), conf_high = num(ci[2]),
                   mc_se_low = num(mc_se[1]), mc_se_high = num(mc_se[2]),
                   boot_mean = num(mean(t)), boot_sd = num(sd(t)))

# boot's norm.inter (the percentile interpolation of boot.ci type "perc") on fixed replicates, at 95% and 90%.
t_fixed <- (1:57) * 37 / 10
norm_inter <- list(replicates = num(t_fixed),
                   level_95 = num(boot:::norm.inter(t_fixed, c(0.025, 0.975))[, 2]),
                   level_90 = num(boot:::norm.inter(t_fixed, c(0.05, 0.95))[, 2]))

writeLines(toJSON(list(r_version = as.character(getRversion()), lme4 = as.character(packageVersion("lme4")),
                       level = 0.95, profiles = profiles, icc_profiles = iccs, icc_bootstrap = boot_entry, norm_inter = norm_inter),
                  auto_unbox = TRUE, pretty = TRUE), "profile_reference.json")
cat("wrote profile_reference.json\n")
