# Makes string_missing.sav with haven (r-cran-haven 2.5.1): an SPSS string variable with declared (user-missing)
# values (A3: DK and RF, labelled), beside two numeric items, one with the numeric code 9 declared missing. A long
# string's declared value is not here: haven (ReadStat) writes only its first 8 bytes ("not recorded" is declared as
# "not reco"), so no cell matches it. Run from this folder: Rscript make_string_missing.R (haven stamps the file with the
# time of writing, so a re-run changes bytes, not contents). StatFileReaderTests and StatFileCommandTests read it.
suppressMessages(library(haven))
d <- data.frame(client = 1:8)
d$answer <- labelled_spss(c("yes", "no", "DK", "yes", "RF", "no", "yes", ""),
                          labels = c(Refused = "RF", `Don't know` = "DK"), na_values = c("DK", "RF"))
d$item_1 <- labelled_spss(c(1, 2, 9, 3, 1, 2, 0, 1), labels = c(Refused = 9), na_values = 9)
d$item_2 <- c(2, 2, 1, 0, 3, 1, 1, 2)
write_sav(d, "string_missing.sav")
x <- read_sav("string_missing.sav", user_na = TRUE)
stopifnot(identical(attr(x$answer, "na_values"), c("DK", "RF")), sum(is.na(zap_missing(x$answer))) == 2)
