#!/usr/bin/env bash
# Regenerates docs/gallery/*.svg (every plot type alliance draws) from Datasets/clinic.csv.
# Usage: Scripts/gallery.sh [path/to/alliance]   (`make gallery` builds release first and passes it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$(cd "$(dirname "${1:-.build/release/alliance}")" && pwd)/$(basename "${1:-.build/release/alliance}")
out=$root/docs/gallery
mkdir -p "$out"
# Run in a scratch directory on a copy of the data, so the SVG descriptions name 'clinic.csv' and
# 'scored.csv' rather than a machine-specific path (the gallery bytes are then reproducible).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Datasets/clinic.csv "$work/clinic.csv"
cd "$work"
run() { echo "+ alliance $*" >&2; "$bin" "$@" > /dev/null; }

# WAI-SR total (wai_sr_total) for the alliance plots; the scored file is a temporary intermediate.
run score clinic.csv --instrument wai-sr --prefix wai_ --out scored.csv

run plot scatter scored.csv --x wai_sr_total --y phq_post --fit ols \
    --title "Post-treatment PHQ-9 against the WAI-SR total" --out "$out/scatter-fit.svg"
run plot scatter scored.csv --x wai_sr_total --y phq_post --fit ols --by site \
    --title "PHQ-9 after treatment against alliance, by site" --out "$out/scatter-by-site.svg"
run plot histogram clinic.csv --x phq_pre --title "PHQ-9 at intake" --out "$out/histogram.svg"
run plot histogram scored.csv --x wai_sr_total --by gender --title "WAI-SR total by gender" \
    --out "$out/histogram-by-gender.svg"
run fit ols scored.csv --formula "phq_post ~ wai_sr_total + phq_pre + site" --plot "$out/fit-ols.svg"
run fit logit scored.csv --formula "dropout ~ wai_sr_total + phq_pre" --exponentiate --plot "$out/fit-logit.svg"
run fit negbin scored.csv --formula "sessions_attended ~ wai_sr_total + phq_pre" --exponentiate --plot "$out/fit-negbin.svg"
run correlate scored.csv --vars wai_sr_total,phq_pre,phq_post,homework,sessions_attended --plot "$out/correlations.svg"
run change clinic.csv --pre phq_pre --post phq_post --instrument phq-9 --plot "$out/change.svg"
echo "Gallery written to docs/gallery/ (see docs/gallery.md)." >&2
