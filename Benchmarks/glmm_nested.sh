#!/usr/bin/env bash
# GLMM with two nested grouping factors (issue 13, several factors): alliance `fit logit` against R (data.table::fread +
# lme4::glmer, default settings, via Benchmarks/glmm_r.R), each end to end from the same CSV, one after the other.
# Workload: sessions of 2,000 clients nested in 100 therapists (10 sessions each, 20,000 rows at SCALE=1):
#   dropped ~ wai_c + (1 | therapist) + (1 | client)
# Aim (helper brief): alliance fits it in seconds.
# Usage (builds nothing: run `make release` first):  Benchmarks/glmm_nested.sh   (SCALE=0.1 for a smoke test)
# Writes Benchmarks/data/glmm_nested_scale$SCALE/{times.tsv,alliance.json,r.csv}.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
OUT=Benchmarks/data/glmm_nested_scale$SCALE
DATA=Benchmarks/data/glmm_nested_scale$SCALE.csv
[ -x "$ALLIANCE" ] || { echo "missing $ALLIANCE: run 'make release' first" >&2; exit 1; }
mkdir -p "$OUT"
if [ ! -f "$DATA" ]; then
    python3 - "$SCALE" "$DATA" <<'PY'
import math, random, sys
scale, path = float(sys.argv[1]), sys.argv[2]
rng = random.Random(20261207)
therapists = max(2, round(100 * scale))
with open(path, "w") as f:
    f.write("therapist,client,session,wai_c,dropped\n")
    for t in range(therapists):
        te = rng.gauss(0, 0.5)
        for c in range(20):
            ce = rng.gauss(0, 0.8)
            for s in range(10):
                w = round(rng.gauss(0, 1), 4)
                p = 1 / (1 + math.exp(-(-1.5 - 0.4 * w + te + ce)))
                f.write(f"T{t:04d},C{t:04d}_{c:02d},{s + 1},{w},{1 if rng.random() < p else 0}\n")
PY
fi
FORMULA="dropped ~ wai_c + (1 | therapist) + (1 | client)"
printf "tool\twall_s\tstatus\n" > "$OUT/times.tsv"
for tool in alliance r; do
    start=$(date +%s.%N)
    set +e
    if [ "$tool" = alliance ]; then
        "$ALLIANCE" fit logit "$DATA" --formula "$FORMULA" --format json --out "$OUT/alliance.json" > /dev/null
    else
        Rscript Benchmarks/glmm_r.R "$FORMULA" "$DATA" > "$OUT/r.csv"
    fi
    status=$?
    set -e
    end=$(date +%s.%N)
    printf "%s\t%.2f\t%s\n" "$tool" "$(echo "$end - $start" | bc)" "$status" >> "$OUT/times.tsv"
done
cat "$OUT/times.tsv"
