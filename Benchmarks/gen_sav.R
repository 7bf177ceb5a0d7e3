# 1,000,000 rows × 15 columns as SPSS .sav (9 value-labelled items, numbers, a text column) for Benchmarks/statfiles.sh.
suppressMessages(library(haven))
set.seed(1)
n <- 1e6
d <- data.frame(client = seq_len(n))
for (j in 1:9) d[[paste0("phq_", j)]] <- labelled(sample(0:3, n, TRUE), c("Not at all" = 0, "Several days" = 1, "More than half the days" = 2, "Nearly every day" = 3))
d$wai <- round(rnorm(n, 4, 1), 3); d$gad <- rnorm(n); d$sessions <- sample(1:20, n, TRUE)
d$site <- sample(c("north", "south", "east"), n, TRUE); d$x <- runif(n)
args <- commandArgs(TRUE)
write_sav(d, if (length(args)) args[1] else "big.sav")
