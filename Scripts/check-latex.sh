#!/usr/bin/env bash
# Compiles alliance's LaTeX table output (fit, reliability, correlate, describe on the bundled data) as
# booktabs `tabular` fragments with pdflatex. Needs texlive-latex-base and texlive-latex-recommended, which are
# too heavy for every CI run; run it after changing the LaTeX renderer. Exits non-zero on a LaTeX error.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/alliance}
command -v pdflatex >/dev/null || { echo "pdflatex not found: apt-get install texlive-latex-base texlive-latex-recommended" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" score Datasets/clinic.csv --instrument wai-sr --prefix wai_ --out "$work/scored.csv" > /dev/null 2>&1
"$bin" describe Datasets/clinic.csv --max-levels 5 --format latex > "$work/describe.tex"
"$bin" fit ols "$work/scored.csv" --formula "phq_post ~ wai_sr_total + phq_pre + site" --cluster therapist --format latex > "$work/fit.tex"
"$bin" fit logit "$work/scored.csv" --formula "dropout ~ wai_sr_total" --exponentiate --format latex > "$work/logit.tex"
"$bin" reliability "$work/scored.csv" --instrument wai-sr --prefix wai_ --subscales --format latex > "$work/reliability.tex"
"$bin" correlate "$work/scored.csv" --vars wai_sr_total,phq_pre,phq_post --format latex > "$work/correlate.tex"
for f in describe fit logit reliability correlate; do
  printf '\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{%s}\n\\end{document}\n' "$work/$f.tex" > "$work/doc-$f.tex"
  if (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error "doc-$f.tex" > "log-$f.txt" 2>&1); then
    echo "ok: $f"
  else
    echo "FAILED: $f"; grep -A3 '^!' "$work/log-$f.txt" >&2; exit 1
  fi
done
