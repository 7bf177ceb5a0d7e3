# Reference values for OptimizationTests, made once with R and committed with this script.
#   Rscript make_optimization.R > optimization.csv
# R 4.2.2, lme4 1.1-31, nloptr 2.0.3 linked to Debian's libnlopt 2.7.1 (the library alliance uses).
# Output rows: case,field,value (17 significant digits).
suppressPackageStartupMessages({ library(nloptr); library(lme4) })
cat("case,field,value\n")
put <- function(case, field, value) cat(sprintf("%s,%s,%.17g\n", case, field, value))

# Brent's zeroin (uniroot) and fmin (optimize), at R's default tolerance and at alliance's defaults.
roots <- list(
  cosx = list(f = function(x) cos(x) - x, lower = 0, upper = 1),
  cubic = list(f = function(x) x^3 - 2 * x - 5, lower = 2, upper = 3),
  expx = list(f = function(x) exp(-x) - x, lower = 0, upper = 1))
tols <- list(default = .Machine$double.eps^0.25, tight = 1e-12)
for (name in names(roots)) for (tn in names(tols)) {
  r <- roots[[name]]
  u <- uniroot(r$f, lower = r$lower, upper = r$upper, tol = tols[[tn]], maxiter = 1000)
  case <- paste0("uniroot_", name, "_", tn)
  put(case, "root", u$root); put(case, "f_root", u$f.root)
  put(case, "iter", u$iter); put(case, "estim_prec", u$estim.prec)
}
minima <- list(
  quartic = list(f = function(x) x^4 - 3 * x^3 + 2, lower = 0, upper = 5),
  sine = list(f = function(x) sin(x), lower = 0, upper = 2 * pi),
  shifted = list(f = function(x) (x - 1/3)^2 + exp(x) / 10, lower = -1, upper = 2))
tols <- list(default = .Machine$double.eps^0.25, tight = 1e-10)
for (name in names(minima)) for (tn in names(tols)) {
  m <- minima[[name]]
  o <- optimize(m$f, lower = m$lower, upper = m$upper, tol = tols[[tn]])
  case <- paste0("optimize_", name, "_", tn)
  put(case, "minimum", o$minimum); put(case, "objective", o$objective)
}

# NLopt through nloptr: lme4's nloptwrap (lmer's default optimiser) with its defaults, and NEWUOA.
rosenbrock <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
quadratic <- function(x) (x[1] - 3)^2 + 2 * (x[2] - 1)^2 + x[1] * x[2]   # minimum on the bound x1 = 2
nl <- function(case, res) {
  put(case, "par1", res$solution[1]); put(case, "par2", res$solution[2])
  put(case, "fval", res$objective); put(case, "feval", res$iterations); put(case, "status", res$status)
}
lme4opts <- environment(lme4::nloptwrap)$defaultControl  # BOBYQA, xtol_abs 1e-8, ftol_abs 1e-8, maxeval 1e5
nl("lme4_bobyqa_rosenbrock", nloptr(c(-1.2, 1), rosenbrock, lb = c(-Inf, -Inf), ub = c(Inf, Inf), opts = lme4opts))
nl("lme4_bobyqa_quadratic", nloptr(c(1, 1), quadratic, lb = c(0, 0), ub = c(2, 5), opts = lme4opts))
newuoa <- modifyList(lme4opts, list(algorithm = "NLOPT_LN_NEWUOA"))
nl("lme4_newuoa_rosenbrock", nloptr(c(-1.2, 1), rosenbrock, opts = newuoa))
newuoab <- modifyList(lme4opts, list(algorithm = "NLOPT_LN_NEWUOA_BOUND"))
nl("lme4_newuoabound_quadratic", nloptr(c(1, 1), quadratic, lb = c(0, 0), ub = c(2, 5), opts = newuoab))
mm <- list(algorithm = "NLOPT_LN_BOBYQA", ftol_rel = 1e-12, ftol_abs = 1e-8, xtol_rel = 0, xtol_abs = 1e-10,
           maxeval = 1e6)  # MixedModels.jl's OptSummary tolerances (its maxfeval = -1: no limit)
nl("mixedmodels_bobyqa_rosenbrock", nloptr(c(-1.2, 1), rosenbrock, lb = c(-Inf, -Inf), ub = c(Inf, Inf), opts = mm))
nl("maxeval10_bobyqa_rosenbrock", nloptr(c(-1.2, 1), rosenbrock, lb = c(-Inf, -Inf), ub = c(Inf, Inf),
                                         opts = modifyList(lme4opts, list(maxeval = 10))))
