# R side of Benchmarks/mixed.sh: read the CSV with data.table::fread, fit lme4::lmer with its default
# settings (REML, nloptwrap BOBYQA, default control) and print the estimates as CSV `parameter,value` at
# full precision on standard output, in the names mixed.sh compares across tools:
#   estimate TERM, std_error TERM        fixed effects (factor terms as site[leeds], not R's siteleeds)
#   variance GROUP TERM, correlation GROUP TERM1:TERM2, variance Residual   (as.data.frame(VarCorr()); the
#                                        ".1" lme4 appends to the second group of `(x || g)` is dropped)
#   reml_criterion, log_likelihood       REMLcrit() and logLik() (= -REMLcrit / 2 for a REML fit)
#   seconds_read, seconds_fit            where the time went (reported, not compared)
# lme4's convergence warnings go to standard error (as R prints them).
# Usage: Rscript mixed_r.R "<lme4 formula>" data.csv [nthread]
# Without nthread, fread runs with its default threading (getDTthreads()) and R's BLAS with its own
# default, as a user runs it; with nthread, fread(nThread = nthread).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: Rscript mixed_r.R \"<lme4 formula>\" data.csv [nthread]")
suppressPackageStartupMessages({ library(data.table); library(lme4) })
t0 <- proc.time()[["elapsed"]]
d <- if (length(args) >= 3) fread(args[2], nThread = as.integer(args[3])) else fread(args[2])
t1 <- proc.time()[["elapsed"]]
fit <- lmer(as.formula(args[1]), data = d)
t2 <- proc.time()[["elapsed"]]

full <- function(x) sprintf("%.17g", x)
# R names a treatment-contrast column paste0(column, level); mixed.sh compares column[level].
term_name <- function(term) {
  for (col in names(d)[vapply(d, is.character, logical(1))]) {
    for (lev in unique(d[[col]])) {
      if (term == paste0(col, lev)) return(sprintf("%s[%s]", col, lev))
    }
  }
  term
}
co <- coef(summary(fit))
terms <- vapply(rownames(co), term_name, character(1))
out <- data.frame(parameter = c(paste("estimate", terms), paste("std_error", terms)),
                  value = full(c(co[, "Estimate"], co[, "Std. Error"])))
vc <- as.data.frame(VarCorr(fit))
group <- sub("\\.[0-9]+$", "", vc$grp)
vc_rows <- ifelse(vc$grp == "Residual", "variance Residual",
                  ifelse(is.na(vc$var2), paste("variance", group, vc$var1),
                         paste0("correlation ", group, " ", vc$var1, ":", vc$var2)))
vc_values <- ifelse(is.na(vc$var2), vc$vcov, vc$sdcor)
out <- rbind(out, data.frame(parameter = vc_rows, value = full(vc_values)))
out <- rbind(out, data.frame(
  parameter = c("reml_criterion", "log_likelihood", "seconds_read", "seconds_fit"),
  value = c(full(REMLcrit(fit)), full(as.numeric(logLik(fit))), full(t1 - t0), full(t2 - t1))))
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
