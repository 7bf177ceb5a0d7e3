# SYNTHETIC alliance-outcome correlations for Notebooks-md/meta-analysis.md (no real study is described).
# Calibrated to Flueckiger, Del Re, Wampold & Horvath (2018), Psychotherapy 55(4), 316-340: overall r = .278
# [.256, .299] from a three-level model of 295 effect sizes. Here: 40 synthetic studies with 1-4 effect sizes each
# (several outcome measures per study), true mean Fisher z = atanh(.278), between-study SD 0.09, within-study SD 0.05,
# sample sizes log-normal around 80, the alliance rated by the client, the therapist or an observer (therapist and
# observer ratings set 0.05 lower in z, as the rater moderator of the literature), publication years 1990-2017.
# Run once from Datasets/:  Rscript make_alliance_meta.R   (R's Mersenne-Twister, set.seed below).
set.seed(20181101)
k <- 40
studies <- sprintf("S%02d", 1:k)
effects <- sample(1:4, k, replace = TRUE, prob = c(0.4, 0.3, 0.2, 0.1))
rater <- sample(c("client", "therapist", "observer"), k, replace = TRUE, prob = c(0.6, 0.2, 0.2))
year <- sample(1990:2017, k, replace = TRUE)
n <- pmax(20, round(exp(rnorm(k, log(80), 0.7))))
u <- rnorm(k, 0, 0.09)
rows <- list()
for (i in 1:k) for (j in 1:effects[i]) {
  z <- atanh(0.278) - 0.05 * (rater[i] != "client") + u[i] + rnorm(1, 0, 0.05) + rnorm(1, 0, 1 / sqrt(n[i] - 3))
  rows[[length(rows) + 1]] <- data.frame(study = studies[i], es = j, year = year[i], rater = rater[i], n = n[i],
                                         r = round(tanh(z), 3))
}
d <- do.call(rbind, rows)
write.csv(d, "alliance-outcome-meta.csv", row.names = FALSE, quote = FALSE)
cat(nrow(d), "effect sizes from", k, "synthetic studies\n")
