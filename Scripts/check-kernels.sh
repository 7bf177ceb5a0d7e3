#!/usr/bin/env bash
# Runs a notebook (default: the demo, Notebooks-md/alliance-outcome.md) under two OpenBLAS kernels in fresh
# processes (OpenBLAS reads OPENBLAS_CORETYPE when it loads) and asserts that the human-facing report files
# (.md, .html, .svg) are byte-identical and that `alliance run --check` finds the runs identical or numerically
# equal (docs/reproducibility.md). Skipped, with a message, where the kernels cannot run (not x86-64 with AVX).
#   Scripts/check-kernels.sh [ALLIANCE_BINARY] [NOTEBOOK]    (kernels: KERNELS="Prescott Sandybridge")
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/alliance}
notebook=${2:-Notebooks-md/alliance-outcome.md}
read -r -a kernels <<< "${KERNELS:-Prescott Sandybridge}"
first=${kernels[0]}
second=${kernels[1]}

if [[ "$(uname -m)" != x86_64 ]] || ! grep -qw avx /proc/cpuinfo 2>/dev/null; then
    echo "check-kernels: skipped (needs x86-64 with AVX to run the $first and $second kernels)"
    exit 0
fi
if [[ ! -x "$bin" ]]; then
    echo "check-kernels: $bin not found; build alliance first (swift build)" >&2
    exit 66
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for k in "$first" "$second"; do
    OPENBLAS_CORETYPE=$k "$bin" run "$notebook" --out "$work/$k" > /dev/null
    core=$(sed -n 's/^ *"core": "\(.*\)",$/\1/p' "$work/$k/manifest.json" | head -n 1)
    if [[ "$core" != "$k" ]]; then
        echo "check-kernels: asked OpenBLAS for $k, the manifest records '$core'" >&2
        exit 1
    fi
done

status=0
while IFS= read -r -d '' f; do
    rel=${f#"$work/$first/"}
    if ! cmp -s "$f" "$work/$second/$rel"; then
        echo "check-kernels: $rel differs between $first and $second:" >&2
        diff "$f" "$work/$second/$rel" | head -n 6 >&2 || true
        status=1
    fi
done < <(find "$work/$first" -type f \( -name '*.md' -o -name '*.html' -o -name '*.svg' \) -print0)
[[ $status -eq 0 ]] || exit 1

set +e
verdict=$(OPENBLAS_CORETYPE=$second "$bin" run "$notebook" --check "$work/$first")
code=$?
set -e
echo "$verdict"
case $code in
    0|1) echo "check-kernels: $notebook — report byte-identical under $first and $second; --check: ${verdict%%:*}" ;;
    *) echo "check-kernels: --check exit status $code (expected 0 identical or 1 numerically equal)" >&2; exit 1 ;;
esac
