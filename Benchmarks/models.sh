#!/usr/bin/env bash
# Model benchmark: alliance `fit ols|logit` against R (data.table::fread + lm/glm) and pandas + statsmodels,
# each end to end from the same CSV (read + fit + coefficient table to /dev/null), in the same run.
# Usage (from anywhere; builds nothing — run `swift build -c release` first):
#   Benchmarks/models.sh                # 1,000,000 rows, hyperfine 1 warmup + 3 runs per command
#   ROWS=20000 RUNS=5 Benchmarks/models.sh
# Every tool runs with one BLAS/OpenMP thread (and fread with one thread), so the comparison is core for core.
# Writes Benchmarks/data/models_out/{hyperfine.json,rss.txt,agreement.txt,summary.md,env.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
DATA=Benchmarks/data/models_${ROWS}.csv
OUT=Benchmarks/data/models_out
ALLIANCE=${ALLIANCE:-.build/release/alliance}
mkdir -p "$OUT"

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 GOTO_NUM_THREADS=1 \
       VECLIB_MAXIMUM_THREADS=1 NUMEXPR_NUM_THREADS=1 R_DATATABLE_NUM_THREADS=1

[ -x "$ALLIANCE" ] || { echo "missing $ALLIANCE: run 'swift build -c release' first" >&2; exit 1; }
if [ ! -f "$DATA" ]; then
    echo "generating $DATA" >&2
    python3 Benchmarks/gen_models.py --rows "$ROWS" --out "$DATA"
fi

RHS="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + site"
ols_alliance=("$ALLIANCE" fit ols "$DATA" --formula "y ~ $RHS" --format json)
logit_alliance=("$ALLIANCE" fit logit "$DATA" --formula "yb ~ $RHS" --format json)
ols_r=(Rscript Benchmarks/models_r.R ols "$DATA")
logit_r=(Rscript Benchmarks/models_r.R logit "$DATA")
ols_sm=(python3 Benchmarks/models_statsmodels.py ols "$DATA")
logit_sm=(python3 Benchmarks/models_statsmodels.py logit "$DATA")
NAMES=(ols_alliance ols_r ols_sm logit_alliance logit_r logit_sm)

quoted() { local -n cmd=$1; printf '%q ' "${cmd[@]}"; }

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores visible"
    echo "ram: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "data: $DATA, $ROWS rows, $(stat -c %s "$DATA") bytes, md5 $(md5sum "$DATA" | cut -d' ' -f1)"
    echo "swift: $(swift --version 2>&1 | head -1)"
    echo "R: $(R --version | head -1); data.table $(Rscript -e 'cat(as.character(packageVersion("data.table")))')"
    echo "python: $(python3 --version 2>&1); pandas $(python3 -c 'import pandas; print(pandas.__version__)'); statsmodels $(python3 -c 'import statsmodels; print(statsmodels.__version__)'); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
    echo "threads: OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS OMP_NUM_THREADS=$OMP_NUM_THREADS, fread(nThread=1)"
    echo "load before: $(uptime)"
} > "$OUT/env.txt"
cat "$OUT/env.txt" >&2

# 1. Agreement: one run of each tool with its table kept.
"${ols_alliance[@]}" > "$OUT/ols_alliance.json"
"${logit_alliance[@]}" > "$OUT/logit_alliance.json"
"${ols_r[@]}" > "$OUT/ols_r.csv"
"${logit_r[@]}" > "$OUT/logit_r.csv"
"${ols_sm[@]}" > "$OUT/ols_sm.csv"
"${logit_sm[@]}" > "$OUT/logit_sm.csv"
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

# 2. Peak resident memory, one run each.
: > "$OUT/rss.txt"
for name in "${NAMES[@]}"; do
    local_cmd="$name[@]"
    /usr/bin/time -v "${!local_cmd}" 2> "$OUT/time_$name.txt" > /dev/null
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time_$name.txt")
    echo "$name $kb" >> "$OUT/rss.txt"
done
cat "$OUT/rss.txt" >&2

# 3. Wall time: hyperfine, one warmup and $RUNS runs per command, output discarded, no intermediate shell.
args=()
for name in "${NAMES[@]}"; do args+=(-n "$name" "$(quoted "$name")"); done
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" "${args[@]}" >&2
echo "load after: $(uptime)" >> "$OUT/env.txt"

# 4. Summary table (wall mean ± sd, user+sys CPU, peak MB, ratios against alliance).
python3 - "$OUT" > "$OUT/summary.md" <<'PY'
import json, statistics, sys
out = sys.argv[1]
runs = {r["command"]: r for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
rss = dict(line.split() for line in open(f"{out}/rss.txt"))
label = {"alliance": "alliance", "r": "R fread + lm/glm", "sm": "pandas + statsmodels"}
print("| model | tool | wall s (mean ± sd) | user+sys CPU s (mean) | peak RSS MB | wall ratio tool/alliance | CPU ratio | RSS ratio |")
print("|---|---|---|---|---|---|---|---|")
for model in ("ols", "logit"):
    base = runs[f"{model}_alliance"]
    base_cpu = base["user"] + base["system"]  # hyperfine 1.15 exports means only
    for tool in ("alliance", "r", "sm"):
        name = f"{model}_{tool}"
        r = runs[name]
        cpu = r["user"] + r["system"]
        mb = int(rss[name]) / 1024
        print(f"| {model} | {label[tool]} | {r['mean']:.2f} ± {r['stddev'] or 0:.2f} | {cpu:.2f} | {mb:.0f} | "
              f"{r['mean'] / base['mean']:.1f}× | {cpu / base_cpu:.1f}× | {mb / (int(rss[f'{model}_alliance']) / 1024):.1f}× |")
PY
cat "$OUT/env.txt" "$OUT/agreement.txt" "$OUT/summary.md"
