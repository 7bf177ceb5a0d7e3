#!/usr/bin/env bash
# CSV reading benchmark (DESIGN.md §10): alliance's DataTable reader + column summaries against
# R data.table::fread(nThread = 1) and pandas.read_csv, timed in the same run.
#
#   Benchmarks/csv.sh            # 1,000,000 rows x 15 columns (~95 MB), 5 timed runs each
#   ROWS=100000 RUNS=3 Benchmarks/csv.sh
#
# Needs: python3 (+ pandas), Rscript with data.table, swiftc; hyperfine if installed (else
# /usr/bin/time only). The data go to Benchmarks/data/ (gitignored). If `.build/release/alliance`
# exists and has a `describe` command, that is timed (`describe FILE --format json`); otherwise a
# small harness compiled from Sources/DataTable (read + summarize every column) stands in for it.
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

if [ -x .build/release/alliance ] && .build/release/alliance describe --help > /dev/null 2>&1; then
  SWIFT_NAME="alliance describe"
  SWIFT_CMD=".build/release/alliance describe $DATA --format json > /dev/null"
else
  SWIFT_NAME="DataTable csvbench"
  # -wmo: whole-module optimisation, as `swift build -c release` does.
  swiftc -O -wmo Sources/DataTable/*.swift Benchmarks/csv_bench/main.swift -o Benchmarks/data/csvbench
  SWIFT_CMD="Benchmarks/data/csvbench $DATA > /dev/null"
fi
R_CMD="Rscript -e 'suppressMessages(library(data.table)); invisible(fread(\"$DATA\", nThread = 1))'"
PY_CMD="python3 -c 'import pandas as pd; pd.read_csv(\"$DATA\")'"

echo "== machine"
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "cores: $(nproc), RAM: $(free -h | awk '/^Mem:/ {print $2}'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "swift: $(swift --version 2>&1 | head -1)"
echo "R: $(Rscript -e 'cat(R.version.string, "| data.table", format(packageVersion("data.table")))' 2>/dev/null)"
echo "python: $(python3 --version 2>&1) | pandas $(python3 -c 'import pandas; print(pandas.__version__)')"
echo "file: $DATA ($(stat -c %s "$DATA") bytes)"

echo "== wall time"
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs "$RUNS" --export-json Benchmarks/data/csv_hyperfine.json \
    -n "$SWIFT_NAME" "$SWIFT_CMD" -n "fread nThread=1" "$R_CMD" -n "pandas.read_csv" "$PY_CMD"
  python3 - "$SWIFT_NAME" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open("Benchmarks/data/csv_hyperfine.json"))["results"]}
swift = results[sys.argv[1]]
print("ratios (peer mean / %s mean; > 1 means alliance is faster):" % sys.argv[1])
for name in ("fread nThread=1", "pandas.read_csv"):
    r = results[name]
    print("  %-16s %.3f s (user %.3f, sys %.3f) vs %.3f s -> %.2fx" % (
        name, r["mean"], r["user"], r["system"], swift["mean"], r["mean"] / swift["mean"]))
print("  %-16s user+sys %.3f s" % (sys.argv[1], swift["user"] + swift["system"]))
PY
fi

echo "== in-process fread time (R startup excluded)"
Rscript -e "suppressMessages(library(data.table)); t <- system.time(fread('$DATA', nThread = 1)); cat(sprintf('fread: elapsed %.3f s, user %.3f s, sys %.3f s\n', t[['elapsed']], t[['user.self']], t[['sys.self']]))"

echo "== peak resident memory (/usr/bin/time)"
for pair in "$SWIFT_NAME|$SWIFT_CMD" "fread nThread=1|$R_CMD" "pandas.read_csv|$PY_CMD"; do
  name=${pair%%|*}
  cmd=${pair#*|}
  /usr/bin/time -f "  $name: %M KB peak RSS, %e s elapsed, %U s user, %S s sys" sh -c "$cmd"
done
