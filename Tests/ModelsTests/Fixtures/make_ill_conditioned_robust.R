# Robust covariances of ill-conditioned designs (x ≈ 10000 ± 1 with I(x^2)): the reference values.
# Run once from this folder:  Rscript make_ill_conditioned_robust.R
# Writes ill_conditioned_data.csv (set.seed(20261207): 600 rows, x = 10000 + N(0, 1), 40 clusters, a heteroskedastic
# outcome y and a binary outcome yb) and ill_conditioned_robust.json.
# R's own lm/glm on y ~ x + I(x^2) lose the digits alliance keeps (lm aliases I(x^2) here), so each reference is
# computed on the centred design xc = x - mean(x), where it is well-conditioned, and mapped to the parameterisation of
# y ~ x + I(x^2) exactly: b = T b_c and V = T V_c T' with T = [1 -m m^2; 0 1 -2m; 0 0 1]; CR2 degrees of freedom of
# coefficient j are those of the contrast T[j, ] (clubSandwich::linear_contrast). Sandwich estimators are the same in
# any basis of the design's columns, so these are what vcovHC/vcovCL/vcovCR would give in exact arithmetic.
# Doubles are 17-significant-digit strings; fits use the CSV as read back; GLMs at epsilon = 1e-15.
suppressPackageStartupMessages({ library(sandwich); library(clubSandwich); library(jsonlite) })
set.seed(20261207)
n <- 600
x <- 10000 + rnorm(n)
g <- sprintf("c%02d", sample(1:40, n, replace = TRUE))
c0 <- x - 10000
y <- 1 + 0.5 * c0 + 0.3 * c0^2 + rnorm(n) * (1 + abs(c0))
yb <- rbinom(n, 1, plogis(c0 + 0.5 * c0^2 - 0.5))
write.csv(data.frame(x = sprintf("%.17g", x), g, y = sprintf("%.17g", y), yb), "ill_conditioned_data.csv",
          row.names = FALSE, quote = FALSE)
d <- read.csv("ill_conditioned_data.csv")
m <- mean(d$x)
d$xc <- d$x - m
Tm <- rbind(c(1, -m, m^2), c(0, 1, -2 * m), c(0, 0, 1))
num <- function(v) sprintf("%.17g", v)
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
ols <- lm(y ~ xc + I(xc^2), data = d)
logit <- glm(yb ~ xc + I(xc^2), family = binomial, data = d, control = ctl)
fixtures <- list()
add <- function(name, model, covariance, fit, V, df = NULL) {
  Vx <- Tm %*% V %*% t(Tm)
  entry <- list(name = name, model = model, covariance = covariance,
                formula = if (model == "ols") "y ~ x + I(x^2)" else "yb ~ x + I(x^2)",
                estimate = I(num(drop(Tm %*% coef(fit)))), std_error = I(num(sqrt(diag(Vx)))),
                vcov = I(num(as.vector(Vx))))
  if (!is.null(df)) entry$df <- I(num(df))
  fixtures[[length(fixtures) + 1]] <<- entry
}
for (type in c("HC0", "HC1", "HC2", "HC3")) add(paste0("ols_", tolower(type)), "ols", tolower(type), ols, vcovHC(ols, type = type))
add("ols_cluster", "ols", "cluster", ols, vcovCL(ols, cluster = ~g, type = "HC1"))
cr2 <- function(fit) {
  V <- vcovCR(fit, cluster = d$g, type = "CR2")
  df <- sapply(1:3, function(j) linear_contrast(fit, vcov = V, contrasts = matrix(Tm[j, ], 1), test = "Satterthwaite")$df)
  list(V = V, df = df)
}
r <- cr2(ols); add("ols_cr2", "ols", "cr2", ols, r$V, r$df)
add("ols_classical", "ols", "classical", ols, vcov(ols))
for (type in c("HC0", "HC3")) add(paste0("logit_", tolower(type)), "logit", tolower(type), logit, vcovHC(logit, type = type))
add("logit_cluster", "logit", "cluster", logit, vcovCL(logit, cluster = ~g, type = "HC1"))
r <- cr2(logit); add("logit_cr2", "logit", "cr2", logit, r$V, r$df)
add("logit_classical", "logit", "classical", logit, vcov(logit))
writeLines(toJSON(fixtures, auto_unbox = TRUE, pretty = TRUE), "ill_conditioned_robust.json")
