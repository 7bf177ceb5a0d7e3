# survival::coxph from CSV (data.table::fread), Efron ties, default control: Rscript cox_r.R FILE WORKLOAD
suppressPackageStartupMessages({ library(data.table); library(survival) })
a <- commandArgs(TRUE)
d <- fread(a[1])
f <- if (a[2] == "right") Surv(time, event) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 else
  Surv(start, stop, event) ~ wai + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11
fit <- coxph(f, data = d)
cat(sprintf("%s,%.10g,%.10g\n", names(coef(fit)), coef(fit), sqrt(diag(vcov(fit)))), sep = "")
