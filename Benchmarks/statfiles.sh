#!/usr/bin/env bash
# SPSS .sav read side by side: alliance describe (ReadStat read, identifier guard, summaries, SHA-256) against
# haven::read_sav (ReadStat read only) and read_sav + as_factor, on 1,000,000 rows × 15 columns
# (Benchmarks/gen_sav.R). Needs r-cran-haven. Prints elapsed and user seconds of each.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
alliance="${ALLIANCE:-$root/.build/release/alliance}"
work="${BENCH_DIR:-$root/.build/bench-statfiles}"
mkdir -p "$work"
[ -f "$work/big.sav" ] || Rscript "$root/Benchmarks/gen_sav.R" "$work/big.sav"
for i in 1 2 3; do
  /usr/bin/time -f "alliance describe: %e s elapsed, %U s user, %M KB peak" "$alliance" describe "$work/big.sav" --format json > /dev/null
  Rscript -e 'suppressMessages(library(haven)); t <- system.time(d <- read_sav(commandArgs(TRUE)[1])); u <- system.time(f <- as_factor(d));
    cat(sprintf("haven read_sav: %.2f s elapsed, %.2f s user; + as_factor %.2f s elapsed\n", t[["elapsed"]], t[["user.self"]], u[["elapsed"]]))' "$work/big.sav"
done
