#!/usr/bin/env bash
# CI smoke run of the libFuzzer targets: builds all three (Fuzz/build.sh) and runs each for
# FUZZ_SECONDS (default 20) over its committed seed corpus. Exits non-zero on a crash, a timeout
# (a hang), a memory-limit breach or a leak; exits 0 with a message when the toolchain has no
# -sanitize=fuzzer support. New inputs go to a scratch corpus, never into the committed seeds.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export FUZZ_OUT="${FUZZ_OUT:-$root/.build-fuzz}"
seconds="${FUZZ_SECONDS:-20}"

"$root/Fuzz/build.sh"
status=$?
if [ $status -eq 2 ]; then
    echo "smoke.sh: SKIPPED: swiftc here cannot build libFuzzer targets (-sanitize=fuzzer)." >&2
    exit 0
elif [ $status -ne 0 ]; then
    echo "smoke.sh: building the fuzz targets failed (status $status)" >&2
    exit $status
fi

failed=0
for target in csv formula statfile; do
    work="$(mktemp -d)"
    artifacts="$FUZZ_OUT/smoke-artifacts-$target/"
    mkdir -p "$artifacts"
    echo "smoke.sh: fuzz-$target for ${seconds}s" >&2
    if ! "$FUZZ_OUT/fuzz-$target" "$work" "$root/Fuzz/$target/seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$artifacts" -print_final_stats=1 > "$FUZZ_OUT/smoke-$target.log" 2>&1; then
        echo "smoke.sh: fuzz-$target FAILED; log: $FUZZ_OUT/smoke-$target.log, reproducer in $artifacts" >&2
        tail -40 "$FUZZ_OUT/smoke-$target.log" >&2
        failed=1
    else
        grep -E "stat::number_of_executed_units|^Done" "$FUZZ_OUT/smoke-$target.log" >&2 || true
    fi
    rm -rf "$work"
done
exit $failed
