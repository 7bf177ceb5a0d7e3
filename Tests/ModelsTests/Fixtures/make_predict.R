# Reference predictions for alliance's `predict` (Tests/ModelsTests/PredictionTests.swift). Run once from this folder:
#   Rscript make_predict.R
# Fits on the first 450 rows of models_data.csv (made by make_models.R) and predicts the other 150 rows (new data
# with missing predictors, passed through as NA as with na.action = na.pass). Writes predict_reference.csv:
# fixture, row (1-based row of the new data), fit, se_fit, lower, upper, as 17-significant-digit text; NA missing.
d <- read.csv("../../AllianceTestSupport/Fixtures/models_data.csv", stringsAsFactors = TRUE, na.strings = "")
train <- d[1:450, ]
new <- d[451:600, ]
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
# glm's covariance uses the working weights of its last iteration, i.e. of the coefficients one step before
# the final ones (about 1e-8 away here). alliance polishes IRLS to its fixed point (docs/models.md), so the GLMs
# are refitted from their own estimates (start = coef) to put R's weights at the converged coefficients too.
converged <- function(fit) update(fit, start = coef(fit), control = ctl)
out <- list()
add <- function(name, fit, se, lower = NA, upper = NA) {
  out[[length(out) + 1]] <<- data.frame(fixture = name, row = seq_len(nrow(new)), fit = fit, se_fit = se,
                                        lower = lower, upper = upper)
}
ols <- lm(phq_post ~ wai_total + phq_pre + site + modality, data = train)
p <- predict(ols, newdata = new, interval = "confidence", se.fit = TRUE, na.action = na.pass)
add("ols_confidence", p$fit[, "fit"], p$se.fit, p$fit[, "lwr"], p$fit[, "upr"])
p <- predict(ols, newdata = new, interval = "prediction", se.fit = TRUE, na.action = na.pass)
add("ols_prediction", p$fit[, "fit"], p$se.fit, p$fit[, "lwr"], p$fit[, "upr"])
ols90 <- predict(ols, newdata = new, interval = "prediction", level = 0.9, na.action = na.pass)
add("ols_prediction_90", ols90[, "fit"], NA, ols90[, "lwr"], ols90[, "upr"])
poly_fit <- lm(phq_post ~ I(wai_total^2) + log(phq_pre) + factor(cohort) + site:wai_total, data = train)
p <- predict(poly_fit, newdata = new, interval = "confidence", se.fit = TRUE, na.action = na.pass)
add("ols_transforms", p$fit[, "fit"], p$se.fit, p$fit[, "lwr"], p$fit[, "upr"])
logit <- converged(glm(dropout ~ wai_total + phq_pre + site, family = binomial, data = train, control = ctl))
p <- predict(logit, newdata = new, type = "response", se.fit = TRUE, na.action = na.pass)
eta <- predict(logit, newdata = new, type = "link", se.fit = TRUE, na.action = na.pass)
z <- qnorm(0.975)
add("logit_response", p$fit, p$se.fit, plogis(eta$fit - z * eta$se.fit), plogis(eta$fit + z * eta$se.fit))
pois <- converged(glm(sessions ~ wai_total + modality, family = poisson, data = train, control = ctl))
p <- predict(pois, newdata = new, type = "response", se.fit = TRUE, na.action = na.pass)
eta <- predict(pois, newdata = new, type = "link", se.fit = TRUE, na.action = na.pass)
add("poisson_response", p$fit, p$se.fit, exp(eta$fit - z * eta$se.fit), exp(eta$fit + z * eta$se.fit))
# An offset in the formula enters the prediction too (predict.glm adds model.offset of the new data).
pois_offset <- converged(glm(sessions ~ wai_total + site + offset(log(cohort)), family = poisson, data = train, control = ctl))
p <- predict(pois_offset, newdata = new, type = "response", se.fit = TRUE, na.action = na.pass)
eta <- predict(pois_offset, newdata = new, type = "link", se.fit = TRUE, na.action = na.pass)
add("poisson_offset", p$fit, p$se.fit, exp(eta$fit - z * eta$se.fit), exp(eta$fit + z * eta$se.fit))
res <- do.call(rbind, out)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
for (k in c("fit", "se_fit", "lower", "upper")) res[[k]] <- fmt(res[[k]])
write.csv(res, "predict_reference.csv", row.names = FALSE, quote = FALSE)
