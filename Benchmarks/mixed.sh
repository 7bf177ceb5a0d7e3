#!/usr/bin/env bash
# Mixed-model benchmark (issue 12): alliance `fit lmm` against R (data.table::fread + lme4::lmer, default
# settings) and pandas + statsmodels MixedLM, each end to end from the same CSV (read, fit, estimates), in the
# same run, on the same cores. Data from Benchmarks/gen_mixed.py (Benchmarks/data/, gitignored).
#
# Workloads (lme4 formulas; the same string goes to alliance and to lmer, both REML):
#   a         1,000,000 rows, 2,000 therapists:
#             y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + site + modality + (1 | therapist)
#             (10 numeric predictors and two text factors, site 4 levels and modality 3: 16 fixed effects)
#   b         200,000 session rows, 20,000 clients nested in 500 therapists, correlated client slope:
#             y ~ session + x1 + (1 | therapist) + (session | client)
#   b_uncorr  the same data, client intercept and slope uncorrelated, the closest model statsmodels fits
#             (groups = therapist, vc_formula client intercept and client:session slope; see
#             mixed_statsmodels.py): y ~ session + x1 + (1 | therapist) + (session || client)
# Tools: alliance (all), R fread default threads (all), R fread(nThread = 2) (a, b), statsmodels (a, b_uncorr).
#
# Usage (builds nothing: run `make release` first):
#   Benchmarks/mixed.sh                              # full size, 3 interleaved rounds, alliance also 5 hyperfine runs
#   SCALE=0.01 ROUNDS=1 RUNS=2 Benchmarks/mixed.sh   # smoke test on small data
#   WORKLOADS="a" TOOLS="alliance r" Benchmarks/mixed.sh
# Settings: SCALE (data size, 1 = as above), ROUNDS (interleaved /usr/bin/time rounds, default 3), RUNS
# (hyperfine runs of alliance after 1 warm-up, default 5), TIMEOUT (seconds per command, default 1800: a peer
# still running is stopped and reported as "> TIMEOUT s"), SLOW (a command whose first run took longer than
# this many seconds is not repeated, default 300), WORKLOADS, TOOLS (alliance r r2 sm), ALLIANCE (binary).
#
# alliance is timed writing its coefficient table as CSV (`--format csv`), as the Cox benchmark times it and as the peers
# write theirs; its JSON report (which also carries the input file's SHA-256, ≈ 40 ms of one core for workload a's 78 MB)
# comes from the untimed check run before the rounds and feeds the estimates table.
# Every tool runs as users run it (DESIGN.md §10): nothing exported. alliance chooses its own threading; R runs
# fread with its default (getDTthreads()) and again with nThread = 2, its BLAS with the default threading;
# statsmodels with numpy's default BLAS threading. The machine may be shared, so each round runs every command
# once (interleaved) under /usr/bin/time -v, the input read into the page cache first (every tool alike): wall,
# user+sys CPU and peak RSS; round 1 keeps each tool's estimates for the side-by-side table.
# Writes Benchmarks/data/mixed_out_scale$SCALE/{env.txt,cpu_rss.txt,hyperfine.json,estimates.md,summary.md}
# and each tool's round-1 output and standard error (<workload>_<tool>.{csv,err}; alliance's report <workload>_alliance.json).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-1}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-1800}
SLOW=${SLOW:-300}
WORKLOADS=${WORKLOADS:-a b b_uncorr}
TOOLS=${TOOLS:-alliance r r2 sm}
ALLIANCE=${ALLIANCE:-.build/release/alliance}
OUT=Benchmarks/data/mixed_out_scale$SCALE
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.csv "$OUT"/*.err "$OUT"/*.txt "$OUT"/*.md  # nothing from an earlier run is reported

# A tuned environment would hide the user's experience: refuse to run in one.
for v in OPENBLAS_NUM_THREADS OMP_NUM_THREADS MKL_NUM_THREADS GOTO_NUM_THREADS VECLIB_MAXIMUM_THREADS \
         NUMEXPR_NUM_THREADS R_DATATABLE_NUM_THREADS OPENBLAS_CORETYPE; do
    if [ -n "${!v:-}" ]; then echo "unset $v first: benchmarks run in the user's default environment" >&2; exit 1; fi
done
for w in $WORKLOADS; do
    case $w in a|b|b_uncorr) ;; *) echo "unknown workload '$w': use a, b, b_uncorr" >&2; exit 64 ;; esac
done
for t in $TOOLS; do
    case $t in alliance|r|r2|sm) ;; *) echo "unknown tool '$t': use alliance, r, r2, sm" >&2; exit 64 ;; esac
done
wants() { [[ " $TOOLS " == *" $1 "* ]]; }
if wants alliance && [ ! -x "$ALLIANCE" ]; then
    echo "missing $ALLIANCE: run 'make release' first (or leave alliance out of TOOLS)" >&2; exit 1
fi

# Data: one file per workload family, generated once per scale.
paths=$(python3 Benchmarks/gen_mixed.py --print-paths --scale "$SCALE" --outdir Benchmarks/data)
DATA_A=$(sed -n 1p <<< "$paths")
DATA_B=$(sed -n 2p <<< "$paths")
for w in $WORKLOADS; do
    case $w in a) f=$DATA_A; g=a ;; *) f=$DATA_B; g=b ;; esac
    if [ ! -f "$f" ]; then
        echo "generating $f" >&2
        python3 Benchmarks/gen_mixed.py --workload "$g" --scale "$SCALE" --outdir Benchmarks/data > /dev/null
    fi
done

FORMULA_a="y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + site + modality + (1 | therapist)"
FORMULA_b="y ~ session + x1 + (1 | therapist) + (session | client)"
FORMULA_b_uncorr="y ~ session + x1 + (1 | therapist) + (session || client)"
TOOLS_a="alliance r r2 sm"
TOOLS_b="alliance r r2"
TOOLS_b_uncorr="alliance r sm"

NAMES=()
add() {  # add NAME COMMAND...: a command array named NAME
    local name=$1; shift
    declare -ga "$name"
    local -n ref=$name
    ref=("$@")
    NAMES+=("$name")
}
for w in $WORKLOADS; do
    formula_var=FORMULA_$w; tools_var=TOOLS_$w
    formula=${!formula_var}
    case $w in a) data=$DATA_A ;; *) data=$DATA_B ;; esac
    for t in ${!tools_var}; do
        wants "$t" || continue
        case $t in
            alliance) add "${w}_alliance" "$ALLIANCE" fit lmm "$data" --formula "$formula" --format csv ;;
            r) add "${w}_r" Rscript Benchmarks/mixed_r.R "$formula" "$data" ;;
            r2) add "${w}_r2" Rscript Benchmarks/mixed_r.R "$formula" "$data" 2 ;;
            sm) add "${w}_sm" python3 Benchmarks/mixed_statsmodels.py "$w" "$data" ;;
        esac
    done
done
[ ${#NAMES[@]} -gt 0 ] || { echo "nothing to run for WORKLOADS='$WORKLOADS' TOOLS='$TOOLS'" >&2; exit 64; }

quoted() { local -n cmd=$1; printf '%q ' "${cmd[@]}"; }

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cores online"
    echo "ram: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    for f in $(printf '%s\n' "$DATA_A" "$DATA_B" | sort -u); do
        if [ -f "$f" ]; then
            echo "data: $f, $(($(wc -l < "$f") - 1)) rows, $(stat -L -c %s "$f") bytes, md5 $(md5sum "$f" | cut -d' ' -f1)"
        fi
    done
    if wants alliance; then
        echo "alliance: $ALLIANCE, built $(date -u -r "$ALLIANCE" '+%Y-%m-%d %H:%M UTC'); worktree HEAD $(git log -1 --format='%h' 2>/dev/null || echo '(no git)')"
    fi
    echo "swift: $(swift --version 2>&1 | head -1)"
    echo "R: $(R --version | head -1); data.table $(Rscript -e 'cat(as.character(packageVersion("data.table")))'); lme4 $(Rscript -e 'cat(as.character(packageVersion("lme4")))')"
    echo "python: $(python3 --version 2>&1); pandas $(python3 -c 'import pandas; print(pandas.__version__)'); statsmodels $(python3 -c 'import statsmodels; print(statsmodels.__version__)'); numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
    echo "threads: nothing exported; R BLAS $(Rscript -e 'cat(sessionInfo()$BLAS)'); fread default getDTthreads() = $(Rscript -e 'cat(data.table::getDTthreads())') and nThread = 2"
    echo "settings: SCALE=$SCALE ROUNDS=$ROUNDS RUNS=$RUNS TIMEOUT=$TIMEOUT SLOW=$SLOW WORKLOADS='$WORKLOADS' TOOLS='$TOOLS'"
    for w in $WORKLOADS; do v=FORMULA_$w; echo "formula $w: ${!v}"; done
    echo "load before: $(uptime)"
} > "$OUT/env.txt"
cat "$OUT/env.txt" >&2

# 0. alliance must fit every workload before hours of peers are spent (this run also warms the page cache); its JSON
#    report (the timed command with --format json) gives the estimates table.
for name in "${NAMES[@]}"; do
    [[ $name == *_alliance ]] || continue
    cmd="$name[@]"
    report=("${!cmd}")
    report[-1]=json
    if ! "${report[@]}" > "$OUT/$name.json" 2> "$OUT/$name.err"; then
        echo "alliance failed on $name ($(quoted "$name")):" >&2
        cat "$OUT/$name.err" >&2
        echo "(a build without 'fit lmm' cannot be timed: leave alliance out of TOOLS to time the peers alone)" >&2
        exit 1
    fi
done

# 1. Interleaved rounds under /usr/bin/time -v, each command under `timeout`. A command that timed out, failed,
#    or took longer than $SLOW seconds in round 1 is not run again.
: > "$OUT/cpu_rss.txt"
declare -A done_with=()
for round in $(seq 1 "$ROUNDS"); do
    # Each round starts one command later than the one before (round 2 with the second, …), so that no tool always
    # runs first after the page-cache read or right after the same peer.
    shift_by=$(( (round - 1) % ${#NAMES[@]} ))
    for name in "${NAMES[@]:$shift_by}" "${NAMES[@]:0:$shift_by}"; do
        [ -z "${done_with[$name]:-}" ] || continue
        cmd="$name[@]"
        target=/dev/null; errors=/dev/null
        if [ "$round" = 1 ]; then
            target="$OUT/$name.csv"
            errors="$OUT/$name.err"
        fi
        # The input is read into the page cache before every timed command, each tool alike: this machine's kernel
        # pages out file cache left unread for a minute (DAMON reclaim), and the first tool to read the file after a
        # peer's long run otherwise paid for the disk.
        w=${name%_*}
        case $w in a) cat "$DATA_A" > /dev/null ;; *) cat "$DATA_B" > /dev/null ;; esac
        set +e
        /usr/bin/time -v -o "$OUT/time_$name.txt" timeout -k 30 "$TIMEOUT" "${!cmd}" > "$target" 2> "$errors"
        rc=$?
        set -e
        user=$(sed -n 's/.*User time (seconds): //p' "$OUT/time_$name.txt")
        sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/time_$name.txt")
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time_$name.txt")
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time_$name.txt")
        status=ok
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            status=timeout; done_with[$name]=1
            echo "$name: stopped after $TIMEOUT s" >&2
        elif [ "$rc" != 0 ]; then
            status=failed; done_with[$name]=1
            echo "$name failed (exit $rc); its standard error:" >&2
            [ "$errors" = /dev/null ] || tail -20 "$errors" >&2
        fi
        echo "$round $name $status $user $sys $kb $wall" | tee -a "$OUT/cpu_rss.txt" >&2
        if [ "$status" = ok ] && python3 -c "import sys; h, m, s = (['0'] + sys.argv[1].split(':'))[-3:]; sys.exit(0 if 3600 * int(h) + 60 * int(m) + float(s) > float(sys.argv[2]) else 1)" "$wall" "$SLOW"; then
            done_with[$name]=1
            echo "$name took over $SLOW s: not repeated" >&2
        fi
    done
done

# 2. Estimates side by side (round 1), with each tool's largest relative difference from lme4 (R). Also, not
#    timed: statsmodels' own REML log-likelihood at lme4's estimates, which equals lme4's when both specify the
#    same model, whether or not MixedLM's optimizer reached that optimum.
for name in "${NAMES[@]}"; do
    [[ $name == *_sm ]] || continue
    w=${name%_sm}
    lme4="$OUT/${w}_r.csv"
    rm -f "$OUT/${name}_at_lme4.txt"
    if grep -q "^$w"'_r ok' <(sed -n 's/^1 //p' "$OUT/cpu_rss.txt"); then
        case $w in a) data=$DATA_A ;; *) data=$DATA_B ;; esac
        timeout -k 30 "$TIMEOUT" python3 Benchmarks/mixed_statsmodels.py "$w" "$data" --loglike-at "$lme4" \
            > "$OUT/${name}_at_lme4.txt" 2>> "$OUT/$name.err" || rm -f "$OUT/${name}_at_lme4.txt"
    fi
done
python3 Benchmarks/mixed_compare.py "$OUT" $WORKLOADS > "$OUT/estimates.md"
cat "$OUT/estimates.md" >&2

# 3. alliance's wall time again with hyperfine (1 warm-up + $RUNS runs): it is the fast tool, so its
#    figure gets more runs; the ratios in the summary use the interleaved rounds for every tool alike.
if wants alliance; then
    args=()
    for name in "${NAMES[@]}"; do [[ $name == *_alliance ]] && args+=(-n "$name" "$(quoted "$name")"); done
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hyperfine.json" "${args[@]}" >&2
else
    rm -f "$OUT/hyperfine.json"
fi
echo "load after: $(uptime)" >> "$OUT/env.txt"

# 4. Summary table.
TIMEOUT=$TIMEOUT python3 Benchmarks/mixed_compare.py --summary "$OUT" $WORKLOADS > "$OUT/summary.md"
cat "$OUT/env.txt" "$OUT/estimates.md" "$OUT/summary.md"
