#!/usr/bin/env bash
# Model benchmark: alliance `fit ols|logit` against R (data.table::fread + lm/glm) and pandas + statsmodels,
# each end to end from the same CSV (read + fit + coefficient table to /dev/null), in the same run.
# Usage (from anywhere; builds nothing — run `make release` first):
#   Benchmarks/models.sh                # 1,000,000 rows, hyperfine 1 warmup + 3 runs per command
#   ROWS=20000 RUNS=5 Benchmarks/models.sh
# Every tool runs as users run it (DESIGN.md §10): no thread variables are exported. alliance chooses its own
# threading (both cores for its row halves, BLAS single-threaded inside them); R runs fread with its default
# (half the logical CPUs) and again with nThread = 2, and its BLAS with the default threading; statsmodels with
# numpy's default BLAS threading. All on the same cores.
# The machine may be shared: besides hyperfine's wall time, each command's user+sys CPU time and peak RSS
# are taken with /usr/bin/time -v in $ROUNDS interleaved rounds (every tool once per round), so a change in
# background load hits all tools alike; CPU time is the load-robust measure.
# Writes Benchmarks/data/models_out/{hyperfine.json,cpu_rss.txt,agreement.txt,summary.md,env.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-3}
DATA=Benchmarks/data/models_${ROWS}.csv
OUT=Benchmarks/data/models_out
ALLIANCE=${ALLIANCE:-.build/release/alliance}
mkdir -p "$OUT"

# A tuned environment would hide the user's experience: refuse to run in one.
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS MKL_NUM_THREADS GOTO_NUM_THREADS VECLIB_MAXIMUM_THREADS \
         NUMEXPR_NUM_THREADS R_DATATABLE_NUM_THREADS OPENBLAS_CORETYPE; do
    if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done

[ -x "$ALLIANCE" ] || { echo "missing $ALLIANCE: run 'make release' first" >&2; exit 1; }
if [ ! -f "$DATA" ]; then
    echo "generating $DATA" >&2
    python3 Benchmarks/gen_models.py --rows "$ROWS" --out "$DATA"
fi

RHS="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + site"
ols_alliance=("$ALLIANCE" fit ols "$DATA" --formula "y ~ $RHS" --format json)
logit_alliance=("$ALLIANCE" fit logit "$DATA" --formula "yb ~ $RHS" --format json)
ols_r=(Rscript Benchmarks/models_r.R ols "$DATA")
logit_r=(Rscript Benchmarks/models_r.R logit "$DATA")
ols_r2=(Rscript Benchmarks/models_r.R ols "$DATA" 2)
logit_r2=(Rscript Benchmarks/models_r.R logit "$DATA" 2)
ols_sm=(python3 Benchmarks/models_statsmodels.py ols "$DATA")
logit_sm=(python3 Benchmarks/models_statsmodels.py logit "$DATA")
NAMES=(ols_alliance ols_r ols_r2 ols_sm logit_alliance logit_r logit_r2 logit_sm)

quoted() { local -n cmd=$1; printf '%q ' "${cmd[@]}"; }

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores online"
    echo "ram: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "data: $DATA, $ROWS rows, $(stat -L -c %s "$DATA") bytes, md5 $(md5sum "$DATA" | cut -d' ' -f1)"
    echo "swift: $(swift --version 2>&1 | head -1)"
    echo "R: $(R --version | head -1); data.table $(Rscript -e 'cat(as.character(packageVersion("data.table")))')"
    echo "python: $(python3 --version 2>&1); pandas $(python3 -c 'import pandas; print(pandas.__version__)'); statsmodels $(python3 -c 'import statsmodels; print(statsmodels.__version__)'); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
    echo "threads: nothing exported; R BLAS $(Rscript -e 'cat(sessionInfo()$BLAS)'); fread default getDTthreads() = $(Rscript -e 'cat(data.table::getDTthreads())') and nThread = 2"
    echo "load before: $(uptime)"
} > "$OUT/env.txt"
cat "$OUT/env.txt" >&2

# 1. Interleaved rounds under /usr/bin/time -v: CPU seconds and peak RSS per run; round 1 keeps each
#    tool's coefficient table for the agreement check.
: > "$OUT/cpu_rss.txt"
for round in $(seq 1 "$ROUNDS"); do
    for name in "${NAMES[@]}"; do
        cmd="$name[@]"
        target=/dev/null
        if [ "$round" = 1 ]; then
            case $name in *_alliance) target="$OUT/$name.json" ;; *) target="$OUT/$name.csv" ;; esac
        fi
        /usr/bin/time -v "${!cmd}" 2> "$OUT/time_$name.txt" > "$target"
        user=$(sed -n 's/.*User time (seconds): //p' "$OUT/time_$name.txt")
        sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/time_$name.txt")
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time_$name.txt")
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time_$name.txt")
        echo "$round $name $user $sys $kb $wall" | tee -a "$OUT/cpu_rss.txt" >&2
    done
done
python3 - "$OUT" > "$OUT/agreement.txt" <<'PY'
import csv, json, re, sys
out = sys.argv[1]

def key(term):
    # (Intercept) / Intercept; site[leeds] / siteleeds / site[T.leeds] -> one spelling
    t = term.strip()
    if t in ("(Intercept)", "Intercept"):
        return "(Intercept)"
    m = re.fullmatch(r"site(?:\[(?:T\.)?(\w+)\]|(\w+))", t)
    return f"site[{m.group(1) or m.group(2)}]" if m else t

def read_csv(path):
    with open(path) as f:
        return {key(r["term"]): (float(r["estimate"]), float(r["std_error"])) for r in csv.DictReader(f)}

def read_alliance(path):
    with open(path) as f:
        return {key(c["term"]): (c["estimate"], c["std_error"]) for c in json.load(f)["coefficients"]}

for model in ("ols", "logit"):
    tools = {"alliance": read_alliance(f"{out}/{model}_alliance.json"),
             "R": read_csv(f"{out}/{model}_r.csv"), "statsmodels": read_csv(f"{out}/{model}_sm.csv")}
    terms = set(tools["alliance"])
    for name, table in tools.items():
        if set(table) != terms:
            sys.exit(f"{model}: {name} terms {sorted(table)} differ from alliance {sorted(terms)}")
    for a, b in (("alliance", "R"), ("alliance", "statsmodels"), ("R", "statsmodels")):
        for i, what in ((0, "estimate"), (1, "std_error")):
            worst = max(terms, key=lambda t: abs(tools[a][t][i] - tools[b][t][i]) / abs(tools[b][t][i]))
            rel = abs(tools[a][worst][i] - tools[b][worst][i]) / abs(tools[b][worst][i])
            print(f"{model} {a} vs {b}: max relative difference in {what} = {rel:.2e} ({worst}, {len(terms)} terms)")
PY
cat "$OUT/agreement.txt" >&2

# 3. Wall time: hyperfine, one warmup and $RUNS runs per command, output discarded, no intermediate shell.
args=()
for name in "${NAMES[@]}"; do args+=(-n "$name" "$(quoted "$name")"); done
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" "${args[@]}" >&2
echo "load after: $(uptime)" >> "$OUT/env.txt"

# 4. Summary table: wall (hyperfine mean ± sd), CPU (interleaved mean ± sd), peak RSS (max over rounds).
python3 - "$OUT" > "$OUT/summary.md" <<'PY'
import json, statistics, sys
out = sys.argv[1]
runs = {r["command"]: r for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
cpu, rss = {}, {}
for line in open(f"{out}/cpu_rss.txt"):
    _, name, user, system, kb, _ = line.split()
    cpu.setdefault(name, []).append(float(user) + float(system))
    rss[name] = max(rss.get(name, 0), int(kb) / 1024)
def sd(xs): return statistics.stdev(xs) if len(xs) > 1 else 0.0
label = {"alliance": "alliance", "r": "R fread (default threads) + lm/glm", "r2": "R fread(nThread = 2) + lm/glm",
         "sm": "pandas + statsmodels"}
print("| model | tool | wall s, hyperfine (mean ± sd) | CPU s user+sys (mean ± sd) | peak RSS MB | wall ratio tool/alliance | CPU ratio tool/alliance | RSS alliance/tool |")
print("|---|---|---|---|---|---|---|---|")
for model in ("ols", "logit"):
    a = f"{model}_alliance"
    for tool in ("alliance", "r", "r2", "sm"):
        name = f"{model}_{tool}"
        r = runs[name]
        c = cpu[name]
        print(f"| {model} | {label[tool]} | {r['mean']:.2f} ± {r['stddev'] or 0:.2f} | "
              f"{statistics.mean(c):.2f} ± {sd(c):.2f} | {rss[name]:.0f} | "
              f"{r['mean'] / runs[a]['mean']:.2f}× | {statistics.mean(c) / statistics.mean(cpu[a]):.2f}× | "
              f"{rss[a] / rss[name]:.2f} |")
PY
cat "$OUT/env.txt" "$OUT/agreement.txt" "$OUT/summary.md"
