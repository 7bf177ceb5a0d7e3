#!/usr/bin/env bash
# Renders a notebook's HTML report in headless Chromium to a PNG, to check that it reads well
# (tables, figures, headings). Needs `chromium` (apt-get install chromium).
# Usage: Scripts/screenshot-report.sh out/alliance-outcome/alliance-outcome.html report.png [height]
set -euo pipefail
html=${1:?HTML report}
png=${2:?output PNG}
height=${3:-6000}
command -v chromium >/dev/null || { echo "chromium not found: apt-get install chromium" >&2; exit 2; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,"$height" \
  --screenshot="$(realpath -m "$png")" "file://$(realpath "$html")" 2>/dev/null
echo "wrote $png"
