# Reference values for `alliance compare`: R's anova() on nested fits.
# Run once from this folder:  Rscript make_compare_fixtures.R   (writes compare_reference.json)
# Data: sleepstudy.csv (lme4's sleepstudy) and alliance_clients.csv, copied from Tests/ModelsTests/Fixtures/lmm
# (make_lmm_fixtures.R writes them), and the shared models_data.csv (ols/logit/poisson).
# lmer fits at lme4's BOBYQA (nloptwrap) with ftol_abs = xtol_abs = 1e-12, close to the optimum alliance reaches
# (lme4's default control stops 6e-6 to 3e-5 short). anova(refit = TRUE) refits REML fits by ML with the control
# of the original call, so refits are tight too. GLM and OLS pairs: the likelihood-ratio statistic
# 2 (logLik(b) - logLik(a)) on df = difference in logLik's df, as lmtest::lrtest and anova.merMod compute it.
# Doubles are written as 17-significant-digit strings.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
num <- function(x) sprintf("%.17g", x)
ctl <- lmerControl(optCtrl = list(ftol_abs = 1e-12, xtol_abs = 1e-12, ftol_rel = 0, xtol_rel = 0, maxeval = 1e5))
sleep <- read.csv("sleepstudy.csv", stringsAsFactors = TRUE)
sleep$Subject <- factor(sleep$Subject)
clients <- read.csv("alliance_clients.csv", stringsAsFactors = TRUE)
models <- read.csv("../../../AllianceTestSupport/Fixtures/models_data.csv", stringsAsFactors = TRUE, na.strings = "")

comparisons <- list()
row <- function(av, i) list(npar = as.integer(av$npar[i]), aic = num(av$AIC[i]), bic = num(av$BIC[i]),
                            log_likelihood = num(av$logLik[i]), deviance = num(-2 * av$logLik[i]))
# One anova table: fits in anova's order (by npar), each with its test against the one before.
add_anova <- function(name, fits, av, refit_ml, files) {
  tests <- lapply(seq_len(nrow(av))[-1], function(i)
    list(statistic = num(av$Chisq[i]), df = as.integer(av$Df[i]), p_value = num(av[["Pr(>Chisq)"]][i])))
  comparisons[[length(comparisons) + 1]] <<- list(
    name = name, fits = fits, refit_ml = refit_ml,
    models = lapply(seq_len(nrow(av)), function(i) c(list(fit = files[i]), row(av, i))), tests = tests)
  print(av, digits = 12)
}
fit_spec <- function(name, model, data, formula, reml = NULL) {
  s <- list(name = name, model = model, data = data, formula = formula)
  if (!is.null(reml)) s$reml <- reml
  s
}

# sleepstudy: uncorrelated vs correlated slope, both ML (no refit), both REML (refit by ML), and by REML
ss_u <- "Reaction ~ Days + (Days || Subject)"
ss_c <- "Reaction ~ Days + (Days | Subject)"
ss_fits <- function(reml) lapply(c(ss_u, ss_c), function(f) lmer(as.formula(f), sleep, REML = reml, control = ctl))
m <- ss_fits(FALSE)
add_anova("sleepstudy_ml", list(fit_spec("u", "lmm", "sleepstudy.csv", ss_u, FALSE), fit_spec("c", "lmm", "sleepstudy.csv", ss_c, FALSE)),
          anova(m[[1]], m[[2]]), FALSE, c("u", "c"))
m <- ss_fits(TRUE)
add_anova("sleepstudy_reml_refit", list(fit_spec("u", "lmm", "sleepstudy.csv", ss_u, TRUE), fit_spec("c", "lmm", "sleepstudy.csv", ss_c, TRUE)),
          suppressMessages(anova(m[[1]], m[[2]])), TRUE, c("u", "c"))
add_anova("sleepstudy_reml", list(fit_spec("u", "lmm", "sleepstudy.csv", ss_u, TRUE), fit_spec("c", "lmm", "sleepstudy.csv", ss_c, TRUE)),
          anova(m[[1]], m[[2]], refit = FALSE), FALSE, c("u", "c"))

# Therapist-level data: REML fits that differ in fixed effects (anova refits by ML), given larger model first
f_small <- "phq_post ~ wai + phq_pre + (1 | therapist)"
f_large <- "phq_post ~ wai + phq_pre + arm + (1 | therapist)"
a <- lmer(as.formula(f_small), clients, REML = TRUE, control = ctl)
b <- lmer(as.formula(f_large), clients, REML = TRUE, control = ctl)
add_anova("clients_fixed_refit", list(fit_spec("large", "lmm", "alliance_clients.csv", f_large, TRUE),
                                      fit_spec("small", "lmm", "alliance_clients.csv", f_small, TRUE)),
          suppressMessages(anova(b, a)), TRUE, c("small", "large"))

# A chain of three ML fits: a fixed effect added, then a nested grouping factor
f1 <- "phq_post ~ wai + (1 | therapist)"
f2 <- "phq_post ~ wai + phq_pre + (1 | therapist)"
f3 <- "phq_post ~ wai + phq_pre + (1 | site/therapist)"
m <- lapply(c(f1, f2, f3), function(f) lmer(as.formula(f), clients, REML = FALSE, control = ctl))
add_anova("clients_chain_ml", list(fit_spec("m1", "lmm", "alliance_clients.csv", f1, FALSE),
                                   fit_spec("m2", "lmm", "alliance_clients.csv", f2, FALSE),
                                   fit_spec("m3", "lmm", "alliance_clients.csv", f3, FALSE)),
          anova(m[[1]], m[[2]], m[[3]]), FALSE, c("m1", "m2", "m3"))

# The therapist effect itself: a REML random-intercept model against lm() on the same fixed effects
# (anova(lmer, lm) refits the lmer fit by ML); the boundary mixture p is half of anova's.
f_lm <- "phq_post ~ wai + phq_pre"
a <- lm(as.formula(f_lm), clients)
b <- lmer(as.formula(f_small), clients, REML = TRUE, control = ctl)
av <- suppressMessages(anova(b, a))
add_anova("clients_therapist_effect", list(fit_spec("ols", "ols", "alliance_clients.csv", f_lm),
                                           fit_spec("lmm", "lmm", "alliance_clients.csv", f_small, TRUE)),
          av, TRUE, c("ols", "lmm"))
comparisons[[length(comparisons)]]$tests[[1]]$p_value_mixture <- num(0.5 * av[["Pr(>Chisq)"]][2])

# Regressions: likelihood-ratio tests as lmtest::lrtest (2 Δ logLik on the difference in logLik's df)
lr <- function(name, model, fa, fb, ma, mb) {
  la <- logLik(ma); lb <- logLik(mb)
  npar <- c(attr(la, "df"), attr(lb, "df"))
  ll <- c(as.numeric(la), as.numeric(lb))
  stat <- 2 * (ll[2] - ll[1])
  df <- npar[2] - npar[1]
  n <- nobs(ma)
  stopifnot(nobs(mb) == n)   # the same rows: no missing values in the added variables
  comparisons[[length(comparisons) + 1]] <<- list(
    name = name, fits = list(fit_spec("a", model, "models_data.csv", fa), fit_spec("b", model, "models_data.csv", fb)),
    refit_ml = FALSE,
    models = lapply(1:2, function(i) list(fit = c("a", "b")[i], npar = as.integer(npar[i]),
                                          aic = num(-2 * ll[i] + 2 * npar[i]), bic = num(-2 * ll[i] + log(n) * npar[i]),
                                          log_likelihood = num(ll[i]), deviance = num(-2 * ll[i]))),
    tests = list(list(statistic = num(stat), df = as.integer(df), p_value = num(pchisq(stat, df, lower.tail = FALSE)))))
  if (model == "ols") {
    # anova.lm's F test, which alliance reports beside the likelihood-ratio test for OLS fits.
    av <- anova(ma, mb)
    comparisons[[length(comparisons)]]$tests[[1]]$f_statistic <<- num(av$F[2])
    comparisons[[length(comparisons)]]$tests[[1]]$f_p_value <<- num(av[["Pr(>F)"]][2])
  }
  cat(name, ": LR", num(stat), "df", df, "\n")
}
gctl <- glm.control(epsilon = 1e-15, maxit = 100)
# Three OLS fits: anova.lm scales every F by the residual mean square of the largest fit (anova.lmlist).
ols_chain <- c("phq_post ~ phq_pre", "phq_post ~ phq_pre + site", "phq_post ~ phq_pre + site + homework")
chain <- lapply(ols_chain, function(f) lm(as.formula(f), models))
av <- do.call(anova, chain)
ll <- sapply(chain, function(m) as.numeric(logLik(m))); npar <- sapply(chain, function(m) attr(logLik(m), "df"))
n <- nobs(chain[[1]]); stopifnot(all(sapply(chain, nobs) == n))
comparisons[[length(comparisons) + 1]] <- list(
  name = "ols_chain", fits = lapply(1:3, function(i) fit_spec(paste0("m", i), "ols", "models_data.csv", ols_chain[i])),
  refit_ml = FALSE,
  models = lapply(1:3, function(i) list(fit = paste0("m", i), npar = as.integer(npar[i]),
                                        aic = num(-2 * ll[i] + 2 * npar[i]), bic = num(-2 * ll[i] + log(n) * npar[i]),
                                        log_likelihood = num(ll[i]), deviance = num(-2 * ll[i]))),
  tests = lapply(2:3, function(i) {
    stat <- 2 * (ll[i] - ll[i - 1]); df <- npar[i] - npar[i - 1]
    list(statistic = num(stat), df = as.integer(df), p_value = num(pchisq(stat, df, lower.tail = FALSE)),
         f_statistic = num(av$F[i]), f_p_value = num(av[["Pr(>F)"]][i]))
  }))
fa <- "phq_post ~ phq_pre"; fb <- "phq_post ~ phq_pre + site + homework"
lr("ols", "ols", fa, fb, lm(as.formula(fa), models), lm(as.formula(fb), models))
fa <- "dropout ~ phq_pre"; fb <- "dropout ~ phq_pre + site + homework"
lr("logit", "logit", fa, fb, glm(as.formula(fa), binomial, models, control = gctl), glm(as.formula(fb), binomial, models, control = gctl))
fa <- "sessions ~ phq_pre"; fb <- "sessions ~ phq_pre + site + homework"
lr("poisson", "poisson", fa, fb, glm(as.formula(fa), poisson, models, control = gctl), glm(as.formula(fb), poisson, models, control = gctl))

# The boundary mixture ½ χ²(k) + ½ χ²(k + 1) of Stram & Lee (1994) at a few statistics (χ²(0) is a point mass at 0)
mixtures <- list()
for (k in 0:2) for (s in c(0.5, 3.480657355173662, 6.35344838203946)) {
  upper_k <- if (k == 0) 0 else pchisq(s, k, lower.tail = FALSE)
  mixtures[[length(mixtures) + 1]] <- list(k = k, statistic = num(s),
                                           p_value = num(0.5 * upper_k + 0.5 * pchisq(s, k + 1, lower.tail = FALSE)))
}

out <- list(r_version = paste(R.version$major, R.version$minor, sep = "."), lme4 = as.character(packageVersion("lme4")),
            comparisons = comparisons, mixtures = mixtures)
writeLines(prettify(toJSON(out, auto_unbox = TRUE), indent = 1), "compare_reference.json")
