#!/usr/bin/env bash
# alliance fit vs R on the same synthetic CSV (ROWS rows, 10 numeric predictors + a 3-level factor).
#   ./Benchmarks/models.sh [ROWS]          (default 1000000; needs Rscript with data.table and sandwich)
# alliance's times are whole runs (read CSV, identifier guard, fit, JSON out); R's exclude reading.
set -euo pipefail
ROWS=${1:-1000000}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
DATA=Benchmarks/data/models_${ROWS}.csv
mkdir -p Benchmarks/data
[ -f "$DATA" ] || Rscript Benchmarks/models_bench.R generate "$ROWS" "$DATA"
FORMULA="y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + site"
run() {
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  "$ALLIANCE" fit "$@" --format json > /dev/null
  end=$(date +%s.%N)
  printf "alliance %-28s %.2f s\n" "$label" "$(echo "$end - $start" | bc)"
}
echo "rows: $ROWS   machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
run "ols" ols "$DATA" --formula "$FORMULA"
run "ols --cluster therapist" ols "$DATA" --formula "$FORMULA" --cluster therapist
run "logit" logit "$DATA" --formula "${FORMULA/y ~/dropout ~}"
Rscript Benchmarks/models_bench.R time "$DATA"
