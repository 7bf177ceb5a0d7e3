# Reference results for alliance's data steps (transform, reshape, aggregate) from dplyr and tidyr.
# Run from this directory: Rscript make_datasteps.R
# Inputs: handmade.csv (missing values, ties, an out-of-order session, a client with all-missing values) and
# sessions_sample.csv (the first 40 clients of Datasets/sessions.csv, written by this script).
# Numbers are written with sprintf("%.17g"); missing values as empty cells, as alliance writes them.
suppressPackageStartupMessages({ library(dplyr); library(tidyr) })

write_exact <- function(d, file) {
  d <- as.data.frame(d)
  for (k in names(d)) {
    x <- d[[k]]
    if (is.numeric(x)) {
      x[is.nan(x) | is.infinite(x)] <- NA
      d[[k]] <- ifelse(is.na(x), "", sprintf("%.17g", x))
    } else {
      d[[k]] <- ifelse(is.na(x), "", as.character(x))
    }
  }
  write.csv(d, file, row.names = FALSE, quote = TRUE, na = "")
}

read_in <- function(file) read.csv(file, na.strings = c("", "NA"), stringsAsFactors = FALSE, check.names = FALSE)

# Row mean / sum with a minimum of non-missing values (alliance: mean(a, b, c, min = 2)).
row_mean_min <- function(m, k) ifelse(rowSums(!is.na(m)) >= k, rowMeans(m, na.rm = TRUE), NA)
row_sum_min <- function(m, k) ifelse(rowSums(!is.na(m)) >= k, rowSums(m, na.rm = TRUE), NA)

# lag within client in session order (dplyr's lag after arrange + group_by), rows back in the data's order.
lag_by <- function(d, x, g, o) {
  d$.row <- seq_len(nrow(d))
  d <- d %>% arrange(.data[[o]]) %>% group_by(.data[[g]]) %>% mutate(.lag = lag(.data[[x]])) %>% ungroup() %>% arrange(.row)
  d$.lag
}

slope <- function(y, x) {
  ok <- !is.na(y) & !is.na(x)
  if (sum(ok) < 2 || length(unique(x[ok])) < 2) return(NA_real_)
  unname(coef(lm(y[ok] ~ x[ok]))[2])
}

# ---- handmade.csv ----
h <- read_in("handmade.csv")
# alliance transform handmade.csv --recode "alliance_label: Never=0, Rarely=1, Sometimes=2, Often=3, Always=4"
#   --compute "wai_w = within(wai, client)" --compute "wai_b = between(wai, client)"
#   --compute "phq_lag = lag(phq, client, session)" --compute "m = mean(phq, wai, srs, min = 2)"
#   --compute "s = sum(phq, wai, srs, min = 2)" --compute "change = phq - phq_lag"
#   --filter 'phq >= 10 | site == "north"' --drop therapist
ht <- h
ht$alliance_label <- as.numeric(recode(ht$alliance_label, Never = "0", Rarely = "1", Sometimes = "2", Often = "3", Always = "4"))
ht <- ht %>% group_by(client) %>% mutate(wai_w = wai - mean(wai, na.rm = TRUE), wai_b = mean(wai, na.rm = TRUE)) %>% ungroup()
ht$wai_b[!is.finite(ht$wai_b)] <- NA
ht$phq_lag <- lag_by(ht, "phq", "client", "session")
m <- cbind(ht$phq, ht$wai, ht$srs)
ht$m <- row_mean_min(m, 2)
ht$s <- row_sum_min(m, 2)
ht$change <- ht$phq - ht$phq_lag
ht <- ht %>% filter(phq >= 10 | site == "north") %>% select(-therapist)
write_exact(ht, "expected_handmade_transform.csv")

# alliance reshape handmade.csv --wide --id client --time session
hw <- h %>% pivot_wider(id_cols = c(client, therapist, site), names_from = session,
                        values_from = c(phq, wai, srs, alliance_label), names_sep = "_", names_sort = TRUE)
write_exact(hw, "expected_handmade_wide.csv")
# alliance reshape expected_handmade_wide.csv --long --id client --stub phq_,wai_,srs_,alliance_label_ --time session
hl <- read_in("expected_handmade_wide.csv") %>%
  pivot_longer(cols = matches("^(phq|wai|srs|alliance_label)_"), names_to = c(".value", "session"),
               names_pattern = "^(phq|wai|srs|alliance_label)_(.*)$", names_transform = list(session = as.integer))
write_exact(hl, "expected_handmade_long.csv")

# alliance aggregate handmade.csv --by client --order session --mean phq,wai --first phq --last phq,wai
#   --min srs --max srs --slope phq --count
summarise_steps <- function(d, by, order, mean_cols, first_cols, last_cols, min_cols, max_cols, slope_cols) {
  # Means in the data's row order (the order alliance sums in); first/last/slope after arrange(order).
  means <- d %>% group_by(.data[[by]]) %>% summarise(across(all_of(mean_cols), ~ mean(.x, na.rm = TRUE), .names = "{.col}_mean"), .groups = "drop")
  ordered <- d %>% arrange(.data[[order]]) %>% group_by(.data[[by]]) %>% summarise(
    across(all_of(first_cols), ~ first(na.omit(.x)), .names = "{.col}_first"),
    across(all_of(last_cols), ~ last(na.omit(.x)), .names = "{.col}_last"),
    across(all_of(min_cols), ~ suppressWarnings(min(.x, na.rm = TRUE)), .names = "{.col}_min"),
    across(all_of(max_cols), ~ suppressWarnings(max(.x, na.rm = TRUE)), .names = "{.col}_max"),
    across(all_of(slope_cols), ~ slope(.x, .data[[order]]), .names = "{.col}_slope"),
    n = n(), .groups = "drop")
  left_join(means, ordered, by = by)
}
ha <- summarise_steps(h, "client", "session", c("phq", "wai"), "phq", c("phq", "wai"), "srs", "srs", "phq")
write_exact(ha, "expected_handmade_aggregate.csv")

# ---- sessions_sample.csv: the first 40 clients of Datasets/sessions.csv ----
full <- read_in("../../../../Datasets/sessions.csv")
keep_clients <- unique(full$client)[1:40]
s <- full %>% filter(client %in% keep_clients) %>%
  select(client, therapist, session, attended, wai_1, wai_2, wai_3, phq_1, phq_2, phq_3, srs_1, homework)
write_exact(s, "sessions_sample.csv")
s <- read_in("sessions_sample.csv")

# alliance transform sessions_sample.csv --compute "wai = mean(wai_1, wai_2, wai_3, min = 2)"
#   --compute "wai_cw = within(wai, client)" --compute "wai_cm = between(wai, client)"
#   --compute "phq = sum(phq_1, phq_2, phq_3, min = 3)" --compute "phq_prev = lag(phq, client, session)"
#   --compute "srs_log = log(srs_1 + 1)" --filter "attended == 1 & !is.na(phq_prev)"
st <- s
st$wai <- row_mean_min(cbind(st$wai_1, st$wai_2, st$wai_3), 2)
st <- st %>% group_by(client) %>% mutate(wai_cw = wai - mean(wai, na.rm = TRUE), wai_cm = mean(wai, na.rm = TRUE)) %>% ungroup()
st$phq <- row_sum_min(cbind(st$phq_1, st$phq_2, st$phq_3), 3)
st$phq_prev <- lag_by(st, "phq", "client", "session")
st$srs_log <- log(st$srs_1 + 1)
st <- st %>% filter(attended == 1 & !is.na(phq_prev))
write_exact(st, "expected_sessions_transform.csv")

# alliance reshape sessions_sample.csv --wide --id client --time session
sw <- s %>% pivot_wider(id_cols = c(client, therapist), names_from = session,
                        values_from = c(attended, wai_1, wai_2, wai_3, phq_1, phq_2, phq_3, srs_1, homework),
                        names_sep = "_", names_sort = TRUE)
write_exact(sw, "expected_sessions_wide.csv")

# alliance aggregate sessions_sample.csv --by client --order session --mean phq_1,srs_1 --first phq_1
#   --last phq_1 --min srs_1 --max srs_1 --slope srs_1,phq_1 --count
sa <- summarise_steps(s, "client", "session", c("phq_1", "srs_1"), "phq_1", "phq_1", "srs_1", "srs_1", c("srs_1", "phq_1"))
write_exact(sa, "expected_sessions_aggregate.csv")
