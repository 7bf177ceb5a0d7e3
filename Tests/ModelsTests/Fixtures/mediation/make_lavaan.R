# lavaan's bootstrap of the Tal_Or indirect effect (5000 resamples, percentile interval), for the Monte-Carlo check
# of alliance's 5000-resample interval. Run once from this folder: Rscript make_lavaan.R  (writes lavaan_reference.json).
suppressMessages(library(lavaan))
num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))  # lavaan leaves the SE of a defined parameter NA here
d <- read.csv("tal_or.csv")
model <- "pmi ~ a * cond\n reaction ~ b * pmi + cp * cond\n ab := a * b"
set.seed(2016)
fit <- sem(model, data = d, se = "bootstrap", bootstrap = 5000)
pe <- parameterEstimates(fit, boot.ci.type = "perc", level = 0.95)
ab <- pe[pe$label == "ab", ]
writeLines(paste0('{"tal_or_model4": {"estimate": ', num(ab$est), ', "boot_std_error": ', num(ab$se), ', "conf_low": ', num(ab$ci.lower),
                  ', "conf_high": ', num(ab$ci.upper), ', "resamples": 5000}}'), "lavaan_reference.json")
