# Robust overall Wald F tests (lmtest::waldtest with vcovCL HC1 by therapist, and vcovHC HC3) on models_data.csv,
# for Tests/ModelsTests/RobustWaldTests.swift. Run from the repository root: Rscript Tests/ModelsTests/Fixtures/make_waldtest.R
# Output (R 4.2.2, sandwich, lmtest): F, p (cluster); df; residual df; F, p (HC3) — pasted into the test.
suppressMessages({library(sandwich); library(lmtest)})
d <- na.omit(read.csv("Tests/AllianceTestSupport/Fixtures/models_data.csv")[, c("phq_post", "wai_total", "phq_pre", "site", "therapist")])
f <- lm(phq_post ~ wai_total + phq_pre + site, data = d)
w1 <- waldtest(f, vcov = vcovCL(f, cluster = ~therapist, type = "HC1"), test = "F")
w2 <- waldtest(f, vcov = vcovHC(f, type = "HC3"), test = "F")
cat(format(c(w1$F[2], w1$`Pr(>F)`[2], w1$Df[2], w1$Res.Df[1], w2$F[2], w2$`Pr(>F)`[2]), digits = 17), sep = "\n")
