#!/usr/bin/env bash
# Mediation bootstrap benchmark (issue 16): 5,000 resamples of PROCESS model 4 on 10,000 rows, alliance against
# lavaan (sem(se = "bootstrap")) and PROCESS-style R code (boot() refitting two lm's per resample), in one run, on
# the same cores, nothing exported (DESIGN.md §10). Aim: alliance >= 20x faster than lavaan.
#
#   Benchmarks/mediate.sh                      # 10,000 rows, 5,000 resamples, 3 runs of alliance
#   ROWS=500 BOOT=200 RUNS=1 Benchmarks/mediate.sh   # smoke test
#
# Needs: Rscript with lavaan and boot; a release build at $ALLIANCE (default .build/release/alliance;
# `make release`). Data go to Benchmarks/data/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-10000}
BOOT=${BOOT:-5000}
RUNS=${RUNS:-3}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
DATA=Benchmarks/data/mediate_${ROWS}.csv
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS; do
  if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done
if [ ! -x "$ALLIANCE" ]; then echo "no alliance build at $ALLIANCE (make release)" >&2; exit 1; fi
mkdir -p Benchmarks/data
if [ ! -f "$DATA" ]; then
  echo "generating $DATA"
  # x: a 0/1 arm; m: alliance, a = 0.5; y: outcome, b = -0.4, c' = 0.2 (true indirect effect -0.2).
  Rscript -e "set.seed(16); n <- $ROWS; x <- rbinom(n, 1, 0.5); m <- 0.5 * x + rnorm(n); y <- -0.4 * m + 0.2 * x + rnorm(n);
              write.csv(data.frame(x = x, m = round(m, 4), y = round(y, 4)), '$DATA', row.names = FALSE)"
fi

echo "== machine"
lscpu | grep 'Model name' | sed 's/  */ /g'
echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "R: $(Rscript -e 'cat(R.version.string, "| lavaan", format(packageVersion("lavaan")), "| boot", format(packageVersion("boot")))' 2>/dev/null)"
echo "data: $DATA ($ROWS rows), $BOOT resamples"

echo "== alliance mediate (whole command: read, fit, $BOOT resamples, report; best of $RUNS)"
best=""
for _ in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  "$ALLIANCE" mediate "$DATA" --x x --m m --y y --boot "$BOOT" --seed 1 --format json > Benchmarks/data/mediate_alliance.json
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  if [ -z "$best" ] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
done
python3 - "$best" <<'PY'
import json, sys
j = json.load(open("Benchmarks/data/mediate_alliance.json"))["indirect"]
print(f"alliance: {float(sys.argv[1]):.2f} s  ab = {j['estimate']:.6f} [{j['conf_low']:.6f}, {j['conf_high']:.6f}]")
PY

echo "== R (timed inside R, data already read)"
LAVAAN=$(Rscript Benchmarks/mediate_r.R "$DATA" "$BOOT" lavaan)
echo "$LAVAAN"
LM=$(Rscript Benchmarks/mediate_r.R "$DATA" "$BOOT" lm)
echo "$LM"

echo "== ratios (peer time / alliance time)"
python3 - "$best" "$LAVAAN" "$LM" <<'PY'
import sys
a = float(sys.argv[1])
for line in sys.argv[2:]:
    name, rest = line.split(":", 1)
    t = float(rest.split()[0])
    print(f"{name}: {t / a:.1f}x  (aim for lavaan: >= 20x)")
PY
