# IRLS iteration counts of R's glm() with its default control (glm.control(): epsilon = 1e-8, maxit = 25) for
# every logit and Poisson fixture in models_reference.json. alliance reports the count at which this test first
# holds (docs/models.md, "Iterations and rounding"). Run once from this folder, after make_models.R:
#   Rscript make_glm_iterations.R
# Writes glm_iterations.json: { "<fixture name>": iterations, ... }.
suppressPackageStartupMessages(library(jsonlite))
d <- read.csv("../../AllianceTestSupport/Fixtures/models_data.csv", stringsAsFactors = TRUE, na.strings = "")
fixtures <- fromJSON("models_reference.json", simplifyVector = FALSE)
out <- list()
for (f in fixtures) {
  if (!(f$model %in% c("logit", "poisson"))) next
  data <- d
  for (column in names(f$references)) data[[column]] <- relevel(data[[column]], ref = f$references[[column]])
  family <- if (f$model == "logit") binomial else poisson
  m <- glm(as.formula(f$formula), family = family, data = data)
  out[[f$name]] <- m$iter
}
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE), "glm_iterations.json")
cat(length(out), "fixtures written\n")
