#!/usr/bin/env bash
# The main job: run the alliance–outcome notebook on the bundled synthetic data into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/alliance}
ALLIANCE_GIT_COMMIT=$(git rev-parse HEAD 2>/dev/null || true)
export ALLIANCE_GIT_COMMIT
"$bin" run Notebooks-md/alliance-outcome.md --out out/alliance-outcome
echo
echo "Done. Open out/alliance-outcome/alliance-outcome.html in a browser"
echo "(Markdown: out/alliance-outcome/alliance-outcome.md; manifest: out/alliance-outcome/manifest.json)."
