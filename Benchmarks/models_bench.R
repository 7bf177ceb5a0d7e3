# Companion of Benchmarks/models.sh.
#   Rscript Benchmarks/models_bench.R generate ROWS FILE   writes the synthetic data (set.seed(7))
#   Rscript Benchmarks/models_bench.R time FILE            times R's fits on it (read time reported apart)
suppressPackageStartupMessages({ library(data.table); library(sandwich) })
args <- commandArgs(trailingOnly = TRUE)
if (args[1] == "generate") {
  set.seed(7); n <- as.integer(args[2])
  d <- data.table(therapist = sprintf("T%03d", sample(200, n, TRUE)), site = sample(c("east", "north", "south"), n, TRUE))
  for (j in 1:10) d[[paste0("x", j)]] <- round(rnorm(n, 50 + j, 10), 2)
  eta <- with(d, -1 + 0.03 * (x1 - 51) - 0.02 * (x2 - 52) + 0.2 * (site == "south"))
  d$y <- round(20 + 0.3 * d$x1 - 0.2 * d$x2 + rnorm(n, 0, 5), 3)
  d$dropout <- rbinom(n, 1, plogis(eta))
  fwrite(d, args[3])
} else {
  t0 <- Sys.time(); d <- fread(args[2]); read <- as.numeric(Sys.time() - t0, units = "secs")
  f <- as.formula(paste("y ~", paste(paste0("x", 1:10), collapse = " + "), "+ site"))
  g <- update(f, dropout ~ .)
  ols <- system.time({ m <- lm(f, d); s <- summary(m) })[["elapsed"]]
  cl <- system.time(V <- vcovCL(m, cluster = ~therapist, type = "HC1"))[["elapsed"]]
  logit <- system.time({ b <- glm(g, binomial, d, control = glm.control(epsilon = 1e-15, maxit = 100)); sb <- summary(b) })[["elapsed"]]
  cat(sprintf("R fread %.2f s | lm+summary %.2f s | vcovCL %.2f s | glm logit (eps 1e-15, %d iter) %.2f s\n",
              read, ols, cl, b$iter, logit))
}
