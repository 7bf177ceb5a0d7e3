#!/usr/bin/env bash
# The extra flags `make release` compiles with. On an x86-64 Linux machine whose processor has the x86-64-v3 features
# (AVX, AVX2, FMA, BMI1/2, MOVBE, F16C, LZCNT, and v2's SSE4.2 and POPCNT: Intel Haswell, 2013, AMD Zen, 2017, and
# later) the Swift code is compiled for that level: `-target-cpu haswell`, the oldest processor the Swift compiler names
# with exactly those features. Without fast-math flags the compiler neither reorders nor fuses floating-point arithmetic,
# so the results are the same bits; the wider vectors make the CSV read and the cross-product kernels 4–8% faster
# (Benchmarks/RESULTS.md). The binary then needs such a processor: Sources/CPUCheck stops it with a message on an older
# one. Elsewhere (another architecture, an older processor) nothing: the toolchain's portable default.
# Usage: Scripts/cpu-flags.sh [CPUINFO]   (default /proc/cpuinfo; tests pass a file)
set -euo pipefail
cpuinfo=${1:-/proc/cpuinfo}
if [ "$(uname -m)" != x86_64 ] || [ ! -r "$cpuinfo" ]; then exit 0; fi
flags=" $( (grep -m1 '^flags' "$cpuinfo" || true) | cut -d: -f2 | tr '\t' ' ') "
for feature in sse4_2 popcnt avx avx2 fma bmi1 bmi2 movbe f16c abm; do
    if [[ "$flags" != *" $feature "* ]]; then exit 0; fi
done
echo "-Xswiftc -target-cpu -Xswiftc haswell -Xcc -DALLIANCE_X86_64_V3"
