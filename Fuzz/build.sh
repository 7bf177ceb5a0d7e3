#!/usr/bin/env bash
# Builds the libFuzzer targets (both, or only those named: csv, formula) into $FUZZ_OUT
# (default: .build-fuzz/ at the package root):
#   fuzz-csv      CSVReader.read(data:sourceName:options:) + column summaries
#   fuzz-formula  Formula parser + ModelFrame + DesignMatrix against a small table
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
[ $# -eq 0 ] && targets=(csv formula)
wants() { [[ " ${targets[*]} " == *" $1 "* ]]; }

if wants csv; then
echo "building fuzz-csv" >&2
quiet "$swiftc" "${flags[@]}" -module-name DataTable "$root"/Sources/DataTable/*.swift "$root/Fuzz/csv/main.swift" \
    -o "$out/fuzz-csv"
fi

if wants formula; then
echo "building fuzz-formula" >&2
# DataTable as an instrumented library module, then the formula and design code on top of it.
quiet "$swiftc" "${flags[@]}" -module-name DataTable -emit-module -emit-module-path "$out/modules/DataTable.swiftmodule" \
    -emit-library -static -o "$out/modules/libDataTable.a" "$root"/Sources/DataTable/*.swift
quiet "$swiftc" "${flags[@]}" -module-name Models -I "$out/modules" -L "$out/modules" -lDataTable \
    "$root"/Sources/Models/Formula/*.swift "$root"/Sources/Models/Design/*.swift "$root/Sources/Models/ModelError.swift" \
    "$root/Fuzz/formula/main.swift" -o "$out/fuzz-formula"
fi
echo "built ${targets[*]} in $out" >&2
