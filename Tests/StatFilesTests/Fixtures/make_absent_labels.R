# Makes absent_labels.dta and absent_labels.sav with haven: value labels that no row holds. `wai` is a continuous score
# whose only label is -99 = "missing" (a code the file never uses), `refusals` a count with 99 = "refused" (absent too);
# `item` is a 1-3 item with every value labelled and `ends` a 1-5 rating with only its ends labelled (both present).
# Run from this folder: Rscript make_absent_labels.R (haven stamps the time of writing, so a re-run changes bytes, not
# contents). StatFileReaderTests reads them: labels on absent codes leave a column numeric (session 21).
suppressMessages(library(haven))
d <- data.frame(id = 1:8)
d$wai <- labelled(c(3.6, 4.7, 5.2, 4.1, 2.9, 6.3, 5.5, 4.4), labels = c(missing = -99))
d$refusals <- labelled(c(0, 1, 0, 2, 0, 0, 3, 1), labels = c(refused = 99))
d$item <- labelled(c(1, 2, 3, 1, 2, 3, 1, 2), labels = c(low = 1, mid = 2, high = 3))
d$ends <- labelled(c(1, 2, 5, 3, 4, 5, 1, 2), labels = c(never = 1, always = 5))
write_dta(d, "absent_labels.dta")
write_sav(d, "absent_labels.sav")
x <- read_dta("absent_labels.dta")
stopifnot(is.labelled(x$wai), !any(x$wai == -99), identical(attr(x$refusals, "labels"), c(refused = 99)))
