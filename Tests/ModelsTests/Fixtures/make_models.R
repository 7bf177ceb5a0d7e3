# Reference fits for alliance's Models tests. Run once from this folder:
#   Rscript make_models.R
# Writes models_data.csv into the shared fixtures (Tests/AllianceTestSupport/Fixtures; ModelsTests and CommandsTests
# read it) (a synthetic alliance data set, set.seed(20261121)) and models_reference.json
# (one entry per fixture; doubles as 17-significant-digit strings, integers as numbers). The fits use the CSV as read back,
# so R and alliance see the same decimal text.
suppressPackageStartupMessages({ library(sandwich); library(lmtest); library(MASS); library(jsonlite) })
set.seed(20261121)

n_clients <- 600; n_therapists <- 30
therapist <- sample(sprintf("T%02d", 1:n_therapists), n_clients, replace = TRUE)
therapist_site <- setNames(rep(c("east", "north", "south"), length.out = n_therapists), sprintf("T%02d", 1:n_therapists))
site <- unname(therapist_site[therapist])
therapist_effect <- setNames(rnorm(n_therapists, 0, 1.5), sprintf("T%02d", 1:n_therapists))
modality <- sample(c("cbt", "ipt", "pdt"), n_clients, replace = TRUE, prob = c(0.5, 0.25, 0.25))
cohort <- sample(1:4, n_clients, replace = TRUE)
wai_total <- round(pmin(84, pmax(12, rnorm(n_clients, 58, 10))), 1)
phq_pre <- pmin(27, pmax(5, round(rnorm(n_clients, 16, 4))))
site_shift <- c(east = 0, north = 1.2, south = -0.8)[site]
phq_post <- round(pmax(0, phq_pre - 4 - 0.12 * (wai_total - 58) + site_shift +
                   unname(therapist_effect[therapist]) + rnorm(n_clients, 0, 3.5)), 2)
dropout <- rbinom(n_clients, 1, plogis(-1 - 0.045 * (wai_total - 58) + 0.06 * (phq_pre - 16) + 0.3 * (site == "south")))
status <- ifelse(dropout == 1, "dropped", "completed")
sessions <- rpois(n_clients, exp(1.9 + 0.012 * (wai_total - 58) - 0.4 * dropout))
homework <- rnbinom(n_clients, mu = exp(1.1 + 0.02 * (wai_total - 58) + 0.2 * (modality == "cbt")), size = 2.5)
# Some missing values, as in routine data.
wai_total[sample(n_clients, 9)] <- NA
phq_post[sample(n_clients, 12)] <- NA
modality[sample(n_clients, 4)] <- NA

d <- data.frame(client = sprintf("C%04d", 1:n_clients), therapist, site, modality, cohort, wai_total, phq_pre,
                phq_post, dropout, status, sessions, homework, stringsAsFactors = FALSE)
write.csv(d, "../../AllianceTestSupport/Fixtures/models_data.csv", row.names = FALSE, na = "", quote = FALSE)
d <- read.csv("../../AllianceTestSupport/Fixtures/models_data.csv", stringsAsFactors = TRUE, na.strings = "")

ctl <- glm.control(epsilon = 1e-15, maxit = 100)
fixtures <- list()

ols_stats <- function(m) {
  s <- summary(m)
  f <- s$fstatistic
  list(r_squared = s$r.squared, adj_r_squared = s$adj.r.squared, sigma = s$sigma,
       f_statistic = if (is.null(f)) NULL else unname(f[1]),
       f_p_value = if (is.null(f)) NULL else unname(pf(f[1], f[2], f[3], lower.tail = FALSE)),
       df_residual = m$df.residual, log_likelihood = as.numeric(logLik(m)), aic = AIC(m), bic = BIC(m),
       nobs = nobs(m))
}
glm_stats <- function(m) {
  list(deviance = m$deviance, null_deviance = m$null.deviance, df_residual = m$df.residual,
       log_likelihood = as.numeric(logLik(m)), aic = AIC(m), bic = BIC(m), iterations = m$iter, nobs = nobs(m),
       theta = if (is.null(m$theta)) NULL else m$theta, theta_std_error = if (is.null(m$SE.theta)) NULL else m$SE.theta)
}
coef_table <- function(m, V, df, level = 0.95) {
  ct <- coeftest(m, vcov. = V, df = df)
  q <- if (is.finite(df)) qt((1 + level) / 2, df) else qnorm((1 + level) / 2)
  list(terms = rownames(ct), estimate = unname(ct[, 1]), std_error = unname(ct[, 2]), statistic = unname(ct[, 3]),
       p_value = unname(ct[, 4]), conf_low = unname(ct[, 1] - q * ct[, 2]), conf_high = unname(ct[, 1] + q * ct[, 2]))
}
add <- function(name, model, formula, m, vcov_label, V, stats, refs = NULL, level = 0.95) {
  df <- if (model == "ols") m$df.residual else Inf
  fixtures[[length(fixtures) + 1]] <<- list(name = name, model = model, formula = formula, vcov = vcov_label,
    level = level,
    references = if (is.null(refs)) setNames(list(), character(0)) else refs,
    aliased = I(names(coef(m))[is.na(coef(m))]),
    coefficients = coef_table(m, V, df, level), fit = stats)
}

# OLS
f1 <- "phq_post ~ wai_total + phq_pre + site"
m1 <- lm(as.formula(f1), data = d)
add("ols_main", "ols", f1, m1, "classical", vcov(m1), ols_stats(m1))
for (type in c("HC0", "HC1", "HC2", "HC3")) {
  add(paste0("ols_main_", tolower(type)), "ols", f1, m1, tolower(type), vcovHC(m1, type = type), ols_stats(m1))
}
add("ols_main_cluster", "ols", f1, m1, "cluster:therapist",
    vcovCL(m1, cluster = ~therapist, type = "HC1", cadjust = TRUE), ols_stats(m1))
f2 <- "phq_post ~ wai_total * site + phq_pre"
m2 <- lm(as.formula(f2), data = d); add("ols_interaction", "ols", f2, m2, "classical", vcov(m2), ols_stats(m2))
f3 <- "phq_post ~ wai_total + I(wai_total^2) + log(phq_pre) + sqrt(sessions)"
m3 <- lm(as.formula(f3), data = d); add("ols_transforms", "ols", f3, m3, "classical", vcov(m3), ols_stats(m3))
f4 <- "phq_post ~ wai_total + phq_pre - 1"
m4 <- lm(as.formula(f4), data = d); add("ols_no_intercept", "ols", f4, m4, "classical", vcov(m4), ols_stats(m4))
f5 <- "phq_post ~ site * modality + wai_total"
m5 <- lm(as.formula(f5), data = d); add("ols_factor_by_factor", "ols", f5, m5, "classical", vcov(m5), ols_stats(m5))
d_ref <- d; d_ref$site <- relevel(d_ref$site, ref = "south")
m6 <- lm(as.formula(f1), data = d_ref)
add("ols_reference_south", "ols", f1, m6, "hc3", vcovHC(m6, type = "HC3"), ols_stats(m6), refs = list(site = "south"))
f7 <- "phq_post ~ factor(cohort) + wai_total:phq_pre + wai_total"
m7 <- lm(as.formula(f7), data = d); add("ols_factor_numeric", "ols", f7, m7, "classical", vcov(m7), ols_stats(m7))
f8 <- "log(sessions + 1) ~ wai_total + I(wai_total/10 - phq_pre) + exp(-phq_pre/10)"
m8 <- lm(as.formula(f8), data = d); add("ols_transformed_outcome", "ols", f8, m8, "hc1", vcovHC(m8, type = "HC1"), ols_stats(m8))

f9 <- "phq_post ~ wai_total + phq_pre + I(wai_total - phq_pre) + site"
m9 <- lm(as.formula(f9), data = d); add("ols_aliased", "ols", f9, m9, "classical", vcov(m9), ols_stats(m9))
f10 <- "phq_post ~ 1"
m10 <- lm(as.formula(f10), data = d); add("ols_intercept_only", "ols", f10, m10, "classical", vcov(m10), ols_stats(m10))
f11 <- "phq_post ~ 0 + site + wai_total"
m11 <- lm(as.formula(f11), data = d); add("ols_no_intercept_factor", "ols", f11, m11, "hc2", vcovHC(m11, type = "HC2"), ols_stats(m11))

add("ols_main_level_90", "ols", f1, m1, "classical", vcov(m1), ols_stats(m1), level = 0.9)

# Logistic
g1 <- "dropout ~ wai_total + phq_pre + site"
b1 <- glm(as.formula(g1), family = binomial, data = d, control = ctl)
add("logit_main", "logit", g1, b1, "classical", vcov(b1), glm_stats(b1))
add("logit_main_hc0", "logit", g1, b1, "hc0", vcovHC(b1, type = "HC0"), glm_stats(b1))
add("logit_main_level_99", "logit", g1, b1, "classical", vcov(b1), glm_stats(b1), level = 0.99)
add("logit_main_hc3", "logit", g1, b1, "hc3", vcovHC(b1, type = "HC3"), glm_stats(b1))
add("logit_main_cluster", "logit", g1, b1, "cluster:therapist",
    vcovCL(b1, cluster = ~therapist, type = "HC1", cadjust = TRUE), glm_stats(b1))
g2 <- "status ~ wai_total * modality"
b2 <- glm(as.formula(g2), family = binomial, data = d, control = ctl)
add("logit_factor_outcome", "logit", g2, b2, "classical", vcov(b2), glm_stats(b2))

g3 <- "dropout ~ site * modality + phq_pre"
b3 <- glm(as.formula(g3), family = binomial, data = d, control = ctl)
add("logit_factor_by_factor", "logit", g3, b3, "hc1", vcovHC(b3, type = "HC1"), glm_stats(b3))

# Poisson
p1 <- "sessions ~ wai_total + dropout + site"
q1 <- glm(as.formula(p1), family = poisson, data = d, control = ctl)
add("poisson_main", "poisson", p1, q1, "classical", vcov(q1), glm_stats(q1))
add("poisson_main_hc1", "poisson", p1, q1, "hc1", vcovHC(q1, type = "HC1"), glm_stats(q1))
add("poisson_main_hc2", "poisson", p1, q1, "hc2", vcovHC(q1, type = "HC2"), glm_stats(q1))
p2 <- "sessions ~ wai_total:modality + log(phq_pre)"
q2 <- glm(as.formula(p2), family = poisson, data = d, control = ctl)
add("poisson_partial_interaction", "poisson", p2, q2, "classical", vcov(q2), glm_stats(q2))

# Negative binomial
n1 <- "homework ~ wai_total + modality + site"
nb1 <- glm.nb(as.formula(n1), data = d, control = ctl)
add("negbin_main", "negbin", n1, nb1, "classical", vcov(nb1), glm_stats(nb1))
add("negbin_main_cluster", "negbin", n1, nb1, "cluster:therapist",
    vcovCL(nb1, cluster = ~therapist, type = "HC1", cadjust = TRUE), glm_stats(nb1))
n2 <- "homework ~ wai_total + phq_pre - 1"
nb2 <- glm.nb(as.formula(n2), data = d, control = ctl)
add("negbin_no_intercept", "negbin", n2, nb2, "hc3", vcovHC(nb2, type = "HC3"), glm_stats(nb2))

# jsonlite prints at most 15 significant digits; write doubles as 17-digit strings (exact round trip).
fixtures <- rapply(fixtures, function(x) sprintf("%.17g", x), classes = "numeric", how = "replace")
writeLines(toJSON(fixtures, digits = NA, auto_unbox = TRUE, null = "null", pretty = TRUE), "models_reference.json")
cat(length(fixtures), "fixtures written\n")
