# R side of Benchmarks/models.sh: read the CSV with data.table::fread, fit lm or glm(binomial) and print
# the summary() coefficient table at full precision as CSV on standard output.
# Usage: Rscript models_r.R ols|logit data.csv [nthread]
# Without nthread, fread runs with its default threading (getDTthreads(): half the logical CPUs) and
# R's BLAS with its own default, as a user runs it; with nthread, fread(nThread = nthread).
args <- commandArgs(trailingOnly = TRUE)
model <- args[1]
suppressPackageStartupMessages(library(data.table))
d <- if (length(args) >= 3) fread(args[2], nThread = as.integer(args[3])) else fread(args[2])
rhs <- paste(c(paste0("x", 1:12), "site"), collapse = " + ")
fit <- if (model == "ols") {
  lm(as.formula(paste("y ~", rhs)), data = d)
} else if (model == "logit") {
  glm(as.formula(paste("yb ~", rhs)), family = binomial, data = d)
} else stop("model must be ols or logit")
co <- coef(summary(fit))
out <- data.frame(term = rownames(co), estimate = format(co[, 1], digits = 17),
                  std_error = format(co[, 2], digits = 17), statistic = format(co[, 3], digits = 17),
                  p_value = format(co[, 4], digits = 17))
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
