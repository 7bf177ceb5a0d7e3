# R side of Benchmarks/glmm.sh: data.table::fread + lme4::glmer(family = binomial) with its default settings
# (Laplace, two stages, default glmerControl), estimates as CSV `parameter,value` on standard output:
#   estimate TERM, std_error TERM, variance GROUP (Intercept), log_likelihood, seconds_read, seconds_fit.
# Usage: Rscript glmm_r.R "<lme4 formula>" data.csv
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript glmm_r.R \"<lme4 formula>\" data.csv")
suppressPackageStartupMessages({ library(data.table); library(lme4) })
t0 <- proc.time()[["elapsed"]]
d <- fread(args[2])
t1 <- proc.time()[["elapsed"]]
fit <- glmer(as.formula(args[1]), data = d, family = binomial)
t2 <- proc.time()[["elapsed"]]
full <- function(x) sprintf("%.17g", x)
term_name <- function(term) {
  for (col in names(d)[vapply(d, is.character, logical(1))]) for (lev in unique(d[[col]]))
    if (term == paste0(col, lev)) return(sprintf("%s[%s]", col, lev))
  term
}
cf <- summary(fit)$coefficients
cat("parameter,value\n")
for (i in seq_len(nrow(cf))) {
  name <- term_name(rownames(cf)[i])
  cat(sprintf("estimate %s,%s\nstd_error %s,%s\n", name, full(cf[i, 1]), name, full(cf[i, 2])))
}
vc <- as.data.frame(VarCorr(fit))
for (i in seq_len(nrow(vc))) cat(sprintf("variance %s %s,%s\n", vc$grp[i], vc$var1[i], full(vc$vcov[i])))
cat(sprintf("log_likelihood,%s\nseconds_read,%s\nseconds_fit,%s\n", full(as.numeric(logLik(fit))), full(t1 - t0), full(t2 - t1)))
