# Bootstrap intervals from the resamples alliance drew (exported with `alliance mediate --export-resamples`): each
# line of *_resamples.txt is one resample's data rows (1-based). The statistics are recomputed by lm on those rows,
# and the intervals by boot.ci (type "perc" and "bca", the BCa acceleration from boot's usual jackknife,
# L = (n - 1)(t0 - t[-i]), leaving out one row, or one cluster for a cluster bootstrap).
# Run once from this folder after make_mediation.R: Rscript make_bootstrap.R  (writes boot_reference.json).
suppressMessages(library(boot))
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
arr <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
rhs <- function(...) paste(c(...), collapse = " + ")

stats_of <- function(d, x, ms, y, covs, w, path, probe) {
  out <- c(); total <- 0
  yf <- if (!is.null(path) && path == "b") rhs(x, ms, w, paste0(ms, ":", w), covs) else rhs(x, ms, covs)
  b <- coef(lm(as.formula(paste(y, "~", yf)), data = d))
  for (m in ms) {
    af <- if (!is.null(path) && path == "a") rhs(x, w, paste0(x, ":", w), covs) else rhs(x, covs)
    a <- coef(lm(as.formula(paste(m, "~", af)), data = d))
    if (is.null(path)) { out <- c(out, a[[x]] * b[[m]]); total <- total + a[[x]] * b[[m]] }
    else if (path == "a") { a3 <- a[[paste0(x, ":", w)]]; out <- c(out, a3 * b[[m]], (a[[x]] + a3 * probe) * b[[m]]) }
    else { b3 <- b[[paste0(m, ":", w)]]; out <- c(out, a[[x]] * b3, a[[x]] * (b[[m]] + b3 * probe)) }
  }
  if (is.null(path) && length(ms) > 1) out <- c(out, total)
  unname(out)
}

boot_case <- function(file, resamples, x, ms, y, covs = character(), w = NULL, path = NULL, cluster = NULL, levels = c(0.95, 0.90)) {
  d <- read.csv(file)
  probe <- if (is.null(w)) NULL else unname(quantile(d[[w]], c(.16, .5, .84), type = 6))
  stat <- function(rows) stats_of(d[rows, , drop = FALSE], x, ms, y, covs, w, path, probe)
  t0 <- stat(seq_len(nrow(d)))
  rows <- lapply(strsplit(readLines(resamples), " "), as.integer)
  t <- do.call(rbind, lapply(rows, stat))
  units <- if (is.null(cluster)) as.list(seq_len(nrow(d))) else split(seq_len(nrow(d)), d[[cluster]])
  n <- length(units)
  jack <- do.call(rbind, lapply(units, function(u) stat(setdiff(seq_len(nrow(d)), u))))
  b <- structure(list(t0 = t0, t = t, R = nrow(t), data = d, seed = 0L, statistic = stat, sim = "ordinary", stype = "i",
                      call = quote(boot()), strata = rep(1, nrow(d)), weights = rep(1 / nrow(d), nrow(d))), class = "boot")
  out <- c()
  for (s in seq_along(t0)) {
    L <- (n - 1) * (t0[s] - jack[, s])
    for (level in levels) {
      ci <- boot.ci(b, conf = level, type = c("perc", "bca"), index = s, L = L)
      out <- c(out, paste0('{"statistic": ', s - 1, ', "level": ', num(level), ', "estimate": ', num(t0[s]),
                           ', "boot_std_error": ', num(sd(t[, s])), ', "perc": ', arr(ci$percent[4:5]), ', "bca": ', arr(ci$bca[4:5]), '}'))
    }
  }
  paste0("[", paste(out, collapse = ",\n  "), "]")
}

cases <- c(
  tal_or_parallel = boot_case("tal_or.csv", "tal_or_resamples.txt", "cond", c("pmi", "import"), "reaction", covs = c("gender", "age")),
  simulated_cluster_model14 = boot_case("simulated.csv", "simulated_cluster_resamples.txt", "arm", "wai", "phq_post", w = "phq_pre",
                                        path = "b", cluster = "therapist")
)
writeLines(paste0("{\n", paste0('"', names(cases), '": ', cases, collapse = ",\n"), "\n}"), "boot_reference.json")
