# Fixtures for issue 18 items 2-3: a European CSV (write.csv2: ';', decimal comma, R's row names, BOM, CRLF)
# and a file with -99/999 missing codes, both made from Datasets/clinic.csv, with R's answers on the data
# read correctly (lm; mean, sd, min, max). Run from the repository root:
#   Rscript Tests/CommandsTests/Fixtures/dialects/make_dialects.R
library(jsonlite)
out <- "Tests/CommandsTests/Fixtures/dialects"
clinic <- read.csv("Datasets/clinic.csv", stringsAsFactors = FALSE)
wai <- clinic[, paste0("wai_", 1:12)]
d <- data.frame(site = clinic$site, age = clinic$age, phq_pre = clinic$phq_pre, phq_post = clinic$phq_post,
                wai_mean = rowMeans(wai), stringsAsFactors = FALSE)

# European dialect: write.csv2 with its default row names (empty first header cell), a UTF-8 BOM, CRLF.
# (The BOM is written by hand: this R build has no "UTF-8-BOM" conversion.)
con <- file(file.path(out, "european.csv"), "wb")
writeBin(as.raw(c(0xEF, 0xBB, 0xBF)), con)
write.csv2(d, con, eol = "\r\n")
close(con)

# Missing codes: wai_mean missing as 999, phq_post missing as -99 (some written -99.0 and -9.9e1, the
# same number); wai_mean missing as 999 or as an empty cell (a default token, which --na must keep).
fmt <- function(x) ifelse(is.na(x), NA, sprintf("%.17g", x))
codes <- data.frame(site = d$site, age = ifelse(is.na(d$age), "", as.character(d$age)),
                    phq_pre = fmt(d$phq_pre), phq_post = fmt(d$phq_post), wai_mean = fmt(d$wai_mean),
                    stringsAsFactors = FALSE)
miss_post <- which(is.na(d$phq_post))
codes$phq_post[miss_post] <- rep(c("-99", "-99.0", "-9.9e1"), length.out = length(miss_post))
miss_wai <- which(is.na(d$wai_mean))
codes$wai_mean[miss_wai] <- rep(c("999", ""), length.out = length(miss_wai))
write.csv(codes, file.path(out, "missing_codes.csv"), row.names = FALSE, quote = FALSE, na = "")

num <- function(x) sprintf("%.17g", x)
answers <- function(data) {
  fit <- lm(phq_post ~ wai_mean + phq_pre + site, data = data)
  s <- summary(fit)$coefficients
  describe <- lapply(c("age", "phq_pre", "phq_post", "wai_mean"), function(v) {
    x <- data[[v]]
    list(name = v, n = sum(!is.na(x)), missing = sum(is.na(x)), mean = num(mean(x, na.rm = TRUE)),
         sd = num(sd(x, na.rm = TRUE)), min = num(min(x, na.rm = TRUE)), max = num(max(x, na.rm = TRUE)))
  })
  list(rows = nrow(data), used = nobs(fit), terms = rownames(s), estimate = num(s[, 1]), std_error = num(s[, 2]),
       describe = describe)
}
# The right answers are those on the files as R reads them correctly: read.csv2 (write.csv2 keeps 15
# significant digits) and read.csv with the codes declared.
european <- read.csv2(file.path(out, "european.csv"), fileEncoding = "UTF-8-BOM", row.names = 1)
coded <- read.csv(file.path(out, "missing_codes.csv"), na.strings = c("", "NA", "-99", "-99.0", "-9.9e1", "999"))
stopifnot(isTRUE(all.equal(european, d, check.attributes = FALSE, tolerance = 1e-14)),
          isTRUE(all.equal(coded, d, tolerance = 0)))
reference <- list(european = answers(european), missing_codes = answers(coded))
writeLines(toJSON(reference, auto_unbox = TRUE, pretty = TRUE, digits = NA), file.path(out, "dialects_reference.json"))
