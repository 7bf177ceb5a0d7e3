#!/usr/bin/env bash
# Builds the libFuzzer targets (both, or only those named: csv, formula) into $FUZZ_OUT
# (default: .build-fuzz/ at the package root):
#   fuzz-csv      CSVReader.read(data:sourceName:options:) + column summaries
#   fuzz-formula  Formula parser + ModelFrame + DesignMatrix + OLS fit against a small table
#   fuzz-statfile StatFileReader.read (ReadStat: .sav/.por/.dta/.sas7bdat/.xpt) + summaries + the .sav writer
# The module sources are compiled directly with swiftc, instrumented with -sanitize=fuzzer
# (plus address sanitizer unless FUZZ_SANITIZERS says otherwise). Exits 2 when the toolchain has
# no libFuzzer support, so callers can skip cleanly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${FUZZ_OUT:-$root/.build-fuzz}"
sanitizers="${FUZZ_SANITIZERS:-fuzzer,address}"
swiftc="${SWIFTC:-swiftc}"
mkdir -p "$out/modules"

probe="$out/probe.swift"
printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' > "$probe"
if ! "$swiftc" -sanitize="$sanitizers" -parse-as-library "$probe" -o "$out/probe" >/dev/null 2>&1; then
    echo "build.sh: this toolchain cannot build with -sanitize=$sanitizers (libFuzzer missing); skipping" >&2
    exit 2
fi

flags=(-sanitize="$sanitizers" -O -g -parse-as-library -swift-version 6)
# gold warns about every ASan helper symbol; keep the log readable.
quiet() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }

targets=("${@:-csv}")
[ $# -eq 0 ] && targets=(csv formula statfile)
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

if wants csv; then
echo "building fuzz-csv" >&2
quiet "$swiftc" "${flags[@]}" -module-name DataTable "$root"/Sources/DataTable/*.swift "$root/Fuzz/csv/main.swift" \
    -o "$out/fuzz-csv"
fi

if wants formula; then
echo "building fuzz-formula" >&2
# The Models module whole (formula, design, fits), over DataTable, Distributions, LinearAlgebra and Optimization built
# as instrumented library modules; LinearAlgebra reaches OpenBLAS/LAPACKE through Sources/CLapack.
blas_cflags=($(pkg-config --cflags openblas 2>/dev/null || true))
blas_libs=($(pkg-config --libs openblas 2>/dev/null || echo -lopenblas))
xcc=()
for f in "${blas_cflags[@]}"; do xcc+=(-Xcc "$f"); done
library() { # name, extra flags..., then sources after --
    local name="$1"; shift
    local extra=()
    while [ "$1" != "--" ]; do extra+=("$1"); shift; done
    shift
    quiet "$swiftc" "${flags[@]}" -module-name "$name" -I "$out/modules" "${extra[@]}" \
        -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -emit-library -static -o "$out/modules/lib$name.a" "$@"
}
library DataTable -- "$root"/Sources/DataTable/*.swift
library Distributions -- "$root"/Sources/Distributions/*.swift
library LinearAlgebra -I "$root/Sources/CLapack" "${xcc[@]}" -- "$root"/Sources/LinearAlgebra/*.swift
# Optimization (NLopt through Sources/CNLopt): the mixed models in Models minimise with it.
library Optimization -I "$root/Sources/CNLopt" -I "$root/Sources/CLapack" "${xcc[@]}" -- "$root"/Sources/Optimization/*.swift
quiet "$swiftc" "${flags[@]}" -module-name Models -I "$out/modules" -I "$root/Sources/CLapack" -I "$root/Sources/CNLopt" \
    -I "$root/Sources/CPrefetch" "${xcc[@]}" \
    -L "$out/modules" -lOptimization -lLinearAlgebra -lDistributions -lDataTable -lnlopt "${blas_libs[@]}" -llapacke \
    $(find "$root/Sources/Models" -name '*.swift' | sort) "$root/Fuzz/formula/main.swift" -o "$out/fuzz-formula"
fi
if wants statfile; then
echo "building fuzz-statfile" >&2
# StatFiles over an instrumented DataTable; ReadStat through Sources/CReadStat (libreadstat-dev).
quiet "$swiftc" "${flags[@]}" -module-name DataTable -emit-module -emit-module-path "$out/modules/DataTable.swiftmodule" \
    -emit-library -static -o "$out/modules/libDataTable.a" "$root"/Sources/DataTable/*.swift
quiet "$swiftc" "${flags[@]}" -module-name StatFiles -I "$out/modules" -I "$root/Sources/CReadStat" \
    -L "$out/modules" -lDataTable -lreadstat "$root"/Sources/StatFiles/*.swift "$root/Fuzz/statfile/main.swift" \
    -o "$out/fuzz-statfile"
fi
echo "built ${targets[*]} in $out" >&2
