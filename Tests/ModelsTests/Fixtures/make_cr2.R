# CR2 cluster-robust covariances with Satterthwaite degrees of freedom, as clubSandwich computes them:
#   vcovCR(fit, cluster =, type = "CR2"), coef_test(fit, vcov, test = "Satterthwaite"), conf_int(...).
# Run once from this folder:  Rscript make_cr2.R
# Writes cr2_data.csv (a small synthetic set: 14 therapists of very unequal caseloads, one with a single client,
# set.seed(20260311)) and cr2_reference.json. Also fits models_data.csv (written by make_models.R).
# Doubles are 17-significant-digit strings; fits use the CSVs as read back. GLMs at epsilon = 1e-15, as make_models.R.
suppressPackageStartupMessages({ library(clubSandwich); library(MASS); library(jsonlite) })
set.seed(20260311)

sizes <- c(1, 2, 3, 5, 8, 13, 21, 4, 6, 9, 15, 30, 2, 7)
therapist <- rep(sprintf("T%02d", seq_along(sizes)), sizes)
n <- length(therapist)
effect <- setNames(rnorm(length(sizes), 0, 2), sprintf("T%02d", seq_along(sizes)))
experience <- setNames(round(runif(length(sizes), 1, 20)), sprintf("T%02d", seq_along(sizes)))
modality <- sample(c("cbt", "ipt", "pdt"), n, replace = TRUE)
wai <- round(rnorm(n, 60, 9), 1)
outcome <- round(10 - 0.15 * (wai - 60) + 0.1 * experience[therapist] + (modality == "ipt") * 1.5 +
                 effect[therapist] + rnorm(n, 0, 3) * (1 + (modality == "pdt")), 2)
dropout <- rbinom(n, 1, plogis(-0.8 - 0.06 * (wai - 60) + 0.4 * (modality == "pdt") + 0.5 * effect[therapist]))
d <- data.frame(therapist, experience = unname(experience[therapist]), modality, wai, outcome = unname(outcome), dropout)
write.csv(d, "cr2_data.csv", row.names = FALSE, quote = FALSE)
small <- read.csv("cr2_data.csv", stringsAsFactors = TRUE)
models <- read.csv("../../AllianceTestSupport/Fixtures/models_data.csv", stringsAsFactors = TRUE, na.strings = "")

ctl <- glm.control(epsilon = 1e-15, maxit = 100)
fixtures <- list()
num <- function(x) sprintf("%.17g", x)

add <- function(name, model, data_file, data, formula, m, cluster, level = 0.95) {
  cl <- data[[cluster]]
  V <- vcovCR(m, cluster = cl, type = "CR2")
  ct <- coef_test(m, vcov = V, test = "Satterthwaite")
  ci <- conf_int(m, vcov = V, level = level, test = "Satterthwaite")
  stopifnot(all.equal(ct$df_Satt, ci$df))
  fixtures[[length(fixtures) + 1]] <<- list(
    name = name, model = model, data = data_file, formula = formula, cluster = cluster, level = num(level),
    clusters = nlevels(attr(V, "cluster")),
    aliased = I(names(coef(m))[is.na(coef(m))]),
    coefficients = list(terms = I(ct$Coef), estimate = I(num(ct$beta)), std_error = I(num(ct$SE)),
                        statistic = I(num(ct$tstat)), df = I(num(ct$df_Satt)), p_value = I(num(ct$p_Satt)),
                        conf_low = I(num(ci$CI_L)), conf_high = I(num(ci$CI_U))),
    vcov = I(num(as.vector(as.matrix(V)))))
}

# OLS: few, unbalanced clusters (one of a single row), a factor and a cluster-level predictor.
f1 <- "outcome ~ wai + modality + experience"
add("ols_cr2_small", "ols", "cr2_data.csv", small, f1, lm(as.formula(f1), data = small), "therapist")
# OLS with an aliased column (clubSandwich drops it, as the fit does).
f2 <- "outcome ~ wai + I(2 * wai) + modality"
add("ols_cr2_aliased", "ols", "cr2_data.csv", small, f2, lm(as.formula(f2), data = small), "therapist", level = 0.9)
# OLS on the 600-row set: 30 therapists, missing values dropped.
f3 <- "phq_post ~ wai_total + phq_pre + site"
add("ols_cr2_models", "ols", "models_data.csv", models, f3, lm(as.formula(f3), data = models), "therapist")
# Logistic: working weights and the binomial variance as the target.
g1 <- "dropout ~ wai_total + phq_pre + site"
add("logit_cr2_models", "logit", "models_data.csv", models, g1,
    glm(as.formula(g1), family = binomial, data = models, control = ctl), "therapist")
g2 <- "dropout ~ wai + modality"
add("logit_cr2_small", "logit", "cr2_data.csv", small, g2,
    glm(as.formula(g2), family = binomial, data = small, control = ctl), "therapist")
# Poisson.
p1 <- "sessions ~ wai_total + dropout + site"
add("poisson_cr2_models", "poisson", "models_data.csv", models, p1,
    glm(as.formula(p1), family = poisson, data = models, control = ctl), "therapist")
# Negative binomial (MASS::glm.nb; clubSandwich treats it as a glm with the fitted theta).
n1 <- "homework ~ wai_total + modality + site"
add("negbin_cr2_models", "negbin", "models_data.csv", models, n1,
    glm.nb(as.formula(n1), data = models, control = ctl), "therapist")

writeLines(toJSON(fixtures, auto_unbox = TRUE, pretty = TRUE), "cr2_reference.json")
cat(sprintf("clubSandwich %s, R %s: %d fixtures\n", packageVersion("clubSandwich"), getRversion(), length(fixtures)))
