# R side of Benchmarks/mediate.sh: 5,000 bootstrap resamples of PROCESS model 4 (X -> M -> Y) on FILE, timed inside R
# (data already read), by lavaan (se = "bootstrap") and by PROCESS-style lm code (boot() refitting both equations).
# Usage: Rscript Benchmarks/mediate_r.R FILE RESAMPLES [lavaan|lm]
args <- commandArgs(trailingOnly = TRUE)
file <- args[1]; B <- as.integer(args[2]); which <- args[3]
d <- read.csv(file)
set.seed(1)
if (which == "lavaan") {
  suppressMessages(library(lavaan))
  model <- "m ~ a * x\n y ~ b * m + cp * x\n ab := a * b"
  time <- system.time({
    fit <- sem(model, data = d, se = "bootstrap", bootstrap = B)
    pe <- parameterEstimates(fit, boot.ci.type = "perc")
  })[["elapsed"]]
  ab <- pe[pe$label == "ab", ]
  cat(sprintf("lavaan: %.2f s  ab = %.6f [%.6f, %.6f]\n", time, ab$est, ab$ci.lower, ab$ci.upper))
} else {
  suppressMessages(library(boot))
  stat <- function(data, i) {
    s <- data[i, ]
    coef(lm(m ~ x, data = s))[["x"]] * coef(lm(y ~ x + m, data = s))[["m"]]
  }
  time <- system.time({
    b <- boot(d, stat, R = B)
    ci <- boot.ci(b, type = "perc")
  })[["elapsed"]]
  cat(sprintf("lm + boot: %.2f s  ab = %.6f [%.6f, %.6f]\n", time, b$t0, ci$percent[4], ci$percent[5]))
}
