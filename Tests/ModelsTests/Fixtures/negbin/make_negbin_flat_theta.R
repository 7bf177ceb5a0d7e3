# Negative binomial on near-Poisson counts, where the likelihood in theta is flat (NegativeBinomialFlatThetaTests).
# Run once from this folder:
#   Rscript make_negbin_flat_theta.R
# Writes flat_theta.csv (300 rows, set.seed(8): x around 1000, so the design is ill-conditioned as in the 20,000-row
# case that ran > 100 s to "not converged"; Poisson counts with exposure t) and flat_theta_reference.json.
#
# MASS::glm.nb cannot give the reference itself: with its default control theta.ml stops at its iteration limit
# (theta 1312 here) and IRLS at epsilon 1e-8 leaves the means loose enough to move theta by 3; with
# glm.control(epsilon = 1e-12, maxit = 200) it warns "iteration limit reached" and "alternation limit reached" (theta
# 2219.33: rounding moves theta by ~0.01 from pass to pass). The reference is therefore the maximum of the profile
# likelihood, found directly: Newton steps on the profile score in theta (theta.ml's score() and info() at the means
# of glm with theta fixed, epsilon 1e-15), started from glm.nb's estimate; the coefficients, standard errors and
# deviances are those of glm at that theta (glm.nb's own final fit is the same glm), the log-likelihood is glm.nb's
# loglik, theta's SE theta.ml's 1/sqrt(info). `profile_theta_steps` are the last Newton steps (rounding noise).
suppressPackageStartupMessages({ library(MASS); library(jsonlite) })
set.seed(8)
n <- 300
x <- round(rnorm(n, 1000, 1), 3); w <- round(rnorm(n, 50, 2), 2); t <- rpois(n, 2) + 1
y <- rpois(n, t * exp(-1 + 0.3 * (x - 1000)))
write.csv(data.frame(x, w, t, y), "flat_theta.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("flat_theta.csv")

form <- y ~ x + w + offset(log(t))
ctl <- glm.control(epsilon = 1e-15, maxit = 200)
at <- function(th) glm(form, data = d, family = negative.binomial(th), control = ctl)
profile <- function(th) {
  mu <- fitted(at(th)); yy <- d$y
  c(score = sum(digamma(th + yy) - digamma(th) + log(th) + 1 - log(th + mu) - (yy + th) / (mu + th)),
    info = sum(-trigamma(th + yy) + trigamma(th) - 1 / th + 2 / (mu + th) - (yy + th) / (mu + th)^2))
}
th <- suppressWarnings(glm.nb(form, data = d, control = glm.control(maxit = 200)))$theta
steps <- numeric()
for (i in 1:8) { p <- profile(th); steps <- c(steps, p[["score"]] / p[["info"]]); th <- th + steps[i] }
p <- profile(th)
f <- at(th)
s <- coef(summary(f, dispersion = 1))
mu <- fitted(f); yy <- d$y
loglik <- sum(lgamma(th + yy) - lgamma(th) - lgamma(yy + 1) + th * log(th) + yy * log(mu + (yy == 0)) - (th + yy) * log(th + mu))
null <- glm(y ~ 1 + offset(log(t)), data = d, family = negative.binomial(th), control = ctl)
ref <- list(formula = "y ~ x + w + offset(log(t))", terms = rownames(s),
            estimate = unname(s[, 1]), std_error = unname(s[, 2]),
            theta = th, theta_std_error = 1 / sqrt(p[["info"]]), log_likelihood = loglik,
            deviance = deviance(f), null_deviance = deviance(null),
            profile_theta_steps = tail(steps, 4),
            theta_glm_nb_default = suppressWarnings(glm.nb(form, data = d))$theta)
ref <- rapply(ref, function(x) sprintf("%.17g", x), classes = "numeric", how = "replace")
writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE), "flat_theta_reference.json")
cat("theta", th, "SE", 1 / sqrt(p[["info"]]), "last steps", tail(steps, 4), "\n")
