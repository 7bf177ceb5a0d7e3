#!/usr/bin/env bash
# Cox benchmark (issue 14): alliance `fit cox` against R (data.table::fread + survival::coxph) and lifelines
# (pandas + CoxPHFitter / CoxTimeVaryingFitter), end to end from the same CSV, in one run, on the same cores.
# Workloads (Benchmarks/gen_cox.py, data in Benchmarks/data/, gitignored):
#   right     1,000,000 rows, 12 covariates:  Surv(time, event) ~ x1 + ... + x12 (Efron ties)
#   counting  2,000,000 (start, stop] intervals, a session-varying covariate and 11 more:
#             Surv(start, stop, event) ~ wai + x1 + ... + x11
# Usage (builds nothing: run `make release` first):
#   Benchmarks/cox.sh                       # full size, ROUNDS interleaved rounds
#   SCALE=0.01 ROUNDS=1 Benchmarks/cox.sh   # smoke test
# Settings: SCALE (1 = as above), ROUNDS (default 3), TIMEOUT (seconds per command, default 1800), WORKLOADS
# (right counting), TOOLS (alliance r lifelines), ALLIANCE (binary). Nothing tuned is exported (DESIGN.md §10).
# Each input is read into the page cache before every timed command, every tool alike (the machines these ran on
# page out file cache left unread for a minute).
# Prints wall seconds and peak RSS per tool and round, the ratios of the medians (and of the means), and the largest relative
# difference of the coefficients from coxph's. Writes Benchmarks/data/cox_out_scale$SCALE/.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
ROUNDS=${ROUNDS:-3}
TIMEOUT=${TIMEOUT:-1800}
WORKLOADS=${WORKLOADS:-right counting}
TOOLS=${TOOLS:-alliance r lifelines}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
OUT=Benchmarks/data/cox_out_scale$SCALE
mkdir -p "$OUT"
rm -f "$OUT"/*
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS MKL_NUM_THREADS R_DATATABLE_NUM_THREADS; do
    if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done
if [[ " $TOOLS " == *" alliance "* ]] && [ ! -x "$ALLIANCE" ]; then
    echo "missing $ALLIANCE: run 'make release' first" >&2; exit 1
fi
paths=$(python3 Benchmarks/gen_cox.py --print-paths --scale "$SCALE")
DATA_right=$(sed -n 1p <<< "$paths"); DATA_counting=$(sed -n 2p <<< "$paths")
if [ ! -f "$DATA_right" ] || [ ! -f "$DATA_counting" ]; then
    echo "generating data at scale $SCALE" >&2
    python3 Benchmarks/gen_cox.py --scale "$SCALE" > /dev/null
fi
FORMULA_right="Surv(time, event) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12"
FORMULA_counting="Surv(start, stop, event) ~ wai + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11"
{ uname -a; nproc; date -u; Rscript -e 'cat(R.version.string, "survival", format(packageVersion("survival")), "\n")'
  python3 -c 'import lifelines, pandas; print("lifelines", lifelines.__version__, "pandas", pandas.__version__)'; } > "$OUT/env.txt" 2>&1

run() {  # workload tool round
    local w=$1 t=$2 r=$3 data formula
    data=DATA_$w; data=${!data}; formula=FORMULA_$w; formula=${!formula}
    local base="$OUT/${w}_${t}_$r"
    case $t in
        alliance) cmd=("$ALLIANCE" fit cox "$data" --formula "$formula" --format csv) ;;
        r) cmd=(Rscript Benchmarks/cox_r.R "$data" "$w") ;;
        lifelines) cmd=(python3 Benchmarks/cox_lifelines.py "$data" "$w") ;;
    esac
    # The input is read into the page cache before every timed command, each tool alike: this machine's kernel pages
    # out file cache left unread for a minute (DAMON reclaim), and the first tool to read the file after a peer's long
    # run otherwise paid for the disk.
    cat "$data" > /dev/null
    if /usr/bin/time -f "%e %M" -o "$base.time" timeout "$TIMEOUT" "${cmd[@]}" > "$base.out" 2> "$base.err"; then
        read -r wall rss < "$base.time"
        echo "$w $t $r $wall $rss" >> "$OUT/times.txt"
    else
        echo "$w $t $r failed-or-timeout -" >> "$OUT/times.txt"
    fi
}
# Each round starts one tool later than the one before (round 2 with the second tool, …), so that no tool always runs
# first after the page-cache read or right after the same peer.
read -r -a tools <<< "$TOOLS"
for r in $(seq 1 "$ROUNDS"); do
    k=$(( (r - 1) % ${#tools[@]} ))
    for w in $WORKLOADS; do for t in "${tools[@]:$k}" "${tools[@]:0:$k}"; do run "$w" "$t" "$r"; done; done
done
python3 - "$OUT" <<'PY'
import csv, statistics, sys, os
out = sys.argv[1]
rows = [l.split() for l in open(os.path.join(out, "times.txt"))]
med = {}
for w, t, r, wall, rss in rows:
    if wall.replace(".", "").isdigit():
        med.setdefault((w, t), []).append((float(wall), int(rss)))
print("| workload | tool | median wall s | mean wall s | peak RSS MB | runs |")
print("|---|---|---:|---:|---:|---:|")
for (w, t), v in sorted(med.items()):
    print(f"| {w} | {t} | {statistics.median(x[0] for x in v):.2f} | {statistics.mean(x[0] for x in v):.2f} "
          f"| {max(x[1] for x in v) / 1024:.0f} | {len(v)} |")
# The aims (issue 14) are judged on the ratio of medians, as mixed_compare.py judges issue 12's; the ratio of means
# is shown beside it.
for w in sorted({k[0] for k in med}):
    a = med.get((w, "alliance"))
    for peer in ("r", "lifelines"):
        p = med.get((w, peer))
        if a and p:
            walls_a, walls_p = [x[0] for x in a], [x[0] for x in p]
            print(f"{w}: {peer} / alliance = {statistics.median(walls_p) / statistics.median(walls_a):.1f}x "
                  f"(medians; means {statistics.mean(walls_p) / statistics.mean(walls_a):.1f}x)")
def coefs(path, alliance):
    d = {}
    if not os.path.exists(path): return d
    lines = open(path).read().splitlines()
    if alliance:
        rd = csv.reader(lines)
        head = next(rd, [])
        if "estimate" not in head: return d
        ti, ei = (head.index("term") if "term" in head else 0), head.index("estimate")
        for row in rd:
            try: d[row[ti]] = float(row[ei])
            except (ValueError, IndexError): pass
    else:
        for l in lines:
            p = l.split(",")
            if len(p) == 3: d[p[0]] = float(p[1])
    return d
for w in sorted({k[0] for k in med}):
    ref = coefs(os.path.join(out, f"{w}_r_1.out"), False)
    for t in ("alliance", "lifelines"):
        c = coefs(os.path.join(out, f"{w}_{t}_1.out"), t == "alliance")
        common = [k for k in ref if k in c]
        if common:
            print(f"{w}: {t} vs coxph, largest relative coefficient difference {max(abs(c[k] - ref[k]) / max(abs(ref[k]), 1e-300) for k in common):.2e} over {len(common)} terms")
PY
