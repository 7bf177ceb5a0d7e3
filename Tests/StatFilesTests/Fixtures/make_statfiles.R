# Makes the SPSS/Stata/SAS fixtures with haven (r-cran-haven 2.5.1) from known data, and writes what haven
# reads back from each (as_factor in code order, user-missing as NA) as expected-<file>.json, numbers with
# sprintf("%.17g"). Run once from this folder: Rscript make_statfiles.R (haven stamps each file with the time
# of writing, so a re-run changes bytes, not contents; the expected-*.json files are identical).
suppressMessages({ library(haven); library(jsonlite) })

item_labels <- c("Not at all" = 0, "Several days" = 1, "More than half the days" = 2, "Nearly every day" = 3)
# Reverse-alphabetical labels, so code order and sorted order differ; 2 and 5 occur without a label.
bond_labels <- c("Weak" = 1, "Strong" = 4)

spss <- data.frame(client = c(101, 102, 103, 104, 105, 106, 107, 108))
spss$phq_1 <- labelled_spss(c(0, 1, 2, 3, 9, NA, 1, 0), c(item_labels, "Refused" = 9), na_values = 9,
                            label = "Little interest or pleasure")
spss$bond <- labelled_spss(c(4, 1, 2, 4, 5, 1, -99, 4), c(bond_labels, "Not asked" = -99), na_range = c(-99, -90),
                           label = "Bond with therapist")
spss$wai_total <- labelled(c(3.25, 4.5, NA, 2.125, 5, 3.75, 4.0625, 1.5), label = "WAI-SR total score")
spss$site <- c("north", "south", "", "north", "east", "south", "north", "east")
spss$phq_2 <- labelled(c(0, 1, 1, 2, 3, 0, 2, 1), item_labels)
write_sav(spss, "labelled.sav")
write_sav(spss, "labelled.zsav", compress = TRUE)

stata <- data.frame(client = c(101, 102, 103, 104, 105, 106))
stata$phq_1 <- labelled(c(0, 1, 2, tagged_na("a"), 3, 1), c(item_labels, "Refused" = tagged_na("a")),
                        label = "Little interest or pleasure")
stata$bond <- labelled(c(4, 1, 2, 4, 5, NA), bond_labels, label = "Bond with therapist")
stata$wai_total <- labelled(c(3.25, 4.5, NA, 2.125, 5, 3.75), label = "WAI-SR total score")
stata$site <- c("north", "south", "", "north", "east", "south")
write_dta(stata, "labelled.dta", version = 14)

sas <- data.frame(client = c(1, 2, 3, 4), score = c(10.5, NA, -3.25, 1e10), group = c("a", "b", "", "a"))
attr(sas$score, "label") <- "Outcome score"
write_xpt(sas, "plain.xpt", version = 8)
write_sas(sas, "plain.sas7bdat")  # deprecated in haven, still ReadStat's sas7bdat writer

dates <- data.frame(visit = as.Date(c("2024-03-15", "1999-12-31", NA, "1960-01-01")),
                    stamp = as.POSIXct(c("2024-03-15 09:30:00", "1999-12-31 23:59:59", NA, "1960-01-01 00:00:00"), tz = "UTC"))
write_sav(dates, "dates.sav")
write_dta(dates, "dates.dta", version = 14)

num <- function(x) ifelse(is.na(x), NA, sprintf("%.17g", x))
expected <- function(file, data) {
  cols <- lapply(names(data), function(n) {
    x <- data[[n]]
    out <- list(name = n, label = if (is.null(attr(x, "label", exact = TRUE))) NA else attr(x, "label", exact = TRUE))
    if (is.labelled(x)) {
      f <- as_factor(zap_missing(x), levels = "default")
      labs <- attr(x, "labels")
      # user-missing codes' labels are not levels (as_factor would keep them as empty levels)
      missing_codes <- is.na(labelled_spss(unname(labs), na_values = attr(x, "na_values"), na_range = attr(x, "na_range")))
      keep <- levels(f)[!(levels(f) %in% names(labs)[missing_codes | is.na(unname(labs))])]
      out$levels <- keep
      out$values <- as.character(f)
      out$codes <- num(as.numeric(zap_missing(x)))
      out$declared_missing <- sum(is.na(zap_missing(x))) - sum(is.na(unclass(x)) & !is_tagged_na(unclass(x)))
    } else if (inherits(x, "Date") || inherits(x, "POSIXct")) {
      out$values <- ifelse(is.na(x), NA, format(x, if (inherits(x, "Date")) "%Y-%m-%d" else "%Y-%m-%d %H:%M:%S", tz = "UTC"))
    } else if (is.character(x)) {
      out$values <- ifelse(x == "", NA, x)
    } else {
      out$values <- num(as.numeric(x))
    }
    out
  })
  writeLines(toJSON(list(file = file, rows = nrow(data), columns = cols), auto_unbox = TRUE, na = "null", pretty = TRUE),
             paste0("expected-", file, ".json"))
}
for (f in c("labelled.sav", "labelled.zsav")) expected(f, read_sav(f, user_na = TRUE))
expected("labelled.dta", read_dta("labelled.dta"))
expected("plain.xpt", read_xpt("plain.xpt"))
expected("plain.sas7bdat", read_sas("plain.sas7bdat"))
expected("dates.sav", read_sav("dates.sav"))
expected("dates.dta", read_dta("dates.dta"))

# The round trip: alliance-scored.sav/.dta are what `alliance score labelled.sav --key
# Tests/CommandsTests/Fixtures/statfiles/two_item_key.json --items phq_1,phq_2 --out alliance-scored.sav` wrote
# (committed); haven's reading of them is the expected result (run after alliance wrote them).
if (file.exists("alliance-scored.sav")) {
  expected("alliance-scored.sav", read_sav("alliance-scored.sav", user_na = TRUE))
  expected("alliance-scored.dta", read_dta("alliance-scored.dta"))
}
