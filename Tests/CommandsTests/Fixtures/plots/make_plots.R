# Reference values for Tests/CommandsTests/PlotScatterTests.swift and PlotFitDiagnosticsTests.swift.
# Run once from the repository root: Rscript Tests/CommandsTests/Fixtures/plots/make_plots.R
d <- read.csv("Datasets/clinic.csv")
cc <- d[!is.na(d$phq_pre) & !is.na(d$phq_post), ]
m <- lm(phq_post ~ phq_pre, data = cc)
x0 <- c(0, 5, 12.5, 27)
p <- predict(m, newdata = data.frame(phq_pre = x0), interval = "confidence", level = 0.95)
p90 <- predict(m, newdata = data.frame(phq_pre = x0), interval = "confidence", level = 0.90)
band <- data.frame(x = x0, fit = p[, "fit"], lwr = p[, "lwr"], upr = p[, "upr"],
                   lwr90 = p90[, "lwr"], upr90 = p90[, "upr"], n = nrow(cc))
write.csv(format(band, digits = 17), "Tests/CommandsTests/Fixtures/plots/ols_band.csv", row.names = FALSE, quote = FALSE)

# Standardized residuals (rstandard) of an OLS fit with a factor, and the Q-Q positions.
m2 <- lm(phq_post ~ phq_pre + site, data = d)
r <- rstandard(m2)
q <- qqnorm(r, plot.it = FALSE)
rs <- data.frame(row = as.integer(names(r)) - 1L, rstandard = unname(r), hat = unname(hatvalues(m2)),
                 theoretical = q$x)
write.csv(format(rs, digits = 17), "Tests/CommandsTests/Fixtures/plots/ols_rstandard.csv", row.names = FALSE, quote = FALSE)

# Freedman-Diaconis width and counts for phq_pre (R's nclass.FD uses IQR type 7 and n^(1/3)).
x <- d$phq_pre[!is.na(d$phq_pre)]
fd <- 2 * IQR(x) / length(x)^(1/3)
cat(format(fd, digits = 17), "\n", file = "Tests/CommandsTests/Fixtures/plots/phq_pre_fd_width.txt")

# A non-integer column: Freedman-Diaconis width, edges anchored at a multiple of the width, and counts in
# half-open bins [a, b) with the last one closed (hist(right = FALSE, include.lowest = TRUE)).
h <- d$homework[!is.na(d$homework)]
w <- 2 * IQR(h) / length(h)^(1/3)
start <- floor(min(h) / w) * w
k <- max(1, floor((max(h) - start) / w) + 1)
if (k > 1 && start + (k - 1) * w == max(h)) k <- k - 1
edges <- start + (0:k) * w
counts <- hist(h, breaks = edges, right = FALSE, include.lowest = TRUE, plot = FALSE)$counts
write.csv(data.frame(from = format(edges[-length(edges)], digits = 17), to = format(edges[-1], digits = 17),
                     count = counts, width = format(w, digits = 17)),
          "Tests/CommandsTests/Fixtures/plots/homework_fd_bins.csv", row.names = FALSE, quote = FALSE)
