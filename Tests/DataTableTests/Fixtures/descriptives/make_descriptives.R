# Reference values for Tests/DataTableTests/DescriptivesTests.swift (run once: Rscript make_descriptives.R).
# quantile7.csv: R's default quantile (type 7) of a small unsorted sample with ties and a negative value.
# grouped.csv: per-group n, mean, sd (n - 1) and median of two columns, missing values dropped per column.
x <- c(3.5, -1, 2, 2, 10, 7.25, 0.5, 4)
p <- c(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)
q <- quantile(x, p, type = 7, names = FALSE)
write.csv(data.frame(p = sprintf("%.17g", p), q = sprintf("%.17g", q)), "quantile7.csv", row.names = FALSE, quote = FALSE)

g <- c("b", "a", "b", "a", "c", "b", "a", "b", "c", NA)
u <- c(1.5, 2.25, NA, 4, 10, 3, 2.75, 8, 11.5, 6)
v <- c(0.1, NA, 0.3, 0.7, 0.2, 0.9, 0.4, 0.8, NA, 0.5)
rows <- list()
for (level in sort(unique(na.omit(g)))) {
  for (column in c("u", "v")) {
    values <- get(column)[!is.na(g) & g == level]
    present <- values[!is.na(values)]
    rows[[length(rows) + 1]] <- data.frame(
      level = level, column = column, n = length(present), missing = sum(is.na(values)),
      mean = sprintf("%.17g", mean(present)),
      sd = if (length(present) > 1) sprintf("%.17g", sd(present)) else "NA",
      median = sprintf("%.17g", median(present)))
  }
}
write.csv(do.call(rbind, rows), "grouped.csv", row.names = FALSE, quote = FALSE)
