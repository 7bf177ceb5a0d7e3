# Value-labelled event columns for HostileInputSecondWaveTests (R 4 + haven + survival). Run once from this directory:
#   Rscript make_second_wave.R
# Prints the events and rows survfit uses, which the tests expect.
library(haven)
library(survival)
set.seed(20261206)
n <- 40
time <- sample(1:20, n, TRUE)
event <- rbinom(n, 1, 0.4)
time[5] <- 999   # user-missing time
event[7] <- 9    # user-missing event
d <- data.frame(time = labelled_spss(time, labels = c("not recorded" = 999), na_values = 999),
                event = labelled_spss(event, labels = c(censored = 0, dropped = 1, unknown = 9), na_values = 9),
                x = round(rnorm(n), 2))
write_sav(d, "surv_labelled.sav")
# SPSS's usual yes/no coding: 1 = yes (the event), 2 = no; the 1/2 rule of Surv() would take 2 ('no') as the event.
yes <- ifelse(event == 1, 1, 2)
yes[7] <- 2
d2 <- data.frame(time = time, event = labelled(yes, labels = c(yes = 1, no = 2)), x = d$x)
d2$time[5] <- NA
write_sav(d2, "surv_yes1_no2.sav")
r <- as_factor(read_sav("surv_labelled.sav"), only_labelled = TRUE)
z <- zap_missing(read_sav("surv_labelled.sav"))
f <- survfit(Surv(as.numeric(time), as.numeric(event)) ~ 1, data = z)
cat(sprintf("surv_labelled.sav: n = %d, events = %d\n", f$n, sum(f$n.event)))
z2 <- read_sav("surv_yes1_no2.sav")
f2 <- survfit(Surv(as.numeric(time), as.numeric(event) == 1) ~ 1, data = z2)
cat(sprintf("surv_yes1_no2.sav: n = %d, events = %d\n", f2$n, sum(f2$n.event)))
