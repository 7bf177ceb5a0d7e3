#!/usr/bin/env bash
# CSV reading benchmark (DESIGN.md §10): alliance's DataTable reader + column summaries against
# R data.table::fread (its default threading, and nThread = 2), polars.read_csv (its default pool) and
# pandas.read_csv, timed in the same run, all on the same cores with nothing exported (DESIGN.md §10).
#
#   Benchmarks/csv.sh            # 1,000,000 rows x 15 columns (~95 MB), 5 timed runs each
#   ROWS=100000 RUNS=3 Benchmarks/csv.sh
#
# Needs: python3 (+ pandas), Rscript with data.table, swiftc; hyperfine if installed (else
# /usr/bin/time only). The data go to Benchmarks/data/ (gitignored). Always timed: a small harness
# compiled from Sources/DataTable (read + summarize every column). Also timed when a release
# build exists at $ALLIANCE (default .build/release/alliance): `alliance describe FILE --format json`.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
DATA=Benchmarks/data/clinic_${ROWS}.csv
mkdir -p Benchmarks/data
if [ ! -f "$DATA" ]; then
  echo "generating $DATA"
  python3 Benchmarks/gen_csv.py --rows "$ROWS" --out "$DATA"
fi

# The reader alone: a small harness compiled from Sources/DataTable (read + summarize every column).
# -wmo: whole-module optimisation, as `swift build -c release` does.
swiftc -O -wmo Sources/DataTable/*.swift Benchmarks/csv_bench/main.swift -o Benchmarks/data/csvbench
NAMES=("DataTable csvbench")
CMDS=("Benchmarks/data/csvbench $DATA > /dev/null")
# The whole command (read, SHA-256, identifier guard, summaries, JSON) when a release build exists.
ALLIANCE=${ALLIANCE:-.build/release/alliance}
if [ -x "$ALLIANCE" ] && "$ALLIANCE" describe --help > /dev/null 2>&1; then
  NAMES+=("alliance describe")
  CMDS+=("$ALLIANCE describe $DATA --format json > /dev/null")
fi
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS R_DATATABLE_NUM_THREADS POLARS_MAX_THREADS; do
  if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done
R_CMD="Rscript -e 'suppressMessages(library(data.table)); invisible(fread(\"$DATA\"))'"
R2_CMD="Rscript -e 'suppressMessages(library(data.table)); invisible(fread(\"$DATA\", nThread = 2))'"
PL_CMD="python3 -c 'import polars as pl; pl.read_csv(\"$DATA\")'"
PY_CMD="python3 -c 'import pandas as pd; pd.read_csv(\"$DATA\")'"
NAMES+=("fread default" "fread nThread=2" "polars.read_csv" "pandas.read_csv")
CMDS+=("$R_CMD" "$R2_CMD" "$PL_CMD" "$PY_CMD")

echo "== machine"
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "cores: $(nproc), RAM: $(free -h | awk '/^Mem:/ {print $2}'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "swift: $(swift --version 2>&1 | head -1)"
echo "R: $(Rscript -e 'cat(R.version.string, "| data.table", format(packageVersion("data.table")))' 2>/dev/null)"
echo "python: $(python3 --version 2>&1) | pandas $(python3 -c 'import pandas; print(pandas.__version__)')"
echo "file: $DATA ($(stat -L -c %s "$DATA") bytes)"

echo "== wall time"
if command -v hyperfine > /dev/null; then
  ARGS=()
  for i in "${!NAMES[@]}"; do ARGS+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
  hyperfine --warmup 1 --runs "$RUNS" --export-json Benchmarks/data/csv_hyperfine.json "${ARGS[@]}"
  python3 - <<'PY'
import json
results = {r["command"]: r for r in json.load(open("Benchmarks/data/csv_hyperfine.json"))["results"]}
peers = ("fread default", "fread nThread=2", "polars.read_csv", "pandas.read_csv")
print("ratios: peer / ours, by mean wall time and by mean CPU time (user + sys); > 1 means ours is faster")
for ours in (n for n in results if n not in peers):
    o = results[ours]
    for peer in peers:
        p = results[peer]
        print("  %-18s vs %-16s wall %.3f s / %.3f s = %.2fx   cpu %.3f s / %.3f s = %.2fx" % (
            ours, peer, p["mean"], o["mean"], p["mean"] / o["mean"],
            p["user"] + p["system"], o["user"] + o["system"],
            (p["user"] + p["system"]) / (o["user"] + o["system"])))
PY
fi

echo "== in-process fread time (R startup excluded)"
Rscript -e "suppressMessages(library(data.table)); t <- system.time(fread('$DATA')); cat(sprintf('fread: elapsed %.3f s, user %.3f s, sys %.3f s\n', t[['elapsed']], t[['user.self']], t[['sys.self']]))"

echo "== peak resident memory (/usr/bin/time)"
for i in "${!NAMES[@]}"; do
  /usr/bin/time -f "  ${NAMES[$i]}: %M KB peak RSS, %e s elapsed, %U s user, %S s sys" sh -c "${CMDS[$i]}"
done
