#!/usr/bin/env bash
# Monitoring benchmark (issue 17): `alliance track` on 5,000,000 session rows from 500,000 clients and `alliance audit`
# on the same 500,000 clients, end to end from CSV (read, fit, flags/report written). Aims: each under 30 s on this
# machine's two cores, peak memory under 3 GB. Data from Benchmarks/gen_monitoring.py (Benchmarks/data/, gitignored).
#
# Usage (builds nothing: run `make release` first):
#   Benchmarks/monitoring.sh                       # full size, 3 rounds
#   SCALE=0.001 ROUNDS=1 Benchmarks/monitoring.sh  # smoke test
# Settings: SCALE (1 = as above), ROUNDS (default 3), ALLIANCE (binary, default .build/release/alliance).
# Runs as users run it (DESIGN.md §10): nothing exported. Each run under /usr/bin/time -v: wall, CPU, peak RSS.
# Writes Benchmarks/data/monitoring_out_scale$SCALE/{summary.md, track.json, audit.*, *.err}.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
ROUNDS=${ROUNDS:-3}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
OUT=Benchmarks/data/monitoring_out_scale$SCALE
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS MKL_NUM_THREADS GOTO_NUM_THREADS OPENBLAS_CORETYPE; do
    if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done
if [ ! -x "$ALLIANCE" ]; then echo "missing $ALLIANCE: run 'make release' first" >&2; exit 1; fi
mkdir -p "$OUT"
rm -f "$OUT"/*
sessions=Benchmarks/data/monitoring_sessions_scale$SCALE.csv
clients=Benchmarks/data/monitoring_clients_scale$SCALE.csv
if [ ! -f "$sessions" ] || [ ! -f "$clients" ]; then
    python3 Benchmarks/gen_monitoring.py --scale "$SCALE" --outdir Benchmarks/data > /dev/null
fi

measure() {  # name, command...: appends "name wall cpu rss" to the summary
    local name=$1; shift
    if ! /usr/bin/time -v "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"; then
        echo "$name failed: see $OUT/$name.err" >&2
        printf '| %s | failed | | |\n' "$name" >> "$OUT/summary.md"
        return
    fi
    local wall cpu rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/$name.err" \
        | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$OUT/$name.err")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$OUT/$name.err")
    printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$cpu" "$rss" >> "$OUT/summary.md"
}

{
    echo "# Monitoring benchmark, scale $SCALE ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| run | wall s | CPU s | peak RSS MiB |"
    echo "|---|---|---|---|"
} > "$OUT/summary.md"
for round in $(seq 1 "$ROUNDS"); do
    measure "track_r$round" "$ALLIANCE" track "$sessions" --client client --session session --score phq --instrument phq-9 \
        --alliance srs --out "$OUT/flags.csv" --format json
    measure "audit_r$round" "$ALLIANCE" audit "$clients" --therapist therapist --pre phq_pre --post phq_post --instrument phq-9 \
        --gad-pre gad_pre --gad-post gad_post --casemix "phq_pre + age + gender" --service service --period quarter \
        --dropout dropout --alliance srs --out "$OUT/audit.html" --format json
done
cat "$OUT/summary.md"
