# Kaplan–Meier, log-rank (G-rho), Cox and cox.zph references from R's survival (installed: 3.5-3).
# Run once from this folder:  Rscript make_survival.R
# Writes the data sets (lung.csv, aml.csv, heart.csv, rats.csv from survival's own data; alliance_sim.csv and
# alliance_sessions.csv simulated with set.seed(20261206)) and survival_reference.json. Every fit reads the CSVs
# back, so the numbers are those of the files the tests read. Doubles are 17-significant-digit strings.
# Cox fits use coxph.control(eps = 1e-12, iter.max = 100), as the issue asks; Wald from fit$wald.test.
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
num <- function(x) sprintf("%.17g", x)
numNA <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "NA")
ctl <- coxph.control(eps = 1e-12, iter.max = 100)

lung0 <- survival::lung
lung0$older <- as.integer(lung0$age >= 60)
write.csv(lung0[, c("time", "status", "sex", "age", "ph.ecog", "older")], "lung.csv", row.names = FALSE, na = "", quote = FALSE)
aml0 <- survival::aml
write.csv(aml0, "aml.csv", row.names = FALSE, quote = FALSE)
heart0 <- survival::heart
heart0$transplant <- as.integer(as.character(heart0$transplant))
write.csv(heart0, "heart.csv", row.names = FALSE, quote = FALSE)
write.csv(survival::rats, "rats.csv", row.names = FALSE, quote = FALSE)

# Simulated alliance data: clients of therapists at sites, weekly sessions, hazard of dropout by alliance.
set.seed(20261206)
nc <- 400; nt <- 20
therapist <- sprintf("T%02d", sample(1:nt, nc, replace = TRUE))
site <- c("east", "north", "south")[(as.integer(substr(therapist, 2, 3)) %% 3) + 1]
teff <- setNames(rnorm(nt, 0, 0.4), sprintf("T%02d", 1:nt))
wai <- round(rnorm(nc, 45, 7), 1)
phq_pre <- round(pmin(27, pmax(5, rnorm(nc, 15, 5))))
rate <- exp(-2.6 - 0.05 * (wai - 45) + 0.03 * (phq_pre - 15) + teff[therapist] + 0.3 * (site == "south"))
t_event <- rexp(nc, rate)
weeks <- pmin(ceiling(t_event), 16)
dropout <- as.integer(t_event <= 16 & ceiling(t_event) <= 16)
cens <- sample(c(TRUE, FALSE), nc, replace = TRUE, prob = c(0.15, 0.85))
cweeks <- sample(4:15, nc, replace = TRUE)
short <- cens & cweeks < weeks
weeks[short] <- cweeks[short]; dropout[short] <- 0L
sim <- data.frame(client = sprintf("c%04d", 1:nc), therapist, site, wai, phq_pre, weeks, dropout)
write.csv(sim, "alliance_sim.csv", row.names = FALSE, quote = FALSE)
# Session rows: (session - 1, session], the alliance measured at each session varies around the client's level.
rows <- lapply(1:nc, function(i) {
  k <- sim$weeks[i]
  data.frame(client = sim$client[i], therapist = sim$therapist[i], site = sim$site[i], start = 0:(k - 1), stop = 1:k,
             event = c(rep(0L, k - 1), sim$dropout[i]), wai_s = round(sim$wai[i] + rnorm(k, 0, 4), 1),
             phq_pre = sim$phq_pre[i])
})
ses <- do.call(rbind, rows)
write.csv(ses, "alliance_sessions.csv", row.names = FALSE, quote = FALSE)

lung <- read.csv("lung.csv"); aml <- read.csv("aml.csv", stringsAsFactors = TRUE)
heart <- read.csv("heart.csv"); rats <- read.csv("rats.csv", stringsAsFactors = TRUE)
sim <- read.csv("alliance_sim.csv", stringsAsFactors = TRUE); ses <- read.csv("alliance_sessions.csv", stringsAsFactors = TRUE)

# Kaplan–Meier: summary.survfit rows at the event times (std.err is the SE of S), medians with CI, --at rows.
km <- list()
addKM <- function(name, data_file, data, time, event, by, conf_type, at) {
  f <- if (is.null(by)) as.formula(sprintf("Surv(%s, %s) ~ 1", time, event)) else as.formula(sprintf("Surv(%s, %s) ~ %s", time, event, by))
  fit <- survfit(f, data = data, conf.type = conf_type)
  s <- summary(fit)
  strata <- if (is.null(s$strata)) rep("all", length(s$time)) else sub("^.*=", "", as.character(s$strata))
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1, dimnames = list("all", names(tab)))
  groups <- if (is.null(by)) "all" else sub("^.*=", "", rownames(tab))
  sa <- summary(fit, times = at, extend = TRUE)
  sastrata <- if (is.null(sa$strata)) rep("all", length(sa$time)) else sub("^.*=", "", as.character(sa$strata))
  km[[length(km) + 1]] <<- list(name = name, data = data_file, time = time, event = event, by = if (is.null(by)) NA else by,
    conf_type = conf_type,
    groups = I(groups), n = I(unname(tab[, "records"])), events = I(unname(tab[, "events"])),
    median = I(numNA(unname(tab[, "median"]))), median_low = I(numNA(unname(tab[, "0.95LCL"]))), median_high = I(numNA(unname(tab[, "0.95UCL"]))),
    table = list(group = I(strata), time = I(num(s$time)), n_risk = I(s$n.risk), n_event = I(s$n.event), survival = I(num(s$surv)),
                 std_error = I(numNA(s$std.err)), conf_low = I(numNA(s$lower)), conf_high = I(numNA(s$upper))),
    at = list(group = I(sastrata), time = I(num(sa$time)), n_risk = I(sa$n.risk), survival = I(num(sa$surv)),
              std_error = I(numNA(sa$std.err)), conf_low = I(numNA(sa$lower)), conf_high = I(numNA(sa$upper))))
}
addKM("lung by sex, log", "lung.csv", lung, "time", "status", "sex", "log", c(100, 365, 500, 2000))
addKM("lung, log-log", "lung.csv", lung, "time", "status", NULL, "log-log", c(180, 365.25))
addKM("lung, plain", "lung.csv", lung, "time", "status", NULL, "plain", c(30, 730))
addKM("aml by x, log", "aml.csv", aml, "time", "status", "x", "log", c(10, 30, 200))
addKM("aml by x, log-log", "aml.csv", aml, "time", "status", "x", "log-log", c(10, 30))
addKM("aml, plain", "aml.csv", aml, "time", "status", NULL, "plain", c(12))
addKM("sim by site, log", "alliance_sim.csv", sim, "weeks", "dropout", "site", "log", c(4, 8, 12))

# Log-rank and G-rho tests.
lr <- list()
addLR <- function(name, data_file, data, formula, rho) {
  fit <- survdiff(as.formula(formula), data = data, rho = rho)
  lr[[length(lr) + 1]] <<- list(name = name, data = data_file, formula = formula, rho = rho,
    statistic = num(fit$chisq), df = length(fit$n) - 1 - sum(apply(as.matrix(fit$exp), 1, sum) == 0),
    p_value = num(pchisq(fit$chisq, sum(apply(as.matrix(fit$exp), 1, sum) > 0) - 1, lower.tail = FALSE)),
    observed = I(num(if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs)),
    expected = I(num(if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp)))
}
addLR("lung sex", "lung.csv", lung, "Surv(time, status) ~ sex", 0)
addLR("lung sex rho 1", "lung.csv", lung, "Surv(time, status) ~ sex", 1)
addLR("lung sex strata older", "lung.csv", lung, "Surv(time, status) ~ sex + strata(older)", 0)
addLR("lung sex strata older rho 0.5", "lung.csv", lung, "Surv(time, status) ~ sex + strata(older)", 0.5)
addLR("lung ph.ecog", "lung.csv", lung, "Surv(time, status) ~ ph.ecog", 0)
addLR("aml x", "aml.csv", aml, "Surv(time, status) ~ x", 0)
addLR("sim site", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ site", 0)

# Cox models.
cox <- list()
addCox <- function(name, data_file, data, formula, ties = "efron", cluster = NA, zph = FALSE) {
  f <- as.formula(formula)
  fit <- if (is.na(cluster)) coxph(f, data = data, ties = ties, control = ctl)
         else coxph(f, data = data, ties = ties, control = ctl, cluster = data[[cluster]])
  n <- fit$n; nev <- fit$nevent
  entry <- list(name = name, data = data_file, formula = formula, ties = ties, cluster = cluster,
    n = n, events = nev, terms = I(names(coef(fit))), estimate = I(num(coef(fit))),
    std_error = I(num(sqrt(diag(fit$var)))),
    naive_std_error = I(num(sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var)))),
    loglik = I(num(fit$loglik)), lr = num(2 * diff(fit$loglik)), score = num(fit$score),
    wald = num(fit$wald.test), robust_score = if (is.null(fit$rscore)) NA else num(fit$rscore),
    df = length(coef(fit)), concordance = num(fit$concordance[["concordance"]]),
    concordance_std = num(fit$concordance[["std"]]), iterations = fit$iter)
  if (zph) {
    z <- cox.zph(fit)
    entry$zph <- list(terms = I(rownames(z$table)), chisq = I(num(z$table[, "chisq"])), df = I(z$table[, "df"]),
                      p_value = I(num(z$table[, "p"])), x = I(num(z$x)), time = I(num(z$time)),
                      y = I(num(as.vector(z$y))))
  }
  cox[[length(cox) + 1]] <<- entry
}
addCox("lung age sex efron", "lung.csv", lung, "Surv(time, status) ~ age + sex", zph = TRUE)
addCox("lung age sex breslow", "lung.csv", lung, "Surv(time, status) ~ age + sex", ties = "breslow", zph = TRUE)
addCox("lung age sex ph.ecog strata older", "lung.csv", lung, "Surv(time, status) ~ age + sex + ph.ecog + strata(older)", zph = TRUE)
addCox("heart counting process", "heart.csv", heart, "Surv(start, stop, event) ~ age + year + surgery + transplant", zph = TRUE)
addCox("heart counting process breslow cluster id", "heart.csv", heart, "Surv(start, stop, event) ~ age + surgery + transplant", ties = "breslow", cluster = "id")
addCox("rats cluster litter", "rats.csv", rats, "Surv(time, status) ~ rx + sex", cluster = "litter")
addCox("sim wai phq efron", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + phq_pre", zph = TRUE)
addCox("sim wai phq breslow", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + phq_pre", ties = "breslow")
addCox("sim strata site", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + phq_pre + strata(site)", zph = TRUE)
addCox("sim site factor", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + site", zph = TRUE)
addCox("sim cluster therapist", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + phq_pre", cluster = "therapist")
addCox("sim interaction", "alliance_sim.csv", sim, "Surv(weeks, dropout) ~ wai + phq_pre + wai:phq_pre")
addCox("sessions time-varying", "alliance_sessions.csv", ses, "Surv(start, stop, event) ~ wai_s + phq_pre", zph = TRUE)
addCox("sessions time-varying cluster therapist", "alliance_sessions.csv", ses, "Surv(start, stop, event) ~ wai_s + phq_pre", cluster = "therapist")
addCox("sessions strata site breslow", "alliance_sessions.csv", ses, "Surv(start, stop, event) ~ wai_s + phq_pre + strata(site)", ties = "breslow", zph = TRUE)
addCox("sessions strata site cluster efron", "alliance_sessions.csv", ses, "Surv(start, stop, event) ~ wai_s + strata(site)", cluster = "therapist")

out <- list(survival_version = as.character(packageVersion("survival")), kaplan_meier = km, logrank = lr, cox = cox)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, digits = NA, na = "string"), "survival_reference.json")
